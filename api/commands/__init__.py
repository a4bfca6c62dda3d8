"""The `buyergraph` subcommands, one module per command (group).

Each module exposes plain typer-annotated functions; `register` wires them into the app,
so that a command is added by adding its module and one line here.
"""

from __future__ import annotations

import importlib

import typer

#: (module under api.commands, function name, command name)
COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("generate", "generate", "generate"),
    ("serve", "serve", "serve"),
    ("keys", "keys", "keys"),
    ("ingest", "ingest", "ingest"),
    ("analyze", "analyze", "analyze"),
    ("refresh", "refresh", "refresh"),
    ("learn", "learn", "learn"),
    ("demo", "demo", "demo"),
    ("find", "accounts", "accounts"),
    ("find", "people", "people"),
    ("webhooks", "webhooks", "webhooks"),
    ("export", "export", "export"),
)


def register(app: typer.Typer) -> None:
    for module_name, function_name, command_name in COMMANDS:
        module = importlib.import_module(f"api.commands.{module_name}")
        app.command(command_name)(getattr(module, function_name))
