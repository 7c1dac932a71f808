"""`quarry feedback`: read the answer feedback users gave, and export it as regression tests."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from cli.common import DataDir, app, fail, make_settings

feedback_app = typer.Typer(
    help="Answer feedback (thumbs from the widget, POST /feedback): list it, export it as tests.",
    no_args_is_help=True,
)
app.add_typer(feedback_app, name="feedback")


def _store(data_dir: Path | None):  # type: ignore[no-untyped-def]
    from index.layout import feedback_path
    from quarry.feedback import FeedbackStore

    path = feedback_path(Path(make_settings(data_dir=data_dir).data_dir))
    if not path.exists():
        raise fail(f"no feedback yet ({path} does not exist)")
    return FeedbackStore(path)


@feedback_app.command("list")
def list_feedback(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
    data_dir: DataDir = None,
) -> None:
    """Every piece of feedback, oldest first: when, up or down, the question, what was said.

    \b
    Example:
      quarry feedback list
    """
    for item in _store(data_dir).all():
        if as_json:
            typer.echo(json.dumps(asdict(item), ensure_ascii=False))
            continue
        when = datetime.fromtimestamp(item.at, UTC).strftime("%Y-%m-%d %H:%M")
        said = "; ".join(
            x
            for x in (
                item.comment,
                f"should say: {item.correct_answer}" if item.correct_answer else "",
                "should have abstained" if item.should_abstain else "",
            )
            if x
        )
        typer.echo(f"{when}\t{item.rating}\t{item.question}\t{said}")


@feedback_app.command("export")
def export(
    gold: Annotated[
        Path, typer.Option("--gold", metavar="FILE", help="The gold-set JSONL file to write.")
    ],
    data_dir: DataDir = None,
) -> None:
    """Write the feedback as a gold set that `quarry eval --gold FILE` runs, so a team's
    thumbs-down become regression tests in its CI.

    "Should have abstained" becomes an unanswerable question; a corrected answer must appear in
    the answer; a thumbs-up keeps its first cited quote in the answer. A thumbs-down with
    neither a correction nor "should have abstained" says too little to test and is skipped.

    \b
    Example:
      quarry feedback export --gold feedback-gold.jsonl
      quarry eval --gold feedback-gold.jsonl   # over the index in QUARRY_DATA_DIR
    """
    from quarry.feedback import export_gold

    written, skipped = export_gold(_store(data_dir), gold)
    typer.echo(
        f"wrote {written} gold question(s) to {gold}"
        + (f"; skipped {skipped} thumbs-down without a correction" if skipped else "")
    )
