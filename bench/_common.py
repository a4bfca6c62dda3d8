"""Pieces the benchmarks share: a free port, and a Neo4j of a benchmark's own.

Benchmarks never write into the Neo4j that tests or users work with: each starts a private server in
`.neo4j/<name>/` (git-ignored), reusing the jars of the project's local server when it has them.
"""

from __future__ import annotations

import socket
from pathlib import Path

from api.localneo4j import LocalNeo4j

REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def private_neo4j(name: str, *, keep_port: bool = False) -> LocalNeo4j:
    """The benchmark's own server in `.neo4j/<name>/`; `keep_port` reuses the port of earlier runs
    (so a server left running by an interrupted run is found again)."""
    folder = REPO / ".neo4j" / name
    folder.mkdir(parents=True, exist_ok=True)
    shared_lib = REPO / ".neo4j" / "lib"
    if (shared_lib / ".complete").exists() and not (folder / "lib").exists():
        (folder / "lib").symlink_to(shared_lib, target_is_directory=True)
    port_file = folder / "port"
    port = int(port_file.read_text()) if keep_port and port_file.exists() else free_port()
    port_file.write_text(str(port))
    return LocalNeo4j(folder=folder, port=port)
