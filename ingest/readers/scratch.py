"""A private temporary folder for tables that buyergraph rewrites before reading them.

Excel sheets and warehouse tables are turned into the CSV files that the existing readers already
understand (a sheet `Contact`, a table `sf_contact_data` with snake_case columns -> `Contact.csv` with
API names), so one reader per source object keeps one home. The folder lives as long as the ingest.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

__all__ = ["Scratch"]


class Scratch:
    """Fresh sub-folders of one temporary folder; `close` removes everything."""

    def __init__(self) -> None:
        self._folder: tempfile.TemporaryDirectory[str] | None = None
        self._count = 0

    def folder(self) -> Path:
        if self._folder is None:
            self._folder = tempfile.TemporaryDirectory(prefix="buyergraph-tables-")
        self._count += 1
        path = Path(self._folder.name) / str(self._count)
        path.mkdir()
        return path

    def close(self) -> None:
        if self._folder is not None:
            self._folder.cleanup()
            self._folder = None
