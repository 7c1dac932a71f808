"""`quarry ask`: one question, answered with numbered sources; `quarry search`: the passages."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer

from cli.common import DataDir, EmbedderOpt, app, make_settings
from quarry.settings import Settings


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

    When a `quarry serve` over this same index answers at QUARRY_HOST:QUARRY_PORT, the question
    goes to it (milliseconds: its models are loaded); otherwise it is answered here.

    \b
    Examples:
      quarry ask "How much is the USSM deal worth?"
      quarry ask "Who signed the MoU?" --json
      quarry ask "What did the minister say?" -k 10
    """
    from qa.question import check_question

    question = check_question(question)
    settings = make_settings(data_dir=data_dir, embedder=embedder, top_k=top_k)
    body = _from_running_server(settings, "/ask", {"question": question, "top_k": settings.top_k})
    if body is None:  # no server over this index: answer here (loads the models, ~10 s)
        from quarry.engine import Engine

        body = asdict(Engine(settings).answer(question, settings.top_k))
    if as_json:
        typer.echo(json.dumps(body, indent=2, ensure_ascii=False))
        return
    typer.echo(body["answer"])
    if body["abstain_reason"]:
        typer.echo(f"Why: {body['abstain_reason']}")
    if body["citations"]:
        typer.echo("\nSources:")
        for c in body["citations"]:
            page = f", page {c['page']}" if c["page"] else ""
            where = f"chars {c['char_start']}-{c['char_end']}{page}"
            typer.echo(f"  [{c['n']}] {c['title']} ({c['doc_id']}, {where})")
    kinds = {"figures": "figures", "values": "values", "versions": "versions"}
    for conflict in body["conflicts"]:
        what = kinds.get(conflict["kind"], "readings")
        typer.echo(f'\nSources disagree ({what}) on "{conflict["topic"]}?":')
        for claim in conflict["claims"]:
            typer.echo(f"  - {claim['title']}: {claim['text']}")


def _from_running_server(
    settings: Settings, path: str, request: dict[str, Any]
) -> dict[str, Any] | None:
    """The reply of a ``quarry serve`` at QUARRY_HOST:QUARRY_PORT when one answers there
    over this very index version (its /readyz names the version CURRENT names here): it has
    its models loaded, so the answer takes milliseconds. None otherwise (no server, another
    index, keys required, any error): the caller answers in-process."""
    import httpx

    from index.layout import live_version

    live = live_version(Path(settings.data_dir)).path
    if live is None:
        return None
    base = f"http://{settings.host}:{settings.port}"
    try:
        ready = httpx.get(f"{base}/readyz", timeout=0.5)
        if ready.status_code != 200 or ready.json().get("version") != live.name:
            return None
        reply = httpx.post(f"{base}{path}", json=request, timeout=60)
    except (httpx.HTTPError, ValueError):
        return None
    if reply.status_code != 200:
        return None
    answer: dict[str, Any] = reply.json()
    return answer


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="What to search for, 1 to 2,000 characters.")],
    top_k: Annotated[
        int, typer.Option("--top-k", "-k", metavar="N", min=1, max=50, help="Passages, 1-50.")
    ] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print the API's JSON response.")] = False,
    data_dir: DataDir = None,
    embedder: EmbedderOpt = None,
) -> None:
    """Print the ranked passages for a query, as `quarry ask` retrieves them, with no answer:
    rank, title, where in the document, score and which retrievers found it.

    Like `quarry ask`, it uses a `quarry serve` over this index when one runs.

    \b
    Examples:
      quarry search "rare earth export controls"
      quarry search "CPEC investment" -k 3 --json
    """
    from qa.question import check_question

    query = check_question(query)
    settings = make_settings(data_dir=data_dir, embedder=embedder)
    body = _from_running_server(settings, "/search", {"query": query, "top_k": top_k})
    if body is None:
        from api.streaming import search_out
        from quarry.engine import Engine

        body = search_out(Engine(settings).search(query, top_k), lambda s: s).model_dump()
    if as_json:
        typer.echo(json.dumps(body, indent=2, ensure_ascii=False))
        return
    if not body["results"]:
        typer.echo("no passages found")
    for r in body["results"]:
        page = f", page {r['page']}" if r["page"] else ""
        found_by = "+".join(r["found_by"]) or "-"
        typer.echo(
            f"{r['rank']}. {r['title']} ({r['doc_id']}, chars {r['char_start']}-"
            f"{r['char_end']}{page})  score {r['score']:.3f}  [{found_by}]"
        )
        text = " ".join(r["text"].split())
        typer.echo(f"   {text[:300]}{'...' if len(text) > 300 else ''}")
