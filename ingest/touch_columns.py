"""What the loader does with touches held as columns (graph/touch_columns.py): rows as the reader's
items, and rows taken out of their columns to go the row-by-row way."""

from __future__ import annotations

from collections.abc import Sequence

from graph.touch_columns import TOUCH_FIELDS, TouchColumns, Touches, repeated_ids
from ingest.rejects import SourceRecord

__all__ = ["TOUCH_FIELDS", "TouchColumns", "Touches", "repeated_ids", "source_records", "spill"]


def source_records(chunk: TouchColumns) -> list[SourceRecord]:
    """Every row of `chunk` as the reader's item: the record, its file and row."""
    return [
        SourceRecord("touches", record, chunk.file, row, short=True)
        for record, row in zip(chunk.records(), chunk.rows, strict=True)
    ]


def spill(chunk: TouchColumns, indices: Sequence[int]) -> tuple[list[SourceRecord], TouchColumns]:
    """The rows at `indices` (increasing) as the reader's items, and the other rows as columns."""
    if not indices:
        return [], chunk
    spilled = [
        SourceRecord("touches", chunk.record(i), chunk.file, chunk.rows[i], short=True) for i in indices
    ]
    leave = set(indices)
    return spilled, chunk.take([i for i in range(len(chunk)) if i not in leave])
