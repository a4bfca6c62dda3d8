"""Benchmark of `buyergraph generate`: rows per second for each file and overall, with a same-run baseline.

    python bench/bench_generate.py               # 2,000 accounts
    python bench/bench_generate.py --accounts 20000

1. End to end: the whole generator (build, render, truth) with one process and with one per CPU.
2. Serialisation per file, on the very same rows: the generator's batched csv `writerows` into a buffer
   against a naive writer that opens the file, writes one row through `csv.DictWriter` and closes it again
   for every row (the way a quick script often does it).
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ingest.synthetic.generator import (  # noqa: E402
    DEFAULT_AS_OF,  # noqa: E402
    ChunkRenderer,
    generate_world,
)
from ingest.synthetic.writers import Sink  # noqa: E402


class TimedSink(Sink):
    """A sink that times its batched writes per file and replays the same rows through a naive writer."""

    def __init__(self, headers: dict[str, tuple[str, ...]], naive_dir: Path, naive_every: int) -> None:
        super().__init__(headers)
        self.headers = headers
        self.naive_dir = naive_dir
        self.naive_every = naive_every
        self.batched_s: dict[str, float] = defaultdict(float)
        self.naive_s: dict[str, float] = defaultdict(float)
        self.naive_rows: dict[str, int] = defaultdict(int)
        self.calls = 0

    def write(self, stem: str, rows: list[Any]) -> None:
        t0 = time.perf_counter()
        super().write(stem, rows)
        self.batched_s[stem] += time.perf_counter() - t0
        self.calls += 1
        if self.calls % self.naive_every:
            return  # the naive writer is slow: replay a sample of the batches and scale by rows
        path = self.naive_dir / f"{stem}.csv"
        header = self.headers[stem]
        t0 = time.perf_counter()
        for row in rows:
            with path.open("a", encoding="utf-8", newline="") as fh:
                csv.DictWriter(fh, fieldnames=header).writerow(dict(zip(header, row, strict=True)))
        self.naive_s[stem] += time.perf_counter() - t0
        self.naive_rows[stem] += len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--accounts", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--format", default="native", choices=("native", "salesforce"))
    args = parser.parse_args()
    cpus = os.cpu_count() or 1

    print(f"buyergraph generate: {args.accounts:,} accounts, format {args.format}, {cpus} CPUs")
    with tempfile.TemporaryDirectory() as tmp:
        results = {}
        for workers in sorted({1, cpus}):
            out = Path(tmp) / f"w{workers}"
            t0 = time.perf_counter()
            doc = generate_world(
                out, args.accounts, seed=args.seed, fmt=args.format, workers=workers, progress=False
            )
            results[workers] = (time.perf_counter() - t0, doc["rows"])
        print("\n1. end to end (build + render + truth + write)")
        print(f"{'workers':>8} {'seconds':>9} {'rows':>12} {'rows/s':>12} {'accounts/s':>11}")
        for workers, (sec, rows) in results.items():
            total = sum(rows.values())
            print(
                f"{workers:>8} {sec:>9.2f} {total:>12,} {total / sec:>12,.0f} {args.accounts / sec:>11,.0f}"
            )
        sec, rows = results[max(results)]
        print(f"\n   per file, share of the {max(results)}-worker run ({sec:.2f} s):")
        for stem, n in rows.items():
            print(f"   {stem + '.csv':<28} {n:>12,} rows {n / sec:>12,.0f} rows/s")

        print("\n2. serialisation of the same rows: batched writerows vs naive open/DictWriter/close per row")
        naive_dir = Path(tmp) / "naive"
        naive_dir.mkdir()
        renderer = ChunkRenderer(args.seed, args.accounts, DEFAULT_AS_OF, args.format == "salesforce")
        sink = TimedSink(renderer.writer.files_of, naive_dir, naive_every=7)
        for a in range(args.accounts):
            renderer.writer.write(renderer.builder.build(a), sink)
        print(f"{'file':<28} {'rows':>10} {'batched rows/s':>15} {'naive rows/s':>13} {'speed-up':>9}")
        tb = tn = 0.0
        rb = rn = 0
        for stem in renderer.writer.files_of:
            n = sink.rows[stem]
            if not n or not sink.naive_rows[stem]:
                continue
            b_rate = n / sink.batched_s[stem]
            n_rate = sink.naive_rows[stem] / sink.naive_s[stem]
            tb, rb = tb + sink.batched_s[stem], rb + n
            tn, rn = tn + sink.naive_s[stem], rn + sink.naive_rows[stem]
            print(f"{stem + '.csv':<28} {n:>10,} {b_rate:>15,.0f} {n_rate:>13,.0f} {b_rate / n_rate:>8.1f}x")
        print(f"{'overall':<28} {rb:>10,} {rb / tb:>15,.0f} {rn / tn:>13,.0f} {(rb / tb) / (rn / tn):>8.1f}x")
        print("   (the naive writer replays every 7th batch; its rate is per row it wrote)")


if __name__ == "__main__":
    main()
