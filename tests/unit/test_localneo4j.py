"""The local Neo4j manager's decisions that need no running server."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from api.localneo4j import NEO4J_VERSION, LocalNeo4j, _import_memory
from graph.errors import ConfigurationError


def test_missing_java_and_maven_names_both_and_the_alternative(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    server = LocalNeo4j(tmp_path / "n4j", port=17687)
    with pytest.raises(ConfigurationError) as info:
        server.start(echo=False)
    message = str(info.value)
    assert "java" in message and "mvn" in message
    assert "NEO4J_URI" in message  # tells how to use an existing Neo4j instead


def test_a_second_start_reuses_the_download(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    server = LocalNeo4j(tmp_path / "n4j", port=17687)
    server.lib.mkdir(parents=True)
    (server.lib / ".complete").write_text(NEO4J_VERSION)
    calls: list[list[str]] = []
    monkeypatch.setattr(subprocess, "run", lambda cmd, **kw: calls.append(cmd))
    server._fetch(echo=False)
    assert calls == []  # Maven was not asked again


def test_an_outdated_download_is_fetched_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    server = LocalNeo4j(tmp_path / "n4j", port=17687)
    server.lib.mkdir(parents=True)
    (server.lib / ".complete").write_text("5.0.0")
    calls: list[list[str]] = []

    def fake_run(cmd: list[str], **kw: object) -> subprocess.CompletedProcess[str]:
        calls.append(cmd)
        return subprocess.CompletedProcess(cmd, 1, "", "[ERROR] Could not resolve dependencies")

    monkeypatch.setattr(subprocess, "run", fake_run)
    with pytest.raises(ConfigurationError, match="Could not resolve dependencies"):
        server._fetch(echo=False)
    assert calls and calls[0][0] == "mvn" and f"-Dneo4j.version={NEO4J_VERSION}" in calls[0]


def test_status_of_a_server_that_never_ran(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BUYERGRAPH_NEO4J_DIR", str(tmp_path / "n4j"))
    monkeypatch.setenv("BUYERGRAPH_NEO4J_PORT", "17687")
    result = CliRunner().invoke(app, ["neo4j", "status"])
    assert result.exit_code == 3
    assert "not running" in result.stdout
    assert not LocalNeo4j().stop()  # stopping nothing is not an error


def test_the_config_keeps_neo4j_on_loopback_with_bolt_only(tmp_path: Path) -> None:
    server = LocalNeo4j(tmp_path / "n4j", port=17687)
    server._write_config()
    conf = (server.home / "conf" / "neo4j.conf").read_text()
    assert "server.bolt.listen_address=127.0.0.1:17687" in conf
    assert "server.http.enabled=false" in conf
    assert "dbms.security.auth_enabled=true" in conf


def test_page_cache_comes_from_the_environment_and_is_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = LocalNeo4j(tmp_path / "n4j", port=17687)
    server._write_config()
    assert "server.memory.pagecache.size=1g" in (server.home / "conf" / "neo4j.conf").read_text()
    monkeypatch.setenv("BUYERGRAPH_NEO4J_PAGECACHE", "3g")
    server._write_config()
    assert "server.memory.pagecache.size=3g" in (server.home / "conf" / "neo4j.conf").read_text()
    monkeypatch.setenv("BUYERGRAPH_NEO4J_PAGECACHE", "lots")
    with pytest.raises(ConfigurationError, match="BUYERGRAPH_NEO4J_PAGECACHE must be a size"):
        server._write_config()


def test_the_password_file_is_private(tmp_path: Path) -> None:
    server = LocalNeo4j(tmp_path / "n4j", port=17687)
    server.folder.mkdir(parents=True)
    secret = server._password()
    assert len(secret) >= 24 and server._password() == secret  # stable once written
    assert server.password_file.stat().st_mode & 0o077 == 0


def test_a_bad_neo4j_uri_is_reported_without_its_credentials() -> None:
    from graph.stores.neo4j import Neo4jStore

    with pytest.raises(ConfigurationError) as info:
        Neo4jStore.connect("neo4jx://admin:s3cret-pass@db.example:7687", "neo4j", "another-secret")
    message = str(info.value)
    assert "db.example:7687" in message
    assert "s3cret-pass" not in message and "admin" not in message and "another-secret" not in message


def test_the_importers_memory_is_given_and_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BUYERGRAPH_NEO4J_IMPORT_MEMORY", raising=False)
    default = _import_memory()  # half the available memory, 512m to 4g
    assert default.endswith("m") and 512 <= int(default[:-1]) <= 4096
    monkeypatch.setenv("BUYERGRAPH_NEO4J_IMPORT_MEMORY", "3g")
    assert _import_memory() == "3g"
    monkeypatch.setenv("BUYERGRAPH_NEO4J_IMPORT_MEMORY", "lots")
    with pytest.raises(ConfigurationError, match="BUYERGRAPH_NEO4J_IMPORT_MEMORY"):
        _import_memory()
    monkeypatch.setenv("BUYERGRAPH_NEO4J_IMPORT_MEMORY", "1k")  # a size, but too small to import anything
    with pytest.raises(ConfigurationError, match="at least 128m"):
        _import_memory()
    monkeypatch.setenv("BUYERGRAPH_NEO4J_IMPORT_MEMORY", "128m")
    assert _import_memory() == "128m"
