"""Column-wise reading of large, plain UTF-8 CSV files (the native bundle as buyergraph writes it).

`csvio.open_table` reads any CSV a CRM or a spreadsheet writes, one row at a time as a dict. For the
bulk of a big load (a million touches) that is most of the time spent. `read_plain_csv` reads a file
column by column with pyarrow's CSV reader instead, but only where the result is certainly the
same cells, in the same rows, as `open_table` would give:

- the file is UTF-8 without a byte-order mark (what `detect_encoding` calls "utf-8"), comma-separated
  (what `detect_delimiter` finds), has no `sep=` line, no NUL byte and no carriage return;
- the header names every column once (nothing `open_table` would drop);
- every row is exactly one line (no line break inside a quoted cell, no blank line), so row n of the
  spreadsheet is line n of the file; rows whose line holds a quote character are read again with
  Python's csv module, so quoting is always read by the same rules as before;
- every row has as many cells as the header (extra or missing cells get their messages from the
  row-by-row reader).

Anything else returns None and the caller reads the file row by row as before. Excel's error values
(`#N/A` ...) are blanked as `open_table` blanks them.

Why pyarrow: it is the reference implementation of Apache Arrow, maintained by the Arrow project
with regular releases and wheels for every platform we support; its multi-threaded CSV reader
parses and checks UTF-8 in C++, and its compute functions check whole columns at once.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import csv as pacsv

from ingest.readers.csvio import (
    SAMPLE_BYTES,
    _clean_header,
    _sample_text,
    _strip_excel_sep_line,
    detect_delimiter,
    detect_encoding,
)
from ingest.spreadsheet import unless_excel_error

__all__ = ["PlainTable", "read_plain_csv", "MIN_FAST_BYTES"]

#: Files smaller than this are read row by row: the column-wise set-up costs more than it saves.
MIN_FAST_BYTES = 64 << 10


@dataclass
class PlainTable:
    """A CSV file read column-wise: row i (0-based) is spreadsheet row i + 2."""

    header: list[str]
    #: The cells of each header column, as `open_table` would give them (Excel errors blanked).
    columns: dict[str, list[str]]
    rows: int
    #: The columns as pyarrow arrays (same cells; before Excel errors are blanked and quoted lines
    #: are re-read: use only with `plain` below).
    arrays: dict[str, pa.Array]
    #: Rows whose cells are exactly the arrays' cells (False: quoted line or an Excel error value).
    plain: list[bool]


def _plain_header(first: str) -> list[str] | None:
    if '"' in first:
        return None
    header, dropped = _clean_header(first.split(","))
    return None if dropped else header


def read_plain_csv(path: Path, min_bytes: int = MIN_FAST_BYTES) -> PlainTable | None:
    """The file's cells column by column, or None when it must be read row by row (module doc)."""
    try:
        data = path.read_bytes()
    except OSError:
        return None  # the row-by-row reader reports it
    if len(data) < min_bytes or b"\x00" in data or b"\r" in data:
        return None
    sample = data[:SAMPLE_BYTES]
    if detect_encoding(sample) != "utf-8":
        return None
    text = _sample_text(sample, "utf-8")
    forced, text = _strip_excel_sep_line(text)
    if forced is not None or detect_delimiter(text) != ",":
        return None
    end = data.find(b"\n")
    if end < 0:
        return None
    try:
        header = _plain_header(data[:end].decode("utf-8"))
    except UnicodeDecodeError:
        return None
    if header is None or len(header) < 2:
        return None  # one column: a blank cell would be a blank line, which the rows skip
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    names = [f"c{index}" for index in range(len(header))]
    try:
        table = pacsv.read_csv(
            pa.BufferReader(data),
            read_options=pacsv.ReadOptions(skip_rows=1, column_names=names),
            parse_options=pacsv.ParseOptions(
                delimiter=",", newlines_in_values=True, ignore_empty_lines=False
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                check_utf8=True,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowException):
        return None  # a row with too many or too few cells, bytes that are not UTF-8 ...
    if table.num_rows != lines - 1:
        return None  # a quoted line break or a blank line: row numbers are not line numbers
    arrays = {name: table.column(index).combine_chunks() for index, name in enumerate(names) if header[index]}
    del table
    columns: dict[str, list[str]] = {}
    plain = [True] * (lines - 1)
    for index, name in enumerate(names):
        if not header[index]:
            continue
        array = arrays[name]
        cells: list[str] = array.to_pylist()
        suspicious = pc.or_(pc.starts_with(array, "#"), pc.starts_with(array, " "))
        if pc.any(suspicious).as_py():
            for row in pc.indices_nonzero(suspicious).to_pylist():
                cleaned = unless_excel_error(cells[row])
                if cleaned != cells[row]:
                    cells[row] = cleaned
                    plain[row] = False
        columns[header[index]] = cells
    if b'"' in data and not _reread_quoted_lines(data, header, columns, plain):
        return None
    return PlainTable(
        header=header,
        columns=columns,
        rows=lines - 1,
        arrays={header[int(name[1:])]: array for name, array in arrays.items()},
        plain=plain,
    )


def _reread_quoted_lines(
    data: bytes, header: list[str], columns: dict[str, list[str]], plain: list[bool]
) -> bool:
    """Cells of the lines with a quote character, read by Python's csv module as `open_table` does;
    False when such a line does not have as many cells as the header."""
    lines = data.split(b"\n")
    for row, line in enumerate(lines[1 : len(plain) + 1]):
        if b'"' not in line:
            continue
        try:
            cells = next(csv.reader(io.StringIO(line.decode("utf-8"))), [])
        except csv.Error:
            return False
        if len(cells) != len(header):
            return False
        plain[row] = False
        for index, name in enumerate(header):
            if name:
                columns[name][row] = unless_excel_error(cells[index])
    return True
