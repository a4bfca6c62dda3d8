"""`buyergraph keys create NAME --scope S | list | revoke NAME`: API keys for the HTTP service.

Keys live hashed in `keys.json` in BUYERGRAPH_HOME, whatever the store; a new key is printed once.
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated

import typer

from api.keys import KeyRing, Scope
from api.settings import get_settings
from graph.errors import InvalidInputError


class KeyAction(StrEnum):
    CREATE = "create"
    LIST = "list"
    REVOKE = "revoke"


def keys(
    action: Annotated[KeyAction, typer.Argument(help="create, list or revoke.")],
    name: Annotated[
        str | None, typer.Argument(help="create: who uses the key (e.g. crm-plugin); revoke: its name or id.")
    ] = None,
    scope: Annotated[
        Scope,
        typer.Option("--scope", help="read; write (also ingest); admin (also erasure, Cypher console)."),
    ] = Scope.READ,
    as_json: Annotated[bool, typer.Option("--json", help="list: print JSON.")] = False,
) -> None:
    """Manage API keys. `create` prints the new key once (only its hash is stored); `list` shows
    names, ids, scopes and last use; `revoke` stops a key at a running server's next request."""
    ring = KeyRing.for_home(get_settings().home)
    if action is KeyAction.LIST:
        _list(ring, as_json)
        return
    if not name:
        raise InvalidInputError(f"`buyergraph keys {action.value}` needs a NAME")
    if action is KeyAction.CREATE:
        plaintext = ring.create(name, scope)
        typer.echo(plaintext)
        typer.echo(
            f"created key {name!r} with scope {scope.value}; keep it now, it is not shown again", err=True
        )
    else:
        key = ring.revoke(name)
        typer.echo(f"revoked key {key.name!r} ({key.id})")


def _list(ring: KeyRing, as_json: bool) -> None:
    keys = ring.list_keys()
    if as_json:
        typer.echo(json.dumps([k.model_dump(mode="json", exclude={"sha256"}) for k in keys], indent=2))
        return
    if not keys:
        typer.echo("no keys yet; create one with: buyergraph keys create NAME --scope read")
        return
    typer.echo(f"{'NAME':<24} {'ID':<9} {'SCOPE':<6} {'HINT':<11} {'CREATED':<17} {'LAST USED':<17} STATUS")
    for k in keys:
        last = f"{k.last_used:%Y-%m-%d %H:%M}" if k.last_used else "-"
        status = f"revoked {k.revoked_at:%Y-%m-%d}" if k.revoked_at else "active"
        typer.echo(
            f"{k.name:<24} {k.id:<9} {k.scope.value:<6} {k.hint + '...':<11} {k.created_at:%Y-%m-%d %H:%M}"
            f"  {last:<17} {status}"
        )
