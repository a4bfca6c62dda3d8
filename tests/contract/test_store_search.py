"""Contract for finding accounts and people by what a user types (name, e-mail, domain or id), and for
the product catalogue's names, on both stores: the CLI's `accounts`, `people`, `analyze NAME` and
`--path-to NAME` read these."""

from __future__ import annotations

from graph.model import Company, Employment, Person, Product
from graph.stores.base import GraphStore


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
