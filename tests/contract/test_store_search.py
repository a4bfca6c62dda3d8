"""Contract for finding accounts and people by what a user types (name, e-mail, domain or id), and for
the product catalogue's names, on both stores: the CLI's `accounts`, `people`, `analyze NAME` and
`--path-to NAME` read these."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from graph.analyses.directory import PeopleFilter
from graph.analyses.portfolio import AccountFilter, DealFilter
from graph.model import Company, Deal, Employment, Person, Product, Rep
from graph.stores.base import GraphStore
from graph.stores.embedded import EmbeddedStore


def _load(store: GraphStore) -> None:
    store.upsert(
        "companies",
        [
            Company(id="c-1", name="Société Générale", domain="socgen.fr"),
            Company(id="c-2", name="Acme Inc.", domain="acme.com"),
            Company(id="c-3", name="华为技术有限公司"),
            Company(id="c-4", name="ＡＣＭＥ Japan"),  # full-width letters, as some exports write them
        ],
    )
    store.upsert(
        "people",
        [
            Person(id="p-1", name="José García", email="jose@acme.com", company_id="c-2"),
            Person(id="p-2", name="Betty Kelly", email="betty.kelly@acme.com", company_id="c-2"),
            Person(id="p-3", name="Betty Kelly", email="bk@socgen.fr", company_id="c-1"),
            Person(id="p-4", name="陈洋", email="chen.yang@huawei.com", company_id="c-3"),
            Person(id="p-5", name="Zoë Ångström", company_id="c-1"),
        ],
    )
    store.upsert("employment", [Employment(person_id="p-5", company_id="c-2", until=None)])
    store.upsert("products", [Product(id="x", name="Analytics"), Product(id="y", name="Data Guard")])


def _ids(page: object) -> list[str]:
    return [r.id for r in page.data]  # type: ignore[attr-defined]


def test_accounts_are_found_ignoring_case_accents_and_width(store: GraphStore) -> None:
    _load(store)
    assert _ids(store.search_accounts("societe")) == ["c-1"]
    assert _ids(store.search_accounts("SOCIÉTÉ gén")) == ["c-1"]
    assert _ids(store.search_accounts("acme")) == ["c-2", "c-4"]  # ordered by name
    assert _ids(store.search_accounts("华为")) == ["c-3"]
    assert _ids(store.search_accounts("socgen.fr")) == ["c-1"]
    assert _ids(store.search_accounts("c-3")) == ["c-3"]
    assert store.search_accounts("globex").count == 0
    everything = store.search_accounts(None, limit=2)
    assert everything.count == 4 and len(everything.data) == 2


def test_people_are_found_by_name_or_email_within_an_account(store: GraphStore) -> None:
    _load(store)
    assert _ids(store.search_people("jose garcia")) == ["p-1"]
    assert _ids(store.search_people("GARCÍA")) == ["p-1"]
    assert _ids(store.search_people("zoe angstrom")) == ["p-5"]
    assert _ids(store.search_people("betty kelly")) == ["p-2", "p-3"]
    assert _ids(store.search_people("Betty Kelly", company_id="c-2")) == ["p-2"]
    assert _ids(store.search_people("chen.yang@")) == ["p-4"]
    assert _ids(store.search_people("陈")) == ["p-4"]
    assert _ids(store.search_people(None, company_id="c-2")) == ["p-2", "p-1", "p-5"]
    assert store.search_people("nobody").count == 0


def test_the_product_catalogue_names_every_product(store: GraphStore) -> None:
    _load(store)
    assert store.product_names() == {"x": "Analytics", "y": "Data Guard"}


# --- names in both scripts, on every search of both stores (issue 19) ---------------------------


def _load_both_scripts(store: GraphStore) -> None:
    store.upsert(
        "companies",
        [
            Company(id="cn-1", name="北京华信科技", domain="huaxin.cn"),
            Company(id="cn-2", name="Crème Brûlée SARL", domain="creme.fr"),
            Company(id="cn-3", name="Linamar Corp", domain="linamar.com"),
        ],
    )
    store.upsert(
        "people",
        [
            Person(id="pn-1", name="李娜", email="ln@huaxin.cn", title="采购经理", company_id="cn-1"),
            Person(id="pn-2", name="Zoë Ångström", email="zoe@creme.fr", company_id="cn-2"),
            Person(id="pn-3", name="Wang Wei", email="wang.wei@example.com", company_id="cn-3"),
        ],
    )
    store.upsert("reps", [Rep(id="rn-1", name="张伟", email="zhang.wei@example.com")])
    store.upsert(
        "deals",
        [
            Deal(id="dn-1", company_id="cn-1", name="数据平台采购"),
            Deal(id="dn-2", company_id="cn-2", name="Renouvellement"),
            Deal(id="dn-3", company_id="cn-3", name="Plant analytics"),
        ],
    )


#: What a user types, and the one account or person it must find (and only that one).
ACCOUNT_QUERIES = [
    ("北京华信", "cn-1"),
    ("beijing huaxin", "cn-1"),
    ("BeijingHuaxin", "cn-1"),
    ("huaxinkeji", "cn-1"),
    ("creme brulee", "cn-2"),
    ("CRÈME", "cn-2"),
]
PEOPLE_QUERIES = [
    ("李娜", "pn-1"),
    ("li na", "pn-1"),
    ("lina", "pn-1"),
    ("Li Na", "pn-1"),
    ("zoe angstrom", "pn-2"),
    ("ÅNGSTRÖM", "pn-2"),
]


@pytest.mark.parametrize(("typed", "expected"), ACCOUNT_QUERIES)
def test_every_account_search_finds_names_in_both_scripts(
    store: GraphStore, typed: str, expected: str
) -> None:
    _load_both_scripts(store)
    assert _ids(store.search_accounts(typed)) == [expected]
    assert _ids(store.list_accounts(search=typed)) == [expected]
    listed = store.list_account_results(AccountFilter(search=typed))
    assert [item.company.id for item in listed.data] == [expected] and listed.count == 1
    by_coverage = store.list_account_results(AccountFilter(search=typed, sort="coverage"))
    assert [item.company.id for item in by_coverage.data] == [expected]


@pytest.mark.parametrize(("typed", "expected"), PEOPLE_QUERIES)
def test_every_people_search_finds_names_in_both_scripts(
    store: GraphStore, typed: str, expected: str
) -> None:
    _load_both_scripts(store)
    assert _ids(store.search_people(typed)) == [expected]
    assert _ids(store.list_people(search=typed)) == [expected]
    listed = store.list_people_filtered(PeopleFilter(search=typed, as_of=date(2026, 6, 30)))
    assert [item.person.id for item in listed.data] == [expected] and listed.count == 1


def test_a_search_does_not_find_what_the_names_do_not_say(store: GraphStore) -> None:
    _load_both_scripts(store)
    assert store.search_people("nali").count == 0
    assert store.search_people("wang na").count == 0
    assert store.search_accounts("shanghai").count == 0
    # "lina" is in Linamar's name too: pinyin adds matches, it never hides the Latin ones.
    assert _ids(store.search_accounts("lina")) == ["cn-3"]
    assert _ids(store.search_people("lina", company_id="cn-1")) == ["pn-1"]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("shuju pingtai", ["dn-1"]),
        ("数据", ["dn-1"]),
        ("beijing", ["dn-1"]),
        ("creme", ["dn-2"]),
        ("cn-3", ["dn-3"]),
    ],
)
def test_deals_are_found_by_their_or_their_accounts_name(
    store: GraphStore, typed: str, expected: list[str]
) -> None:
    _load_both_scripts(store)
    listed = store.list_deal_results(DealFilter(search=typed))
    assert [item.deal.id for item in listed.data] == expected and listed.count == len(expected)


def test_reps_are_found_by_pinyin_and_by_characters(store: GraphStore) -> None:
    _load_both_scripts(store)
    assert [r.rep.id for r in store.list_reps(search="zhang wei").data] == ["rn-1"]
    assert [r.rep.id for r in store.list_reps(search="张").data] == ["rn-1"]


def test_a_later_write_without_a_field_keeps_the_node_findable_by_it(store: GraphStore) -> None:
    _load_both_scripts(store)
    # The CRM sends the person again without e-mail and with a new title: the stored e-mail stays,
    # and so does finding the person by it; the new title is found, the name by pinyin too.
    store.upsert("people", [Person(id="pn-1", name="李娜", title="信息中心主任")])
    assert _ids(store.search_people("ln@huaxin")) == ["pn-1"]
    assert _ids(store.list_people(search="信息中心")) == ["pn-1"]
    assert store.list_people(search="采购经理").count == 0
    store.upsert("people", [Person(id="pn-1", name="王芳")])  # a corrected name
    assert _ids(store.search_people("wang fang")) == ["pn-1"]
    assert store.search_people("li na").count == 0


def _drop_search_keys(store: GraphStore) -> None:
    """Make the store look as one written before buyergraph kept search keys."""
    if isinstance(store, EmbeddedStore):
        doc = json.loads(store.path.read_text(encoding="utf-8"))
        for table in ("companies", "people", "reps", "deals"):
            for row in doc["tables"][table]:
                row.pop("search_key", None)
        store.path.write_text(json.dumps(doc), encoding="utf-8")
        return
    # An old database: neither the keys nor the record of their backfill (test set-up only).
    driver = store._driver  # type: ignore[attr-defined]
    driver.execute_query("MATCH (n) WHERE n.search_key IS NOT NULL REMOVE n.search_key")
    driver.execute_query("MATCH (m:Migration {id: 'search_keys'}) DELETE m")


def test_a_store_written_before_search_keys_is_backfilled_when_opened(store: GraphStore) -> None:
    _load_both_scripts(store)
    _drop_search_keys(store)
    if isinstance(store, EmbeddedStore):
        reopened: GraphStore = EmbeddedStore(store.home)
    else:
        # The old database has no keys: a search finds nothing until the backfill has run.
        assert store.search_people("李娜").count == 0
        store.apply_schema()  # what opening the store runs
        reopened = store
    assert _ids(reopened.search_people("li na")) == ["pn-1"]
    assert _ids(reopened.search_accounts("北京")) == ["cn-1"]
    assert [r.rep.id for r in reopened.list_reps(search="zhangwei").data] == ["rn-1"]
    assert [d.deal.id for d in reopened.list_deal_results(DealFilter(search="shuju")).data] == ["dn-1"]


@contextmanager
def _api_on(store: GraphStore, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    """The HTTP API served on this store (its own folder or database), with a read key."""
    from fastapi.testclient import TestClient

    from api.app import create_app
    from tests.api.conftest import make_keys, neo4j_settings, settings_for

    home = tmp_path / "api-home"
    if isinstance(store, EmbeddedStore):
        app = create_app(settings_for(home), store_override=str(store.home))
    else:
        app = create_app(neo4j_settings(home, request.getfixturevalue("neo4j_connection")))
    key = make_keys(home)["read"]
    with TestClient(app) as client:
        client.headers["X-API-Key"] = key
        yield client


def test_the_api_and_the_pages_search_in_both_scripts(
    store: GraphStore, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    _load_both_scripts(store)
    with _api_on(store, request, tmp_path) as client:
        people = client.get("/api/v1/people", params={"search": "li na"})
        assert people.status_code == 200, people.text
        assert [p["id"] for p in people.json()["data"]] == ["pn-1"]
        accounts = client.get("/api/v1/accounts", params={"search": "beijing huaxin"})
        assert accounts.status_code == 200, accounts.text
        assert [a["id"] for a in accounts.json()["data"]] == ["cn-1"]
        assert client.get("/api/v1/people", params={"search": "zoe"}).json()["count"] == 1
        page = client.get("/", params={"q": "beijing"})
        assert page.status_code == 200 and "北京华信科技" in page.text
        assert "Crème Brûlée" not in page.text
        deals = client.get("/api/v1/deals", params={"search": "beijing huaxin"})
        assert deals.status_code == 200, deals.text
        assert [d["id"] for d in deals.json()["data"]] == ["dn-1"]
        deals_page = client.get("/deals", params={"q": "shuju"})
        assert deals_page.status_code == 200 and "数据平台采购" in deals_page.text
        assert "Renouvellement" not in deals_page.text
