"""What every reader shares: turning a source row into a validated record or precise rejects."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from pydantic import ValidationError

from graph.errors import InvalidInputError
from graph.model import Record
from ingest.normalise import parse_number
from ingest.readers.csvio import Table
from ingest.rejects import Reject

__all__ = [
    "Converter",
    "RowError",
    "validate",
    "convert",
    "first",
    "ignored_columns",
    "truthy",
    "undecodable_rejects",
    "drop_unreadable_numbers",
]

#: A cell converter from ingest.normalise (parse_date, parse_number, ...): raises InvalidInputError.
Converter = Callable[[Any], Any]


class RowError(Exception):
    """A value that makes a row unusable; carries the source column for the reject report."""

    def __init__(self, column: str | None, value: Any, reason: str) -> None:
        super().__init__(reason)
        self.column = column
        self.value = value
        self.reason = reason


def _reason(message: str) -> str:
    """Converter messages quote the value; the report has its own value column, so drop the quote."""
    text = message.split(": ", 1)[1] if message.startswith("cannot read ") and ": " in message else message
    return text


def convert(converter: Converter, value: Any, column: str) -> Any:
    """Apply a normalise converter to one cell, raising RowError that names the column."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return converter(value)
    except InvalidInputError as exc:
        raise RowError(column, value, _reason(str(exc))) from None


def first(row: Mapping[str, Any], *columns: str) -> Any:
    """The first non-blank cell among alternative column names (labels vs internal names)."""
    for column in columns:
        value = row.get(column)
        if value is not None and (not isinstance(value, str) or value.strip()):
            return value
    return None


def undecodable_rejects(table: Table, file: str, kind: str) -> Iterator[Reject]:
    """The rows of a table that were left out for bytes its encoding cannot decode (call after
    reading all of `table.rows`)."""
    for row, column, value, reason in table.undecodable:
        yield Reject(file=file, row=row, field=column, value=value, reason=reason, kind=kind)


def drop_unreadable_numbers(
    row: dict[str, str],
    columns: Iterable[str],
    *,
    file: str,
    row_number: int,
    kind: str,
    record_id: str | None = None,
) -> Iterator[Reject]:
    """Empty the optional number cells of `row` that are no number, noting each: the row still loads.

    An employee count or amount is a detail of a record, not its identity, so a value such as `n/a`
    or `about 50` costs that value only, never the account or deal.
    """
    for column in columns:
        value = row.get(column)
        if value is None or not str(value).strip():
            continue
        try:
            parse_number(value)
        except InvalidInputError as exc:
            row[column] = ""
            yield Reject(
                file=file,
                row=row_number,
                field=column,
                value=str(value),
                reason=_reason(str(exc)) + "; the row was loaded without it",
                kind=kind,
                action="value_ignored",
                record_id=record_id,
            )


def truthy(value: Any) -> bool:
    """Salesforce/HubSpot booleans: true/false, 1/0, yes/no, 是/否."""
    if isinstance(value, bool):
        return value
    return str(value or "").strip().lower() in {"true", "1", "yes", "y", "t", "是", "x"}


def validate(
    model: type[Record],
    data: Mapping[str, Any],
    *,
    file: str,
    row: int,
    kind: str,
    columns: Mapping[str, str] | None = None,
) -> Record | list[Reject]:
    """The record, or one reject per invalid field (named by its source column when known)."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        rejects = []
        for error in exc.errors(include_url=False):
            field = str(error["loc"][0]) if error["loc"] else None
            column = (columns or {}).get(field or "", field)
            value = data.get(field) if field else None
            reason = error["msg"]
            blank = value is None or (isinstance(value, str | list) and not value)
            if error["type"] == "missing" or (blank and error["type"] in _BLANK_ERRORS):
                reason = "required value is missing"
            elif error["type"] == "string_pattern_mismatch":
                reason = "an id must not contain control characters"  # NonEmptyId's only pattern
            rejects.append(
                Reject(
                    file=file,
                    row=row,
                    field=column,
                    value=None if value is None else str(value),
                    reason=reason,
                    kind=kind,
                    record_id=_record_id(data),
                )
            )
        return rejects


#: Validation errors that, on a blank cell, mean the value is required.
_BLANK_ERRORS = frozenset(
    {
        "string_type",
        "string_too_short",
        "too_short",
        "list_type",
        "int_type",
        "float_type",
        "datetime_type",
        "date_type",
        "enum",
    }
)


def _record_id(data: Mapping[str, Any]) -> str | None:
    value = data.get("id")
    return str(value) if value not in (None, "") else None


def row_reject(error: RowError, *, file: str, row: int, kind: str, record_id: str | None = None) -> Reject:
    return Reject(
        record_id=record_id,
        file=file,
        row=row,
        field=error.column,
        value=None if error.value is None else str(error.value),
        reason=error.reason,
        kind=kind,
    )


def ignored_columns(header: Iterable[str], known: Iterable[str]) -> list[str]:
    """Header names that the reader does not use, in file order (listed once per file)."""
    known_set = {k.casefold() for k in known}
    return [h for h in header if h and h.casefold() not in known_set]
