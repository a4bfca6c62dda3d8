"""Pieces the benchmarks share: a free port, a Neo4j of a benchmark's own, and a generated world
loaded into an embedded store.

Benchmarks never write into the Neo4j that tests or users work with: each starts a private server in
`.neo4j/<name>/` (git-ignored), reusing the jars of the project's local server when it has them.
"""

from __future__ import annotations

import socket
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from api.localneo4j import LocalNeo4j
from graph.stores.embedded import EmbeddedStore

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


@contextmanager
def generated_store(
    accounts: int, seed: int, as_of: date, *, outcome_signal: str = "planted"
) -> Iterator[tuple[EmbeddedStore, Path]]:
    """A native-bundle world of `accounts` accounts generated into a temporary folder and ingested
    into an embedded store there: (the store, the world's folder, which holds its truth)."""
    from ingest.loader import ingest_paths
    from ingest.synthetic.generator import generate_world

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "world"
        generate_world(
            folder,
            accounts,
            seed=seed,
            fmt="native",
            as_of=as_of,
            force=True,
            workers=1,
            progress=False,
            outcome_signal=outcome_signal,
        )
        store = EmbeddedStore(Path(tmp) / "store")
        ingest_paths([folder], store, progress=False)
        yield store, folder
