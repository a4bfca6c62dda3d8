"""Several uvicorn server processes on one TCP port, each with a listening socket of its own.

uvicorn's own way (`uvicorn.run(workers=N)`) hands one shared listening socket to every worker. When
several clients connect at once, the first worker to wake up accepts every pending connection (asyncio
accepts up to the backlog per wake-up), and a keep-alive connection stays with the worker that accepted
it: 16 clients were often split 14 to 2, and one worker's GIL then served most of the load while the
other idled (bench/bench_api.py, about half the throughput on a bad split).

Here the parent binds the port with SO_REUSEPORT and never listens on it; each worker, as it unpickles
that socket, binds a socket of its own to the same address, and the kernel spreads new connections
over the workers' sockets by a hash of their addresses (Linux lets only sockets of the same user
share a port this way). The sockets are made as TCP sockets
(IPPROTO_TCP), so that asyncio turns Nagle's algorithm off on every accepted connection: otherwise
every response, written as headers and then body, waited for the client's delayed ACK (~40 ms).

A worker whose parent dies (SIGKILL, a crash) would go on serving, holding the port and the parent's
output pipes: each worker watches its parent and shuts itself down gracefully when the parent is gone.
"""

from __future__ import annotations

import contextlib
import copy
import os
import signal
import socket
import threading
import time
from typing import Any

import uvicorn
from uvicorn.config import LOGGING_CONFIG
from uvicorn.supervisors import Multiprocess

#: How buyergraph's own lines look (the same in the parent and in every worker).
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
#: The driver's debug log carries query parameters (personal data), and its warnings announce each
#: retry (one per request during an outage): the store logs each outage once instead.
NEO4J_LOG_LEVEL = "ERROR"


def log_config(level: str) -> dict[str, Any]:
    """uvicorn's logging settings plus buyergraph's loggers, applied by uvicorn in every worker
    process as it starts: worker processes do not inherit the parent's logging, and without this
    their lines (the erasure audit line among them) went nowhere. The driver's debug log carries
    query parameters (personal data): `neo4j` logs at NEO4J_LOG_LEVEL only."""
    config = copy.deepcopy(LOGGING_CONFIG)
    config["formatters"]["buyergraph"] = {"format": LOG_FORMAT}
    config["handlers"]["buyergraph"] = {
        "formatter": "buyergraph",
        "class": "logging.StreamHandler",
        "stream": "ext://sys.stderr",
    }
    config["loggers"]["buyergraph"] = {"handlers": ["buyergraph"], "level": level.upper(), "propagate": False}
    config["loggers"]["neo4j"] = {"handlers": ["buyergraph"], "level": NEO4J_LOG_LEVEL, "propagate": False}
    return config


_INET = (socket.AF_INET, socket.AF_INET6)
#: Seconds between two looks of a worker at its parent.
_PARENT_POLL_S = 0.5


def _end_with_parent(parent_pid: int) -> None:
    """Ask this worker to shut down (as SIGTERM does: graceful) once `parent_pid` is no longer its
    parent. Polling the parent pid works on every POSIX system, unlike Linux's parent-death signal."""
    while os.getppid() == parent_pid:
        time.sleep(_PARENT_POLL_S)
    os.kill(os.getpid(), signal.SIGTERM)


def worker_socket(family: int, address: tuple[Any, ...]) -> socket.socket:
    """A TCP socket bound to `address` beside the other workers' (SO_REUSEPORT); uvicorn listens on it."""
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(address)
    return sock


class SharedPort(socket.socket):
    """The parent's socket: holds the port, and becomes a socket of its own in each worker (pickling
    is how uvicorn hands sockets to its worker processes)."""

    def __reduce__(self) -> tuple[Any, ...]:
        return (worker_socket, (self.family, self.getsockname()))


class TcpConfig(uvicorn.Config):
    """uvicorn's settings, with the parent's socket bound as a `SharedPort`; a worker that loads
    them watches the parent that made them."""

    def __init__(self, app: Any, **settings: Any) -> None:
        super().__init__(app, **settings)
        self.parent_pid = os.getpid()  # pickled into each worker with the settings

    def load(self) -> None:
        super().load()
        if os.getpid() != self.parent_pid:  # in a worker
            watch = threading.Thread(
                target=_end_with_parent, args=(self.parent_pid,), name="buyergraph-parent-watch", daemon=True
            )
            watch.start()

    def bind_socket(self) -> socket.socket:
        probe = super().bind_socket()  # uvicorn's checks and messages (address in use, ...)
        if probe.family not in _INET or not hasattr(socket, "SO_REUSEPORT"):
            return probe  # a Unix socket, or a system without SO_REUSEPORT: uvicorn's shared socket
        family, address = probe.family, probe.getsockname()
        probe.close()
        shared = SharedPort(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        shared.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        shared.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        shared.bind(address)
        return shared


def run_workers(app: str, **settings: Any) -> None:
    """What `uvicorn.run` does with `workers` > 1, with a listening socket per worker."""
    settings.setdefault("log_config", log_config(settings.get("log_level") or "info"))
    config = TcpConfig(app, **settings)
    with contextlib.suppress(KeyboardInterrupt):
        Multiprocess(config, sockets=[config.bind_socket()]).run()
