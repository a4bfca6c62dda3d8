"""Lists as CSV, for spreadsheet users: `?format=csv` (or `Accept: text/csv`) on every list endpoint.

The file is UTF-8 with a byte-order mark, so that Excel opens Chinese names correctly; nested objects
become dotted columns (`result.coverage`), lists of plain values one cell joined with `;`, lists of
objects one cell of JSON; a value a spreadsheet would run as a formula is written as text (the rule of
ingest/spreadsheet.py, which the reject report follows too).
"""

from __future__ import annotations

import csv
import io
import json
import types
from collections.abc import Iterable, Sequence
from enum import Enum
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from fastapi import Query, Request, Response
from pydantic import BaseModel

from ingest.spreadsheet import spreadsheet_cell

CSV_MEDIA_TYPE = "text/csv"
_BOM = "\ufeff"

ListFormat = Literal["json", "csv"]
ListFormatQuery = Annotated[
    ListFormat | None,
    Query(
        alias="format",
        description="json (the default) or csv (UTF-8 with BOM, one row per item); "
        "`Accept: text/csv` asks for csv too.",
    ),
]

#: The OpenAPI `responses` entry of a list that can also answer CSV.
CSV_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {CSV_MEDIA_TYPE: {"schema": {"type": "string"}}},
        "description": "One page of the list; as CSV with `format=csv` or `Accept: text/csv`.",
    }
}


def wants_csv(request: Request, chosen: ListFormat | None) -> bool:
    """The `format` parameter decides; without it, an Accept header that names text/csv before (or
    without) application/json asks for CSV."""
    if chosen is not None:
        return chosen == "csv"
    accept = request.headers.get("accept", "").lower()
    if CSV_MEDIA_TYPE not in accept:
        return False
    json_at = accept.find("application/json")
    return json_at < 0 or accept.find(CSV_MEDIA_TYPE) < json_at


def _model_of(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model a field holds (also when optional), else None."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if get_origin(annotation) in (Union, types.UnionType):
        models = [a for a in get_args(annotation) if a is not type(None)]
        if len(models) == 1:
            return _model_of(models[0])
    return None


def columns_of(model: type[BaseModel], prefix: str = "") -> list[str]:
    """The fixed columns of a model: its fields, nested models' fields dotted (dict fields, whose keys
    vary, add their columns when rows hold them)."""
    columns: list[str] = []
    for name, info in model.model_fields.items():
        nested = _model_of(info.annotation)
        if nested is not None:
            columns += columns_of(nested, f"{prefix}{name}.")
        elif get_origin(info.annotation) is not dict:
            columns.append(prefix + name)
    return columns


def _flatten(value: Any, prefix: str, out: dict[str, Any]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _flatten(item, f"{prefix}{key}.", out)
        return
    column = prefix.removesuffix(".")
    if isinstance(value, list):
        if all(not isinstance(v, dict | list) for v in value):
            out[column] = ";".join("" if v is None else str(v) for v in value)
        else:
            out[column] = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, Enum):
        out[column] = value.value
    elif isinstance(value, bool):
        out[column] = "true" if value else "false"
    else:
        out[column] = value


def csv_text(items: Sequence[BaseModel], model: type[BaseModel]) -> str:
    """The rows of `items` (instances of `model`) as CSV text with a header row and a BOM."""
    rows: list[dict[str, Any]] = []
    for item in items:
        flat: dict[str, Any] = {}
        _flatten(item.model_dump(mode="json"), "", flat)
        rows.append(flat)
    columns = columns_of(model)
    known = set(columns)
    for row in rows:
        for column in row:
            # a nested object that was null (`result` of an account never refreshed) has its columns
            if column not in known and not any(c.startswith(column + ".") for c in columns):
                known.add(column)
                columns.append(column)
    buffer = io.StringIO()
    buffer.write(_BOM)
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows(_cells(row, columns) for row in rows)
    return buffer.getvalue()


def _cells(row: dict[str, Any], columns: Iterable[str]) -> list[Any]:
    return [spreadsheet_cell("" if row.get(c) is None else row[c]) for c in columns]


def csv_response(items: Sequence[BaseModel], model: type[BaseModel], filename: str) -> Response:
    """A CSV download of one page of a list."""
    return Response(
        content=csv_text(items, model).encode("utf-8"),
        media_type=f"{CSV_MEDIA_TYPE}; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
