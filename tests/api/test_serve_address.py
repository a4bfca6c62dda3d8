"""`buyergraph serve` says where the pages and the API document are, and refuses a busy port at once."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

from tests.serving import ServeProcess


def test_serve_prints_the_pages_and_docs_addresses(tmp_path: Path) -> None:
    env = {**os.environ, "BUYERGRAPH_HOME": str(tmp_path / "home")}
    env.pop("NEO4J_URI", None)
    with ServeProcess(env, before_serve=["--store", str(tmp_path / "store")]) as server:
        port = server.port
    output = server.stop()
    assert f"buyergraph pages: http://127.0.0.1:{port}/" in output
    assert f"API document: http://127.0.0.1:{port}/docs" in output


def test_serve_refuses_a_busy_port_with_one_clear_line(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        out = subprocess.run(
            [sys.executable, "-c", "from api.cli import main; main()", "--store", str(tmp_path / "s")]
            + ["serve", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
            env={"PATH": os.environ.get("PATH", ""), "BUYERGRAPH_HOME": str(tmp_path / "home")},
        )
    assert out.returncode == 5 and f"port {port}" in out.stderr and "Traceback" not in out.stderr
