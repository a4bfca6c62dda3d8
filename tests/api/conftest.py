"""Fixtures for the HTTP API: a small synthetic world loaded into each store, the app around it
(TestClient as a context manager, so that lifespan runs), and one key per scope."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.keys import KeyRing
from api.settings import Settings
from graph.stores.base import GraphStore
from graph.stores.embedded import EmbeddedStore
from ingest.loader import ingest_paths
from ingest.synthetic.generator import DEFAULT_AS_OF, generate_world
from tests.serving import free_port

AS_OF: date = DEFAULT_AS_OF
WORLD_ACCOUNTS = 4


@pytest.fixture(scope="session")
def world_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic world in the native bundle format (written once per test run)."""
    folder = tmp_path_factory.mktemp("api-world") / "world"
    generate_world(folder, WORLD_ACCOUNTS, seed=11, progress=False)
    return folder


@dataclass
class ApiEnv:
    """A running app (through TestClient) with its store and one key per scope."""

    client: TestClient
    store: GraphStore
    settings: Settings
    keys: dict[str, str]
    backend: str
    extra: dict[str, Any] = field(default_factory=dict)

    def headers(self, scope: str = "read") -> dict[str, str]:
        return {"X-API-Key": self.keys[scope]}

    def get(self, path: str, scope: str = "read", **kwargs: Any) -> Any:
        return self.client.get(path, headers=self.headers(scope), **kwargs)


def make_keys(home: Path) -> dict[str, str]:
    ring = KeyRing.for_home(home)
    return {scope: ring.create(f"test-{scope}", scope) for scope in ("read", "write", "admin")}


def settings_for(home: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {"home": home, "neo4j_uri": None, **overrides}
    return Settings(**values)


@contextmanager
def embedded_app(tmp_path: Path, world_dir: Path | None, **overrides: Any) -> Iterator[ApiEnv]:
    """An app on a fresh embedded store holding the world (if given), with these settings."""
    store_dir = tmp_path / "store"
    store = EmbeddedStore(store_dir)
    if world_dir is not None:
        ingest_paths([world_dir], store, progress=False)
    store.close()
    home = tmp_path / "home"
    settings = settings_for(home, **overrides)
    keys = make_keys(home)
    app = create_app(settings, store_override=str(store_dir))
    with TestClient(app) as client:
        yield ApiEnv(client, app.state.runtime.store, settings, keys, "embedded")


@pytest.fixture
def embedded_env(tmp_path: Path, world_dir: Path) -> Iterator[ApiEnv]:
    with embedded_app(tmp_path, world_dir) as env:
        yield env


def neo4j_settings(
    home: Path, connection: tuple[str, str, str, str], uri: str | None = None, **kw: Any
) -> Settings:
    base_uri, user, password, database = connection
    return settings_for(
        home,
        neo4j_uri=uri or base_uri,
        neo4j_username=user,
        neo4j_password=password,
        neo4j_database=database,
        **kw,
    )


@pytest.fixture
def neo4j_env(
    neo4j_store: GraphStore, neo4j_connection: tuple[str, str, str, str], tmp_path: Path, world_dir: Path
) -> Iterator[ApiEnv]:
    ingest_paths([world_dir], neo4j_store, progress=False)
    home = tmp_path / "home"
    settings = neo4j_settings(home, neo4j_connection)
    keys = make_keys(home)
    app = create_app(settings)
    with TestClient(app) as client:
        yield ApiEnv(client, app.state.runtime.store, settings, keys, "neo4j")


@pytest.fixture(params=["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def api(request: pytest.FixtureRequest) -> ApiEnv:
    """Each API test runs against the embedded store and against Neo4j."""
    env: ApiEnv = request.getfixturevalue(f"{request.param}_env")
    return env


class TcpProxy:
    """A tiny TCP forwarder we can cut and restore, to make Neo4j unreachable for real."""

    def __init__(self, target_host: str, target_port: int, port: int | None = None) -> None:
        self.target = (target_host, target_port)
        self.port = port or free_port()
        self._listener: socket.socket | None = None
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()

    def start(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def stop(self) -> None:
        """Refuse new connections and cut every open one."""
        if self._listener is not None:
            # shutdown() wakes the thread blocked in accept(); close() alone would leave it listening.
            with contextlib.suppress(OSError):
                self._listener.shutdown(socket.SHUT_RDWR)
            self._listener.close()
            self._listener = None
        with self._lock:
            for s in self._sockets:
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                s.close()
            self._sockets.clear()
