"""A process killed in the middle of an embedded-store write leaves the old or the new state, whole."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from graph.stores.embedded import EmbeddedStore

BATCH = 400

WRITER = f"""
import sys
from graph.model import Person
from graph.stores.embedded import EmbeddedStore
store = EmbeddedStore(sys.argv[1])
n = 0
print("ready", flush=True)
while True:
    store.upsert("people", [Person(id=f"p{{n + i}}", name="x" * 200) for i in range({BATCH})])
    n += {BATCH}
"""


def test_killed_writer_leaves_a_whole_state(tmp_path: Path) -> None:
    home = tmp_path / "store"
    seen = set()
    for delay in (0.35, 0.6, 0.9, 1.3, 1.7, 2.2):
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(home)],
            stdout=subprocess.PIPE,
            cwd=Path(__file__).resolve().parents[2],
        )
        assert proc.stdout is not None and proc.stdout.readline().strip() == b"ready"
        time.sleep(delay)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        people = EmbeddedStore(home).counts().nodes["Person"]  # loads without error
        assert people % BATCH == 0, "a batch was half written"
        seen.add(people)
    assert len(seen) > 1, "the writer never got far enough to be killed mid-way"
    from graph.model import Person

    EmbeddedStore(home).upsert("people", [Person(id="after", name="After")])
    assert not list(home.glob("*.tmp")), "temporaries of killed writers are swept by the next writer"


def test_failed_bulk_block_keeps_the_previous_state(tmp_path: Path) -> None:
    from graph.model import Person

    store = EmbeddedStore(tmp_path)
    store.upsert("people", [Person(id="keep", name="Kept")])
    try:
        with store.bulk():
            store.upsert("people", [Person(id="gone", name="Half")])
            raise RuntimeError("crash inside the block")
    except RuntimeError:
        pass
    assert store.counts().nodes["Person"] == 1
    assert EmbeddedStore(tmp_path).counts().nodes["Person"] == 1


def test_a_second_process_sees_new_writes(tmp_path: Path) -> None:
    from graph.model import Person

    reader, writer = EmbeddedStore(tmp_path), EmbeddedStore(tmp_path)
    assert reader.counts().nodes["Person"] == 0
    writer.upsert("people", [Person(id="a", name="A")])
    assert reader.get_person("a").name == "A"
    reader.upsert("people", [Person(id="b", name="B")])  # reloads before writing: nothing lost
    assert EmbeddedStore(tmp_path).counts().nodes["Person"] == 2
