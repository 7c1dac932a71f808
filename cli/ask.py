"""`quarry ask`: one question, answered with numbered sources."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated

import typer

from cli.common import DataDir, EmbedderOpt, app, make_settings


@app.command()
def ask(
    question: Annotated[
        str, typer.Argument(help="The question, 1 to 2,000 characters.", metavar="QUESTION")
    ],
    top_k: Annotated[
        int | None,
        typer.Option(
            "--top-k",
            "-k",
            metavar="N",
            help="Passages to retrieve, 1-50 [env QUARRY_TOP_K, default 5].",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the API's JSON response.")] = False,
    data_dir: DataDir = None,
    embedder: EmbedderOpt = None,
) -> None:
    """Answer a question with numbered, checkable sources.

    \b
    Examples:
      quarry ask "How much is the USSM deal worth?"
      quarry ask "Who signed the MoU?" --json
      quarry ask "What did the minister say?" -k 10
    """
    from qa.question import check_question
    from quarry.engine import Engine

    question = check_question(question)
    settings = make_settings(data_dir=data_dir, embedder=embedder, top_k=top_k)
    result = Engine(settings).answer(question, settings.top_k)
    if as_json:
        typer.echo(json.dumps(asdict(result), indent=2, ensure_ascii=False))
        return
    typer.echo(result.answer)
    if result.abstain_reason:
        typer.echo(f"Why: {result.abstain_reason}")
    if result.citations:
        typer.echo("\nSources:")
        for c in result.citations:
            page = f", page {c.page}" if c.page else ""
            typer.echo(f"  [{c.n}] {c.title} ({c.doc_id}, chars {c.char_start}-{c.char_end}{page})")
    for conflict in result.conflicts:
        what = "figures" if conflict.kind == "figures" else "readings"
        typer.echo(f'\nSources disagree ({what}) on "{conflict.topic}?":')
        for claim in conflict.claims:
            typer.echo(f"  - {claim.title}: {claim.text}")
