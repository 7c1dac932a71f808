"""Write an eval report as JSON, Markdown and a self-contained HTML page with SVG charts.

Both human formats open with the gate's verdict, then the run (date, commit, settings), the
metrics beside their baseline, and the failing questions first, each with what was expected.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from eval.runner import RECALL_KS


def write_reports(
    report: dict[str, Any],
    out_dir: Path,
    regressions: list[str],
    baseline: dict[str, Any] | None = None,
) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / "report.json", out_dir / "report.md", out_dir / "report.html"]
    deltas = _deltas(report["metrics"], baseline)
    paths[0].write_text(
        json.dumps(
            {**report, "regressions": regressions, "baseline_deltas": deltas},
            indent=2,
            ensure_ascii=False,
        )
        + "\n"
    )
    paths[1].write_text(markdown(report, regressions, baseline))
    paths[2].write_text(html_page(report, regressions, baseline))
    return paths


def _deltas(metrics: dict[str, float], baseline: dict[str, Any] | None) -> dict[str, float]:
    base = (baseline or {}).get("metrics", {})
    return {k: round(metrics[k] - v, 4) for k, v in base.items() if k in metrics}


def _ordered(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Failing questions first, then the rest, each group in gold-set order."""
    return sorted(report["questions"], key=lambda q: q["pass"])


def _verdict(regressions: list[str], baseline: dict[str, Any] | None) -> str:
    if regressions:
        return f"GATE FAILED: {len(regressions)} metric(s) regressed"
    return "GATE PASSED" if baseline else "GATE PASSED (no baseline to compare with)"


def markdown(
    report: dict[str, Any], regressions: list[str], baseline: dict[str, Any] | None = None
) -> str:
    metrics = report["metrics"]
    base = (baseline or {}).get("metrics", {})
    deltas = _deltas(metrics, baseline)
    lines = [f"# Quarry eval report: {_verdict(regressions, baseline)}", ""]
    lines += [f"- REGRESSION: {r}" for r in regressions]
    run = report.get("run", {})
    if run:
        lines += [
            "",
            f"Run {run.get('date', '?')}, commit {run.get('commit', '?')}, "
            f"target {run.get('target', '?')}, gold {run.get('gold', '?')}",
            "",
            "Settings: " + ", ".join(f"{k}={v}" for k, v in run.get("settings", {}).items()),
        ]
    lines += ["", "| metric | value | baseline | delta |", "|---|---|---|---|"]
    for k, v in metrics.items():
        delta = f"{deltas[k]:+.4f}" if k in deltas else ""
        lines.append(f"| {k} | {v} | {base.get(k, '')} | {delta} |")
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
    failed = [q for q in _ordered(report) if not q["pass"]]
    lines += ["", f"## Failing questions ({len(failed)})", ""]
    for q in failed:
        expected = " | ".join(q.get("expected") or []) or "(abstain: not in the documents)"
        lines += [
            f"### {q['id']} ({q['type']}): {q['question']}",
            f"- expected: {expected}",
            f"- answer: {q['answer'][:300]}",
        ]
        if q.get("abstain_reason"):
            lines.append(f"- why it abstained: {q['abstain_reason']}")
        lines += [f"- evidence ({e['doc_id']}): {e['quote'][:200]}" for e in q.get("evidence", [])]
        lines.append("")
    return "\n".join(lines) + "\n"


def _svg_line(points: list[tuple[str, float]], title: str, x_label: str, y_label: str) -> str:
    """A line chart on a 0-1 scale with labelled axes and grid lines."""
    w, h, left, right, top, bottom = 380, 230, 48, 16, 28, 44
    plot_w, plot_h = w - left - right, h - top - bottom
    inset = 20  # keeps the first and last points clear of the axis labels
    step = (plot_w - 2 * inset) / max(len(points) - 1, 1)
    coords = [(left + inset + i * step, top + (1 - v) * plot_h) for i, (_, v) in enumerate(points)]
    grid = "".join(
        f'<line x1="{left}" y1="{top + (1 - t) * plot_h:.1f}" x2="{w - right}" '
        f'y2="{top + (1 - t) * plot_h:.1f}" stroke="#e5e7eb"/>'
        f'<text x="{left - 6}" y="{top + (1 - t) * plot_h + 4:.1f}" font-size="10" '
        f'text-anchor="end">{t:.2f}</text>'
        for t in (0.0, 0.25, 0.5, 0.75, 1.0)
    )
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    marks = "".join(
        f'<text x="{x:.1f}" y="{h - bottom + 16}" font-size="11" text-anchor="middle">'
        f"{html.escape(n)}</text>"
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#2563eb"/><text x="{x:.1f}" '
        f'y="{y - 8:.1f}" font-size="10" text-anchor="middle">{v:.3f}</text>'
        for (n, v), (x, y) in zip(points, coords, strict=True)
    )
    return (
        f'<svg width="{w}" height="{h}" role="img" aria-label="{html.escape(title)}">'
        f'<text x="{w / 2}" y="16" font-size="13" text-anchor="middle">{html.escape(title)}'
        f"</text>{grid}"
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{h - bottom}" stroke="#374151"/>'
        f'<line x1="{left}" y1="{h - bottom}" x2="{w - right}" y2="{h - bottom}" '
        f'stroke="#374151"/><polyline points="{path}" fill="none" stroke="#2563eb" '
        f'stroke-width="2"/>{marks}'
        f'<text x="{left + plot_w / 2}" y="{h - 6}" font-size="11" text-anchor="middle">'
        f"{html.escape(x_label)}</text>"
        f'<text x="12" y="{top + plot_h / 2}" font-size="11" text-anchor="middle" '
        f'transform="rotate(-90 12 {top + plot_h / 2})">{html.escape(y_label)}</text></svg>'
    )


def _svg_bars(points: list[tuple[str, float]], title: str, x_label: str) -> str:
    """Horizontal bars on a 0-1 axis with ticks; each bar labelled with its category and value."""
    w, row, left, bar_w, top = 460, 22, 120, 280, 26
    h = top + row * len(points) + 40
    axis_y = top + row * len(points) + 4
    bars = "".join(
        f'<text x="{left - 6}" y="{top + i * row + 13}" font-size="11" text-anchor="end">'
        f"{html.escape(n)}</text>"
        f'<rect x="{left}" y="{top + i * row}" width="{v * bar_w:.1f}" height="16" '
        f'fill="#16a34a"/><text x="{left + 5 + v * bar_w:.1f}" y="{top + i * row + 13}" '
        f'font-size="11">{v:.2f}</text>'
        for i, (n, v) in enumerate(points)
    )
    ticks = "".join(
        f'<line x1="{left + t * bar_w:.1f}" y1="{axis_y}" x2="{left + t * bar_w:.1f}" '
        f'y2="{axis_y + 4}" stroke="#374151"/><text x="{left + t * bar_w:.1f}" '
        f'y="{axis_y + 15}" font-size="10" text-anchor="middle">{t:.2f}</text>'
        for t in (0.0, 0.25, 0.5, 0.75, 1.0)
    )
    return (
        f'<svg width="{w}" height="{h}" role="img" aria-label="{html.escape(title)}">'
        f'<text x="{w / 2}" y="16" font-size="13" text-anchor="middle">'
        f"{html.escape(title)}</text>{bars}"
        f'<line x1="{left}" y1="{top - 2}" x2="{left}" y2="{axis_y}" stroke="#374151"/>'
        f'<line x1="{left}" y1="{axis_y}" x2="{left + bar_w}" y2="{axis_y}" stroke="#374151"/>'
        f'{ticks}<text x="{left + bar_w / 2}" y="{h - 4}" font-size="11" '
        f'text-anchor="middle">{html.escape(x_label)}</text></svg>'
    )


def html_page(
    report: dict[str, Any], regressions: list[str], baseline: dict[str, Any] | None = None
) -> str:
    e = html.escape
    metrics = report["metrics"]
    base = (baseline or {}).get("metrics", {})
    deltas = _deltas(metrics, baseline)
    recall = [(f"{k}", metrics.get(f"recall@{k}", 0.0)) for k in RECALL_KS]
    by_type = [
        (t, v.get("accuracy", v.get("abstention_recall", 0.0)))
        for t, v in report["by_type"].items()
    ]
    rows = []
    for q in _ordered(report):
        cites = "<br>".join(
            f"[{c['n']}] {e(c['doc_id'])} {c['char_start']}-{c['char_end']}" for c in q["citations"]
        )
        expected = " | ".join(q.get("expected") or []) or "(abstain)"
        evidence = "<br>".join(
            f"<b>{e(ev['doc_id'])}</b>: {e(ev['quote'])}" for ev in q.get("evidence", [])
        )
        status = "pass" if q["pass"] else "FAIL"
        rows.append(
            f"<tr class='{status.lower()}'><td>{status}</td><td>{e(q['id'])}</td>"
            f"<td>{e(q['type'])}</td><td>{e(q['question'])}</td><td>{e(expected)}</td>"
            f"<td>{e(_shown_answer(q))}</td><td>{cites}</td><td class='ev'>{evidence}</td></tr>"
        )
    verdict = _verdict(regressions, baseline)
    gate_class = "failed" if regressions else "passed"
    gate_items = "".join(f"<li>{e(r)}</li>" for r in regressions)
    table = "".join(
        f"<tr><td>{e(k)}</td><td>{v}</td><td>{base.get(k, '')}</td>"
        f"<td class='{_delta_class(deltas.get(k))}'>"
        f"{'' if k not in deltas else f'{deltas[k]:+.4f}'}</td></tr>"
        for k, v in metrics.items()
    )
    run = report.get("run", {})
    settings = ", ".join(f"{k}={v}" for k, v in run.get("settings", {}).items())
    run_line = (
        f"<p class='run'>Run {e(run.get('date', '?'))} &middot; commit "
        f"<code>{e(run.get('commit', '?'))}</code> &middot; {e(run.get('target', '?'))} "
        f"&middot; gold {e(run.get('gold', '?'))}<br>Settings: {e(settings)}</p>"
        if run
        else ""
    )
    n_fail = sum(not q["pass"] for q in report["questions"])
    return f"""<!doctype html><html lang="en"><meta charset="utf-8"><title>Quarry eval</title>
<style>body{{font:14px system-ui;margin:2em;color:#111}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ddd;padding:4px 6px;vertical-align:top;text-align:left}}
tr.fail{{background:#fee2e2}}.plots{{display:flex;gap:2em;flex-wrap:wrap}}
.gate{{padding:12px 16px;border-radius:8px;font-size:20px;font-weight:700;color:#fff}}
.gate.passed{{background:#15803d}}.gate.failed{{background:#b91c1c}}
.gate ul{{font-size:14px;font-weight:400;margin:6px 0 0}}.run{{color:#374151}}
.up{{color:#15803d}}.down{{color:#b91c1c;font-weight:700}}td.ev{{font-size:12px;max-width:28em}}
</style>
<div class="gate {gate_class}" id="gate">{e(verdict)}<ul>{gate_items}</ul></div>
<h1>Quarry eval report</h1>{run_line}
<div class="plots">{_svg_line(recall, "recall@k", "k (passages retrieved)", "recall")}
{_svg_bars(by_type, "accuracy by question type", "accuracy (abstention recall for unanswerable)")}
</div>
<h2>Metrics</h2><table><tr><th>metric</th><th>value</th><th>baseline</th><th>delta</th></tr>
{table}</table>
<p>Latency p50 {report["latency_ms"]["p50"]} ms, p95 {report["latency_ms"]["p95"]} ms</p>
<h2>Questions ({n_fail} failing, listed first)</h2><table><tr><th>result</th><th>id</th>
<th>type</th><th>question</th><th>expected</th><th>answer</th><th>citations</th>
<th>evidence</th></tr>{"".join(rows)}</table></html>
"""


def _delta_class(delta: float | None) -> str:
    if delta is None or abs(delta) < 1e-9:
        return ""
    return "up" if delta > 0 else "down"


def _shown_answer(q: dict[str, Any]) -> str:
    """The answer, and why it abstained when it did."""
    why = q.get("abstain_reason")
    return f"{q['answer']} ({why})" if why else q["answer"]
