"""`buyergraph export --for salesforce|hubspot`: the kept scores as update files the CRM's own importer takes.

The figures come from the kept results of the last refresh (graph/analyses/crm_fields.py); the record
ids are the CRM's own, as ingest kept them:

- Salesforce ids stay as they are (ingest/readers/salesforce.py): a person whose id is a Contact id
  (prefix 003) goes to `Contact.csv`, a Lead id (00Q) to `Lead.csv`, an Opportunity id (006) to
  `Opportunity.csv`; each file is keyed by `Id` with the custom fields of docs/crm-export.md, for
  Data Loader's Update (or the Data Import Wizard's "Update existing records", matched by Salesforce.com ID).
- HubSpot ids carry a prefix (ingest/readers/hubspot.py: contact 51 is `hs-contact-51`): `contacts.csv`
  is keyed by `Record ID` (and `Email` for people that came from elsewhere but have an address),
  `deals.csv` by `Record ID`, with buyergraph's custom properties as columns.

A person ingest merged from several sources keeps one id (the survivor's, perhaps not this CRM's); the
ids merged into it are kept as aliases (`GraphStore.aliases_into`), and the export takes the CRM's
record id from them, so that a contact that is also in another source is not skipped. People and deals
that came from neither CRM (no such id, nor an alias of one, nor an e-mail for HubSpot) are counted as
skipped. People's e-mail addresses and aliases are read in batches of READ_BATCH.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from api.shared_file import replace_atomically
from graph.analyses.crm_fields import ContactScores, DealScores, crm_scores
from graph.analyses.portfolio import AccountResult
from graph.stores.base import GraphStore
from ingest.spreadsheet import spreadsheet_cell

__all__ = ["CONTACT_FIELDS", "DEAL_FIELDS", "Crm", "ExportSummary", "export_scores", "kept_results"]


class Crm(StrEnum):
    SALESFORCE = "salesforce"
    HUBSPOT = "hubspot"


#: (Salesforce field API name, HubSpot property internal name, what it holds): the custom fields to
#: create before the first import (docs/crm-export.md).
CONTACT_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("Buyergraph_Influence_Rank__c", "buyergraph_influence_rank", "influence_rank"),
    ("Buyergraph_Influence_Score__c", "buyergraph_influence_score", "influence_score"),
    ("Buyergraph_Suggested_Roles__c", "buyergraph_suggested_roles", "suggested_roles"),
    ("Buyergraph_Lead_Score__c", "buyergraph_lead_score", "lead_score"),
    ("Buyergraph_Engagement__c", "buyergraph_engagement", "engagement"),
    ("Buyergraph_Last_Touch__c", "buyergraph_last_touch", "last_touch"),
    ("Buyergraph_As_Of__c", "buyergraph_as_of", "as_of"),
)
DEAL_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("Buyergraph_Coverage__c", "buyergraph_coverage", "coverage"),
    ("Buyergraph_Completeness__c", "buyergraph_completeness", "completeness"),
    ("Buyergraph_Win_Likelihood__c", "buyergraph_win_likelihood", "win_likelihood"),
    ("Buyergraph_Gaps__c", "buyergraph_gaps", "gaps"),
    ("Buyergraph_Top_Gap__c", "buyergraph_top_gap", "top_gap"),
    ("Buyergraph_Top_Gap_Severity__c", "buyergraph_top_gap_severity", "top_gap_severity"),
    ("Buyergraph_Next_Step__c", "buyergraph_next_step", "next_step"),
    ("Buyergraph_As_Of__c", "buyergraph_as_of", "as_of"),
)
#: Figures in [0, 1] written as percentages (Salesforce Percent fields, HubSpot numbers).
_PERCENT = frozenset({"coverage", "completeness", "win_likelihood"})
#: Text fields are Text(255) in Salesforce: longer text is cut with an ellipsis.
TEXT_MAX = 255

_SF_ID = re.compile(r"^(?P<prefix>[a-zA-Z0-9]{3})[a-zA-Z0-9]{12,15}$")  # 15 or 18 (hand-made: between)
_SF_FILES = {"003": "Contact", "00Q": "Lead", "006": "Opportunity"}
_HS_CONTACT = re.compile(r"^hs-contact-(.+)$")
_HS_DEAL = re.compile(r"^hs-deal-(.+)$")
#: Accounts whose kept results are read at a time.
READ_BATCH = 200


@dataclass
class ExportSummary:
    crm: str
    folder: Path
    #: File name -> rows written.
    files: dict[str, int] = field(default_factory=dict)
    #: Records without an id of this CRM (came from another source).
    skipped_contacts: int = 0
    skipped_deals: int = 0
    accounts: int = 0


def kept_results(store: GraphStore) -> Iterator[AccountResult]:
    """Every account's kept result, read in batches."""
    ids = store.accounts_to_refresh(everything=True)
    for start in range(0, len(ids), READ_BATCH):
        batch = store.read_results(ids[start : start + READ_BATCH])
        yield from (batch[i] for i in ids[start : start + READ_BATCH] if i in batch)


def _value(name: str, value: Any) -> Any:
    if value is None:
        return ""
    if name in _PERCENT:
        return round(float(value) * 100, 1)
    if isinstance(value, list):
        return ";".join(value)
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, str):
        text = value if len(value) <= TEXT_MAX else value[: TEXT_MAX - 1] + "…"
        return spreadsheet_cell(text)
    return value.isoformat() if hasattr(value, "isoformat") else value


def _csv(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")  # UTF-8 without BOM: what Data Loader and HubSpot read


def _row(scores: ContactScores | DealScores, fields: Sequence[tuple[str, str, str]]) -> list[Any]:
    data = scores.model_dump()
    return [_value(attr, data[attr]) for _, _, attr in fields]


def _sf_person(person_id: str) -> str | None:
    """The Salesforce object (Contact or Lead) a person id is a record id of, else None."""
    match = _SF_ID.match(person_id)
    obj = _SF_FILES.get(match["prefix"]) if match else None
    return obj if obj in ("Contact", "Lead") else None


def _hs_contact(person_id: str) -> str | None:
    """The HubSpot contact Record ID a person id carries, else None."""
    match = _HS_CONTACT.match(person_id)
    return match.group(1) if match else None


def _merged_ids(store: GraphStore, person_ids: Sequence[str]) -> dict[str, list[str]]:
    """The ids merged into each person (ingest's aliases), read in batches: {person: [alias ids]}."""
    found: dict[str, list[str]] = {}
    for start in range(0, len(person_ids), READ_BATCH):
        for into, aliases in store.aliases_into("people", person_ids[start : start + READ_BATCH]).items():
            found[into] = [a.id for a in aliases]
    return found


def _crm_id(person_id: str, merged: dict[str, list[str]], of_crm: Callable[[str], str | None]) -> str | None:
    """The person's own id when it is one of this CRM's, else the first alias merged into it that is."""
    candidates: list[str] = [person_id, *merged.get(person_id, [])]
    for candidate in candidates:
        if of_crm(candidate) is not None:
            return candidate
    return None


def _salesforce(
    store: GraphStore, contacts: list[ContactScores], deals: list[DealScores], summary: ExportSummary
) -> dict[str, bytes]:
    by_object: dict[str, list[list[Any]]] = {"Contact": [], "Lead": [], "Opportunity": []}
    foreign = [c.person_id for c in contacts if _sf_person(c.person_id) is None]
    merged = _merged_ids(store, foreign)
    for contact in contacts:
        record_id = _crm_id(contact.person_id, merged, _sf_person)
        obj = _sf_person(record_id) if record_id else None
        if record_id and obj:
            by_object[obj].append([record_id, *_row(contact, CONTACT_FIELDS)])
        else:
            summary.skipped_contacts += 1
    for deal in deals:
        match = _SF_ID.match(deal.deal_id)
        if match and _SF_FILES.get(match["prefix"]) == "Opportunity":
            by_object["Opportunity"].append([deal.deal_id, *_row(deal, DEAL_FIELDS)])
        else:
            summary.skipped_deals += 1
    person_header = ["Id", *(sf for sf, _, _ in CONTACT_FIELDS)]
    deal_header = ["Id", *(sf for sf, _, _ in DEAL_FIELDS)]
    summary.files = {f"{obj}.csv": len(rows) for obj, rows in by_object.items() if rows}
    return {
        f"{obj}.csv": _csv(deal_header if obj == "Opportunity" else person_header, rows)
        for obj, rows in by_object.items()
        if rows
    }


def _hubspot(
    store: GraphStore, contacts: list[ContactScores], deals: list[DealScores], summary: ExportSummary
) -> dict[str, bytes]:
    contact_rows: list[list[Any]] = []
    ids = [c.person_id for c in contacts]
    merged = _merged_ids(store, [i for i in ids if _hs_contact(i) is None])
    emails: dict[str, str] = {}
    for start in range(0, len(ids), READ_BATCH):  # erased meanwhile: not found, no e-mail
        people = store.get_people(ids[start : start + READ_BATCH])
        emails.update({pid: p.email for pid, p in people.items() if p.email})
    for contact in contacts:
        crm_id = _crm_id(contact.person_id, merged, _hs_contact)
        record_id = (_hs_contact(crm_id) if crm_id else None) or ""
        email = emails.get(contact.person_id, "")
        if not record_id and not email:
            summary.skipped_contacts += 1
            continue
        contact_rows.append([record_id, email, *_row(contact, CONTACT_FIELDS)])
    deal_rows: list[list[Any]] = []
    for deal in deals:
        match = _HS_DEAL.match(deal.deal_id)
        if match is None:
            summary.skipped_deals += 1
            continue
        deal_rows.append([match.group(1), _value("name", deal.name), *_row(deal, DEAL_FIELDS)])
    files: dict[str, bytes] = {}
    summary.files = {
        name: len(rows) for name, rows in (("contacts.csv", contact_rows), ("deals.csv", deal_rows)) if rows
    }
    if contact_rows:
        files["contacts.csv"] = _csv(
            ["Record ID", "Email", *(hs for _, hs, _ in CONTACT_FIELDS)], contact_rows
        )
    if deal_rows:
        files["deals.csv"] = _csv(["Record ID", "Deal Name", *(hs for _, hs, _ in DEAL_FIELDS)], deal_rows)
    return files


def export_scores(store: GraphStore, crm: Crm | str, folder: Path) -> ExportSummary:
    """Write the update files for `crm` into `folder` (created; files of the same names replaced)."""
    crm = Crm(crm)
    results = list(kept_results(store))
    contacts, deals = crm_scores(results)
    summary = ExportSummary(crm=crm.value, folder=folder, accounts=len(results))
    files = (
        _salesforce(store, contacts, deals, summary)
        if crm is Crm.SALESFORCE
        else _hubspot(store, contacts, deals, summary)
    )
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        replace_atomically(folder / name, data)
    return summary
