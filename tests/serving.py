"""A real `buyergraph serve` for a test: started on a free port, used over HTTP, stopped, its output kept.

The server always runs in a process group of its own, and every way out (a failed start, `stop()`, the
end of a `with` block) ends the whole group: with `--workers 2`, a worker left alive would hold the
output pipe open, and reading the output would wait for it forever.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

import httpx

#: The `buyergraph` command of the interpreter running the tests.
BUYERGRAPH = Path(sys.executable).with_name("buyergraph")
#: Where Linux lists the IPv4 TCP sockets (to see how many workers listen).
_PROC_NET_TCP = Path("/proc/net/tcp")
_LISTEN = "0A"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def create_key(env: dict[str, str], name: str, scope: str) -> str:
    """A new API key made by `buyergraph keys create` in the home folder `env` names."""
    done = subprocess.run(
        [str(BUYERGRAPH), "keys", "create", name, "--scope", scope],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    found = re.search(r"bg_[A-Za-z0-9_-]+", done.stdout)
    assert found, done.stdout
    return found.group(0)


def listening_sockets(port: int) -> int | None:
    """How many sockets listen on this IPv4 port, or None where the system does not say (not Linux)."""
    try:
        lines = _PROC_NET_TCP.read_text(encoding="ascii").splitlines()[1:]
    except OSError:
        return None
    suffix = f":{port:04X}"
    return sum(1 for line in lines if line.split()[1].endswith(suffix) and line.split()[3] == _LISTEN)


class ServeProcess:
    """`buyergraph [before_serve...] serve --port P [--workers N] [serve_args...]` as a context manager.

    `start()` returns once /health answers with one of `healthy_statuses` and (with
    `wait_for_all_workers`) every worker listens; `stop()` ends the server with SIGTERM and returns
    its output (stdout and stderr together), which stays in `.output`.
    """

    def __init__(
        self,
        env: dict[str, str],
        *,
        before_serve: Sequence[str] = (),
        serve_args: Sequence[str] = (),
        cwd: Path | None = None,
        workers: int = 1,
        timeout_s: float = 30.0,
        stop_timeout_s: float = 30.0,
        healthy_statuses: Sequence[int] = (200,),
        wait_for_all_workers: bool = True,
    ) -> None:
        self.env = env
        self.before_serve = list(before_serve)
        self.serve_args = list(serve_args)
        self.cwd = cwd
        self.workers = workers
        self.timeout_s = timeout_s
        self.stop_timeout_s = stop_timeout_s
        self.healthy_statuses = tuple(healthy_statuses)
        self.wait_for_all_workers = wait_for_all_workers
        self.port = 0
        self.base = ""
        self.output: str | None = None
        self._process: subprocess.Popen[str] | None = None

    @property
    def process(self) -> subprocess.Popen[str]:
        assert self._process is not None, "the server was not started"
        return self._process

    @property
    def returncode(self) -> int | None:
        return self.process.returncode

    def command(self) -> list[str]:
        workers = ["--workers", str(self.workers)] if self.workers != 1 else []
        serve = ["serve", "--port", str(self.port), *workers, *self.serve_args]
        return [str(BUYERGRAPH), *self.before_serve, *serve]

    def start(self) -> ServeProcess:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self._process = subprocess.Popen(
            self.command(),
            cwd=self.cwd,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # its own process group, so that the workers can be ended with it
        )
        deadline = time.monotonic() + self.timeout_s
        while not self._ready():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self._kill_group()
                output = self.process.communicate(timeout=30)[0]
                self.output = output
                raise AssertionError(
                    f"the server did not start within {self.timeout_s:g} s "
                    f"(exit status {self.process.returncode}):\n{output}"
                )
            time.sleep(0.2)
        return self

    def _ready(self) -> bool:
        try:
            status = httpx.get(f"{self.base}/health", timeout=2).status_code
        except httpx.TransportError:
            return False
        if status not in self.healthy_statuses:
            return False
        if not self.wait_for_all_workers:
            return True
        listening = listening_sockets(self.port)
        return listening is None or listening >= self.workers

    def _kill_group(self, sig: signal.Signals = signal.SIGKILL) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, sig)

    def stop(self) -> str:
        """SIGTERM to the whole group, then its output; SIGKILL (and a failure) if it does not end in time.
        Stopping again returns the same output."""
        if self.output is not None:
            return self.output
        self._kill_group(signal.SIGTERM)
        try:
            output = self.process.communicate(timeout=self.stop_timeout_s)[0]
        except subprocess.TimeoutExpired:
            self._kill_group()
            self.output = self.process.communicate(timeout=30)[0]
            raise AssertionError(
                f"the server did not stop within {self.stop_timeout_s:g} s of SIGTERM:\n{self.output}"
            ) from None
        self._kill_group()  # nothing of the group may outlive the test
        self.output = output
        return output

    def __enter__(self) -> ServeProcess:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self._process is not None:
            self.stop()
