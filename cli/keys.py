"""`quarry keys`: API keys and their hashes for QUARRY_KEYS_FILE."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.common import app, fail

keys_app = typer.Typer(help="Create and hash API keys for QUARRY_KEYS_FILE.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")


@keys_app.command("new")
def keys_new() -> None:
    """Print a new random key and the hash to store in the keys file.

    \b
    Example:
      quarry keys new    # give the key to the client, put the hash in keys.json
    """
    import secrets

    from api.security import hash_key

    key = "qk_" + secrets.token_urlsafe(32)
    typer.echo(f"key:  {key}\nhash: {hash_key(key)}")


@keys_app.command("hash")
def keys_hash(key: Annotated[str, typer.Argument(help="The raw key.", metavar="KEY")]) -> None:
    """Print the sha256 hash of an existing key, as the keys file stores it.

    \b
    Example:
      quarry keys hash qk_abc123
    """
    from api.security import hash_key

    if not key.strip():
        raise fail("the key is empty: pass the raw key, e.g. quarry keys hash qk_abc123")
    typer.echo(hash_key(key))
