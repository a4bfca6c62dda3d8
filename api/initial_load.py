"""A first load at bulk speed (`buyergraph ingest PATH... --initial`): Neo4j's offline importer.

The loader reads, resolves and checks the files exactly as for any ingest, then hands the records to
`InitialLoad`, which writes the graph the online ingest would write as import files
(graph/stores/neo4j_import.py: touches streamed, not held twice) and:

- on the local Neo4j that buyergraph manages (`buyergraph neo4j start`), runs the importer into a
  fresh store folder (the server, whose database is empty, is stopped meanwhile), swaps it in, starts
  the server and applies the schema; a failed import leaves the database as it was;
- on any other server, keeps the files and says how to import them (`neo4j-admin database import
  full` on the server's machine, with the server stopped; Aura has its own importer).

Either way it refuses a database that already holds data: the importer replaces a database whole.
"""

from __future__ import annotations

import shlex
import time
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from api.localneo4j import LocalNeo4j
from graph.errors import BuyerGraphError, ConfigurationError, InvalidInputError
from graph.model import WRITE_ORDER, Alias, Record
from graph.stores.base import GraphStore
from graph.stores.neo4j import Neo4jStore
from graph.stores.neo4j_import import ImportFiles, import_arguments, write_import_files

__all__ = ["InitialLoad", "NotEmptyError", "refuse_non_empty", "is_aura", "local_server_of"]


class NotEmptyError(InvalidInputError):
    """The database already holds data: a first load would replace it."""


def is_aura(uri: str) -> bool:
    """Whether `uri` names a Neo4j Aura database (neo4j+s://<id>.databases.neo4j.io)."""
    host = (urlsplit(uri).hostname or "").lower()
    return host.endswith(".databases.neo4j.io")


def local_server_of(uri: str) -> LocalNeo4j | None:
    """The local Neo4j buyergraph manages, when `uri` points at it and it runs; else None."""
    parts = urlsplit(uri)
    if (parts.hostname or "") not in ("127.0.0.1", "localhost") or parts.port is None:
        return None
    server = LocalNeo4j(port=parts.port)
    return server if server.status().running else None


def refuse_non_empty(store: GraphStore) -> None:
    """Raise NotEmptyError when the store's database holds anything a first load would replace."""
    if not isinstance(store, Neo4jStore):
        raise InvalidInputError(
            f"--initial loads a Neo4j database through Neo4j's importer; this store is {store.backend}. "
            "Set NEO4J_URI (or run `buyergraph neo4j start`), or ingest without --initial"
        )
    if store.holds_data():
        raise NotEmptyError(
            "the database already holds data, and a first load (--initial) replaces a database whole: "
            "ingest without --initial to add to it"
        )


class InitialLoad:
    """The write step of a first load: call it with the loader's records (see `ingest_paths`)."""

    def __init__(
        self,
        store: GraphStore,
        uri: str,
        files_dir: Path,
        *,
        database: str = "neo4j",
        batch_size: int,
        server: LocalNeo4j | None = None,
    ) -> None:
        refuse_non_empty(store)
        self.store = store
        self.uri = uri
        self.database = database
        self.files_dir = files_dir
        self.batch_size = batch_size
        #: The local server to import into (found from `uri` unless given); None: write files only.
        self.server = server or local_server_of(uri)
        self.files: ImportFiles | None = None
        #: Seconds per step (files, import, start, schema), for the summary and the benchmark.
        self.phases_s: dict[str, float] = {}
        #: Whether the graph was imported (False: files written for someone to import).
        self.imported = False

    def __call__(self, by_kind: Mapping[str, Sequence[Record]], aliases: list[Alias]) -> Mapping[str, int]:
        started = time.monotonic()
        files = self.files = write_import_files(
            by_kind,
            aliases,
            self.files_dir,
            order=WRITE_ORDER,
            batch_size=self.batch_size,
            migrated_at=datetime.now(UTC).replace(tzinfo=None),
        )
        files_done = time.monotonic()
        self.phases_s["files"] = round(files_done - started, 3)
        if self.server is None:
            return {}  # nothing loaded here: the steps say how (see `steps`)
        assert isinstance(self.store, Neo4jStore)
        refuse_non_empty(self.store)  # again: nothing may have arrived while the files were written
        self.server.import_full(
            import_arguments(self.files, self.database), cwd=self.files_dir, database=self.database
        )
        imported = time.monotonic()
        # The importer's run (the server stops meanwhile), then the server's start on the new store.
        timings = self.server.timings
        self.phases_s["import"] = timings.get("importer", round(imported - files_done, 3))
        if "start" in timings:
            self.phases_s["start"] = timings["start"]
        self.imported = True
        try:
            self.store.finish_import()
        except BuyerGraphError as exc:
            raise ConfigurationError(
                f"the graph was imported, but its constraints and indexes could not be created ({exc}); "
                "they are created the next time buyergraph opens the store"
            ) from None
        self.phases_s["schema"] = round(time.monotonic() - imported, 3)
        return dict(files.loaded)

    def steps(self) -> list[str]:
        """What to do with the files on a server buyergraph does not manage."""
        if self.files is None:
            return []
        arguments = " ".join(
            shlex.quote(a) for a in import_arguments(self.files, self.database, relative=True)
        )
        if is_aura(self.uri):
            return [
                f"The target is Neo4j Aura ({urlsplit(self.uri).hostname}): Aura has its own importer, "
                f"not neo4j-admin. Load the files in {self.files.folder} with the Aura console's Import "
                "(Data Importer), or create a local dump with `neo4j-admin database import full` and "
                "upload it with `neo4j-admin database upload`; then run `buyergraph refresh --all`.",
            ]
        return [
            f"1. Copy the folder {self.files.folder} to the Neo4j server's machine.",
            f"2. Stop the database: `STOP DATABASE {self.database}` (Enterprise) or stop the server.",
            f"3. In that folder run: neo4j-admin database import full {arguments}",
            f"4. Start it again (`START DATABASE {self.database}` or start the server).",
            "5. Run `buyergraph refresh --all`: it creates the constraints and indexes when it opens the "
            "store, then computes every account's analyses.",
        ]
