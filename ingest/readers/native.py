"""The native bundle (design.md §1): one CSV or JSON Lines file per kind, field names as in the model.

Rows validate straight into `graph.model` records. Values that pydantic cannot read directly get a
second chance through `ingest.normalise` (Excel dates such as 3/5/2024, "1,234.50", "VP" for vp),
so a bundle edited in a spreadsheet still loads; what is still wrong becomes a reject naming the
field.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from graph.model import BUNDLE_KINDS, FROM_STORE, Record
from ingest.checks import SHORT_RAW_CELL
from ingest.normalise import parse_date, parse_datetime, parse_number
from ingest.readers.common import (
    Converter,
    RowError,
    convert,
    ignored_columns,
    row_reject,
    undecodable_rejects,
    validate,
)
from ingest.readers.csvio import JSONL_SUFFIXES, Table, open_jsonl, open_table
from ingest.readers.fastcsv import PlainTable, raw_row, read_plain_csv
from ingest.rejects import FileNote, Reject, SourceRecord
from ingest.roles import map_buying_role
from ingest.touch_columns import TouchColumns

__all__ = ["read_native_file", "native_kind"]

_DATE_FIELDS = frozenset({"created_at", "closed_at", "since", "until", "converted_on"})
_DATETIME_FIELDS = frozenset({"at", "asserted_at"})
_NUMBER_FIELDS = frozenset(
    {"employees", "amount", "quantity", "seats", "duration_s", "strength", "confidence"}
)
_ENUM_FIELDS = frozenset({"status", "seniority", "function", "kind", "direction", "source"})


def native_kind(path: Path) -> str | None:
    """The bundle kind a file holds by its stem (`people.csv`, `Touches.jsonl`), else None."""
    stem = path.name.split(".", 1)[0].strip().lower().replace("-", "_").replace(" ", "_")
    return stem if stem in BUNDLE_KINDS else None


def _whole_number(value: Any) -> Any:
    number = parse_number(value)
    if number is not None and number == int(number):
        return int(number)
    return number


def _enum_value(value: Any) -> Any:
    return value.strip().lower().replace(" ", "_").replace("-", "_") if isinstance(value, str) else value


def _role(value: Any) -> Any:
    role = map_buying_role(value) if isinstance(value, str) else None
    return role.value if role is not None else value


def _stage_texts(value: Any) -> Any:
    """A `stage_history` cell (`DAY stage; DAY stage`) with each day read leniently (2025/3/4 ...)."""
    if not isinstance(value, str):
        return value
    entries = []
    for part in value.split(";"):
        day, _, stage = part.strip().partition(" ")
        if day:
            parsed = parse_date(day)
            entries.append(f"{parsed.isoformat() if parsed else day} {stage.strip()}")
    return entries


def _converter(field: str) -> Converter | None:
    if field == "stage_history":
        return _stage_texts
    if field in _DATE_FIELDS:
        return parse_date
    if field in _DATETIME_FIELDS:
        return parse_datetime
    if field in ("employees", "seats", "duration_s"):
        return _whole_number
    if field in _NUMBER_FIELDS:
        return parse_number
    if field == "role":
        return _role
    if field in _ENUM_FIELDS:
        return _enum_value
    return None


def _second_chance(model: type[Record], data: dict[str, Any], error: ValidationError) -> dict[str, Any]:
    """Re-read the failing fields with the lenient normalisers; raises RowError if that fails too."""
    fixed = dict(data)
    for item in error.errors(include_url=False):
        field = str(item["loc"][0]) if item["loc"] else ""
        converter = _converter(field)
        if converter is not None and field in fixed:
            fixed[field] = convert(converter, fixed[field], field)
    return fixed


def read_native_file(path: Path, kind: str, note: FileNote) -> Iterator[SourceRecord | Reject | TouchColumns]:
    """Validated records of one bundle file, or rejects naming row and field."""
    model = BUNDLE_KINDS[kind]
    fields = list(model.model_fields)
    name = note.file
    table: Table | None = None
    plain = None if path.suffix.lower() in JSONL_SUFFIXES else read_plain_csv(path)
    if plain is not None:
        note.encoding, note.delimiter = "utf-8", ","
        note.ignored_columns = ignored_columns(plain.header, fields)
        note.rows += plain.rows
        if kind == "touches":
            from ingest.readers.columns import plain_touches  # imported when a big file is read

            yield from plain_touches(
                plain, name, lambda raw, row: _row_items(model, fields, raw, row, name, kind)
            )
        else:
            yield from _plain_records(plain, model, fields, name, kind)
        return
    if path.suffix.lower() in JSONL_SUFFIXES:
        note.encoding = "utf-8"
        rows: Iterator[tuple[int, dict[str, Any]]] = open_jsonl(path)
        header_seen = False
    else:
        table = open_table(path)
        note.encoding, note.delimiter = table.encoding, table.delimiter
        note.ignored_columns = ignored_columns(table.header, fields)
        rows = table.rows
        header_seen = True
    for row_number, raw in rows:
        note.rows += 1
        if not header_seen:
            note.ignored_columns = ignored_columns(list(raw), fields)
            header_seen = True
        yield from _row_items(model, fields, raw, row_number, name, kind)
    if table is not None:
        yield from undecodable_rejects(table, name, kind)


def _row_items(
    model: type[Record], fields: list[str], raw: dict[str, Any], row_number: int, name: str, kind: str
) -> Iterator[SourceRecord | Reject]:
    """One row read the careful way: a validated record, or rejects naming row and field."""
    if "\x00error" in raw:
        yield Reject(file=name, row=row_number, reason=str(raw["\x00error"]), kind=kind)
        return
    data = {f: raw[f] for f in fields if f in raw}
    extra = raw.get("\x00extra")
    if extra:
        yield Reject(
            file=name,
            row=row_number,
            reason=f"{extra} more cells than the header has columns (an unquoted delimiter?)",
            kind=kind,
        )
        return
    try:
        record = model.model_validate(data)
    except ValidationError as error:
        try:
            data = _second_chance(model, data, error)
        except RowError as bad:
            yield row_reject(bad, file=name, row=row_number, kind=kind, record_id=data.get("id"))
            return
        result = validate(model, data, file=name, row=row_number, kind=kind)
        if isinstance(result, list):
            yield from result
            return
        record = result
    yield SourceRecord(kind, record, name, row_number)


def _plain_records(
    plain: PlainTable, model: type[Record], fields: list[str], name: str, kind: str
) -> Iterator[SourceRecord | Reject]:
    """Rows of a column-wise read file: blank cells turned into None a column at a time, then each
    row validated without the per-row blank check; a row that fails is read again the careful way
    (`_row_items`), so its rejects are exactly those of the row-by-row reader."""
    import pyarrow.compute as pc  # here: the file was read column-wise, so pyarrow is there

    used = [f for f in fields if f in plain.arrays]
    validate_row = model.model_validate
    # No cell the model reads can give a value over any length limit (validators may lengthen a
    # text, see SHORT_RAW_CELL): the length check has nothing to do.
    short = all((pc.max(pc.utf8_length(plain.arrays[f])).as_py() or 0) <= SHORT_RAW_CELL for f in used)
    for start, columns, plain_cells in plain.chunks():
        if not used:  # no column the model reads: every row goes the careful way (and is rejected)
            for index in range(len(plain_cells)):
                yield from _row_items(model, fields, raw_row(columns, index), start + index + 2, name, kind)
            continue
        cleaned = [[cell if cell.strip() else None for cell in columns[f]] for f in used]
        for index, values in enumerate(zip(*cleaned, strict=True)):
            row = start + index + 2
            try:
                record = validate_row(dict(zip(used, values, strict=True)), context=FROM_STORE)
            except ValidationError:
                yield from _row_items(model, fields, raw_row(columns, index), row, name, kind)
                continue
            yield SourceRecord(kind, record, name, row, short=short)
