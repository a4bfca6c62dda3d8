"""`buyergraph serve --workers N`: a listening socket per worker, connections spread over them, no
Nagle's delay on any of them."""

from __future__ import annotations

import asyncio
import pickle
import socket
from multiprocessing.reduction import ForkingPickler

from api.serving import TcpConfig


def _worker_sockets(listener: socket.socket, n: int) -> list[socket.socket]:
    """The sockets of `n` workers: uvicorn hands them the parent's with multiprocessing's pickler."""
    return [pickle.loads(ForkingPickler.dumps(listener)) for _ in range(n)]


def _nodelay_of_accepted_connection(listener: socket.socket) -> int:
    """TCP_NODELAY of the server side of one connection accepted by asyncio, as uvicorn accepts them."""
    seen: list[int] = []

    async def main() -> None:
        def on_connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            sock = writer.get_extra_info("socket")
            seen.append(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()

        server = await asyncio.start_server(on_connect, sock=listener)
        host, port = listener.getsockname()[:2]
        _, writer = await asyncio.open_connection(host, port)
        for _ in range(100):
            if seen:
                break
            await asyncio.sleep(0.01)
        writer.close()
        server.close()
        await server.wait_closed()

    asyncio.run(main())
    assert seen, "no connection was accepted"
    return seen[0]


def _parent_socket() -> socket.socket:
    return TcpConfig("api.app:app_from_environment", host="127.0.0.1", port=0, workers=2).bind_socket()


def test_each_worker_listens_on_a_socket_of_its_own_on_the_same_port() -> None:
    parent = _parent_socket()
    workers = _worker_sockets(parent, 2)
    try:
        port = parent.getsockname()[1]
        assert [w.getsockname()[1] for w in workers] == [port, port]
        assert workers[0].fileno() != workers[1].fileno()
        assert all(w.proto == socket.IPPROTO_TCP for w in workers)
    finally:
        for s in [parent, *workers]:
            s.close()


def test_connections_are_spread_over_the_workers() -> None:
    """64 clients connecting at once: each worker's socket gets some (uvicorn's one shared socket
    let the first worker to wake up take them all)."""
    parent = _parent_socket()
    workers = _worker_sockets(parent, 2)
    clients: list[socket.socket] = []
    try:
        for w in workers:
            w.listen(128)
            w.settimeout(0.2)
        address = parent.getsockname()
        clients = [socket.create_connection(address) for _ in range(64)]
        accepted = []
        for w in workers:
            count = 0
            while True:
                try:
                    conn, _ = w.accept()
                except TimeoutError:
                    break
                conn.close()
                count += 1
            accepted.append(count)
        assert sum(accepted) == 64
        assert min(accepted) > 0, accepted
    finally:
        for s in [parent, *workers, *clients]:
            s.close()


def test_worker_connections_get_nodelay() -> None:
    parent = _parent_socket()
    (worker,) = _worker_sockets(parent, 1)
    try:
        assert _nodelay_of_accepted_connection(worker) != 0
    finally:
        worker.close()
        parent.close()
