"""Readers on hand-written exports: what each CRM column becomes, and how files are recognised."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.model import BuyingRole, CommitteeRole, Company, Deal, Holding, Person, Rep, Touch
from ingest.readers import detect_format, plan, read_paths
from ingest.rejects import Reject, SourceRecord

CRM = Path(__file__).resolve().parent.parent / "data" / "crm"


def _read(*paths: Path, fmt: str = "auto") -> tuple[list[SourceRecord], list[Reject]]:
    items = list(read_paths(plan(paths, fmt)))
    return [i for i in items if isinstance(i, SourceRecord)], [i for i in items if isinstance(i, Reject)]


def _by_id(records: list[SourceRecord], kind: str) -> dict[str, object]:
    return {getattr(r.record, "id"): r.record for r in records if r.kind == kind}  # noqa: B009


@pytest.mark.parametrize(
    ("path", "fmt", "obj"),
    [
        ("salesforce/Contact.csv", "salesforce", "Contact"),
        ("salesforce/EventRelation.csv", "salesforce", "EventRelation"),
        ("hubspot/hubspot-crm-exports-all-contacts-2024-05-01.csv", "hubspot", "contacts"),
        ("hubspot/hubspot-crm-exports-all-deals-2024-05-01.csv", "hubspot", "deals"),
        ("hubspot/hubspot-crm-exports-calls-2024-05-01.csv", "hubspot", "engagements"),
        ("hubspot/hubspot-crm-exports-all-companies-2024-05-01.csv", "hubspot", "companies"),
        ("native/people.jsonl", "native", "people"),
        ("native/touches.csv", "native", "touches"),
        ("gbk/people.csv", "native", "people"),
    ],
)
def test_formats_are_detected_from_names_and_headers(path: str, fmt: str, obj: str) -> None:
    detected = detect_format(CRM / path)
    assert detected is not None
    assert (detected.format, detected.object) == (fmt, obj)


def test_a_forced_format_refuses_files_of_another() -> None:
    assert detect_format(CRM / "salesforce" / "Contact.csv", "hubspot") is None
    reading = plan([CRM / "native" / "reps.csv"], "salesforce")
    assert [r.action for r in reading.rejects] == ["file_skipped"]
    assert "salesforce format" in reading.rejects[0].reason


def test_salesforce_export_maps_objects_onto_the_model() -> None:
    records, rejects = _read(CRM / "salesforce")
    assert rejects == []
    companies = _by_id(records, "companies")
    people = _by_id(records, "people")
    deals = _by_id(records, "deals")
    touches = _by_id(records, "touches")
    cn = companies["0015g00000AcmeCNAA"]
    assert isinstance(cn, Company)
    assert (cn.domain, cn.status, cn.parent_id) == ("acme.cn", "prospect", "0015g00000AcmeHQAA")
    globex = companies["0015g00000GlobxAAA"]
    assert isinstance(globex, Company) and globex.employees == 1200 and globex.status == "partner"
    wang = people["0035g00000WangWAA"]
    assert isinstance(wang, Person) and wang.name == "王伟"  # family name first for Chinese names
    won, lost, open_ = deals["0065g00000Deal2AAA"], deals["0065g00000Deal3AAA"], deals["0065g00000Deal1AAA"]
    assert isinstance(won, Deal) and isinstance(lost, Deal) and isinstance(open_, Deal)
    assert (won.status, lost.status, open_.status) == ("won", "lost", "open")
    assert open_.closed_at is None and str(won.closed_at) == "2023-12-15"
    demo = touches["00U5g00000Evnt1AAA"]
    assert isinstance(demo, Touch)
    assert demo.person_ids == ["0035g00000AnnLeeAA", "0035g00000BobSmiAA", "0035g00000CarolAAA"]
    assert (demo.kind, demo.duration_s, demo.deal_id) == ("demo", 3600, "0065g00000Deal1AAA")
    visit = touches["00U5g00000Evnt2AAA"]
    assert isinstance(visit, Touch) and visit.kind == "visit"
    email_task = touches["00T5g00000Task2AAA"]
    assert isinstance(email_task, Touch)
    assert email_task.kind == "email" and email_task.deal_id is None  # WhatId is the account
    roles = {(r.record.person_id, r.record.role) for r in records if isinstance(r.record, CommitteeRole)}
    assert ("0035g00000AnnLeeAA", BuyingRole.ECONOMIC_BUYER) in roles
    assert ("0035g00000ZhangLA", BuyingRole.END_USER) in roles
    assets = {r.record.company_id: r.record.status for r in records if isinstance(r.record, Holding)}
    assert assets == {"0015g00000AcmeHQAA": "active", "0015g00000GlobxAAA": "churned"}
    reps = _by_id(records, "reps")
    assert {getattr(r, "kind") for r in reps.values()} == {"sales", "presales", "success"}  # noqa: B009


def test_salesforce_unknown_columns_are_listed_once_per_file() -> None:
    reading = plan([CRM / "salesforce"])
    list(read_paths(reading))
    note = reading.notes[CRM / "salesforce" / "Contact.csv"]
    assert note.ignored_columns == ["Salutation", "Phone", "MailingCity"]
    assert note.rows == 9


def test_hubspot_exports_map_labels_roles_and_activities() -> None:
    records, rejects = _read(CRM / "hubspot")
    people = _by_id(records, "people")
    lead = people["hs-contact-508"]  # a lead naming its company ("INITECH, LLC") but with no company id
    assert isinstance(lead, Person) and lead.company_id == "hs-company-9001"
    chen = people["hs-contact-504"]
    assert isinstance(chen, Person) and chen.name == "陈芳" and chen.company_id == "hs-company-9002"
    companies = _by_id(records, "companies")
    tengda = companies["hs-company-9002"]
    assert isinstance(tengda, Company) and tengda.employees == 1500 and tengda.status == "prospect"
    roles = {
        (r.record.deal_id, r.record.person_id, r.record.role)
        for r in records
        if isinstance(r.record, CommitteeRole)
    }
    assert ("hs-deal-7001", "hs-contact-501", BuyingRole.DECISION_MAKER) in roles
    assert ("hs-deal-7001", "hs-contact-501", BuyingRole.ECONOMIC_BUYER) in roles  # Budget Holder
    assert ("hs-deal-7002", "hs-contact-504", BuyingRole.BLOCKER) in roles
    touches = _by_id(records, "touches")
    call = touches["hs-engagement-80001"]
    assert isinstance(call, Touch)
    assert (call.kind, call.duration_s, call.deal_id) == ("call", 1500, "hs-deal-7001")
    inbound = touches["hs-engagement-80002"]
    assert isinstance(inbound, Touch) and inbound.direction == "inbound"
    meeting = touches["hs-engagement-81001"]
    assert isinstance(meeting, Touch) and len(meeting.person_ids) == 3
    assert "hs-engagement-82001" not in touches  # a note is not a touch
    reps = _by_id(records, "reps")
    assert all(isinstance(r, Rep) for r in reps.values()) and len(reps) == 2
    deal = _by_id(records, "deals")["hs-deal-7002"]
    assert isinstance(deal, Deal) and deal.status == "won" and deal.owner_rep_id in reps
    assert [(r.row, r.field) for r in rejects] == [(4, "Associated Company IDs")]


def test_native_bundle_reads_jsonl_and_lenient_values() -> None:
    records, rejects = _read(CRM / "native", CRM / "gbk")
    assert rejects == []
    # Two bundles with the same file names are told apart by their folder.
    assert {r.file for r in records if r.kind == "companies"} == {"native/companies.csv", "gbk/companies.csv"}
    roles = {r.record.person_id: r.record.role for r in records if isinstance(r.record, CommitteeRole)}
    assert roles["p-li"] == BuyingRole.DECISION_MAKER  # 决策者
    assert roles["p-birkin"] == BuyingRole.CHAMPION  # "Champion" in any case
    deals = _by_id(records, "deals")
    big = deals["cn-d2"]
    assert isinstance(big, Deal) and big.amount == 3_500_000 and str(big.closed_at) == "2023-12-20"
    assert getattr(deals["d-vaccine"], "amount") == 1_250_000  # noqa: B009
    t2 = _by_id(records, "touches")["t-2"]
    assert isinstance(t2, Touch) and t2.at.hour == 7  # 15:30 +08:00 stored as naive UTC


def test_bom_bundle_reads_european_dates() -> None:
    records, rejects = _read(CRM / "bom")
    assert rejects == []
    touches = _by_id(records, "touches")
    first, second = touches["bt-1"], touches["bt-2"]
    assert isinstance(first, Touch) and isinstance(second, Touch)
    assert (first.at.month, first.at.day, first.at.hour) == (3, 5, 14)  # 05.03.2024 is day-first
    assert (second.at.month, second.at.day, second.at.hour) == (3, 7, 9)  # 3/7/2024 is month-first


def test_broken_rows_become_rejects_naming_file_row_field_and_reason() -> None:
    records, rejects = _read(CRM / "broken")
    found = {(r.file, r.row, r.field): r for r in rejects}
    assert found[("companies.csv", 3, "name")].reason == "required value is missing"
    assert found[("companies.csv", 4, "employees")].value == "lots"
    assert found[("people.csv", 5, "seniority")].value == "wizard"
    assert "more cells than the header" in found[("people.csv", 7, None)].reason
    assert "out of range" in found[("touches.csv", 2, "at")].reason
    assert found[("touches.csv", 6, "kind")].value == "telepathy"
    skipped = {r.file for r in rejects if r.action == "file_skipped"}
    assert skipped == {"reps.csv", "products.csv"}
    # The good rows of the same files still come through.
    assert {getattr(r.record, "id") for r in records if r.kind == "people"} >= {"kp-1", "kp-3"}  # noqa: B009


def test_files_whose_names_and_folders_repeat_get_labels_that_name_one_file_each() -> None:
    """Rejects name a file by its label, and the touches' row order groups rows by it: two files
    must never share one (a/export/touches.csv and b/export/touches.csv once both read
    export/touches.csv)."""
    from ingest.readers import _labels

    files = [
        Path("/x/a/export/touches.csv"),
        Path("/x/b/export/touches.csv"),
        Path("/x/a/people.csv"),
        Path("/x/deals.csv"),
    ]
    labels = _labels(files)
    assert len(set(labels.values())) == len(files)
    assert labels[files[0]] == "a/export/touches.csv" and labels[files[1]] == "b/export/touches.csv"
    assert labels[files[2]] == "people.csv" and labels[files[3]] == "deals.csv"
