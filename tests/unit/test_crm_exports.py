"""Real CRM exports (the shared crm-exports cases) load whole, and so do Excel workbooks.

Each test ingests one case in place into an embedded store and checks, against rows counted from the
files themselves, that every row of the objects buyergraph reads is loaded or rejected with a reason,
and that the analysis `buyergraph analyze` runs works on one account of the case.
"""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from graph.analyses import analyze_account
from graph.stores.embedded import EmbeddedStore
from ingest.loader import IngestResult, KindSummary, ingest_paths
from ingest.readers import detect_format
from ingest.titles import classify_title
from tests.touches import account_touches

AS_OF = date(2026, 6, 30)


def _case(datasets: Path, name: str) -> Path:
    folder = datasets / "crm-exports" / name
    assert folder.is_dir(), f"missing case {folder}"
    return folder


def _rows(path: Path, encoding: str = "utf-8-sig", skip: int = 0) -> list[dict[str, str]]:
    with path.open(encoding=encoding, newline="") as fh:
        reader = csv.reader(fh)
        for _ in range(skip):
            next(reader)
        header = next(reader)
        return [dict(zip(header, row, strict=False)) for row in reader if any(c.strip() for c in row)]


def _ingest(tmp_path: Path, *paths: Path) -> tuple[IngestResult, EmbeddedStore]:
    store = EmbeddedStore(tmp_path / "store")
    result = ingest_paths(list(paths), store, progress=False)
    for reject in result.rejects:
        assert reject.reason.strip(), reject
    return result, store


def _analyse(store: EmbeddedStore, company_id: str, *, people: bool = True) -> None:
    account = store.account_graph(company_id)
    result = analyze_account(account, as_of=AS_OF, classify=classify_title)
    assert result.account_id == company_id
    if people:
        assert result.key_people, "an account with contacts has key people"


def test_hubspot_ui_contacts_with_associated_companies(datasets: Path, tmp_path: Path) -> None:
    folder = _case(datasets, "hubspot-ui-contacts-header")
    companies = _rows(folder / "hubspot-companies.csv")
    contacts = _rows(folder / "hubspot-contacts.csv")
    assert detect_format(folder / "hubspot-contacts.csv") is not None
    result, store = _ingest(tmp_path, folder)
    assert result.rejects == []
    kinds = result.summary.kinds
    assert kinds["companies"].loaded == len(companies)
    assert kinds["people"].loaded == len(contacts)
    for row in contacts:
        person = store.get_person(f"hs-contact-{row['Record ID - Contact']}")
        # The contact belongs to the associated company (second half of the row), not to a name match.
        assert person.company_id == f"hs-company-{row['Record ID - Company']}"
        assert person.name  # an e-mail-only contact is named by its e-mail, as HubSpot shows it
    nameless = next(r for r in contacts if not r["First Name"] and not r["Last Name"])
    assert store.get_person(f"hs-contact-{nameless['Record ID - Contact']}").name == nameless["Email"]
    _analyse(store, f"hs-company-{companies[0]['Record ID']}")


def test_hubspot_style_import_files_associate_by_domain_and_email(datasets: Path, tmp_path: Path) -> None:
    folder = _case(datasets, "hubspot-style-dummy-toofan")
    companies = _rows(folder / "hubspot_companies.csv")
    contacts = _rows(folder / "hubspot_contacts.csv")
    deals = _rows(folder / "hubspot_deals.csv")
    activities = _rows(folder / "hubspot_activities.csv")
    result, store = _ingest(tmp_path, folder)
    kinds = result.summary.kinds
    company_ids = {f"hs-company-{r['Company ID']}" for r in companies}
    assert store.existing_ids("companies", company_ids) == company_ids
    assert kinds["people"].loaded + kinds["people"].rejected == len(contacts)
    assert kinds["deals"].loaded + kinds["deals"].rejected == len(deals)
    assert kinds["deals"].loaded == len(deals)  # every deal's company domain is in the companies file
    # Calls, meetings and e-mails are touches; tasks and notes are read and deliberately not loaded.
    touch_rows = [r for r in activities if r["Activity Type"].lower() in ("call", "meeting", "email")]
    assert touch_rows and kinds["touches"].loaded + kinds["touches"].rejected == len(touch_rows)
    notes = {n.file: n for n in result.summary.files}
    assert notes["hubspot_activities.csv"].skipped == len(activities) - len(touch_rows)
    assert not [r for r in result.rejects if r.file == "hubspot_tickets.csv"]
    [tickets] = [f for f in result.summary.not_used if f.file == "hubspot_tickets.csv"]
    assert "support tickets" in tickets.reason
    # Deals hang off the company of their domain; their owners (e-mails) are reps.
    deal = store.get_deal(f"hs-deal-{deals[0]['Deal ID']}")
    domain_of = {r["Company Domain Name"]: f"hs-company-{r['Company ID']}" for r in companies}
    assert deal.company_id == domain_of[deals[0]["Associated Company Domain"]]
    busiest = Counter(store.get_deal(f"hs-deal-{r['Deal ID']}").company_id for r in deals).most_common(1)
    _analyse(store, busiest[0][0])


def test_wukong_import_templates_are_recognised(datasets: Path, tmp_path: Path) -> None:
    folder = _case(datasets, "zh-wukong-import-template")
    found = {p.name: detect_format(p) for p in folder.glob("*.csv")}
    assert {name: (d.format, d.object) if d else None for name, d in found.items()} == {
        "客户导入模板.csv": ("chinese", "companies"),
        "联系人导入模板.csv": ("chinese", "people"),
    }
    result, _ = _ingest(tmp_path, folder)
    assert result.rejects == []
    notes = {n.file: n for n in result.summary.files}
    assert notes["客户导入模板.csv"].encoding == "gb18030" and notes["客户导入模板.csv"].rows == 0
    assert notes["联系人导入模板.csv"].rows == 0
    # The header, not the instruction cell above it, is what columns are matched against.
    assert "电话" in notes["联系人导入模板.csv"].ignored_columns
    assert "*姓名" not in notes["联系人导入模板.csv"].ignored_columns


def test_salesforce_warehouse_tables_read_as_their_objects(datasets: Path, tmp_path: Path) -> None:
    folder = _case(datasets, "sf-fivetran-warehouse-seeds")
    objects = {
        "sf_account_data.csv": ("Account", "companies"),
        "sf_contact_data.csv": ("Contact", "people"),
        "sf_user_data.csv": ("User", "reps"),
        "sf_product_2_data.csv": ("Product2", "products"),
        "sf_opportunity_data.csv": ("Opportunity", "deals"),
        "sf_opportunity_line_item_data.csv": ("OpportunityLineItem", "deal_products"),
    }
    result, store = _ingest(tmp_path, folder)
    notes = {n.file: n for n in result.summary.files}
    kinds = result.summary.kinds
    leads = len(_rows(folder / "sf_lead_data.csv"))
    prospects = sum(1 for m in result.merges if m["reason"].startswith("prospect account created"))
    for file, (obj, kind) in objects.items():
        rows = _rows(folder / file)
        # Rows flagged is_deleted / _fivetran_deleted were deleted in the CRM: skipped and counted.
        deleted = sum(1 for r in rows if "true" in (r.get("is_deleted"), r.get("_fivetran_deleted")))
        live = [r for r in rows if "true" not in (r.get("is_deleted"), r.get("_fivetran_deleted"))]
        assert (notes[file].format, notes[file].object) == ("salesforce", obj)
        assert (notes[file].rows, notes[file].deleted) == (len(rows) - deleted, deleted)
        # Older versions of a record (history mode: _fivetran_active false) are skipped, not read.
        superseded = sum(1 for r in live if r.get("_fivetran_active") == "false")
        assert notes[file].skipped == superseded
        rows_read = len(live) - superseded + (leads if kind == "people" else 0)  # leads are people
        assert kinds.get(kind, KindSummary()).read == rows_read
        summary = kinds.get(kind, KindSummary())
        created = prospects if kind == "companies" else 0
        assert summary.loaded - created + summary.merged + summary.rejected == rows_read
    assert result.summary.deleted_rows == sum(
        1
        for file in objects
        for r in _rows(folder / file)
        if "true" in (r.get("is_deleted"), r.get("_fivetran_deleted"))
    )
    assert "_fivetran_synced" in notes["sf_account_data.csv"].ignored_columns
    touch_rows = len(_rows(folder / "sf_task_data.csv")) + len(_rows(folder / "sf_event_data.csv"))
    assert kinds["touches"].read == touch_rows
    accounts = _rows(folder / "sf_account_data.csv")
    live_accounts = [a for a in accounts if a["is_deleted"] != "true" and a["_fivetran_active"] != "false"]
    assert not [r for r in result.rejects if r.file == "sf_account_data.csv"]  # deleted is no reject
    assert kinds["companies"].loaded == len(live_accounts) + prospects  # and the one lead's prospect
    company = store.get_company(live_accounts[0]["id"])
    assert company.name == live_accounts[0]["name"]
    # The seeds are obfuscated: contacts and opportunities point at hashed account ids.
    for reject in result.rejects:
        if reject.file == "sf_opportunity_data.csv" and reject.field != "IsDeleted":
            assert reject.field == "AccountId" and "exists neither" in reject.reason
    _analyse(store, company.id, people=False)


def test_hubspot_warehouse_tables_with_association_tables(datasets: Path, tmp_path: Path) -> None:
    folder = _case(datasets, "hubspot-fivetran-warehouse-seeds")
    companies = _rows(folder / "company_data.csv")
    contacts = _rows(folder / "contact_data.csv")
    deals = _rows(folder / "deal_data.csv")
    engagements = sum(len(_rows(folder / f"engagement_{t}_data.csv")) for t in ("call", "email", "meeting"))
    result, store = _ingest(tmp_path, folder)
    kinds = result.summary.kinds
    assert kinds["companies"].loaded == len(companies)
    assert kinds["people"].loaded == len(contacts)
    assert kinds["deals"].read == len(deals) and kinds["deals"].loaded + kinds["deals"].rejected == len(deals)
    assert kinds["touches"].read == engagements
    assert kinds["touches"].loaded + kinds["touches"].rejected == engagements
    notes = {n.file: n for n in result.summary.files}
    assert notes["deal_contact_data.csv"].object == "associations (deal to contact)"
    assert notes["deal_contact_data.csv"].rows == len(_rows(folder / "deal_contact_data.csv"))
    assert all(n.error is None for n in notes.values())
    assert kinds["reps"].loaded == len(_rows(folder / "owner_data.csv"))  # owners are our reps
    # Deal 6789 is linked to company 12345 only through deal_company_data; the seeds have neither.
    deal_rejects = {r.reason for r in result.rejects if r.file == "deal_data.csv"}
    assert deal_rejects == {"the deal is associated with no company"}
    # The call is joined to its contact (501) through engagement_contact_data, which is not a contact here.
    [call] = [r for r in result.rejects if r.file == "engagement_call_data.csv"]
    assert "exist neither" in call.reason
    person = store.get_person(f"hs-contact-{contacts[0]['id']}")
    assert person.name
    company_id = f"hs-company-{companies[0]['id']}"
    _analyse(store, company_id, people=False)


def test_unprefixed_salesforce_tables_are_not_taken_for_hubspot(tmp_path: Path) -> None:
    folder = tmp_path / "salesforce"
    folder.mkdir()
    (folder / "account.csv").write_text(
        "id,_fivetran_synced,name,website\n001A,2024-01-01,Acme GmbH,acme.example\n", encoding="utf-8"
    )
    (folder / "contact.csv").write_text(
        "id,_fivetran_synced,account_id,first_name,last_name,email\n"
        "003A,2024-01-01,001A,Ana,Berg,ana@acme.example\n",
        encoding="utf-8",
    )
    result, store = _ingest(tmp_path, folder)
    assert result.rejects == []
    assert {(n.file, n.format, n.object) for n in result.summary.files} == {
        ("account.csv", "salesforce", "Account"),
        ("contact.csv", "salesforce", "Contact"),
    }
    assert store.get_person("003A").company_id == "001A"


def _associated_warehouse(folder: Path) -> None:
    """A small HubSpot warehouse dump whose association tables do join (the public seeds do not)."""
    files = {
        "company.csv": [
            "id,_fivetran_synced,property_name,property_domain",
            "7,2024-01-01,Acme GmbH,acme.example",
        ],
        "contact.csv": [
            "id,_fivetran_synced,property_firstname,property_lastname,property_email,property_hs_buying_role",
            "11,2024-01-01,Ana,Berg,ana@acme.example,DECISION_MAKER",
            "12,2024-01-01,Ole,Lund,ole@acme.example,",
        ],
        "deal.csv": ["deal_id,owner_id,property_dealname,property_dealstage", "21,5,Acme renewal,qualified"],
        "deal_company.csv": ["company_id,deal_id,_fivetran_synced", "7,21,2024-01-01"],
        "deal_contact.csv": ["contact_id,deal_id,_fivetran_synced", "11,21,2024-01-01", "12,21,2024-01-01"],
        "engagement.csv": ["id,type,_fivetran_synced", "31,MEETING,2024-01-01"],
        "engagement_meeting.csv": [
            "engagement_id,_fivetran_synced,start_time,title",
            "31,2024-01-01,2024-05-02 10:00,Kick-off",
        ],
        "engagement_contact.csv": [
            "contact_id,engagement_id,_fivetran_synced",
            "11,31,2024-01-01",
            "12,31,2024-01-01",
        ],
        "engagement_deal.csv": ["deal_id,engagement_id,_fivetran_synced", "21,31,2024-01-01"],
        "owner.csv": [
            "owner_id,_fivetran_synced,email,first_name,last_name",
            "5,2024-01-01,kim@our.example,Kim,Roth",
        ],
    }
    folder.mkdir()
    for name, lines in files.items():
        (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_hubspot_warehouse_associations_are_joined(tmp_path: Path) -> None:
    folder = tmp_path / "warehouse"
    _associated_warehouse(folder)
    result, store = _ingest(tmp_path, folder)
    assert result.rejects == []
    deal = store.get_deal("hs-deal-21")
    assert deal.company_id == "hs-company-7" and deal.owner_rep_id == "hs-owner-5"
    account = store.account_graph("hs-company-7")
    assert [(r.name, r.email) for r in account.reps] == [("Kim Roth", "kim@our.example")]
    [touch] = account_touches(store, "hs-company-7")
    assert (touch.kind.value, sorted(touch.person_ids), touch.deal_id) == (
        "meeting",
        ["hs-contact-11", "hs-contact-12"],
        "hs-deal-21",
    )
    assert {(c.person_id, c.role.value) for c in account.committee} == {("hs-contact-11", "decision_maker")}
    _analyse(store, "hs-company-7")


def test_dynamics_365_display_labels(datasets: Path, tmp_path: Path) -> None:
    folder = _case(datasets, "d365-contoso-coffee-demo")
    accounts = _rows(folder / "Account.csv")
    contacts = _rows(folder / "Contact.csv")
    users = _rows(folder / "User.csv")
    opportunities = _rows(folder / "Opportunity.csv")
    products = _rows(folder / "Product.csv")
    activities = len(_rows(folder / "Appointments.csv")) + len(_rows(folder / "Emails.csv"))
    result, store = _ingest(tmp_path, folder)
    notes = {n.file: n for n in result.summary.files}
    assert {notes[f].format for f in ("Account.csv", "Contact.csv", "Opportunity.csv", "User.csv")} == {
        "dynamics"
    }
    kinds = result.summary.kinds
    by_name = {c.name: c for c in store.list_accounts(limit=500).data}
    assert {a["Account Name"] for a in accounts} <= set(by_name)
    assert kinds["companies"].read == len(accounts) and kinds["companies"].rejected == 0
    assert kinds["people"].loaded == len(contacts)
    assert kinds["deals"].loaded == len(opportunities)  # every Potential Customer is an account
    assert kinds["products"].loaded == len(products)
    assert kinds["reps"].loaded >= len(users)  # plus owners named only in other files
    assert kinds["touches"].read == activities
    assert kinds["touches"].loaded + kinds["touches"].rejected == activities
    assert kinds["touches"].loaded > activities // 2
    touch_reasons = {r.reason for r in result.rejects if r.kind == "touches"}
    assert touch_reasons == {"names no contact of this export (only our own people or unknown addresses)"}
    not_used = {f.file: f.reason for f in result.summary.not_used}
    for name in ("Campaign.csv", "Goal.csv", "Territory.csv"):
        assert not [r for r in result.rejects if r.file == name]
        assert not_used[name].startswith("Dynamics 365")
    # Opportunity owners are users by name; a won opportunity is closed.
    topics = Counter(o["Topic"] for o in opportunities)
    won = next(o for o in opportunities if o["Status"] == "Won" and topics[o["Topic"]] == 1)
    account = store.account_graph(by_name[won["Potential Customer"]].id)
    deal = next(d for d in account.deals if d.name == won["Topic"] and d.status.value == "won")
    owner = next(u for u in users if f"{u['First Name']} {u['Last Name']}" == won["Owner"])
    assert next(r for r in account.reps if r.id == deal.owner_rep_id).email == owner["Primary Email"]
    assert deal.closed_at is not None
    _analyse(store, account.company.id)


def test_dynamics_logical_names_and_stakeholders(tmp_path: Path) -> None:
    """What the Web API and data-export tools write, with the connection roles of an opportunity."""
    folder = tmp_path / "d365"
    folder.mkdir()
    files = {
        "account.csv": [
            "accountid,name,websiteurl,numberofemployees",
            "a-1,Fabrikam Inc.,www.fabrikam.example,450",
        ],
        "contact.csv": [
            "contactid,firstname,lastname,emailaddress1,jobtitle,parentcustomerid",
            "c-1,Eva,Corets,eva@fabrikam.example,CFO,Fabrikam Inc.",
            "c-2,Raj,Patel,raj@fabrikam.example,IT Manager,Fabrikam Inc.",
        ],
        "opportunity.csv": [
            "opportunityid,name,parentaccountid,statecode,estimatedvalue,createdon,ownerid",
            "o-1,Fabrikam espresso fleet,Fabrikam Inc.,Open,52000,2025-02-01,Dana Smith",
        ],
        "connections.csv": [
            "Connected From,Connected To,Role (To)",
            "Fabrikam espresso fleet,Eva Corets,Decision Maker",
            "Fabrikam espresso fleet,Raj Patel,Technical Buyer",
            "Fabrikam espresso fleet,Someone Else,Influencer",
        ],
        "phonecalls.csv": [
            "activityid,subject,to,directioncode,actualend,actualdurationminutes,regardingobjectid,ownerid",
            "p-1,Fleet sizing,Raj Patel,Outgoing,2025-02-03 10:00,20,Fabrikam espresso fleet,Dana Smith",
        ],
    }
    for name, lines in files.items():
        (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    result, store = _ingest(tmp_path, folder)
    assert [(r.file, r.row, r.field) for r in result.rejects] == [("connections.csv", 4, "Connected To")]
    deal = store.get_deal("d365-opportunity-o-1")
    assert deal.company_id == "d365-account-a-1" and deal.amount == 52000
    account = store.account_graph("d365-account-a-1")
    roles = {(c.person_id, c.role.value) for c in account.committee}
    assert roles == {("d365-contact-c-1", "decision_maker"), ("d365-contact-c-2", "technical_evaluator")}
    [call] = account_touches(store, "d365-account-a-1")
    assert (call.kind.value, call.person_ids, call.deal_id, call.duration_s) == (
        "call",
        ["d365-contact-c-2"],
        "d365-opportunity-o-1",
        1200,
    )
    _analyse(store, "d365-account-a-1")


def _chinese_workbook(path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "客户"
    sheet.append(["*客户名称", "*负责人", "客户行业", "网址", "员工人数"])
    sheet.append(["华东精密制造有限公司", "李娜", "制造业", "https://hdjm.example.cn", 1200.0])
    sheet.append(["", "李娜", "零售", "", None])  # no name: rejected, naming the column
    contacts = book.create_sheet("联系人")
    contacts.append(["*姓名", "*客户名称", "职务", "邮箱", "是否关键决策人"])
    contacts.append(["王伟", "华东精密制造有限公司", "总经理", "wang.wei@hdjm.example.cn", "是"])
    contacts.append(["陈静", "华东精密制造有限公司", "采购经理", "chen.jing@hdjm.example.cn", "否"])
    deals = book.create_sheet("商机")
    deals.append(["商机名称", "客户名称", "商机阶段", "商机金额", "负责人"])
    deals.append(["MES 系统升级", "华东精密制造有限公司", "方案报价", 480000, "李娜"])
    book.create_sheet("Sheet2")  # blank sheets are not data
    book.save(path)


def test_excel_workbook_with_chinese_sheets_and_columns(tmp_path: Path) -> None:
    book = tmp_path / "客户资料.xlsx"
    _chinese_workbook(book)
    result, store = _ingest(tmp_path, book)
    kinds = result.summary.kinds
    assert (kinds["companies"].loaded, kinds["people"].loaded, kinds["deals"].loaded) == (1, 2, 1)
    [reject] = result.rejects
    assert (reject.file, reject.row, reject.field) == ("客户资料.xlsx[客户]", 3, "*客户名称")
    assert reject.reason == "required value is missing"
    company = store.get_company("zh-company-华东精密制造有限公司")
    assert company.employees == 1200 and company.domain == "hdjm.example.cn"
    account = store.account_graph(company.id)
    roles = {(c.person_id, c.role.value) for c in account.committee}
    assert roles == {("zh-person-wang.wei@hdjm.example.cn", "decision_maker")}
    assert {n.file for n in result.summary.files} >= {"客户资料.xlsx[联系人]", "客户资料.xlsx[商机]"}
    _analyse(store, company.id)


def test_users_extend_the_chinese_header_dictionary(tmp_path: Path) -> None:
    export = tmp_path / "联系人.csv"
    export.write_text(
        "姓名,客户名称,岗位,工作邮箱\n周敏,华东精密制造有限公司,财务总监,zhou.min@hdjm.example.cn\n", "utf-8"
    )
    result, store = _ingest(tmp_path / "before", export)
    assert "岗位" in result.summary.files[0].ignored_columns
    own = tmp_path / "headers.toml"
    own.write_text('[people]\ntitle = ["岗位"]\nemail = ["工作邮箱"]\n', "utf-8")
    result = ingest_paths([export], EmbeddedStore(tmp_path / "after"), progress=False, headers=own)
    person = EmbeddedStore(tmp_path / "after").get_person("zh-person-zhou.min@hdjm.example.cn")
    assert (person.title, person.email) == ("财务总监", "zhou.min@hdjm.example.cn")
    own.write_text('[people]\nphone = ["手机"]\n', "utf-8")  # an edited dictionary is read again
    result = ingest_paths([export], EmbeddedStore(tmp_path / "bad"), progress=False, headers=own)
    [reject] = result.rejects
    assert reject.action == "file_skipped" and "[people] phone" in reject.reason


def test_workbooks_are_parsed_with_xml_bomb_protection() -> None:
    """openpyxl guards against billion-laughs and quadratic-blowup XML only when defusedxml is there."""
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML


def test_an_xml_bomb_in_a_sheet_is_a_file_reject(tmp_path: Path) -> None:
    import zipfile

    from openpyxl import Workbook

    plain = tmp_path / "plain.xlsx"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "people"
    sheet.append(["id", "name"])
    sheet.append(["p1", "Ana"])
    book.save(plain)
    bomb = tmp_path / "bomb.xlsx"
    laughs = '<!DOCTYPE x [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(bomb, "w") as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = (laughs + data.decode().replace("<v>", "<v>&b;", 1)).encode()
            out.writestr(item, data)
    result, _ = _ingest(tmp_path, bomb)
    [reject] = result.rejects
    assert reject.action == "file_skipped" and "not a readable .xlsx workbook" in reject.reason
    assert str(tmp_path) not in reject.reason  # no server paths in what users see


def test_an_old_xls_workbook_is_refused_with_a_reason(tmp_path: Path) -> None:
    old = tmp_path / "export.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 60)
    result, _ = _ingest(tmp_path, old)
    [reject] = result.rejects
    assert reject.action == "file_skipped" and "save it as .xlsx" in reject.reason


@pytest.mark.parametrize("bad", [b"not a zip", b""])
def test_a_broken_xlsx_is_a_file_reject(tmp_path: Path, bad: bytes) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(bad)
    result, _ = _ingest(tmp_path, path)
    [reject] = result.rejects
    assert reject.action == "file_skipped" and "xlsx" in reject.reason


def test_hubspot_contacts_carry_the_day_they_converted(tmp_path: Path) -> None:
    """HubSpot's lifecycle stage dates: the earlier of "Became an Opportunity Date" and "Became a
    Customer Date" is the day the contact converted (display labels and internal names)."""
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "hubspot-contacts.csv").write_text(
        "Record ID,First Name,Last Name,Email,Became an Opportunity Date,Became a Customer Date\n"
        "101,Ann,Lee,ann@acme.example.org,2025-03-04 10:15,2025-05-01 09:00\n"
        "102,Bo,Ng,bo@acme.example.org,,2025-06-07\n"
        "103,Cy,Ho,cy@acme.example.org,,\n",
        encoding="utf-8",
    )
    (folder / "contacts-internal.csv").write_text(
        "hs_object_id,firstname,lastname,email,hs_lifecyclestage_customer_date\n"
        "201,Di,Wu,di@acme.example.org,2024-12-31T23:00:00Z\n",
        encoding="utf-8",
    )
    result, store = _ingest(tmp_path, folder)
    assert result.rejects == []
    assert store.get_person("hs-contact-101").converted_on == date(2025, 3, 4)
    assert store.get_person("hs-contact-102").converted_on == date(2025, 6, 7)
    assert store.get_person("hs-contact-103").converted_on is None
    assert store.get_person("hs-contact-201").converted_on == date(2024, 12, 31)
