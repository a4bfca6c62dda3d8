"""`buyergraph demo` as a user runs it: generate, load, serve, print the address and a key; Ctrl-C stops."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.e2e.conftest import REPO, _free_port

pytestmark = pytest.mark.e2e


def test_demo_serves_the_account_list_and_stops_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    port = _free_port()
    home = tmp_path / "demo-home"
    env = {**os.environ, "BUYERGRAPH_HOME": str(tmp_path / "real-home"), "DISPLAY": "", "WAYLAND_DISPLAY": ""}
    env.pop("NEO4J_URI", None)
    command = [
        str(Path(sys.executable).parent / "buyergraph"),
        "demo",
        "--accounts",
        "6",
        "--port",
        str(port),
        "--home",
        str(home),
    ]
    process = subprocess.Popen(
        command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    output = ""
    try:
        deadline = time.monotonic() + 120
        assert process.stdout is not None
        while "Ctrl-C" not in output:
            line = process.stdout.readline()
            if not line and process.poll() is not None:
                pytest.fail(f"the demo exited early:\n{output}")
            output += line
            if time.monotonic() > deadline:
                pytest.fail(f"the demo did not start in time:\n{output}")
        assert f"http://127.0.0.1:{port}/" in output
        key = re.search(r"\b(bg_[A-Za-z0-9_-]+)", output)
        assert key is not None, output
        request = urllib.request.Request(f"http://127.0.0.1:{port}/", headers={"X-API-Key": key.group(1)})
        with urllib.request.urlopen(request, timeout=60) as response:
            page = response.read().decode("utf-8")
        assert response.status == 200
        assert page.count('class="account-link"') >= 6
        assert "not analysed yet" not in page  # the demo keeps its accounts' results
        assert page.count('<svg class="spark"') == page.count('class="account-link"')
        assert (home / "graph.json").is_file() and (home / "keys.json").is_file()
        assert not (tmp_path / "real-home").exists()  # the user's own store is never touched
    finally:
        process.send_signal(signal.SIGINT)
        try:
            rest, _ = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            rest, _ = process.communicate()
    assert process.returncode == 0, output + rest
    assert "stopped" in rest


def test_demo_refuses_a_folder_holding_data_it_did_not_create(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (real / "graph.json").write_text('{"format": 1, "tables": {}}', encoding="utf-8")
    before = (real / "graph.json").read_bytes()
    env = {**os.environ, "BUYERGRAPH_HOME": str(tmp_path / "home"), "DISPLAY": ""}
    env.pop("NEO4J_URI", None)
    result = subprocess.run(
        [str(Path(sys.executable).parent / "buyergraph"), "demo", "--home", str(real), "--no-browser"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "did not create" in result.stderr and str(real) in result.stderr
    assert (real / "graph.json").read_bytes() == before
    assert not (real / "keys.json").exists()
