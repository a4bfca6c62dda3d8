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

import re
from collections.abc import Iterable
from typing import TypeVar

__all__ = ["spreadsheet_cell", "spreadsheet_row"]

T = TypeVar("T")

#: First characters that make a spreadsheet read a cell as a formula (ASCII and full-width forms).
FORMULA_TRIGGERS = frozenset("=+-@\t\r\0＝＋－＠")
_STARTS_RISKY = FORMULA_TRIGGERS | {" "}
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
