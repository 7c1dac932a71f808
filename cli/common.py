"""What every command group shares: the typer app, common options, settings from flags."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from quarry import __version__
from quarry.settings import Settings, settings_from


def _argument_type(self: Any, ctx: Any) -> str | None:
    return None if self.metavar else self.display_type(ctx)


# typer prints an argument's Python type after its name ("PATH... <list[Path]>"); options with a
# metavar show only the metavar, and arguments here get the same treatment.
typer.core.TyperArgument.display_type_rich = _argument_type  # type: ignore[method-assign]

app = typer.Typer(
    help="Quarry: ask questions over your documents; every answer is cited passages you can check.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)

DataDir = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        "-d",
        metavar="DIR",
        help="Index directory [env QUARRY_DATA_DIR, default ./quarry-data].",
    ),
]
EmbedderOpt = Annotated[
    str | None,
    typer.Option(
        "--embedder", metavar="NAME", help="Embedder name or model folder [env QUARRY_EMBEDDER]."
    ),
]


def make_settings(**overrides: Any) -> Settings:
    """Settings from the environment, with the flags that were given taking precedence.

    Raises:
        ConfigError: a flag or ``QUARRY_*`` variable is invalid; the message names it.
    """
    return settings_from(**{k: v for k, v in overrides.items() if v is not None})


def fail(message: str, code: int = 1) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"quarry {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Quarry: ask questions over your documents; every answer is cited passages you can check.

    \b
    Start with:
      quarry ingest corpus/
      quarry ask "How much has China invested in CPEC?"
      quarry serve            # HTTP API and chat widget on http://127.0.0.1:8000
    """
