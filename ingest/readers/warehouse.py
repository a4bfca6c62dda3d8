"""CRM tables as ELT tools (Fivetran, Airbyte, Stitch) land them in a warehouse, dumped to CSV.

Data teams often have their CRM only in Snowflake or BigQuery. A Salesforce object lands as a table
named after it (`account`, `opportunity_line_item`; dumps and dbt seeds add `sf_`/`salesforce_` and
`_data`) with snake_case columns (`account_id`, `stage_name`, `is_won`, `_fivetran_synced`). Such a
table is read as the Salesforce object it holds: its header is rewritten to the API names
(`account_id` -> `AccountId`) into a scratch copy that the Salesforce reader reads, so the mapping
stays in one place. Rows keep their numbers; rejects name the API field.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from ingest.readers.csvio import open_table
from ingest.readers.salesforce import SALESFORCE_OBJECTS
from ingest.readers.scratch import Scratch

__all__ = ["salesforce_table", "WarehouseTables"]

_AFFIXES = re.compile(r"^(?:sf|salesforce)_|_data$")
_OBJECTS = {name.lower(): name for name in SALESFORCE_OBJECTS}


def _squash(name: str) -> str:
    return name.strip().lower().replace("_", "")


def salesforce_table(path: Path, header: list[str]) -> str | None:
    """The Salesforce object a warehouse table holds (by its name, snake_case header), else None."""
    stem = path.name.split(".", 1)[0].strip().lower()
    obj = _OBJECTS.get(_squash(_AFFIXES.sub("", _AFFIXES.sub("", stem))))
    cells = [h for h in header if h]
    snake = (
        bool(cells) and all(h == h.lower() for h in cells) and "id" in cells or "_fivetran_synced" in cells
    )
    return obj if obj and snake and any("_" in h for h in cells) else None


class WarehouseTables:
    """Scratch copies of warehouse tables with their header in Salesforce API names."""

    def __init__(self, scratch: Scratch) -> None:
        self._scratch = scratch

    def salesforce(self, path: Path, obj: str) -> Path:
        api = {_squash(name): name for name in SALESFORCE_OBJECTS[obj]}
        table = open_table(path)
        header = [api.get(_squash(h), h) if h else "" for h in table.header]
        out = self._scratch.folder() / f"{obj}.csv"
        with out.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(header)
            written = 1
            for number, row in table.rows:
                while written < number - 1:  # blank lines keep the rows' numbers
                    writer.writerow([])
                    written += 1
                writer.writerow([row.get(h, "") if h else "" for h in table.header])
                written += 1
        return out
