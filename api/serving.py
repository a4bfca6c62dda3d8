"""Several uvicorn server processes on one TCP socket, with Nagle's algorithm off."""

from __future__ import annotations

import contextlib
import socket
from typing import Any

import uvicorn
from uvicorn.supervisors import Multiprocess


class TcpConfig(uvicorn.Config):
    """uvicorn's settings, with a listening socket that says it speaks TCP.

    With several workers uvicorn binds the socket itself without naming the protocol, and asyncio
    turns Nagle's algorithm off (TCP_NODELAY) only on sockets that name it. Every response, written
    as headers and then body, then waited for the client's delayed ACK: about 40 ms per request.
    """

    def bind_socket(self) -> socket.socket:
        sock = super().bind_socket()
        if sock.family not in (socket.AF_INET, socket.AF_INET6):
            return sock
        # The same descriptor, its family, type and protocol read back from the kernel.
        tcp = socket.socket(fileno=sock.detach())
        tcp.set_inheritable(True)
        return tcp


def run_workers(app: str, **settings: Any) -> None:
    """What `uvicorn.run` does with `workers` > 1, on a socket from `TcpConfig`."""
    config = TcpConfig(app, **settings)
    with contextlib.suppress(KeyboardInterrupt):
        Multiprocess(config, sockets=[config.bind_socket()]).run()
