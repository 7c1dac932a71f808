"""`quarry eval` (the gate) and `quarry gold` (importers of public QA sets)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from cli.common import DataDir, EmbedderOpt, app, fail, make_settings
from cli.documents import run_ingest
from quarry.settings import Settings


@app.command("eval")
def eval_cmd(
    url: Annotated[
        str | None,
        typer.Option(metavar="URL", help="Evaluate a running server instead of in-process."),
    ] = None,
    gold: Annotated[
        Path | None,
        typer.Option(metavar="FILE", help="Gold set JSONL [default: the bundled seed gold set]."),
    ] = None,
    corpus: Annotated[
        Path | None,
        typer.Option(
            metavar="DIR",
            help="Ingest this folder first (with prune) and evaluate over it; the index goes to "
            "--data-dir, or OUT/index when that is not given.",
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            metavar="DIR", help="Folder for report.json/.md/.html [default: DATA_DIR/eval-reports]."
        ),
    ] = None,
    baseline: Annotated[
        Path | None,
        typer.Option(
            metavar="FILE", help="Baseline JSON [default: the bundled eval/baseline.json]."
        ),
    ] = None,
    update_baseline: Annotated[
        bool, typer.Option("--update-baseline", help="Rewrite the baseline from this run.")
    ] = False,
    top_k: Annotated[
        int | None, typer.Option(metavar="N", help="Passages per question, 1-50 [default 5].")
    ] = None,
    api_key: Annotated[
        str | None,
        typer.Option("--api-key", metavar="KEY", help="Key sent as X-API-Key with --url."),
    ] = None,
    data_dir: DataDir = None,
    embedder: EmbedderOpt = None,
) -> None:
    """Run a gold set, write reports, and exit 1 if a metric regressed past tolerance.

    Ends with "gate passed" or "gate failed: ..." naming each metric that fell. A gold set
    with no baseline yet must reach the default floors (groundedness 1.0, accuracy 0.6,
    abstention recall 0.5, wrong-but-confident at most 0.25).
    Over --url, a 429 reply is waited out as its Retry-After says.

    \b
    Examples:
      quarry eval                                   # in-process, against ./quarry-data
      quarry eval --url http://127.0.0.1:8000       # gate a running service
      quarry eval --out reports/ --update-baseline  # accept the current figures deliberately
      quarry eval --gold my/gold.jsonl --corpus my/docs --baseline my/baseline.json
    """
    from eval.report import write_reports
    from eval.runner import (
        BASELINE,
        GOLD,
        HttpClient,
        InProcessClient,
        baseline_from,
        below_floors,
        compare,
        load_gold,
        run_eval,
    )
    from quarry.engine import Engine

    if corpus is not None and data_dir is None:
        data_dir = (out or Path("eval-reports")) / "index"
    settings = make_settings(data_dir=data_dir, embedder=embedder, top_k=top_k)
    # The bundled baseline belongs to the bundled gold set; another gold set brings its own.
    baseline_path = baseline or (BASELINE if gold is None else None)
    if update_baseline and baseline_path is None:
        raise fail("--update-baseline with --gold needs --baseline FILE: where to write it")
    out = out or Path(settings.data_dir) / "eval-reports"
    if corpus is not None:
        run_ingest(settings, [corpus], prune=True)
    headers = {"X-API-Key": api_key} if api_key else {}
    client = HttpClient(url, headers) if url else InProcessClient(Engine(settings))
    report = run_eval(client, load_gold(gold or GOLD), top_k=settings.top_k)
    report["run"] = _run_info(settings, url, gold or GOLD)
    if update_baseline and baseline_path is not None:
        baseline_path.write_text(json.dumps(baseline_from(report), indent=2) + "\n")
        typer.echo(f"baseline written to {baseline_path}")
    base = (
        json.loads(baseline_path.read_text())
        if baseline_path is not None and baseline_path.exists()
        else None
    )
    regressions = compare(report["metrics"], base) if base else below_floors(report["metrics"])
    paths = write_reports(report, out, regressions, base)
    for key, value in report["metrics"].items():
        typer.echo(f"{key:>22}  {value}")
    typer.echo(
        f"{'latency p50/p95 ms':>22}  {report['latency_ms']['p50']} / {report['latency_ms']['p95']}"
    )
    typer.echo(f"reports: {', '.join(str(p) for p in paths)}")
    if isinstance(client, HttpClient) and client.rate_limited_s:
        typer.echo(f"waited {client.rate_limited_s:.0f} s in all for the server's rate limit (429)")
    if regressions:
        hint = "" if base else " (no baseline: these are the default floors; see README)"
        typer.echo(f"gate failed: {'; '.join(regressions)}{hint}", err=True)
        raise typer.Exit(1)
    typer.echo("gate passed" if base else "gate passed (the default floors; no baseline given)")


def _run_info(settings: Settings, url: str | None, gold: Path) -> dict[str, Any]:
    """When, on which commit and with which settings a report was made."""
    import datetime
    import subprocess

    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            cwd=Path(__file__).resolve().parent,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    return {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": commit or "unknown",
        "target": url or f"in-process {settings.data_dir}",
        "gold": str(gold),
        "settings": {
            "top_k": settings.top_k,
            "embedder": settings.embedder,
            "retrieval": settings.retrieval,
            "hybrid_alpha": settings.hybrid_alpha,
            "abstain_threshold": settings.abstain_threshold,
            "stance_conflicts": settings.stance_conflicts,
        },
    }


gold_app = typer.Typer(
    help="Turn public QA datasets into a gold set and a corpus folder for `quarry eval`.",
    no_args_is_help=True,
)
app.add_typer(gold_app, name="gold")


@gold_app.command("squad2")
def gold_squad2(
    source: Annotated[Path, typer.Argument(help="SQuAD 2.0 JSON file.", metavar="FILE")],
    out: Annotated[Path, typer.Argument(help="Folder to write corpus/ and gold.jsonl.")],
    title: Annotated[
        list[str] | None,
        typer.Option(metavar="TITLE", help="Only these articles (repeatable) [default: all]."),
    ] = None,
) -> None:
    """SQuAD 2.0: each article one document; impossible questions must abstain.

    \b
    Example:
      quarry gold squad2 dev-v2.0.json squad/ --title Computational_complexity_theory
      quarry eval --gold squad/gold.jsonl --corpus squad/corpus --out squad/reports
    """
    from eval.importers import squad2

    _write_gold(squad2(source, title), out)


@gold_app.command("rgb")
def gold_rgb(
    source: Annotated[Path, typer.Argument(help="RGB en_fact JSONL file.", metavar="FILE")],
    out: Annotated[Path, typer.Argument(help="Folder to write corpus/ and gold.jsonl.")],
    setting: Annotated[
        str,
        typer.Option(
            metavar="SETTING",
            help="true (true + noise snippets), conflict (true + swapped + noise) or noise "
            "(noise only: must abstain).",
        ),
    ] = "true",
) -> None:
    """RGB counterfactual set: every snippet one document, all questions one corpus.

    \b
    Example:
      quarry gold rgb en_fact.jsonl rgb-conflict/ --setting conflict
      quarry eval --gold rgb-conflict/gold.jsonl --corpus rgb-conflict/corpus
    """
    from eval.importers import RGB_SETTINGS, rgb

    if setting not in RGB_SETTINGS:
        raise fail(f"--setting {setting!r} is not one of {', '.join(RGB_SETTINGS)}")
    _write_gold(rgb(source, setting), out)


def _write_gold(gold_set: Any, out: Path) -> None:
    corpus, gold = gold_set.write(out)
    typer.echo(
        f"wrote {len(gold_set.documents)} documents to {corpus} and "
        f"{len(gold_set.questions)} questions to {gold}"
    )
