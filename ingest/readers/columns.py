"""Touches of a native bundle checked a column at a time (the bulk of a big load).

`plain_touches` takes a touch file read column-wise (`fastcsv.read_plain_csv`) and settles with
whole-column checks which rows are plain: an id of at most 256 characters, an ISO date and time
(`2025-03-04T10:30:00`), a known kind and direction, a whole number of seconds, no control character
and no space around any cell. Those rows stay columns (`ingest.touch_columns.TouchColumns`, one
per chunk), with exactly the values the model's validation gives them; a plain row whose id another
row of the file repeats, or with a cell longer than the shortest length limit, becomes a `Touch`
record directly (the duplicate and length checks look at records). Every other row is handed to the
row-by-row path (`careful`), so its record, its repairs (dates such as 3/5/2025, "VP") and its reject
messages stay exactly as before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from graph.model import Direction, Touch, TouchKind
from ingest.checks import SHORTEST_LIMIT
from ingest.readers.fastcsv import PlainTable, raw_row
from ingest.rejects import Reject, SourceRecord
from ingest.touch_columns import TouchColumns, repeated_ids

__all__ = ["plain_touches"]

#: The row-by-row reading of one raw row (cells by column) with its spreadsheet row number.
Careful = Callable[[dict[str, Any], int], Iterator[SourceRecord | Reject]]

_FIELDS = tuple(Touch.model_fields)
_KINDS: dict[str, TouchKind] = {kind.value: kind for kind in TouchKind}
_DIRECTIONS: dict[str, Direction | None] = {"": None, **{d.value: d for d in Direction}}
_CONTROL = "[\x00-\x1f\x7f]"
_INSTANT = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}$"
_SECONDS = r"^(|0|[1-9][0-9]{0,17})$"


def _plain_rows(arrays: dict[str, pa.Array]) -> list[bool]:
    """Rows whose every cell passes the column checks (module doc)."""
    ok: pa.Array | None = None
    for column, array in arrays.items():
        checks = [
            pc.invert(pc.match_substring_regex(array, _CONTROL)),
            pc.equal(pc.utf8_trim_whitespace(array), array),
        ]
        if column == "id":
            length = pc.utf8_length(array)
            checks += [pc.greater(length, 0), pc.less_equal(length, 256)]
        elif column == "at":
            checks.append(pc.match_substring_regex(array, _INSTANT))
        elif column == "kind":
            checks.append(pc.is_in(array, value_set=pa.array(list(_KINDS))))
        elif column == "direction":
            checks.append(pc.is_in(array, value_set=pa.array(list(_DIRECTIONS))))
        elif column == "duration_s":
            checks.append(pc.match_substring_regex(array, _SECONDS))
        for check in checks:
            ok = check if ok is None else pc.and_(ok, check)
    flags: list[bool] = ok.to_pylist() if ok is not None else []
    return flags


def plain_touches(
    plain: PlainTable, file: str, careful: Careful
) -> Iterator[SourceRecord | Reject | TouchColumns]:
    """The touches of a column-wise read file, in row order (module doc): after each chunk's row
    records and rejects, its plain rows as one `TouchColumns`."""
    required = ("id", "at", "kind", "person_ids")
    if any(column not in plain.arrays for column in required):
        for start, columns, plain_cells in plain.chunks():  # a required value missing: careful says so
            for index in range(len(plain_cells)):
                yield from careful(raw_row(columns, index), start + index + 2)
        return
    given = [f for f in _FIELDS if f in plain.arrays]
    # One set of the fields given for all the records of a file (validation makes one each: 0.7 KB a
    # touch); pydantic copies it before changing it (model_copy), and records are never assigned to.
    fields_set = set(given)
    frozen_fields = frozenset(given)
    construct = Touch.model_construct  # pydantic's public way to build a record from checked values
    checked = _plain_rows(plain.arrays)
    # No cell of the file is longer than any length limit: the length check has nothing to look at.
    lengths = {name: pc.utf8_length(array) for name, array in plain.arrays.items() if name in fields_set}
    short = all((pc.max(length).as_py() or 0) <= SHORTEST_LIMIT for length in lengths.values())
    long_rows: set[int] = set()
    if not short:  # rows with a long cell go the row way: the length check looks at their records
        for length in lengths.values():
            long_rows.update(pc.indices_nonzero(pc.greater(length, SHORTEST_LIMIT)).to_pylist())
    del lengths
    repeated = _repeated_ids(plain)
    shared: dict[str, str] = {}  # one string per distinct reference value of the file
    share = shared.setdefault
    for start, columns, plain_cells in plain.chunks():
        size = len(plain_cells)
        flags = [a and b for a, b in zip(checked[start : start + size], plain_cells, strict=True)]
        empty: list[str] = [""] * size
        # Each field's values a column at a time (the rows that are not plain get placeholders).
        # One attendee (most touches): the cell itself, which has no space around it in a plain row.
        people = [
            [share(p, p) for p in _attendees(cell)] if ";" in cell else [share(cell, cell)] if cell else []
            for cell in columns["person_ids"]
        ]
        ats = [_instant(cell) if flag else None for cell, flag in zip(columns["at"], flags, strict=True)]
        kinds = [_KINDS.get(cell) for cell in columns["kind"]]
        reps = [share(cell, cell) if cell else None for cell in columns.get("rep_id", empty)]
        deals = [share(cell, cell) if cell else None for cell in columns.get("deal_id", empty)]
        directions = [_DIRECTIONS.get(cell) for cell in columns.get("direction", empty)]
        durations = [
            int(cell) if cell and flag else None
            for cell, flag in zip(columns.get("duration_s", empty), flags, strict=True)
        ]
        sources = [share(cell, cell) if cell else None for cell in columns.get("source", empty)]
        subjects = [cell or None for cell in columns.get("subject", empty)]
        ids = columns["id"]
        # Each field's values by name (model_construct lays them out in the model's order); a column
        # the file lacks gives None, its default.
        built: tuple[list[Any], ...] = (
            ids,
            ats,
            kinds,
            people,
            reps,
            deals,
            directions,
            durations,
            sources,
            subjects,
        )
        # A row is kept as columns when its cells passed the checks, its time exists, it names
        # someone, its id comes once in the file and no cell is long; a row with a repeated id or a
        # long cell becomes a record (the duplicate and length checks look at records); any other
        # row goes the careful way, whose messages say what is wrong.
        good = [f and a is not None and bool(p) for f, a, p in zip(flags, ats, people, strict=True)]
        if repeated or long_rows:
            own = [g and ids[i] not in repeated and (start + i) not in long_rows for i, g in enumerate(good)]
        else:
            own = good
        if all(own):
            rows = list(range(start + 2, start + size + 2))
            yield TouchColumns.of(file, rows, built, frozen_fields)
            continue
        keep: list[int] = []
        for index in range(size):
            if own[index]:
                keep.append(index)
            elif good[index]:
                values = {name: column[index] for name, column in zip(_FIELDS, built, strict=True)}
                record = construct(fields_set, **values)
                row_short = (start + index) not in long_rows
                yield SourceRecord("touches", record, file, start + index + 2, short=row_short)
            else:
                yield from careful(raw_row(columns, index), start + index + 2)
        if keep:
            picked = [[column[i] for i in keep] for column in built]
            yield TouchColumns.of(file, [start + i + 2 for i in keep], picked, frozen_fields)


def _repeated_ids(plain: PlainTable) -> set[str]:
    """The ids (without spaces around them, as records have them) that more than one row gives."""
    ids: list[str] = plain.arrays["id"].to_pylist()
    position = plain.header.index("id")
    for row, cells in plain.reread.items():
        ids[row] = cells[position]
    return repeated_ids(cell.strip() for cell in ids)


def _attendees(cell: str) -> list[str]:
    """A `person_ids` cell as the model splits it (`;`-separated, spaces around each id dropped)."""
    return [part.strip() for part in cell.split(";") if part.strip()]


def _instant(cell: str) -> datetime | None:
    """An ISO date and time that passed the column check, or None when that day or hour does not exist."""
    try:
        return datetime.fromisoformat(cell)
    except ValueError:
        return None
