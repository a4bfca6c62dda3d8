"""Every command the README promises is wired into the `buyergraph` app."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from api.cli import app

COMMANDS = ["stats", "neo4j", "generate", "ingest", "analyze", "serve", "keys", "demo"]


@pytest.mark.parametrize("command", COMMANDS)
def test_command_is_registered_and_documents_itself(command: str) -> None:
    result = CliRunner().invoke(app, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage: buyergraph" in result.output and command in result.output


def test_unknown_command_is_refused() -> None:
    result = CliRunner().invoke(app, ["frobnicate"])
    assert result.exit_code != 0
