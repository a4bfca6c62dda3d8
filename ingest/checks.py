"""Checks on the records of one ingest as read, before identities are resolved.

- **Length limits.** No real name, title or e-mail is thousands of characters long; such a value is
  a broken export (or an attack on whoever reads the graph later), and it would be stored and served
  to every page. Every text value is limited to `DEFAULT_LIMIT` characters, free text (a touch's
  subject) to `FIELD_LIMITS`; a row with a longer value is rejected, naming row, column and length.
- **Duplicate ids in one file.** Two rows of one file with the same id describe one record. The last
  row wins (as a later export updates an earlier one; a value it leaves blank keeps the earlier
  row's). Identical repeats are fine; when both rows give different values for a field, the earlier
  row is reported, naming the later row and the fields whose values it loses.
"""

from __future__ import annotations

from collections.abc import Iterable

from graph.model import Record
from ingest.rejects import Reject, SourceRecord

__all__ = [
    "DEFAULT_LIMIT",
    "FIELD_LIMITS",
    "SHORTEST_LIMIT",
    "SHORT_RAW_CELL",
    "check_lengths",
    "conflicting_duplicates",
]

#: The most characters any text value (a name, title, e-mail, id, ...) may have.
DEFAULT_LIMIT = 1_000
#: Fields of free text, with their own limits.
FIELD_LIMITS: dict[str, int] = {"subject": 10_000}
#: How much of an over-long value the reject report shows.
_PREVIEW = 60
#: Record kinds whose rows carry an id of their own (relationship rows are keyed by their ends).
_ID_KINDS = frozenset({"companies", "people", "reps", "products", "deals", "touches"})


def _column(item: SourceRecord, field: str) -> str:
    return item.columns.get(field, field) if item.columns else field


#: No text of at most this many characters is over any limit: most values are settled by this alone.
SHORTEST_LIMIT = min(DEFAULT_LIMIT, *FIELD_LIMITS.values())
#: No raw cell of at most this many characters gives a value over any limit, whatever a model's
#: validator does to it: Unicode case mapping (say `.upper()` of "ß" or "ﬃ") at most triples a text.
SHORT_RAW_CELL = SHORTEST_LIMIT // 3


def _too_long(record: Record) -> tuple[str, int, int, str] | None:
    """The first text value over its limit: (field, length, limit, value)."""
    for value in record.__dict__.values():  # nearly every record: one short look at each value
        if type(value) is str:
            if len(value) > SHORTEST_LIMIT:
                break
        elif isinstance(value, list):
            if any(isinstance(text, str) and len(text) > SHORTEST_LIMIT for text in value):
                break
        elif isinstance(value, str) and len(value) > SHORTEST_LIMIT:
            break
    else:
        return None
    for field, value in record.__dict__.items():
        values = value if isinstance(value, list) else (value,)
        for text in values:
            if isinstance(text, str) and len(text) > SHORTEST_LIMIT:
                limit = FIELD_LIMITS.get(field, DEFAULT_LIMIT)
                if len(text) > limit:
                    return field, len(text), limit, text
    return None


def check_lengths(items: Iterable[SourceRecord]) -> tuple[list[SourceRecord], list[Reject]]:
    """The records whose text values are all within their limits, and a reject for each other row."""
    kept: list[SourceRecord] = []
    rejects: list[Reject] = []
    for item in items:
        over = None if item.short else _too_long(item.record)
        if over is None:
            kept.append(item)
            continue
        field, length, limit, value = over
        rejects.append(
            Reject(
                file=item.file,
                row=item.row,
                field=_column(item, field),
                value=value[:_PREVIEW] + "…",
                reason=f"is {length:,} characters long; at most {limit:,} are allowed here",
                kind=item.kind,
                record_id=getattr(item.record, "id", None),
            )
        )
    return kept, rejects


def conflicting_duplicates(items: Iterable[SourceRecord]) -> list[Reject]:
    """A warning for each earlier row of a file whose id a later row of the same file repeats with
    other values (the later row wins)."""
    latest: dict[tuple[str, str, str], SourceRecord] = {}
    rejects: list[Reject] = []
    for item in items:
        if item.kind not in _ID_KINDS:  # first: a record without an id field raises in getattr
            continue
        record_id = getattr(item.record, "id", None)
        if record_id is None:
            continue
        key = (item.kind, item.file, record_id)
        earlier = latest.get(key)
        latest[key] = item
        if earlier is None:
            continue
        before, after = earlier.record.__dict__, item.record.__dict__
        differing = [
            field
            for field, value in after.items()
            if value is not None and before.get(field) is not None and before[field] != value
        ]
        if not differing:
            continue
        columns = ", ".join(_column(item, field) for field in differing)
        rejects.append(
            Reject(
                file=earlier.file,
                row=earlier.row,
                field=columns,
                value=record_id,
                reason=f"row {item.row} has the same id with other values for {columns}; "
                f"the later row wins, so this row's values for them are not loaded",
                kind=item.kind,
                action="value_ignored",
            )
        )
    return rejects
