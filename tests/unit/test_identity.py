"""Identity resolution a user can trust (issue 17, item 8): merges only on strong evidence, on the
real CRM exports read in place and on small hand-written records for what no export shows."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from graph.model import Company, Person, Record
from graph.stores.embedded import EmbeddedStore
from ingest.loader import ingest_paths
from ingest.normalise import PLACEHOLDER_DOMAINS, geographic_qualifiers, is_placeholder_domain
from ingest.rejects import Reject, SourceRecord
from ingest.resolve import Resolution, StoredIdentities, apply_resolution, enrich, resolve_identities


def _case(datasets: Path, name: str) -> Path:
    folder = datasets / "crm-exports" / name
    assert folder.is_dir(), f"missing case {folder}"
    return folder


def _resolve(
    *records: tuple[str, Record], stored: StoredIdentities | None = None
) -> tuple[dict[str, list[Record]], Resolution, list[Reject]]:
    items = [
        SourceRecord(kind, record, "test.csv", row) for row, (kind, record) in enumerate(records, start=2)
    ]
    items, rejects = enrich(items)
    stored = stored or StoredIdentities()
    resolution = resolve_identities(items, stored)
    out, more = apply_resolution(items, resolution, {k: set(v) for k, v in stored.ids.items()})
    by_kind: dict[str, list[Record]] = {}
    for item in out:
        by_kind.setdefault(item.kind, []).append(item.record)
    return by_kind, resolution, rejects + more


def _company_ids(resolution: Resolution) -> dict[str, str]:
    return dict(resolution.ids["companies"])


# --- 1. companies merge only on strong evidence ------------------------------------------------


def test_united_oil_head_office_and_its_uk_and_singapore_arms_stay_apart(
    datasets: Path, tmp_path: Path
) -> None:
    folder = _case(datasets, "sf-weekly-export-devorg")
    with (folder / "Account.csv").open(encoding="utf-8", newline="") as fh:
        accounts = list(csv.DictReader(fh))
    united = {r["Id"]: r["Name"] for r in accounts if r["Name"].startswith("United Oil & Gas")}
    assert len(united) == 3 and len({r["Website"] for r in accounts if r["Id"] in united}) == 1
    store = EmbeddedStore(tmp_path / "store")
    result = ingest_paths([folder], store, progress=False)
    assert not [m for m in result.merges if m["kind"] == "companies" and m["id"] != m["into"]]
    for account_id, name in united.items():
        assert store.get_company(account_id).name == name  # each one its own account
    # Every account loads as its own; the other companies are prospects made for leads' companies.
    prospects = sum(1 for m in result.merges if m["reason"].startswith("prospect account created"))
    assert result.summary.kinds["companies"].loaded == len({r["Id"] for r in accounts}) + prospects


def test_a_geographic_qualifier_keeps_names_apart_whatever_else_they_share() -> None:
    _, resolution, _ = _resolve(
        ("companies", Company(id="ali", name="阿里巴巴集团控股有限公司", domain="alibaba.com")),
        ("companies", Company(id="ali-cn", name="阿里巴巴（中国）有限公司", domain="alibaba.com")),
        ("companies", Company(id="hw", name="华为技术有限公司", domain="huawei.com")),
        ("companies", Company(id="hw-bj", name="华为技术有限公司北京分公司", domain="huawei.com")),
        ("companies", Company(id="hw-sh", name="华为技术有限公司上海分公司")),
        ("companies", Company(id="acme", name="Acme Corp", domain="acme.com")),
        ("companies", Company(id="acme-sg", name="Acme Singapore Pte. Ltd.", domain="acme.com")),
        ("companies", Company(id="acme-2", name="ACME Corporation", domain="acme.com")),
    )
    ids = _company_ids(resolution)
    assert [ids[i] for i in ("ali-cn", "hw-bj", "hw-sh", "acme-sg")] == [
        "ali-cn",
        "hw-bj",
        "hw-sh",
        "acme-sg",
    ]
    assert ids["acme-2"] == "acme"  # no qualifier on either side: the shared domain is enough
    assert geographic_qualifiers("United Oil & Gas, UK") == geographic_qualifiers(
        "United Oil & Gas (United Kingdom)"
    )
    assert geographic_qualifiers("Bank of America") == frozenset()  # "of America" is part of the name


def test_same_named_accounts_in_other_countries_or_cities_do_not_merge() -> None:
    _, resolution, _ = _resolve(
        ("companies", Company(id="a-uk", name="Apex Ltd", region="United Kingdom", city="Leeds")),
        ("companies", Company(id="a-de", name="Apex GmbH", region="Germany")),
        ("companies", Company(id="a-uk2", name="APEX", region="UK", city="London")),
        ("companies", Company(id="a-uk3", name="Apex Limited", region="GB")),
        ("companies", Company(id="a-uk4", name="Apex", region="uk", city="leeds")),
    )
    ids = _company_ids(resolution)
    assert ids["a-de"] == "a-de"  # another country
    assert ids["a-uk2"] == "a-uk2"  # the same country, another city
    assert ids["a-uk3"] == "a-uk"  # the same country written another way, no city to disagree
    assert ids["a-uk4"] == "a-uk"  # same country and city
    reasons = resolution.reasons()
    assert reasons == {"companies: same normalised name": 2}


def test_a_company_is_never_merged_with_its_parent_even_with_name_and_domain_shared() -> None:
    _, resolution, _ = _resolve(
        ("companies", Company(id="hq", name="Globex", domain="globex.com")),
        ("companies", Company(id="sub", name="Globex Inc.", domain="globex.com", parent_id="hq")),
    )
    assert _company_ids(resolution) == {"hq": "hq", "sub": "sub"}


def test_a_stored_company_is_matched_under_the_same_rules() -> None:
    stored = StoredIdentities(
        companies_by_name_key={"阿里巴巴": "s-ali"}, companies_by_domain={"uos.com": "s-uos"}
    )
    stored.ids["companies"] = {"s-ali", "s-uos"}
    stored.companies = {
        "s-ali": Company(id="s-ali", name="阿里巴巴集团", name_key="阿里巴巴"),
        "s-uos": Company(
            id="s-uos", name="United Oil & Gas Corp.", domain="uos.com", name_key="unitedoil&gas"
        ),
    }
    _, resolution, _ = _resolve(
        ("companies", Company(id="n-ali", name="阿里巴巴（中国）有限公司")),
        ("companies", Company(id="n-uk", name="United Oil & Gas, UK", domain="http://www.uos.com")),
        ("companies", Company(id="n-uos", name="United Oil & Gas Corporation", domain="uos.com")),
        stored=stored,
    )
    ids = _company_ids(resolution)
    assert ids["n-ali"] == "n-ali" and ids["n-uk"] == "n-uk"
    assert ids["n-uos"] == "s-uos"


# --- 2. people who share an e-mail under different names ---------------------------------------


def test_seven_hundred_contacts_sharing_one_masked_email_stay_seven_hundred_people(datasets: Path) -> None:
    folder = _case(datasets, "sf-prodly-guid-dataset")
    with (folder / "Contact.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    people = [
        Person(id=r["Guid"], name=f"{r['FirstName']} {r['LastName']}".strip(), email=r["Email"] or None)
        for r in rows
        if r["LastName"] or r["FirstName"]
    ]
    shared = max({p.email for p in people if p.email}, key=lambda e: sum(p.email == e for p in people))
    sharing = [p for p in people if p.email == shared]
    assert len(sharing) == 700 and len({p.name for p in sharing}) > 1
    by_kind, resolution, _ = _resolve(*(("people", p) for p in people))
    assert len(by_kind["people"]) == len(people)  # nobody merged
    assert not [m for m in resolution.merges if m.kind == "people" and m.merged]
    notices = [n for n in resolution.notices if n.field == "email"]
    assert len(notices) == 1  # once per address, not once per person
    assert notices[0].action == "notice" and notices[0].value == shared
    assert "700 records" in notices[0].reason and shared not in notices[0].reason
    assert shared not in notices[0].short()  # what terminals and logs show holds no address


def test_same_email_and_compatible_names_still_merge_and_a_stored_namesake_is_checked() -> None:
    stored = StoredIdentities(people_by_email_key={"info@initech.io": "s-1", "cy@initech.io": "s-2"})
    stored.ids["people"] = {"s-1", "s-2"}
    stored.people = {
        "s-1": Person(id="s-1", name="Front Desk", email="info@initech.io"),
        "s-2": Person(id="s-2", name="Cy Young", email="cy@initech.io"),
    }
    by_kind, resolution, _ = _resolve(
        ("people", Person(id="p1", name="Ann Lee", email="ann.lee@acme.io")),
        ("people", Person(id="p2", name="Lee, Ann", email="ANN.LEE@acme.io")),
        ("people", Person(id="p3", name="A. Lee", email="ann.lee@acme.io")),
        ("people", Person(id="p4", name="Bob Lee", email="ann.lee@acme.io")),
        ("people", Person(id="p7", name="Robert Ray", email="bob.ray@acme.io")),
        ("people", Person(id="p8", name="Bob Ray", email="Bob.Ray@acme.io")),
        ("people", Person(id="p5", name="Dana Smith", email="info@initech.io")),
        ("people", Person(id="p6", name="C. Young", email="cy@initech.io")),
        stored=stored,
    )
    ids = dict(resolution.ids["people"])
    assert ids["p2"] == ids["p3"] == "p1"
    assert ids["p4"] == "p4"  # another name: kept apart
    assert ids["p5"] == "p5"  # a stored person of another name is not them either
    assert ids["p6"] == "s-2"
    assert ids["p8"] == "p7"  # a common short form of the given name
    assert sorted(n.reason for n in resolution.notices) == [
        "4 records of this ingest share this e-mail address with different names; kept apart as 2 people",
        "shares this e-mail address with a stored person of another name; kept apart",
    ]


def test_notices_are_in_the_report_but_never_fail_strict(tmp_path: Path) -> None:
    folder = tmp_path / "bundle"
    folder.mkdir()
    (folder / "people.csv").write_text(
        "id,name,email\np1,Ann Lee,shared@initech.io\np2,Bob Ray,shared@initech.io\n", encoding="utf-8"
    )
    store = EmbeddedStore(tmp_path / "store")
    result = ingest_paths([folder], store, strict=True, progress=False)
    assert result.summary.written and result.ok and result.summary.notices == 1
    assert [r.action for r in result.rejects] == ["notice"]
    assert result.summary.reject_entries == 0
    assert {store.get_person("p1").name, store.get_person("p2").name} == {"Ann Lee", "Bob Ray"}


def test_the_command_line_counts_notices_apart_and_strict_still_loads(tmp_path: Path) -> None:
    folder = tmp_path / "bundle"
    folder.mkdir()
    (folder / "people.csv").write_text(
        "id,name,email\np1,Ann Lee,shared@initech.io\np2,Bob Ray,shared@initech.io\n", encoding="utf-8"
    )
    report = tmp_path / "report.csv"
    args = ["--store", str(tmp_path / "store"), "ingest", str(folder), "--strict", "--rejects", str(report)]
    out = CliRunner().invoke(app, args)
    assert out.exit_code == 0, out.output
    assert "1 notice(s): look-alikes kept apart" in out.output and "rejects (" not in out.output
    assert "shared@initech.io" not in out.output  # the terminal never shows the address
    with report.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["row"], r["field"], r["value"], r["action"]) for r in rows] == [
        ("3", "email", "shared@initech.io", "notice")
    ]


# --- 3. placeholder domains --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("domain", "placeholder"),
    [
        ("example.com", True),
        ("mail.example.org", True),
        ("example.net", True),
        ("prodly-demo.example", True),
        ("test.com", True),
        ("shop.test", True),
        ("nobody.invalid", True),
        ("localhost", True),
        ("printer.local", True),
        ("ann@example.com", True),
        ("acme.com", False),
        ("example-corp.com", False),
        ("mytest.com", False),
    ],
)
def test_placeholder_domains(domain: str, placeholder: bool) -> None:
    assert is_placeholder_domain(domain) is placeholder


def test_placeholder_domains_never_become_accounts_in_the_dummy_hubspot_export(
    datasets: Path, tmp_path: Path
) -> None:
    folder = _case(datasets, "hubspot-style-dummy-toofan")
    with (folder / "hubspot_contacts.csv").open(encoding="utf-8", newline="") as fh:
        contacts = list(csv.DictReader(fh))
    placeholder_people = [c for c in contacts if is_placeholder_domain(c["Email"])]
    assert placeholder_people  # the export uses example.com/.net/.org addresses
    store = EmbeddedStore(tmp_path / "store")
    result = ingest_paths([folder], store, progress=False)
    created = [m for m in result.merges if m["reason"].startswith("account created")]
    assert created == []
    accounts = store.list_accounts(limit=500).data
    assert not [c for c in accounts if is_placeholder_domain(c.domain) or c.id.startswith("domain-")]
    person = store.get_person(f"hs-contact-{placeholder_people[0]['Contact ID']}")
    assert person.company_id is None or not person.company_id.startswith("domain-")
    assert "example.com" in PLACEHOLDER_DOMAINS


def test_a_placeholder_website_is_no_evidence_for_a_merge() -> None:
    _, resolution, _ = _resolve(
        ("companies", Company(id="c1", name="Initech", domain="https://www.example.com")),
        (
            "companies",
            Company(id="c2", name="Initech Labs", domain="example.com"),
        ),  # same domain, names compatible
    )
    assert _company_ids(resolution) == {"c1": "c1", "c2": "c2"}


# --- 4. Chinese short names --------------------------------------------------------------------


def test_a_chinese_short_name_joins_the_one_full_name_that_contains_it() -> None:
    by_kind, resolution, _ = _resolve(
        ("companies", Company(id="short", name="中科能源", industry="能源")),
        ("companies", Company(id="full", name="深圳中科能源股份有限公司")),
        ("companies", Company(id="other", name="北京华信科技有限公司")),
        ("people", Person(id="p1", name="王伟", company_id="short")),
    )
    ids = _company_ids(resolution)
    assert ids["short"] == "full" and ids["other"] == "other"
    person = next(p for p in by_kind["people"] if isinstance(p, Person))
    assert person.company_id == "full"
    full = next(c for c in by_kind["companies"] if isinstance(c, Company) and c.id == "full")
    assert full.industry == "能源"  # filled in from the short-named record
    assert resolution.reasons()["companies: Chinese short name of one full name"] == 1


def test_an_ambiguous_chinese_short_name_is_not_merged_and_is_reported() -> None:
    _, resolution, _ = _resolve(
        ("companies", Company(id="short", name="中科")),
        ("companies", Company(id="f1", name="深圳中科能源股份有限公司")),
        ("companies", Company(id="f2", name="中科电子有限公司")),
        ("companies", Company(id="b1", name="北京恒通制造有限公司")),
        ("companies", Company(id="b2", name="上海恒通制造有限公司")),
    )
    ids = _company_ids(resolution)
    assert ids == {"short": "short", "f1": "f1", "f2": "f2", "b1": "b1", "b2": "b2"}
    assert [n.record_id for n in resolution.notices] == [None]
    assert "2 full company names" in resolution.notices[0].reason


# --- 5. aliases: analyze ----------------------------------------------------------------------


def test_analyze_accepts_a_merged_salesforce_id_and_says_why(tmp_path: Path) -> None:
    # No shared case merges two live accounts any more (the warehouse's two "Blue Test" rows are
    # deleted in the CRM), so a hand-written export: one company entered twice with its web site.
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "Account.csv").write_text(
        '"Id","Name","Website","BillingCountry"\n'
        '"001000000000001AAA","Acme Robotics","https://www.acme-robotics.com","Germany"\n'
        '"001000000000002AAA","Acme Robotics GmbH","acme-robotics.com","Germany"\n',
        encoding="utf-8",
    )
    home = tmp_path / "store"
    result = ingest_paths([folder], EmbeddedStore(home), progress=False)
    merged = [m for m in result.merges if m["kind"] == "companies" and m["id"] != m["into"]]
    assert len(merged) == 1, result.merges
    alias, into = merged[0]["id"], merged[0]["into"]
    out = subprocess.run(
        [sys.executable, "-c", "from api.cli import main; main()", "--store", str(home), "analyze", alias],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "", "BUYERGRAPH_CONFIG": ""},
    )
    assert out.returncode == 0, out.stderr
    assert f"{alias!r} was merged into {into!r} (same web domain)" in out.stderr
    assert f"({into})" in out.stdout
