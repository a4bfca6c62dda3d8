"""Generate a whole synthetic world to a folder: data files, truth.json and truth/accounts.jsonl.

Accounts are built, written and forgotten one at a time, so memory stays flat at any scale; with
`workers > 1` accounts are built in worker processes and still written in index order, so the files are
byte-identical whatever the number of workers.
"""

from __future__ import annotations

import json
import os
from collections import Counter, deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from itertools import islice
from pathlib import Path
from typing import Any

from graph.errors import InvalidInputError
from ingest.progress import Progress
from ingest.synthetic.truth import account_truth, parameters
from ingest.synthetic.world import OUTCOME_SIGNALS, IdScheme, WorldBuilder
from ingest.synthetic.writers import NativeWriter, SalesforceWriter, Sink, header_text

DEFAULT_AS_OF = date(2026, 6, 30)
FORMATS = ("native", "salesforce")
TRUTH_SCHEMA_VERSION = 1
_CHUNK = 64


@dataclass(slots=True)
class Chunk:
    """A run of consecutive accounts rendered to CSV text, with their truth lines."""

    texts: dict[str, str]
    rows: dict[str, int]
    truth: list[dict[str, Any]]


class ChunkRenderer:
    """Builds, renders and computes the truth of accounts; one per process."""

    def __init__(
        self, seed: int, accounts: int, as_of: date, salesforce: bool, outcome_signal: str = "planted"
    ) -> None:
        self.salesforce = salesforce
        self.builder = WorldBuilder(seed, accounts, as_of, IdScheme(salesforce), outcome_signal)
        self.writer: NativeWriter | SalesforceWriter = (SalesforceWriter if salesforce else NativeWriter)(
            self.builder
        )

    def render(self, start: int, stop: int) -> Chunk:
        sink = Sink(self.writer.files_of)
        truth = []
        for a in range(start, stop):
            acc = self.builder.build(a)
            broken = self.writer.write(acc, sink)
            truth.append(account_truth(acc, self.builder, self.salesforce, broken))
        return Chunk(sink.texts(), sink.rows, truth)


_worker: ChunkRenderer | None = None


def _init_worker(seed: int, accounts: int, as_of: date, salesforce: bool, outcome_signal: str) -> None:
    global _worker
    _worker = ChunkRenderer(seed, accounts, as_of, salesforce, outcome_signal)


def _render(start: int, stop: int) -> Chunk:
    assert _worker is not None
    return _worker.render(start, stop)


def _chunks(renderer: ChunkRenderer, accounts: int, workers: int, seed: int, as_of: date) -> Iterator[Chunk]:
    """Chunks in account order; with workers, rendered in parallel with a bounded read-ahead."""
    bounds = [(s, min(accounts, s + _CHUNK)) for s in range(0, accounts, _CHUNK)]
    if workers <= 1:
        for lo, hi in bounds:
            yield renderer.render(lo, hi)
        return
    with ProcessPoolExecutor(
        workers,
        initializer=_init_worker,
        initargs=(seed, accounts, as_of, renderer.salesforce, renderer.builder.outcome_signal),
    ) as pool:
        it = iter(bounds)
        pending: deque[Future[Chunk]] = deque(pool.submit(_render, *b) for b in islice(it, workers * 3))
        while pending:
            chunk = pending.popleft().result()
            nxt = next(it, None)
            if nxt is not None:
                pending.append(pool.submit(_render, *nxt))
            yield chunk


def check_out_dir(out_dir: Path, force: bool) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise InvalidInputError(f"{out_dir} exists and is not a folder")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not force:
        raise InvalidInputError(
            f"{out_dir} is not empty; choose an empty folder or pass --force to overwrite"
        )


def generate_world(
    out_dir: Path,
    accounts: int,
    *,
    seed: int = 0,
    fmt: str = "native",
    as_of: date = DEFAULT_AS_OF,
    force: bool = False,
    workers: int = 0,
    progress: bool | None = None,
    outcome_signal: str = "planted",
) -> dict[str, Any]:
    """Write the world and its truth; returns the truth.json document (parameters and summary)."""
    if accounts < 1:
        raise InvalidInputError(f"--accounts must be at least 1, got {accounts}")
    if fmt not in FORMATS:
        raise InvalidInputError(f"--format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    if outcome_signal not in OUTCOME_SIGNALS:
        raise InvalidInputError(
            f"--outcome-signal must be one of {', '.join(OUTCOME_SIGNALS)}, got {outcome_signal!r}"
        )
    out_dir = Path(out_dir)
    check_out_dir(out_dir, force)
    (out_dir / "truth").mkdir(parents=True, exist_ok=True)
    if workers <= 0:  # auto: a pool only pays off past its start-up cost
        workers = min(os.cpu_count() or 1, 4) if accounts >= 1000 else 1
    salesforce = fmt == "salesforce"
    renderer = ChunkRenderer(seed, accounts, as_of, salesforce, outcome_signal)
    headers = renderer.writer.files_of
    pre = Sink(headers)
    renderer.writer.preamble(pre)
    rows = dict(pre.rows)
    summary: Counter[str] = Counter()
    gaps: Counter[str] = Counter()
    sizes: Counter[str] = Counter()
    langs: Counter[str] = Counter()
    handles = {
        stem: (out_dir / f"{stem}.csv").open("w", encoding="utf-8", newline="", buffering=1 << 20)
        for stem in headers
    }
    bar = Progress(accounts, "generating accounts", enabled=progress)
    try:
        for stem, text in pre.texts().items():
            handles[stem].write(header_text(headers[stem]) + text)
        with (out_dir / "truth" / "accounts.jsonl").open("w", encoding="utf-8", newline="\n") as tf:
            for chunk in _chunks(renderer, accounts, workers, seed, as_of):
                for stem, text in chunk.texts.items():
                    if text:
                        handles[stem].write(text)
                lines = []
                for line in chunk.truth:
                    for br in line["broken_rows"]:
                        br["row"] += rows[br["file"].removesuffix(".csv")]
                    lines.append(json.dumps(line, ensure_ascii=False, separators=(",", ":")))
                    _tally(line, summary, gaps, sizes, langs)
                tf.write("\n".join(lines) + "\n")
                for stem, n in chunk.rows.items():
                    rows[stem] += n
                bar.update(len(chunk.truth))
    finally:
        for fh in handles.values():
            fh.close()
        bar.close()
    files = headers
    doc: dict[str, Any] = {
        "schema_version": TRUTH_SCHEMA_VERSION,
        "format": fmt,
        "generator": {"seed": seed, "accounts": accounts, "as_of": as_of.isoformat()},
        "parameters": parameters(as_of.isoformat(), outcome_signal),
        "clean_world": "truth is computed on the clean world as this format expresses it: duplicate people, "
        "duplicate companies and broken rows are in the files but not in the truth, and are never on a "
        "committee, touched, or tied by KNOWS",
        "files": {"data": [f"{stem}.csv" for stem in files], "accounts": "truth/accounts.jsonl"},
        "rows": rows,
        "summary": {
            "accounts": accounts,
            "size_classes": dict(sorted(sizes.items())),
            "languages": dict(sorted(langs.items())),
            **dict(sorted(summary.items())),
            "gaps_by_kind": dict(sorted(gaps.items())),
        },
    }
    (out_dir / "truth.json").write_text(
        json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return doc


def _tally(
    line: dict[str, Any], summary: Counter[str], gaps: Counter[str], sizes: Counter[str], langs: Counter[str]
) -> None:
    sizes[line["size_class"]] += 1
    langs[line["language"]] += 1
    summary["people"] += line["people"]
    summary["open_deals"] += len(line["open_deals"])
    summary["closed_deals"] += len(line["closed_deals"])
    summary["won_deals"] += sum(1 for d in line["closed_deals"] if d["status"] == "won")
    summary["warm_paths"] += line["warm_path"] is not None
    summary["cross_sell"] += len(line["cross_sell"])
    summary["duplicates"] += len(line["duplicates"])
    summary["company_duplicates"] += len(line["company_duplicates"])
    summary["job_changes"] += len(line["job_changes"])
    summary["broken_rows"] += len(line["broken_rows"])
    for d in line["open_deals"]:
        for g in d["gaps"]:
            gaps[g["kind"]] += 1
