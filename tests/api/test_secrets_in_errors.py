"""A password written into NEO4J_URI is never echoed: not by `serve` or `stats` failing to start, not
in the settings' repr, not in a store's description."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from api.settings import Settings
from api.stores import describe_store
from tests.serving import BUYERGRAPH, free_port

PASSWORD = "s3cretPW"


def _run(tmp_path: Path, *args: str, password: str | None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BUYERGRAPH_HOME": str(tmp_path / "home")}
    for name in ("NEO4J_URI", "NEO4J_PASSWORD", "BUYERGRAPH_STORE"):
        env.pop(name, None)
    if password is not None:
        env["NEO4J_PASSWORD"] = password
    return subprocess.run(
        [str(BUYERGRAPH), *args], env=env, capture_output=True, text=True, timeout=60, cwd=tmp_path
    )


@pytest.mark.parametrize("scheme", ["neo4j", "bolt"])
@pytest.mark.parametrize("password", [None, "an-operator-password"])
@pytest.mark.parametrize("command", ["serve", "stats"])
def test_a_password_in_the_uri_never_reaches_the_terminal(
    tmp_path: Path, scheme: str, password: str | None, command: str
) -> None:
    args = ["serve", "--port", str(free_port())] if command == "serve" else ["stats"]
    done = _run(tmp_path, "--store", f"{scheme}://neo4j:{PASSWORD}@127.0.0.1:1/", *args, password=password)
    assert done.returncode != 0
    assert PASSWORD not in done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("buyergraph: "), done.stderr
    assert "127.0.0.1:1" in lines[0] or "NEO4J_PASSWORD" in lines[0]


def test_settings_and_messages_hide_uri_credentials() -> None:
    from graph.errors import redact_uris

    uri = f"neo4j+s://neo4j:{PASSWORD}@db.example.com:7687"
    settings = Settings(neo4j_uri=uri, neo4j_password="x" * 12)
    for text in (repr(settings), str(settings), describe_store(settings)):
        assert PASSWORD not in text and "db.example.com:7687" in text
    assert settings.neo4j_uri == uri  # only what is shown is redacted
    assert redact_uris(f"Given URI: 'bolt://u:{PASSWORD}@x@h:1'.") == "Given URI: 'bolt://h:1'."
    assert redact_uris("mail ann@example.com about neo4j://h:1") == "mail ann@example.com about neo4j://h:1"
