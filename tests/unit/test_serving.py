"""`buyergraph serve --workers N`: the shared listening socket gives connections without Nagle's delay."""

from __future__ import annotations

import asyncio
import socket

from api.serving import TcpConfig


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


def test_worker_socket_names_tcp_so_connections_get_nodelay() -> None:
    listener = TcpConfig("api.app:app_from_environment", host="127.0.0.1", port=0, workers=2).bind_socket()
    try:
        assert listener.proto == socket.IPPROTO_TCP
        assert listener.get_inheritable(), "worker processes must inherit the socket"
        assert _nodelay_of_accepted_connection(listener) != 0
    finally:
        listener.close()
