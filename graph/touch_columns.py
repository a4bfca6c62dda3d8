"""Touches held as columns from the reader to the writers, not as one record per touch.

(The holders live in graph/ because the stores' writers read them; ingest/touch_columns.py adds what
the loader does with them.)

A big native touch file is read column-wise (ingest/readers/columns.py). Its plain rows (every cell
passed the column checks, the id comes once in the file, no cell is long) stay columns: a
`TouchColumns` holds one chunk of them, one Python list per field, with the values the model's
validation gives (`Touch.model_construct` of row i is exactly `Touch.model_validate` of that row).
Identity resolution maps their person, rep and deal references on the distinct values of a column
and checks them a column at a time (ingest/resolve.py `apply_resolution_columns`); a row a check does
not settle (an unknown reference, an attendee merged into another one) leaves the columns and takes
the row-by-row path as a record (ingest/touch_columns.py `spill`), so its rejects are exactly those
of that path.

`Touches` is what the writers get: the resolved touches in the loader's order, row records and column
chunks in the order they were read (a touch id given twice within one file is always in row records,
so the merge order of its rows stays as read; across files the writers merge in this order).
Consumers that need records build them a batch at a time
(`Touches.batches`, iteration), so nothing holds a record per touch for the whole load.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import accumulate
from typing import Any, overload

from graph.model import Direction, Touch, TouchKind

__all__ = ["TOUCH_FIELDS", "TouchColumns", "Touches", "repeated_ids"]

#: The model's fields, in its order: one column each.
TOUCH_FIELDS: tuple[str, ...] = tuple(Touch.model_fields)


def repeated_ids(ids: Iterable[str]) -> set[str]:
    """The ids given more than once: their rows are merged row by row, in order, wherever they are.

    >>> sorted(repeated_ids(["a", "b", "a", "c", "b", "a"]))
    ['a', 'b']
    """
    seen: set[str] = set()
    repeated: set[str] = set()
    for touch_id in ids:
        (repeated if touch_id in seen else seen).add(touch_id)
    return repeated


@dataclass(slots=True, eq=False)
class TouchColumns:
    """Plain touch rows of one chunk of one file (module doc), a list per field; `rows` are the
    spreadsheet rows they came from, in increasing order."""

    file: str
    rows: list[int]
    id: list[str]
    at: list[datetime]
    kind: list[TouchKind]
    person_ids: list[list[str]]
    rep_id: list[str | None]
    deal_id: list[str | None]
    direction: list[Direction | None]
    duration_s: list[int | None]
    source: list[str | None]
    subject: list[str | None]
    #: The fields the file gives (a record built from the columns has these as its fields set).
    fields_set: frozenset[str]

    @classmethod
    def of(
        cls, file: str, rows: list[int], columns: Sequence[list[Any]], fields_set: frozenset[str]
    ) -> TouchColumns:
        """Columns from a list per field, in the model's order (`TOUCH_FIELDS`)."""
        values: dict[str, Any] = dict(zip(TOUCH_FIELDS, columns, strict=True))
        return cls(file=file, rows=rows, fields_set=fields_set, **values)

    def __len__(self) -> int:
        return len(self.id)

    def _columns(self) -> tuple[list[Any], ...]:
        return (
            self.id,
            self.at,
            self.kind,
            self.person_ids,
            self.rep_id,
            self.deal_id,
            self.direction,
            self.duration_s,
            self.source,
            self.subject,
        )

    def record(self, index: int) -> Touch:
        """Row `index` as the record the row-by-row reader makes of it."""
        values = {name: column[index] for name, column in zip(TOUCH_FIELDS, self._columns(), strict=True)}
        return Touch.model_construct(set(self.fields_set), **values)

    def records(self) -> Iterator[Touch]:
        """Every row as a record, in order (built one at a time)."""
        construct = Touch.model_construct
        fields_set = set(self.fields_set)  # shared by this chunk's records; pydantic copies it to change it
        for values in zip(*self._columns(), strict=True):
            yield construct(fields_set, **dict(zip(TOUCH_FIELDS, values, strict=True)))

    def take(self, indices: Sequence[int]) -> TouchColumns:
        """The rows at `indices` (in that order) as columns of their own."""
        return TouchColumns.of(
            self.file,
            [self.rows[i] for i in indices],
            [[column[i] for i in indices] for column in self._columns()],
            self.fields_set,
        )


class Touches(Sequence[Touch]):
    """The resolved touches of a load in the loader's order: touch records and column chunks.

    A sequence of records, but built as they are asked for: iterate it (or take `batches`) rather
    than index it."""

    __slots__ = ("parts", "_ends")

    def __init__(self, parts: Iterable[Touch | TouchColumns] = ()) -> None:
        self.parts: list[Touch | TouchColumns] = list(parts)
        self._ends = list(accumulate(len(p) if isinstance(p, TouchColumns) else 1 for p in self.parts))

    def __len__(self) -> int:
        return self._ends[-1] if self._ends else 0

    @overload
    def __getitem__(self, index: int) -> Touch: ...

    @overload
    def __getitem__(self, index: slice) -> list[Touch]: ...

    def __getitem__(self, index: int | slice) -> Touch | list[Touch]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("touch index out of range")
        position = bisect_right(self._ends, index)
        part = self.parts[position]
        if isinstance(part, TouchColumns):
            return part.record(index - (self._ends[position] - len(part)))
        return part

    def __iter__(self) -> Iterator[Touch]:
        for part in self.parts:
            if isinstance(part, TouchColumns):
                yield from part.records()
            else:
                yield part

    def batches(self, size: int) -> Iterator[list[Touch]]:
        """The records in order, `size` at a time (built as each batch is asked for)."""
        batch: list[Touch] = []
        for record in self:
            batch.append(record)
            if len(batch) >= size:
                yield batch
                batch = []
        if batch:
            yield batch

    def columns(self) -> Iterator[TouchColumns]:
        """The column chunks alone."""
        return (p for p in self.parts if isinstance(p, TouchColumns))

    def records(self) -> Iterator[Touch]:
        """The touch records alone (the rows not held as columns)."""
        return (p for p in self.parts if not isinstance(p, TouchColumns))
