"""The ``quarry`` command line. Every error prints one ``error: ...`` line and exits 1.

Each command group is a module of this package (documents, ask, serve, evaluate, bench, keys);
importing it registers its commands on ``cli.common.app``.
"""

from __future__ import annotations

import logging
import sys
import warnings

import typer

try:  # recent typer vendors click; its usage errors are these classes
    from typer._click import exceptions as click_errors
except ImportError:  # pragma: no cover - older typer on the real click
    from click import exceptions as click_errors  # type: ignore[no-redef]

from base.errors import QuarryError
from cli import ask, bench, documents, evaluate, feedback, keys, serve  # noqa: F401
from cli.common import app


def main() -> None:
    """Run the CLI; the one place errors become an ``error: ...`` line and exit status 1."""
    # Libraries (pypdf, transformers) warn on stderr about what Quarry already reports or
    # handles; a user sees Quarry's own lines only.
    logging.captureWarnings(True)
    for name in ("py.warnings", "pypdf", "transformers", "sentence_transformers", "httpx"):
        logging.getLogger(name).setLevel(logging.ERROR)
    warnings.simplefilter("ignore")
    try:
        code = app(standalone_mode=False)
    except KeyboardInterrupt:
        sys.exit(130)
    except click_errors.NoArgsIsHelpError as exc:
        typer.echo(exc.format_message())
        sys.exit(0)
    except click_errors.ClickException as exc:  # usage errors: a bad flag, a missing argument
        _fail_line(exc.format_message())
    except typer.Abort:
        sys.exit(130)
    except QuarryError as exc:
        _fail_line(str(exc))
    except OSError as exc:  # disk full, read-only data dir, permissions
        where = f": {exc.filename}" if exc.filename else ""
        _fail_line(f"{exc.strerror or exc}{where}")
    sys.exit(code if isinstance(code, int) else 0)


def _fail_line(message: str) -> None:
    typer.echo(f"error: {' '.join(message.split())}", err=True)
    sys.exit(1)


if __name__ == "__main__":
    main()
