"""Pause Python's cyclic garbage collector while a store reads, or an analysis runs on, a large account.

Every allocation counts towards the collector's next run; reading a large account allocates
hundreds of thousands of small, long-lived objects (models, dicts, strings), so the collector runs
again and again over objects that are all alive. Pausing it roughly halves the cost of building
50,000 touch models, and of analysing them right after (`bench/bench_analyze.py`, 2-core machine).
Reference counting still frees everything that is not in a cycle; the collector resumes at the
end and catches up on the rest.

At the end of a pause everything allocated during it is still in the youngest generation, so the
collector's next young collection would walk all of it (about 45 ms per large account read and
analysed). The pause ends instead by moving every tracked object to the oldest generation
(`gc.freeze()` then `gc.unfreeze()`, two list splices): a cycle among them is collected by the next
full collection, as any long-lived object's is.
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
                _promote_to_oldest_generation()
                gc.enable()


def _promote_to_oldest_generation() -> None:
    """Move every tracked object to the oldest generation without walking them; skipped when the
    application froze objects itself, whose freeze we must not undo (the API server freezes what its
    start-up loaded, so there a pause ends with the usual young collection)."""
    if gc.get_freeze_count() == 0:
        gc.freeze()
        gc.unfreeze()
