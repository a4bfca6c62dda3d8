"""The `buyergraph` command line: the composition root for terminal users.

Each command lives in `api/commands/`; this module wires them into one typer app, owns the global
`--store` option and turns buyergraph errors into one clear line and a non-zero exit code.
"""

from __future__ import annotations

import json
import logging
import sys
from typing import Annotated, Any

import typer
from typer.core import TyperArgument

from api.commands.text import display_width, pad, say
from api.localneo4j import LocalNeo4j
from api.settings import get_settings
from api.stores import describe_store, open_store
from graph.errors import BuyerGraphError, ConfigurationError, InvalidInputError, NotFoundError
from graph.stores.base import GraphStore

app = typer.Typer(
    name="buyergraph",
    help="Map B2B buying committees: who decides, what is missing, who can reach them.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
neo4j_app = typer.Typer(
    help="Run a local Neo4j 5.26 Community server (fetched with Maven).", no_args_is_help=True
)
app.add_typer(neo4j_app, name="neo4j")

StoreOption = Annotated[
    str | None,
    typer.Option(
        "--store",
        help="Store to use: a Neo4j URI (neo4j://host:7687), 'embedded', or an embedded store folder. "
        "Overrides NEO4J_URI and BUYERGRAPH_HOME.",
        envvar="BUYERGRAPH_STORE",
    ),
]


def _print_version(value: bool) -> None:
    if value:
        from api.app_version import version

        typer.echo(f"buyergraph {version()}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    store: StoreOption = None,
    show_version: Annotated[
        bool,
        typer.Option("--version", callback=_print_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    ctx.obj = {"store": store}


def store_from(ctx: typer.Context) -> GraphStore:
    """The store chosen by `--store`, `NEO4J_URI` or `BUYERGRAPH_HOME`, for a command to use."""
    override = (ctx.find_root().obj or {}).get("store")
    return open_store(get_settings(), override)


def store_label(ctx: typer.Context) -> str:
    return describe_store(get_settings(), (ctx.find_root().obj or {}).get("store"))


@app.command()
def stats(
    ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False
) -> None:
    """Count nodes per label and relationships per type in the configured store."""
    with store_from(ctx) as store:
        counts = store.counts()
    if as_json:
        typer.echo(json.dumps(counts.model_dump(), indent=2, sort_keys=True))
        return
    typer.echo(store_label(ctx))
    width = max(map(display_width, [*counts.nodes, *counts.relationships]))
    typer.echo("nodes")
    for name, n in counts.nodes.items():
        typer.echo(f"  {pad(name, width)}  {n:>12,}")
    typer.echo("relationships")
    for name, n in counts.relationships.items():
        typer.echo(f"  {pad(name, width)}  {n:>12,}")


PortOption = Annotated[int | None, typer.Option("--port", help="Bolt port (default 7687).")]


@neo4j_app.command("start")
def neo4j_start(port: PortOption = None) -> None:
    """Fetch (once) and start Neo4j on 127.0.0.1; waits until Bolt answers."""
    status = LocalNeo4j(port=port).start()
    typer.echo(status.describe())
    typer.echo('Use it with:  eval "$(buyergraph neo4j env)"')


@neo4j_app.command("stop")
def neo4j_stop(port: PortOption = None) -> None:
    """Stop the local Neo4j cleanly (SIGTERM, then wait)."""
    stopped = LocalNeo4j(port=port).stop()
    typer.echo("Neo4j stopped" if stopped else "Neo4j was not running")


@neo4j_app.command("status")
def neo4j_status(port: PortOption = None) -> None:
    """Say whether the local Neo4j runs, and where. Exit code 3 when it does not."""
    status = LocalNeo4j(port=port).status()
    typer.echo(status.describe())
    if not status.running:
        raise typer.Exit(3)


@neo4j_app.command("env")
def neo4j_env(port: PortOption = None) -> None:
    """Print the shell exports that point buyergraph at the local Neo4j."""
    server = LocalNeo4j(port=port)
    typer.echo(f"export NEO4J_URI={server.uri}")
    typer.echo("export NEO4J_USERNAME=neo4j")
    typer.echo(f"export NEO4J_PASSWORD={server.password()}")


def _register_optional_commands() -> None:
    """Commands that live in their own modules under api/commands/."""
    from api.commands import register

    register(app)


_register_optional_commands()

#: Exit codes per error family, so that scripts can tell them apart.
_EXIT_CODES: dict[type[BuyerGraphError], int] = {
    InvalidInputError: 2,
    NotFoundError: 4,
    ConfigurationError: 5,
}


def _plain_metavar(param: Any) -> str:
    """What a parameter's value looks like in help: nothing for a flag, a word for a value."""
    if getattr(param, "is_flag", False) or getattr(param, "count", False):
        return ""
    if isinstance(param, TyperArgument):
        return str(param.name or "value").upper()
    kind = getattr(param, "type_descriptor", None)
    if kind is None:
        return "TEXT"
    if kind.is_choice:
        return "|".join(str(getattr(c, "value", c)) for c in kind.choices or ())
    if kind.is_datetime:
        return "YYYY-MM-DD"
    if kind.is_path:
        return "PATH"
    words = {int: "N", float: "NUMBER"}
    return words.get(kind.annotation, "TEXT")


class _PlainArgument(TyperArgument):
    """An argument shown by its name alone (ACCOUNT), without typer's `<str>` type column."""

    def display_type_rich(self, ctx: Any) -> str | None:
        return None


def _clean_help(command: Any) -> Any:
    """Give every parameter without a chosen metavar a plain one (TEXT, N, PATH, none for flags):
    recent typer shows type placeholders such as `<bool>` and `<str>` instead, which read as noise."""
    help_option = command.get_help_option(command.context_class(command))
    for param in [*command.params, *([help_option] if help_option is not None else [])]:
        if param.metavar is None:
            param.metavar = _plain_metavar(param)
        if type(param) is TyperArgument:
            param.__class__ = _PlainArgument
    for sub in getattr(command, "commands", {}).values():
        _clean_help(sub)
    return command


def cli() -> Any:
    """The whole command line as one click command, with clean help texts (what `main` runs)."""
    return _clean_help(typer.main.get_command(app))


def _error_text(exc: BuyerGraphError) -> str:
    """The error's one line; a not-found id in the command line's language."""
    if isinstance(exc, NotFoundError) and exc.kind in ("account", "person"):
        return say("find.not_found", kind=say(f"kind.{exc.kind}"), id=repr(exc.id))
    return str(exc)


def main() -> None:
    """Entry point of the `buyergraph` console script."""
    # The Neo4j driver reports a transaction it retries (e.g. a deadlock between two batches written
    # at once, which the retry resolves) as a warning full of lock internals: on a terminal that is
    # noise, not news. Real failures still reach the user as buyergraph errors.
    logging.getLogger("neo4j").setLevel(logging.ERROR)
    try:
        cli()(prog_name="buyergraph")
    except BuyerGraphError as exc:
        code = next((c for cls, c in _EXIT_CODES.items() if isinstance(exc, cls)), 1)
        typer.secho(say("error", text=_error_text(exc)), err=True, fg=typer.colors.RED)
        sys.exit(code)
    except KeyboardInterrupt:
        typer.secho(say("interrupted"), err=True)
        sys.exit(130)
