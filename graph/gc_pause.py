"""Pause Python's cyclic garbage collector while a store reads, or an analysis runs on, a large account.

Every allocation counts towards the collector's next run; reading a large account allocates
hundreds of thousands of small, long-lived objects (models, dicts, strings), so the collector runs
again and again over objects that are all alive. Pausing it roughly halves the cost of building
50,000 touch models, and of analysing them right after (`bench/bench_analyze.py`, 2-core machine).
Reference counting still frees everything that is not in a cycle; the collector resumes at the
end and catches up on the rest.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["gc_paused"]

_lock = threading.Lock()
_holders = 0
_was_enabled = False


@contextmanager
def gc_paused() -> Iterator[None]:
    """Disable the cyclic collector inside the block (or the decorated function); nested and
    concurrent blocks (threads of one server) share one pause, which ends when the last leaves."""
    global _holders, _was_enabled
    with _lock:
        if _holders == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0 and _was_enabled:
                gc.enable()
