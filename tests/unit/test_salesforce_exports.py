"""Salesforce as it is exported: the shared Salesforce cases read in place, and small hand-written
exports (tests/data/crm/sf-*) for what no case shows (leads of every kind, campaign responses,
all-day events, encodings).

Counts are taken from the files themselves; every row of an object buyergraph reads is loaded,
skipped for a stated reason, or rejected with one.
"""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import pytest

from graph.analyses import analyze_account
from graph.model import CompanyStatus, Touch
from graph.stores.base import GraphStore
from graph.stores.embedded import EmbeddedStore
from ingest.leads import prospect_id
from ingest.loader import IngestResult, ingest_paths
from ingest.normalise import normalise_company_name
from ingest.readers.csvio import open_table
from ingest.titles import classify_title
from tests.touches import account_touches

AS_OF = date(2026, 6, 30)
CRM = Path(__file__).resolve().parents[1] / "data" / "crm"


def _case(datasets: Path, name: str) -> Path:
    folder = datasets / "crm-exports" / name
    assert folder.is_dir(), f"missing case {folder}"
    return folder


def _rows(path: Path, encoding: str = "utf-8-sig") -> list[dict[str, str]]:
    with path.open(encoding=encoding, newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        return [dict(zip(header, row, strict=False)) for row in reader if any(c.strip() for c in row)]


def _ingest(store: GraphStore, *paths: Path) -> IngestResult:
    result = ingest_paths(list(paths), store, progress=False)
    for reject in result.rejects:
        assert reject.reason.strip(), reject
        assert "not recognised" not in reject.reason, reject
    return result


def _analyse(store: GraphStore, company_id: str) -> None:
    result = analyze_account(store.account_graph(company_id), as_of=AS_OF, classify=classify_title)
    assert result.account_id == company_id
    assert result.key_people, "an account with contacts has key people"


def _touches(store: GraphStore, company_id: str) -> list[Touch]:
    return account_touches(store, company_id)


# --- the shared cases --------------------------------------------------------------------------


def test_weekly_data_export_loads_whole(datasets: Path, tmp_path: Path) -> None:
    folder = _case(datasets, "sf-weekly-export-devorg")
    store = EmbeddedStore(tmp_path / "store")
    result = _ingest(store, folder)
    kinds = result.summary.kinds
    notes = {n.file: n for n in result.summary.files}

    # User.csv has FirstName/LastName and no Name: every rep loads, with a name.
    users = _rows(folder / "User.csv")
    assert kinds["reps"].read == len(users) and kinds["reps"].loaded == len(users)
    # The empty lookup 000000000000000AAA is no value: no parent, owner or manager is "unknown".
    assert not [r for r in result.rejects if r.value and r.value.startswith("000000000000000")]
    accounts = _rows(folder / "Account.csv")
    assert kinds["companies"].rejected == 0 and kinds["companies"].read == len(accounts)
    # The old export's line items name products by PricebookEntryId only; PricebookEntry.csv maps them.
    items = _rows(folder / "OpportunityLineItem.csv")
    assert "Product2Id" not in items[0]
    assert kinds["deal_products"].loaded == len(items) and kinds["deal_products"].rejected == 0
    # Product2.csv is Windows-1252 with NUL bytes in a rich-text column buyergraph does not read.
    assert notes["Product2.csv"].encoding == "cp1252"
    assert kinds["products"].rejected == 0 and kinds["products"].loaded == notes["Product2.csv"].rows == 74
    # Tasks on a custom object only (WhoId empty) are not touches: skipped with that reason, not rejected.
    tasks = _rows(folder / "Task.csv")
    assert notes["Task.csv"].skipped == len(tasks)
    assert list(notes["Task.csv"].skip_reasons) == ["not touches: on no contact or lead (WhoId empty)"]
    # Objects buyergraph does not use are listed one line each, with a reason; nothing else is rejected
    # but two malformed e-mail addresses (loaded without them).
    unused = result.summary.not_used
    assert not [r for r in result.rejects if r.action in ("file_skipped", "not_used")]
    assert {n.file for n in unused} >= {"Case.csv", "Solution.csv", "Attachment.csv", "TempObject__c.csv"}
    assert next(n for n in unused if n.file == "TempObject__c.csv").reason == (
        "a custom object (__c): buyergraph reads only standard sales objects"
    )
    row_rejects = [r for r in result.rejects if r.action != "file_skipped"]
    assert {(r.file, r.field, r.action) for r in row_rejects} == {("Contact.csv", "email", "value_ignored")}
    # Leads are people: every lead is loaded, in an account or a prospect account of its company.
    leads = _rows(folder / "Lead.csv")
    lead_ids = {lead["Id"] for lead in leads}
    placed = {m["id"] for m in result.merges if m["kind"] == "people" and m["id"] in lead_ids}
    assert placed == lead_ids
    # A rep of the export owns deals: their name comes from FirstName + LastName.
    owned = next(o for o in _rows(folder / "Opportunity.csv") if o["OwnerId"] in {u["Id"] for u in users})
    user = next(u for u in users if u["Id"] == owned["OwnerId"])
    reps = {r.id: r for r in store.account_graph(owned["AccountId"]).reps}
    assert reps[user["Id"]].name == f"{user['FirstName']} {user['LastName']}"
    contact = next(c for c in _rows(folder / "Contact.csv") if c["AccountId"] == owned["AccountId"])
    _analyse(store, contact["AccountId"])


def test_bulk_query_extract_attaches_tasks_on_leads(datasets: Path, tmp_path: Path) -> None:
    folder = _case(datasets, "sf-bulk-query-sfdc-assets")
    store = EmbeddedStore(tmp_path / "store")
    result = _ingest(store, folder)
    kinds = result.summary.kinds
    notes = {n.file: n for n in result.summary.files}
    tasks = _rows(folder / "Task.csv")
    on_leads = [t for t in tasks if t["WhoId"].startswith("00Q")]
    assert on_leads, "the case has tasks on leads"
    # Every task loads, the ones on leads too (the lead is a person).
    assert kinds["touches"].loaded == len(tasks) and kinds["touches"].rejected == 0
    lead = store.get_person(on_leads[0]["WhoId"])
    source = next(r for r in _rows(folder / "Lead.csv") if r["Id"] == lead.id)
    assert lead.lead_source == source["LeadSource"] and lead.lead_status == source["Status"]
    # Lead.Company holds an account id in this org: the lead joins that account.
    assert lead.company_id == source["Company"]
    assert kinds["people"].loaded == len(_rows(folder / "Contact.csv")) + len(_rows(folder / "Lead.csv"))
    # Members who were only sent a campaign are not touches; Case and Branch__c are not used.
    members = _rows(folder / "CampaignMember.csv")
    assert notes["CampaignMember.csv"].skipped == len(members)
    skipped = {n.file: n.reason for n in result.summary.not_used}
    assert set(skipped) == {"Case.csv", "Branch__c.csv"}
    assert not [r for r in result.rejects if r.action in ("file_skipped", "not_used")]
    # No User.csv: owners are unknown, and the rows load without them.
    assert {(r.field, r.action) for r in result.rejects if r.action != "file_skipped"} == {
        ("OwnerId", "value_ignored")
    }
    _analyse(store, lead.company_id or "")


def test_warehouse_lead_table_is_read_as_leads(datasets: Path, tmp_path: Path) -> None:
    folder = _case(datasets, "sf-fivetran-warehouse-seeds")
    store = EmbeddedStore(tmp_path / "store")
    result = _ingest(store, folder)
    notes = {n.file: n for n in result.summary.files}
    leads = _rows(folder / "sf_lead_data.csv")
    assert (notes["sf_lead_data.csv"].format, notes["sf_lead_data.csv"].object) == ("salesforce", "Lead")
    assert notes["sf_lead_data.csv"].rows == len(leads)
    person = store.get_person(leads[0]["id"])
    assert person.lead_source == (leads[0]["lead_source"] or None)
    # converted_date (ConvertedDate) is the day it converted, the time of day dropped
    assert leads[0]["is_converted"] == "TRUE" and leads[0]["converted_date"].startswith("2019-11-11")
    assert person.converted_on == date(2019, 11, 11)
    # Its converted account is not in the seeds: the lead is placed by its company instead of dropped.
    assert not [r for r in result.rejects if r.file == "sf_lead_data.csv"]
    assert person.company_id is not None


# --- hand-written exports ---------------------------------------------------------------------


def test_leads_join_their_account_contact_or_a_prospect(tmp_path: Path) -> None:
    folder = CRM / "sf-leads"
    store = EmbeddedStore(tmp_path / "store")
    result = _ingest(store, folder)
    why = {m["id"]: (m["into"], m["reason"]) for m in result.merges if m["kind"] == "people"}
    # Unconverted, by normalised company name (ACME Corp = Acme Corporation), even with a free-mail address.
    assert store.get_person("00Q000000000L01AAA").company_id == "001000000000AcmAAA"
    # By e-mail domain when the company name matches no account.
    assert why["00Q000000000L02AAA"] == (
        "001000000000AcmAAA",
        "lead rolled into the account of their e-mail domain",
    )
    # No account: one prospect account per normalised company name (Initech LLC = Initech).
    initech = prospect_id(normalise_company_name("Initech"))
    assert store.get_person("00Q000000000L03AAA").company_id == initech
    assert store.get_person("00Q000000000L04AAA").company_id == initech
    prospect = store.get_company(initech)
    assert prospect.status == CompanyStatus.PROSPECT and prospect.name == "Initech LLC"
    assert prospect.industry == "Software"
    # A free-mail domain never places a lead: Gus gets the prospect account of his company's name.
    gus = store.get_person("00Q000000000L06AAA")
    assert gus.company_id == prospect_id("freemail")
    assert not [c for c in store.list_accounts(limit=100).data if c.domain == "gmail.com"]
    # A Chinese short name joins the one account whose registered name holds it.
    assert store.get_person("00Q000000000L07AAA").company_id == "001000000000ZkwAAA"
    # A converted lead is its contact: the lead id is an alias, the contact keeps the lead's source.
    assert why["00Q000000000L05AAA"] == (
        "003000000000BobAAA",
        "converted lead: the same person as its contact",
    )
    bob = store.get_person("003000000000BobAAA")
    assert bob.lead_source == "Purchased List"
    assert bob.lead_status == "Closed - Converted"  # so the conversion counts for lead-source rates
    ann = store.get_person("003000000000AnnAAA")
    assert ann.lead_source == "Trade Show" and ann.reports_to_id is None  # 000000000000000AAA is no manager
    # An unconverted lead with a contact's e-mail address is that contact: no prospect account for it.
    assert why["00Q000000000L09AAA"] == ("003000000000IvyAAA", "same e-mail address")
    assert prospect_id("nashconsulting") not in {c.id for c in store.list_accounts(limit=100).data}
    # A deleted lead (IsDeleted, in the recycle bin) is skipped and counted, not loaded, not a reject.
    assert not [r for r in result.rejects if r.action == "row_skipped"]
    assert {n.file: n.deleted for n in result.summary.files}["Lead.csv"] == 1
    # Touches on leads land on the person: the converted lead's task on Bob, Carla's on Carla.
    acme = _touches(store, "001000000000AcmAAA")
    by_id = {t.id: t for t in acme}
    assert by_id["00T000000000T02AAA"].person_ids == ["003000000000BobAAA"]
    assert by_id["00T000000000T01AAA"].person_ids == ["00Q000000000L01AAA"]
    assert by_id["00T000000000T01AAA"].rep_id is None and by_id["00T000000000T01AAA"].deal_id is None
    _analyse(store, "001000000000AcmAAA")


def test_events_by_activity_datetime_and_all_day(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "store")
    result = _ingest(store, CRM / "sf-leads")
    assert result.summary.kinds["touches"].rejected == 0
    acme = {t.id: t for t in _touches(store, "001000000000AcmAAA")}
    assert acme["00U000000000E01AAA"].at == datetime(2024, 6, 10, 14, 30)
    assert acme["00U000000000E01AAA"].duration_s == 45 * 60
    initech = {t.id: t for t in _touches(store, prospect_id("initech"))}
    assert initech["00U000000000E02AAA"].at == datetime(2024, 6, 12)  # all-day: ActivityDate only


def test_campaign_responses_are_inbound_touches(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "store")
    result = _ingest(store, CRM / "sf-leads")
    notes = {n.file: n for n in result.summary.files}
    assert notes["CampaignMember.csv"].skip_reasons == {
        "not touches: members who did not respond (sent only)": 1
    }
    touches = {
        t.id: t
        for company in ("001000000000AcmAAA", "001000000000ZkwAAA")
        for t in _touches(store, company)
        if t.id.startswith("00v")
    }
    webinar = touches["00v000000000M01AAA"]
    assert (webinar.kind, webinar.direction, webinar.at) == ("webinar", "inbound", datetime(2024, 3, 1))
    assert webinar.person_ids == ["003000000000AnnAAA"] and webinar.subject == "Spring product webinar"
    # Attended (HasResponded false but status Attended); no response date: its CreatedDate.
    expo = touches["00v000000000M02AAA"]
    assert (expo.kind, expo.at, expo.person_ids) == (
        "event",
        datetime(2024, 4, 15, 9),
        ["00Q000000000L07AAA"],
    )
    # A member who is a converted lead lands on the contact.
    download = touches["00v000000000M03AAA"]
    assert (download.kind, download.person_ids) == ("content_download", ["003000000000BobAAA"])
    # No date on the member: the campaign's StartDate; a type we do not know is "other".
    other = touches["00v000000000M04AAA"]
    assert (other.kind, other.at) == ("other", datetime(2024, 1, 10))
    assert "00v000000000M05AAA" not in touches


def test_line_items_without_pricebook_entries_say_which_file_is_missing(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "store")
    result = _ingest(store, CRM / "sf-no-pricebook")
    [reject] = result.rejects
    assert (reject.file, reject.row, reject.field) == ("OpportunityLineItem.csv", 2, "PricebookEntryId")
    assert "PricebookEntry.csv" in reject.reason
    assert result.summary.kinds["deals"].loaded == 1


def test_latin1_user_export_is_not_read_as_gb18030(tmp_path: Path) -> None:
    path = CRM / "sf-latin1" / "User.csv"
    path.read_bytes().decode("gb18030")  # the trap: these bytes are valid GB18030 too
    table = open_table(path)
    assert table.encoding == "cp1252"
    names = [f"{row['FirstName']} {row['LastName']}" for _, row in table.rows]
    assert names == ["Jürgen Müller", "Renée Lefèvre", "François Gaétan", "Åsa Ångström"]
    store = EmbeddedStore(tmp_path / "store")
    result = _ingest(store, CRM / "sf-latin1")
    assert result.summary.kinds["reps"].loaded == 4


def test_gb18030_chinese_export_is_still_gb18030() -> None:
    table = open_table(CRM / "sf-gb18030" / "User.csv")
    assert table.encoding == "gb18030"
    assert [row["LastName"] + row["FirstName"] for _, row in table.rows] == ["王伟", "刘丽娜", "张建国"]
    gbk = open_table(CRM / "gbk" / "people.csv")
    assert gbk.encoding == "gb18030"


def test_nul_bytes_cost_a_row_only_in_a_column_that_is_read(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "store")
    result = _ingest(store, CRM / "sf-latin1" / "Product2.csv")
    [reject] = result.rejects
    assert (reject.row, reject.field, reject.reason) == (
        4,
        "Name",
        "holds a NUL byte (00), which is not text",
    )
    assert result.summary.kinds["products"].loaded == 3
    assert store.counts().nodes["Product"] == 3


@pytest.mark.parametrize("fmt_folder", ["sf-leads"])
def test_lead_source_and_status_are_stored(store: GraphStore, fmt_folder: str) -> None:
    _ingest(store, CRM / fmt_folder)
    carla = store.get_person("00Q000000000L01AAA")
    assert (carla.lead_source, carla.lead_status) == ("Web", "Working - Contacted")
    counts = Counter(p.lead_source for p in store.list_people(limit=100).data)
    assert counts["Webinar"] == 2


def test_a_lead_with_a_broken_id_is_a_reject_not_a_crash(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "Lead.csv").write_text(
        '"Id","FirstName","LastName","Company","Email"\n'
        '"00Q\x01bad","Ann","Lee","Acme","ann@acme.example"\n'
        '"00Q000000000L01AAA","Bo","Ma","Acme","bo@acme.example"\n',
        encoding="utf-8",
    )
    store = EmbeddedStore(tmp_path / "store")
    result = _ingest(store, folder)
    [reject] = result.rejects
    assert (reject.row, reject.field) == (2, "Id")
    assert store.get_person("00Q000000000L01AAA").company_id == prospect_id("acme")


def test_a_lead_converted_into_an_account_not_exported_still_loads(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "Lead.csv").write_text(
        '"Id","FirstName","LastName","Company","Email","IsConverted","ConvertedAccountId"\n'
        '"00Q000000000L01AAA","Ann","Lee","","ann.lee@gmail.com","1","001000000000MisAAA"\n',
        encoding="utf-8",
    )
    store = EmbeddedStore(tmp_path / "store")
    result = _ingest(store, folder)
    assert result.rejects == []
    assert store.get_person("00Q000000000L01AAA").company_id is None


def test_a_lead_converted_into_a_merged_account_joins_its_survivor(tmp_path: Path) -> None:
    """The account a lead was converted into was entered twice and merged: the lead joins the
    survivor, and no prospect account is made from its typed company name."""
    export = tmp_path / "export"
    export.mkdir()
    (export / "Account.csv").write_text(
        '"Id","Name","Website","BillingCountry"\n'
        '"001000000000001AAA","Acme Robotics","https://www.acme-robotics.com","Germany"\n'
        '"001000000000002AAA","Acme Robotics GmbH","acme-robotics.com","Germany"\n',
        encoding="utf-8",
    )
    (export / "Lead.csv").write_text(
        '"Id","FirstName","LastName","Company","Email","IsConverted","ConvertedAccountId"\n'
        '"00Q000000000001AAA","Lena","Vogt","ACME Robotik Vertrieb","lena@gmail.com","true",'
        '"001000000000002AAA"\n',
        encoding="utf-8",
    )
    store = EmbeddedStore(tmp_path / "store")
    result = _ingest(store, export)
    survivor = next(m["into"] for m in result.merges if m["kind"] == "companies" and m["id"] != m["into"])
    assert store.get_person("00Q000000000001AAA").company_id == survivor
    assert not [c for c in store.list_accounts(limit=100).data if c.id.startswith("lead-company:")]


def test_a_converted_lead_carries_its_conversion_day(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "Contact.csv").write_text(
        '"Id","AccountId","FirstName","LastName","Email"\n'
        '"003000000000BobAAA","","Bob","Stone","bob@acme.example.org"\n',
        encoding="utf-8",
    )
    (folder / "Lead.csv").write_text(
        '"Id","FirstName","LastName","Company","Email","Status","IsConverted","ConvertedDate",'
        '"ConvertedContactId"\n'
        '"00Q000000000L01AAA","Ann","Lee","Acme","ann@acme.example.org","Closed - Converted","true",'
        '"2025-03-04",""\n'
        '"00Q000000000L02AAA","Cy","Ng","Acme","cy@acme.example.org","Open","false","2025-03-05",""\n'
        '"00Q000000000L03AAA","Bob","Stone","Acme","bob.lead@acme.example.org","Closed - Converted","1",'
        '"2025-02-01T10:00:00.000+0000","003000000000BobAAA"\n'
        '"00Q000000000L04AAA","Di","Ho","Acme","di@acme.example.org","Working","","",""\n',
        encoding="utf-8",
    )
    store = EmbeddedStore(tmp_path / "store")
    result = _ingest(store, folder)
    assert result.rejects == []
    assert store.get_person("00Q000000000L01AAA").converted_on == date(2025, 3, 4)
    # IsConverted false: a stray date is not a conversion
    assert store.get_person("00Q000000000L02AAA").converted_on is None
    assert store.get_person("00Q000000000L04AAA").converted_on is None
    # the converted lead is its contact, and the contact takes the lead's conversion day
    assert store.get_person("003000000000BobAAA").converted_on == date(2025, 2, 1)


def test_a_bad_conversion_day_is_a_precise_reject(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "Lead.csv").write_text(
        '"Id","FirstName","LastName","Company","Email","IsConverted","ConvertedDate"\n'
        '"00Q000000000L01AAA","Ann","Lee","Acme","ann@acme.example.org","true","not a day"\n',
        encoding="utf-8",
    )
    result = ingest_paths([folder], EmbeddedStore(tmp_path / "store"), progress=False)
    assert [(r.row, r.field, r.value) for r in result.rejects] == [(2, "ConvertedDate", "not a day")]
