"""A tiny, dependency-free progress bar for long command-line jobs (generation, loading).

It prints only when its stream is a terminal, so logs, pipes and tests stay clean, and redraws at most
a few times a second so that it costs nothing next to the work it reports on.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """`with Progress(total, "accounts") as bar: bar.update(1)` draws `accounts  42% 420/1000 ...`."""

    def __init__(
        self,
        total: int,
        description: str = "",
        *,
        stream: TextIO | None = None,
        enabled: bool | None = None,
        interval: float = 0.2,
    ) -> None:
        self.total = max(0, total)
        self.description = description
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.interval = interval
        self.done = 0
        self.started = time.monotonic()
        self._last_draw = 0.0

    def update(self, n: int = 1) -> None:
        self.done += n
        if self.enabled:
            now = time.monotonic()
            if now - self._last_draw >= self.interval or self.done >= self.total:
                self._last_draw = now
                self._draw(now)

    def _draw(self, now: float) -> None:
        elapsed = now - self.started
        rate = self.done / elapsed if elapsed > 0 else 0.0
        frac = self.done / self.total if self.total else 1.0
        width = 24
        filled = int(width * min(1.0, frac))
        eta = (self.total - self.done) / rate if rate > 0 else 0.0
        self.stream.write(
            f"\r{self.description} [{'#' * filled}{'.' * (width - filled)}] {frac:4.0%} "
            f"{self.done:,}/{self.total:,} {elapsed:5.0f}s elapsed, ~{eta:4.0f}s left, {rate:,.0f}/s "
        )
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self._draw(time.monotonic())
            self.stream.write("\n")
            self.stream.flush()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
