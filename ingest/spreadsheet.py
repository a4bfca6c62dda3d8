"""Cells made safe for spreadsheets: the one place every CSV buyergraph writes passes its cells through.

Excel, LibreOffice and Google Sheets run a cell that starts with `=`, `+`, `-` or `@` (also a tab,
carriage return or NUL) as a formula when they open a CSV file, so an uploaded value such as
`=HYPERLINK("http://x","y")` would become a live link in a reject report (CSV or formula injection).
As OWASP recommends, such a cell is written with a single quote in front (`'=HYPERLINK(...)`):
spreadsheets then show it as text and programs still see the whole value after the quote. The same
applies to the full-width `＝＋－＠` and to cells whose first character after leading spaces is one of them.

Left as they are, because they cannot call a function or reach another cell: plain numbers (`-5`, `+3.5`)
and phone numbers made only of digits, spaces and `( ) . / -` after a leading `+` or `-`
(`+86 10 5555 0100`, `+1 (415) 555-0100`). A spreadsheet may read those as arithmetic, never as code.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

__all__ = ["spreadsheet_cell", "spreadsheet_row", "spreadsheet_csv", "EXCEL_ERRORS", "unless_excel_error"]

#: The error values Excel writes into a cell whose formula failed (and that exports then carry into
#: CSV files): they say "no value here", so every reader reads them as an empty cell.
EXCEL_ERRORS = frozenset(
    {"#N/A", "#VALUE!", "#REF!", "#DIV/0!", "#NAME?", "#NULL!", "#NUM!", "#GETTING_DATA", "#SPILL!", "#CALC!"}
)


def unless_excel_error(cell: str) -> str:
    """The cell, or "" when it holds one of Excel's error values (`#N/A`, `#DIV/0!` ...)."""
    if cell[:1] != "#" and cell[:1] != " ":
        return cell
    return "" if cell.strip().upper() in EXCEL_ERRORS else cell


T = TypeVar("T")

#: First characters that make a spreadsheet read a cell as a formula (ASCII and full-width forms).
FORMULA_TRIGGERS = frozenset("=+-@\t\r\0＝＋－＠")
_STARTS_RISKY = FORMULA_TRIGGERS | {" "}
#: A formula-like cell in CSV text: a trigger after a delimiter, line break, opening quote or leading
#: spaces (a superset: a hit is checked cell by cell). The text's first cell is checked on its own.
_TEXT_MAY_HOLD_FORMULA = re.compile('[,\n"] *[' + re.escape("".join(sorted(FORMULA_TRIGGERS))) + "]")
#: A sign followed by digits and number or phone punctuation only: no letters, no reference, no call.
_NUMBER_OR_PHONE = re.compile(r"[+-][0-9][0-9 ().,/-]*\Z")


def spreadsheet_cell(value: T) -> T | str:
    """`value`, with a single quote in front when a spreadsheet would run it as a formula."""
    if not isinstance(value, str) or not value or value[0] not in _STARTS_RISKY:
        return value
    first = value.lstrip(" ")[:1]
    if first not in FORMULA_TRIGGERS or _NUMBER_OR_PHONE.match(value):
        return value
    return "'" + value


def spreadsheet_row(row: Iterable[T]) -> list[T | str]:
    """Every cell of `row` through `spreadsheet_cell`."""
    return [spreadsheet_cell(cell) for cell in row]


def spreadsheet_csv(rows: Sequence[Sequence[Any]], *, lineterminator: str = "\r\n") -> str:
    """Comma-separated text of `rows` with every cell through `spreadsheet_cell`.

    Rendered as is first and again cell by cell only when some cell may start like a formula: the
    generator writes millions of cells, nearly all plain, and one scan of the text is far cheaper than a
    function call per cell.
    """
    text = _csv_text(rows, lineterminator)
    if text.lstrip('" ')[:1] in FORMULA_TRIGGERS or _TEXT_MAY_HOLD_FORMULA.search(text):
        text = _csv_text([spreadsheet_row(row) for row in rows], lineterminator)
    return text


def _csv_text(rows: Iterable[Sequence[Any]], lineterminator: str) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=lineterminator).writerows(rows)
    return buffer.getvalue()
