"""HubSpot (and Salesforce) tables as Fivetran lands them in a warehouse: association tables and the
parent `engagement` table joined in, rows deleted in the CRM skipped (counted, not rejects), and
pseudonymised e-mail columns answered once per file.

The real case (Fivetran's dbt seeds) is read in place; its association tables name records the other
tables lack, so a hand-written folder (tests/fixtures/hubspot_warehouse) shows the joins that match.
"""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

from typer.testing import CliRunner

from api.cli import app
from graph.stores.embedded import EmbeddedStore
from ingest.loader import IngestResult, ingest_paths
from tests.touches import account_touches

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _ingest(tmp_path: Path, *paths: Path) -> tuple[IngestResult, EmbeddedStore]:
    store = EmbeddedStore(tmp_path / "store")
    return ingest_paths(list(paths), store, progress=False), store


def _count(path: Path) -> int:
    with path.open(encoding="utf-8", newline="") as fh:
        return sum(1 for row in csv.reader(fh) if any(c.strip() for c in row)) - 1


def test_associations_and_parent_engagements_are_joined(tmp_path: Path) -> None:
    result, store = _ingest(tmp_path, FIXTURES / "hubspot_warehouse")
    assert not [r for r in result.rejects if r.action == "row_skipped"]
    account = store.account_graph("hs-company-101")
    [deal] = account.deals  # deal_company gives the deal its company
    assert deal.id == "hs-deal-301" and deal.owner_rep_id == "hs-owner-401"
    touches = {t.id: t for t in account_touches(store, "hs-company-101")}
    assert set(touches) == {"hs-engagement-501", "hs-engagement-502"}
    call, meeting = touches["hs-engagement-501"], touches["hs-engagement-502"]
    # The subtables hold neither time nor owner nor (the meeting) type: the parent engagement row does.
    assert call.kind.value == "call" and call.at.replace(tzinfo=None) == datetime(2024, 3, 1, 10, 0)
    assert call.rep_id == "hs-owner-401" and call.person_ids == ["hs-contact-201"]
    assert meeting.kind.value == "meeting" and meeting.deal_id == "hs-deal-301"
    assert meeting.at.replace(tzinfo=None) == datetime(2024, 3, 5, 14, 30)
    assert meeting.rep_id == "hs-owner-401"
    notes = {n.file: n for n in result.summary.files}
    assert notes["engagement_company_data.csv"].joined
    assert "type" in notes["owner_data.csv"].ignored_columns  # an owner's type is not an activity's


def test_rows_deleted_in_the_crm_are_skipped_and_counted_not_rejected(tmp_path: Path) -> None:
    result, store = _ingest(tmp_path, FIXTURES / "hubspot_warehouse")
    notes = {n.file: n for n in result.summary.files}
    assert notes["company_data.csv"].deleted == 1 and notes["company_data.csv"].rows == 2
    assert notes["contact_data.csv"].deleted == 1
    assert notes["deal_data.csv"].deleted == 1
    assert notes["engagement_call_data.csv"].deleted == 1  # its parent engagement row is deleted
    assert result.summary.deleted_rows == 4
    assert store.existing_ids("companies", {"hs-company-102"}) == set()
    assert store.existing_ids("people", {"hs-contact-203"}) == set()
    assert store.existing_ids("deals", {"hs-deal-302"}) == set()
    assert "hs-engagement-503" not in {t.id for t in account_touches(store, "hs-company-101")}
    assert not [r for r in result.rejects if r.row is not None]


def test_salesforce_warehouse_rows_deleted_in_the_crm_are_skipped(tmp_path: Path) -> None:
    result, store = _ingest(tmp_path, FIXTURES / "sf_warehouse_deleted")
    [note] = result.summary.files
    assert (note.rows, note.deleted) == (1, 2)
    assert store.existing_ids("companies", {"001A", "001B", "001C"}) == {"001A"}
    assert result.rejects == []


def test_hashed_e_mails_are_answered_once_per_file(tmp_path: Path) -> None:
    result, store = _ingest(tmp_path, FIXTURES / "hubspot_warehouse")
    [reject] = [r for r in result.rejects if r.file == "contact_data.csv"]
    assert (
        reject.row is None
        and reject.action == "value_ignored"
        and "1 e-mail values are hashed" in reject.reason
    )
    assert store.get_person("hs-contact-202").email is None
    assert store.get_person("hs-contact-201").email == "ann.lee@acme-pumps.example"


def test_the_fivetran_hubspot_seeds_load_with_one_answer_for_their_hashed_e_mails(
    datasets: Path, tmp_path: Path
) -> None:
    folder = datasets / "crm-exports" / "hubspot-fivetran-warehouse-seeds"
    result, store = _ingest(tmp_path, folder)
    kinds = result.summary.kinds
    contacts = _count(folder / "contact_data.csv")
    assert kinds["companies"].loaded == _count(folder / "company_data.csv")
    assert kinds["people"].loaded == contacts
    assert kinds["reps"].loaded == _count(folder / "owner_data.csv")
    [hashed] = [r for r in result.rejects if r.file == "contact_data.csv"]
    assert hashed.row is None and f"{contacts} e-mail values are hashed" in hashed.reason
    # The seeds' association tables name deals and contacts that the other tables do not hold.
    deals = _count(folder / "deal_data.csv")
    assert kinds["deals"].read == deals and kinds["deals"].loaded + kinds["deals"].rejected == deals
    notes = {n.file: n for n in result.summary.files}
    for joined in ("deal_company_data.csv", "engagement_contact_data.csv", "engagement_data.csv"):
        assert notes[joined].joined and notes[joined].rows == _count(folder / joined)
    assert not [r for r in result.rejects if r.action == "file_skipped"]


def test_a_table_whose_rows_were_all_deleted_is_not_header_only(datasets: Path, tmp_path: Path) -> None:
    folder = datasets / "crm-exports" / "sf-fivetran-warehouse-seeds"
    result = CliRunner().invoke(app, ["--store", str(tmp_path / "store"), "ingest", str(folder)])
    assert result.exit_code == 0, result.output
    line = next(x for x in result.output.splitlines() if "sf_opportunity_data.csv" in x)
    assert "header only" not in line and "10 skipped (deleted in the CRM)" in line
