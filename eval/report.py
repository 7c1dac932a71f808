"""Write an eval report as JSON, Markdown and a self-contained HTML page with SVG plots."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from eval.runner import RECALL_KS


def write_reports(report: dict[str, Any], out_dir: Path, regressions: list[str]) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / "report.json", out_dir / "report.md", out_dir / "report.html"]
    paths[0].write_text(
        json.dumps({**report, "regressions": regressions}, indent=2, ensure_ascii=False) + "\n"
    )
    paths[1].write_text(markdown(report, regressions))
    paths[2].write_text(html_page(report, regressions))
    return paths


def markdown(report: dict[str, Any], regressions: list[str]) -> str:
    metrics = report["metrics"]
    lines = ["# Quarry eval report", "", "| metric | value |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in metrics.items()]
    lat = report["latency_ms"]
    lines += ["", f"Latency per question: p50 {lat['p50']} ms, p95 {lat['p95']} ms", ""]
    keys = ["questions", "accuracy", "recall@5", "mrr", "citation_precision", "groundedness"]
    lines += [
        "## By question type",
        "",
        "| type | " + " | ".join(keys) + " |",
        "|---" * (len(keys) + 1) + "|",
    ]
    for t, vals in report["by_type"].items():
        lines.append(f"| {t} | " + " | ".join(str(vals.get(k, "")) for k in keys) + " |")
    lines += ["", "## Gate", ""]
    lines += [f"- REGRESSION: {r}" for r in regressions] or ["- passed: no metric regressed"]
    failed = [q for q in report["questions"] if not q["pass"]]
    lines += ["", f"## Failing questions ({len(failed)})", ""]
    lines += [f"- {q['id']} ({q['type']}): {q['question']} -> {q['answer'][:160]}" for q in failed]
    return "\n".join(lines) + "\n"


def _svg_line(points: list[tuple[str, float]], title: str) -> str:
    w, h, pad = 360, 200, 36
    step = (w - 2 * pad) / max(len(points) - 1, 1)
    coords = [(pad + i * step, h - pad - v * (h - 2 * pad)) for i, (_, v) in enumerate(points)]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    labels = "".join(
        f'<text x="{x:.1f}" y="{h - 12}" font-size="11" text-anchor="middle">'
        f"{html.escape(n)}</text>"
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3"/><text x="{x:.1f}" y="{y - 8:.1f}" '
        f'font-size="10" text-anchor="middle">{v:.2f}</text>'
        for (n, v), (x, y) in zip(points, coords, strict=True)
    )
    return (
        f'<svg width="{w}" height="{h}" role="img" aria-label="{html.escape(title)}">'
        f'<text x="{w / 2}" y="14" font-size="13" text-anchor="middle">{html.escape(title)}'
        f'</text><line x1="{pad}" y1="{h - pad}" x2="{w - pad}" y2="{h - pad}" '
        f'stroke="#999"/><polyline points="{path}" fill="none" stroke="#2563eb" '
        f'stroke-width="2"/>{labels}</svg>'
    )


def _svg_bars(points: list[tuple[str, float]], title: str) -> str:
    w, row = 420, 22
    h = 24 + row * len(points)
    bars = "".join(
        f'<text x="0" y="{24 + i * row + 14}" font-size="11">{html.escape(n)}</text>'
        f'<rect x="110" y="{24 + i * row}" width="{v * 250:.1f}" height="16" fill="#16a34a"/>'
        f'<text x="{115 + v * 250:.1f}" y="{24 + i * row + 13}" font-size="11">{v:.2f}</text>'
        for i, (n, v) in enumerate(points)
    )
    return (
        f'<svg width="{w}" height="{h}" role="img" aria-label="{html.escape(title)}">'
        f'<text x="{w / 2}" y="14" font-size="13" text-anchor="middle">'
        f"{html.escape(title)}</text>{bars}</svg>"
    )


def html_page(report: dict[str, Any], regressions: list[str]) -> str:
    e = html.escape
    metrics = report["metrics"]
    recall = [(f"@{k}", metrics.get(f"recall@{k}", 0.0)) for k in RECALL_KS]
    by_type = [
        (t, v.get("accuracy", v.get("abstention_recall", 0.0)))
        for t, v in report["by_type"].items()
    ]
    rows = []
    for q in report["questions"]:
        cites = "<br>".join(
            f"[{c['n']}] {e(c['doc_id'])} {c['char_start']}-{c['char_end']}" for c in q["citations"]
        )
        status = "pass" if q["pass"] else "FAIL"
        rows.append(
            f"<tr class='{status.lower()}'><td>{e(q['id'])}</td><td>{e(q['type'])}</td>"
            f"<td>{e(q['question'])}</td><td>{e(q['answer'])}</td><td>{cites}</td>"
            f"<td>{status}</td></tr>"
        )
    gate = "".join(f"<li>{e(r)}</li>" for r in regressions) or "<li>passed</li>"
    table = "".join(f"<tr><td>{e(k)}</td><td>{v}</td></tr>" for k, v in metrics.items())
    return f"""<!doctype html><html lang="en"><meta charset="utf-8"><title>Quarry eval</title>
<style>body{{font:14px system-ui;margin:2em}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ddd;padding:4px 6px;vertical-align:top}}tr.fail{{background:#fee2e2}}
.plots{{display:flex;gap:2em;flex-wrap:wrap}}</style>
<h1>Quarry eval report</h1><h2>Gate</h2><ul>{gate}</ul>
<div class="plots">{_svg_line(recall, "recall@k")}{_svg_bars(by_type, "accuracy by type")}</div>
<h2>Metrics</h2><table>{table}</table>
<p>Latency p50 {report["latency_ms"]["p50"]} ms, p95 {report["latency_ms"]["p95"]} ms</p>
<h2>Questions</h2><table><tr><th>id</th><th>type</th><th>question</th><th>answer</th>
<th>citations</th><th>result</th></tr>{"".join(rows)}</table></html>
"""
