"""CRM tables as ELT tools (Fivetran, Airbyte, Stitch) land them in a warehouse, dumped to CSV.

Data teams often have their CRM only in Snowflake or BigQuery. A Salesforce object lands as a table
named after it (`account`, `opportunity_line_item`; dumps and dbt seeds add `sf_`/`salesforce_` and
`_data`) with snake_case columns (`account_id`, `stage_name`, `is_won`, `_fivetran_synced`). Such a
table is read as the Salesforce object it holds: its header is rewritten to the API names
(`account_id` -> `AccountId`) into a scratch copy that the Salesforce reader reads, so the mapping
stays in one place. Rows keep their numbers; rejects name the API field.

Rows the CRM deleted are still in such tables, flagged `is_deleted` (Salesforce, HubSpot) or
`_fivetran_deleted` (the connector's soft delete): they are skipped as "deleted in the CRM", counted per
file, neither loaded nor rejected.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from pathlib import Path

from ingest.readers.common import truthy, undecodable_rejects
from ingest.readers.csvio import open_table
from ingest.readers.salesforce import SALESFORCE_OBJECTS
from ingest.readers.scratch import Scratch
from ingest.rejects import Reject

__all__ = ["salesforce_table", "WarehouseTables", "HubSpotTables", "hubspot_table", "DELETED_COLUMNS"]

_AFFIXES = re.compile(r"^(?:sf|salesforce)_|_data$")
_OBJECTS = {name.lower(): name for name in SALESFORCE_OBJECTS}


#: Columns that flag a row the CRM deleted (the CRM's own flag, and the ELT connector's soft delete).
DELETED_COLUMNS = ("is_deleted", "isdeleted", "_fivetran_deleted")


def _deleted(row: Mapping[str, str]) -> bool:
    """Whether a warehouse row is a record deleted in the CRM."""
    return any(truthy(row.get(column)) for column in DELETED_COLUMNS)


def _lowered(row: Mapping[str, str]) -> dict[str, str]:
    return {k.strip().lower(): v for k, v in row.items() if k}


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

    def __init__(
        self,
        scratch: Scratch,
        rejects: list[Reject],
        labels: Mapping[Path, str],
        deleted: dict[Path, int] | None = None,
    ) -> None:
        self._scratch = scratch
        self._rejects = rejects  # rows left out of a copy for bytes that are not text, by their file
        self._labels = labels
        #: Rows skipped as deleted in the CRM, by the copy they were left out of.
        self.deleted: dict[Path, int] = deleted if deleted is not None else {}

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
                if _deleted(_lowered(row)):
                    self.deleted[out] = self.deleted.get(out, 0) + 1
                    continue  # the next row's blank lines keep the numbers
                while written < number - 1:  # blank lines keep the rows' numbers
                    writer.writerow([])
                    written += 1
                writer.writerow([row.get(h, "") if h else "" for h in table.header])
                written += 1
        self._rejects.extend(undecodable_rejects(table, self._labels.get(path, path.name), obj))
        return out


#: HubSpot tables by name (Fivetran's schema): object tables and the association tables joined into them.
_HUBSPOT_OBJECTS = {"company": "companies", "contact": "contacts", "deal": "deals"}
#: The record kind a table's rows become (for the rows it cannot read).
_RECORD_KINDS = {"company": "companies", "contact": "people", "deal": "deals"}
_HUBSPOT_ENGAGEMENTS = (
    "engagement_call",
    "engagement_email",
    "engagement_meeting",
    "engagement_note",
    "engagement_task",
)
#: association table -> (object table it joins into, that table's key, the other side's key, column added)
_HUBSPOT_ASSOCIATIONS = {
    "deal_company": ("deal", "deal_id", "company_id", "associatedcompanyids"),
    "deal_contact": ("deal", "deal_id", "contact_id", "associatedcontactids"),
    "engagement_contact": ("engagement", "engagement_id", "contact_id", "associatedcontactids"),
    "engagement_deal": ("engagement", "engagement_id", "deal_id", "associateddealids"),
    "engagement_company": ("engagement", "engagement_id", "company_id", "associatedcompanyids"),
}
#: What an engagement subtable (engagement_call ...) takes from its parent `engagement` row when it
#: lacks it: (parent column(s), the reader's column).
_ENGAGEMENT_PARENT = (
    (("type",), "hs_engagement_type"),
    (("timestamp", "created_at"), "hs_timestamp"),
    (("owner_id",), "hubspot_owner_id"),
)
#: Columns of HubSpot tables that are not `property_*`, in the reader's internal names.
_HUBSPOT_RENAMES = {
    "id": "hs_object_id",
    "deal_id": "hs_object_id",
    "engagement_id": "hs_object_id",
    "owner_id": "hubspot_owner_id",
    "start_time": "hs_meeting_start_time",
    "title": "hs_meeting_title",
}
#: Renames that apply to engagement tables only (an owner's `type` is PERSON or QUEUE, not an activity).
_ENGAGEMENT_RENAMES = {"type": "hs_engagement_type"}


def hubspot_table(path: Path, header: list[str]) -> str | None:
    """The HubSpot table (company, deal_contact, engagement_meeting, ...) a warehouse dump holds."""
    stem = re.sub(r"^hubspot_|_data$", "", path.name.split(".", 1)[0].strip().lower())
    cells = {h for h in header if h}
    if stem in _HUBSPOT_ASSOCIATIONS or stem == "engagement" or stem == "owner":
        return stem if "_fivetran_synced" in cells or stem in _HUBSPOT_ASSOCIATIONS else None
    if stem in _HUBSPOT_OBJECTS or stem in _HUBSPOT_ENGAGEMENTS:
        # `_fivetran_synced` alone is not enough: Salesforce's `contact` table has it too.
        landed = any(h.startswith("property_") for h in cells) or "engagement_id" in cells
        return stem if landed else None
    return None


class HubSpotTables:
    """A warehouse dump of HubSpot tables, rewritten as HubSpot API-form exports with associations.

    The association tables (deal_contact, engagement_deal, ...) become the `associated...ids` columns
    of the deal and engagement files; the parent `engagement` table gives each engagement of a subtable
    (engagement_call ...) its type, timestamp and owner when the subtable lacks them.
    """

    def __init__(
        self,
        scratch: Scratch,
        rejects: list[Reject],
        labels: Mapping[Path, str],
        deleted: dict[Path, int] | None = None,
    ) -> None:
        self._scratch = scratch
        self._rejects = rejects  # rows left out of a copy for bytes that are not text, by their file
        self._labels = labels
        #: Rows skipped as deleted in the CRM, by the copy they were left out of.
        self.deleted: dict[Path, int] = deleted if deleted is not None else {}

    def rewrite(self, tables: dict[str, Path]) -> dict[str, Path]:
        """table name -> rewritten file, for the object and engagement tables among `tables`."""
        added: dict[str, dict[str, dict[str, list[str]]]] = {}
        for assoc, (target, key, other, column) in _HUBSPOT_ASSOCIATIONS.items():
            if assoc not in tables:
                continue
            links = added.setdefault(target, {}).setdefault(column, {})
            for _, row in open_table(tables[assoc]).rows:
                if row.get(key) and row.get(other):
                    links.setdefault(row[key].strip(), []).append(row[other].strip())
        parents: dict[str, dict[str, str]] = {}
        if "engagement" in tables:
            for _, raw in open_table(tables["engagement"]).rows:
                row = _lowered(raw)
                if (row.get("id") or "").strip():
                    parents[row["id"].strip()] = row
        out: dict[str, Path] = {}
        folder = self._scratch.folder()
        for name, path in tables.items():
            if name not in _HUBSPOT_OBJECTS and name not in _HUBSPOT_ENGAGEMENTS and name != "owner":
                continue
            engagement = name.startswith("engagement")
            extra = added.get("engagement" if engagement else name, {})
            kind = _RECORD_KINDS.get(name, "touches" if engagement else "reps")
            out[name] = self._write(path, folder / path.name, extra, parents if engagement else None, kind)
        return out

    def _write(
        self,
        source: Path,
        target: Path,
        extra: dict[str, dict[str, list[str]]],
        parents: dict[str, dict[str, str]] | None,
        kind: str,
    ) -> Path:
        """Copy one table with the reader's column names, its associations and (for an engagement
        subtable) what its parent engagement row says; rows deleted in the CRM are left out."""
        table = open_table(source)
        renames = {**_HUBSPOT_RENAMES, **(_ENGAGEMENT_RENAMES if parents is not None else {})}
        header = [renames.get(h, h.removeprefix("property_")) if h else "" for h in table.header]
        columns = [c for c in extra if c not in header]
        inherited = [
            (sources, column) for sources, column in _ENGAGEMENT_PARENT if parents and column not in header
        ]
        key = table.header[header.index("hs_object_id")] if "hs_object_id" in header else None
        with target.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(header + columns + [column for _, column in inherited])
            written = 1
            for number, row in table.rows:
                record_id = (row.get(key) or "").strip() if key else ""
                parent = (parents or {}).get(record_id, {})
                if _deleted(_lowered(row)) or _deleted(parent):
                    self.deleted[target] = self.deleted.get(target, 0) + 1
                    continue  # the next row's blank lines keep the numbers
                while written < number - 1:
                    writer.writerow([])
                    written += 1
                cells = [row.get(h, "") if h else "" for h in table.header]
                cells += [";".join(extra[c].get(record_id, [])) for c in columns]
                cells += [next((parent[s] for s in sources if parent.get(s)), "") for sources, _ in inherited]
                writer.writerow(cells)
                written += 1
        self._rejects.extend(undecodable_rejects(table, self._labels.get(source, source.name), kind))
        return target
