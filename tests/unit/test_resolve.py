"""Identity resolution rules, on hand-built records and hand-built store contents (no database)."""

from __future__ import annotations

from graph.model import Company, Knows, Person, Record, Reporting, Touch
from ingest.rejects import SourceRecord
from ingest.resolve import (
    StoredIdentities,
    apply_resolution,
    enrich,
    referenced_ids,
    resolve_identities,
)


def _items(*records: tuple[str, Record]) -> list[SourceRecord]:
    return [
        SourceRecord(kind, record, "test.csv", row) for row, (kind, record) in enumerate(records, start=2)
    ]


def _run(
    items: list[SourceRecord], stored: StoredIdentities | None = None
) -> tuple[dict[str, list[Record]], list, object]:
    items, rejects = enrich(items)
    stored = stored or StoredIdentities()
    resolution = resolve_identities(items, stored)
    stored_ids = {k: set(v) for k, v in stored.ids.items()}
    out, more = apply_resolution(items, resolution, stored_ids)
    by_kind: dict[str, list[Record]] = {}
    for item in out:
        by_kind.setdefault(item.kind, []).append(item.record)
    return by_kind, rejects + more, resolution


def test_companies_merge_on_domain_and_on_name_when_domains_agree() -> None:
    by_kind, rejects, resolution = _run(
        _items(
            ("companies", Company(id="c1", name="Acme Holdings Inc.", domain="https://www.acme.com")),
            ("companies", Company(id="c2", name="ACME HOLDINGS", industry="Manufacturing")),
            ("companies", Company(id="c3", name="Acme GmbH", domain="acme.com")),
            ("companies", Company(id="c4", name="Acme Holdings Ltd", domain="acme.de")),
            ("companies", Company(id="c5", name="艾克美（中国）有限公司")),
            ("companies", Company(id="c6", name="艾克美有限公司", parent_id="c5")),
            ("companies", Company(id="c7", name="ＡＣＭＥ　Holdings, Inc.")),
        )
    )
    assert rejects == []
    ids = resolution.ids["companies"]  # type: ignore[attr-defined]
    assert ids["c2"] == "c1"  # same normalised name, no domain to disagree
    assert ids["c3"] == "c1"  # same domain
    assert ids["c4"] == "c4"  # same name but another domain: another company
    assert ids["c6"] == "c6"  # never merged into its own parent
    assert ids["c7"] == "c1"  # full-width characters and punctuation normalised
    survivor = next(c for c in by_kind["companies"] if getattr(c, "id") == "c1")  # noqa: B009
    assert isinstance(survivor, Company)
    assert survivor.domain == "acme.com" and survivor.industry == "Manufacturing"  # filled in from c2
    reasons = resolution.reasons()  # type: ignore[attr-defined]
    assert reasons["companies: same web domain"] == 1
    assert reasons["companies: same normalised name"] == 2


def test_people_merge_by_email_key_and_references_follow() -> None:
    by_kind, rejects, _ = _run(
        _items(
            ("companies", Company(id="c1", name="Acme", domain="acme.com")),
            ("people", Person(id="p1", name="Ann Lee", email="ann.lee@acme.com", company_id="c1")),
            ("people", Person(id="p2", name="Lee, Ann", email=" ANN.LEE@Acme.com ", title="CFO")),
            ("people", Person(id="p3", name="Bo", email="b.o+crm@googlemail.com", company_id="c1")),
            ("people", Person(id="p4", name="Bo", email="bo@gmail.com", reports_to_id="p2")),
            ("touches", Touch(id="t1", at="2024-01-01T00:00:00", kind="call", person_ids=["p2", "p1"])),
            ("knows", Knows(person_id="p1", other_id="p2")),
        )
    )
    people = {getattr(p, "id"): p for p in by_kind["people"]}  # noqa: B009
    assert set(people) == {"p1", "p3"}
    ann = people["p1"]
    assert isinstance(ann, Person) and ann.name == "Ann Lee" and ann.title == "CFO"  # survivor, filled in
    assert ann.seniority is None or ann.seniority_source is not None
    touch = by_kind["touches"][0]
    assert isinstance(touch, Touch) and touch.person_ids == ["p1"]  # remapped and de-duplicated
    assert "knows" not in by_kind  # a duplicate who "knows" its own survivor is dropped
    reporting = by_kind["reporting"]
    assert [(r.person_id, r.manager_id) for r in reporting if isinstance(r, Reporting)] == [("p3", "p1")]
    assert rejects == []


def test_people_without_company_attach_by_domain_but_never_by_free_mail() -> None:
    by_kind, _, resolution = _run(
        _items(
            ("companies", Company(id="c1", name="Acme", domain="acme.com")),
            ("people", Person(id="p1", name="Ann", email="ann@acme.com")),
            ("people", Person(id="p2", name="Bo", email="bo@qq.com")),
            ("people", Person(id="p3", name="Cy", email="cy@initech.io")),
            ("people", Person(id="p4", name="Di", email="di@initech.io")),
        )
    )
    people = {getattr(p, "id"): p for p in by_kind["people"]}  # noqa: B009
    assert getattr(people["p1"], "company_id") == "c1"  # noqa: B009
    assert getattr(people["p2"], "company_id") is None  # noqa: B009
    created = [c for c in by_kind["companies"] if getattr(c, "domain") == "initech.io"]  # noqa: B009
    assert len(created) == 1  # two people of one domain roll into one account
    assert getattr(people["p3"], "company_id") == getattr(people["p4"], "company_id") == created[0].id  # type: ignore[attr-defined]  # noqa: B009
    assert not any(getattr(c, "domain") == "qq.com" for c in by_kind["companies"])  # noqa: B009
    assert resolution.reasons()["people: rolled into the account of their e-mail domain"] == 2  # type: ignore[attr-defined]


def test_stored_identities_win_over_new_ids() -> None:
    stored = StoredIdentities(
        people_by_email_key={"ann@acme.com": "sf-ann"},
        companies_by_name_key={"acme": "sf-acme"},
        companies_by_domain={"initech.com": "sf-initech"},
    )
    stored.ids["people"] = {"sf-ann"}
    stored.ids["companies"] = {"sf-acme", "sf-initech"}
    by_kind, rejects, resolution = _run(
        _items(
            ("companies", Company(id="hs-1", name="ACME Inc.")),
            ("people", Person(id="hs-9", name="Ann", email="Ann@acme.com", company_id="hs-1")),
            ("people", Person(id="hs-8", name="Cy", email="cy@initech.com")),
            ("touches", Touch(id="t1", at="2024-01-01T00:00:00", kind="call", person_ids=["hs-9"])),
        ),
        stored,
    )
    assert rejects == []
    ids = resolution.ids  # type: ignore[attr-defined]
    assert ids["companies"]["hs-1"] == "sf-acme"
    assert ids["people"]["hs-9"] == "sf-ann"
    people = {getattr(p, "id"): p for p in by_kind["people"]}  # noqa: B009
    assert set(people) == {"hs-8"}  # the stored person is kept as stored; the duplicate is not written
    assert getattr(people["hs-8"], "company_id") == "sf-initech"  # noqa: B009
    assert getattr(by_kind["touches"][0], "person_ids") == ["sf-ann"]  # noqa: B009


def test_titles_are_classified_unless_the_source_gave_a_seniority() -> None:
    by_kind, _, _ = _run(
        _items(
            ("people", Person(id="p1", name="A", title="副总经理兼财务总监")),
            ("people", Person(id="p2", name="B", title="Intern", seniority="vp")),
        )
    )
    people = {getattr(p, "id"): p for p in by_kind["people"]}  # noqa: B009
    inferred, asserted = people["p1"], people["p2"]
    assert isinstance(inferred, Person) and isinstance(asserted, Person)
    assert (inferred.seniority, inferred.function, inferred.seniority_source) == ("vp", "finance", "inferred")
    assert inferred.seniority_confidence is not None and inferred.seniority_rule
    assert (asserted.seniority, asserted.seniority_source) == ("vp", "crm")


def test_unknown_references_reject_the_row_or_only_the_value() -> None:
    items = _items(
        ("companies", Company(id="c1", name="Acme", parent_id="c-gone")),
        ("people", Person(id="p1", name="Ann", company_id="c1", reports_to_id="p-gone")),
        ("people", Person(id="p2", name="Bo", company_id="c-gone")),
        ("touches", Touch(id="t1", at="2024-01-01T00:00:00", kind="call", person_ids=["p2"])),
        (
            "touches",
            Touch(id="t2", at="2024-01-01T00:00:00", kind="call", person_ids=["p1", "p9"], rep_id="r9"),
        ),
    )
    by_kind, rejects, _ = _run(items)
    found = {(r.row, r.field): r for r in rejects}
    assert found[(2, "parent_id")].action == "value_ignored"
    assert found[(3, "reports_to_id")].action == "value_ignored"
    assert found[(4, "company_id")].action == "row_skipped"
    assert "whose own rows were rejected" in found[(5, "person_ids")].reason  # p2 fell, so t1 falls
    assert (
        found[(6, "person_ids")].action == "value_ignored" and found[(6, "rep_id")].action == "value_ignored"
    )
    t2 = by_kind["touches"][0]
    assert isinstance(t2, Touch) and t2.person_ids == ["p1"] and t2.rep_id is None
    assert [getattr(p, "id") for p in by_kind["people"]] == ["p1"]  # noqa: B009


def test_references_to_stored_ids_are_accepted_and_asked_for() -> None:
    items, _ = enrich(
        _items(
            (
                "touches",
                Touch(id="t1", at="2024-01-01T00:00:00", kind="call", person_ids=["p-old"], deal_id="d-old"),
            )
        )
    )
    resolution = resolve_identities(items, StoredIdentities())
    wanted = referenced_ids(items, resolution)
    assert wanted["people"] == {"p-old"} and wanted["deals"] == {"d-old"}
    out, rejects = apply_resolution(items, resolution, {"people": {"p-old"}, "deals": {"d-old"}})
    assert rejects == [] and len(out) == 1
