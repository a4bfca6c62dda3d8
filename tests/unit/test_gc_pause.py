"""gc_paused: the collector is off inside, back on after the last block, as it was before."""

from __future__ import annotations

import gc
import threading
import weakref

import pytest

from graph.gc_pause import gc_paused


def test_nested_and_concurrent_blocks_share_one_pause() -> None:
    assert gc.isenabled()
    inside = threading.Event()
    release = threading.Event()

    def other_thread() -> None:
        with gc_paused():
            inside.set()
            release.wait(5)

    worker = threading.Thread(target=other_thread)
    with gc_paused():
        assert not gc.isenabled()
        worker.start()
        assert inside.wait(5)
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert not gc.isenabled()  # the other thread is still inside its block
    release.set()
    worker.join(5)
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off_and_errors_pass_through() -> None:
    @gc_paused()
    def fails() -> None:
        assert not gc.isenabled()
        raise ValueError("boom")

    gc.disable()
    try:
        with pytest.raises(ValueError, match="boom"):
            fails()
        assert not gc.isenabled()
    finally:
        gc.enable()
    with pytest.raises(ValueError, match="boom"):
        fails()
    assert gc.isenabled()


class _Node:
    def __init__(self) -> None:
        self.other: _Node | None = None


def test_what_a_pause_allocated_goes_to_the_oldest_generation_and_cycles_are_still_collected() -> None:
    frozen = gc.get_freeze_count()  # an API test froze the objects of its app's start-up
    gc.unfreeze()
    try:
        gc.collect()
        with gc_paused():
            kept = [[i] for i in range(50_000)]
            a, b = _Node(), _Node()
            a.other, b.other = b, a  # a cycle that only the collector can free
            cycle = weakref.ref(a)
            del a, b
            assert gc.get_count()[0] > 50_000
        assert gc.get_count()[0] < 1_000  # the next young collection has nothing of the pause to walk
        assert any(obj is kept for obj in gc.get_objects(generation=2))
        assert cycle() is not None  # no young collection walked it...
        gc.collect()
        assert cycle() is None  # ...and a full collection frees it
    finally:
        if frozen:
            gc.freeze()


def test_objects_the_application_froze_stay_frozen() -> None:
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        assert frozen > 0
        with gc_paused():
            garbage = [[i] for i in range(1_000)]
        assert gc.get_freeze_count() == frozen
        del garbage
    finally:
        gc.unfreeze()
