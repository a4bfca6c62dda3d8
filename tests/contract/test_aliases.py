"""Ids merged at ingest stay aliases of their survivors, on both stores, across later ingests."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.errors import InvalidInputError, NotFoundError
from graph.model import Alias
from graph.stores.base import GraphStore
from ingest.loader import ingest_paths


def _bundle(folder: Path, **files: str) -> Path:
    folder.mkdir()
    for name, text in files.items():
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    return folder


def test_a_merged_id_is_an_alias_that_survives_later_ingests_and_resolves(
    store: GraphStore, tmp_path: Path
) -> None:
    first = _bundle(
        tmp_path / "first",
        companies="id,name,domain,region\nsf-1,Initrode Corp.,initrode.com,USA\n"
        "hs-9,INITRODE,initrode.com,US\n",
        people="id,name,email,company_id\np1,Ann Lee,ann@initrode.com,sf-1\n"
        'p2,"Lee, Ann",ANN@initrode.com,hs-9\n',
    )
    result = ingest_paths([first], store, progress=False)
    assert {(m["id"], m["into"]) for m in result.merges if m["id"] != m["into"]} == {
        ("hs-9", "sf-1"),
        ("p2", "p1"),
    }
    with pytest.raises(NotFoundError):
        store.get_company("hs-9")  # no node of its own
    alias = store.resolve_alias("companies", "hs-9")
    assert alias == Alias(kind="companies", id="hs-9", into="sf-1", reason="same web domain")
    person_alias = store.resolve_alias("people", "p2")
    assert person_alias is not None and person_alias.into == "p1"
    assert person_alias.reason == "same e-mail address"
    assert store.resolve_alias("companies", "sf-1") is None  # a survivor is no alias

    # A later ingest that names the alias, as a reference and as a record again, lands on the survivor.
    later = _bundle(
        tmp_path / "later",
        companies="id,name,domain\nhs-9,Initrode,initrode.com\n",
        people="id,name,email,company_id\np3,Bo Chen,bo@initrode.com,hs-9\n",
        deals="id,company_id,name\nd1,hs-9,Renewal\n",
    )
    result = ingest_paths([later], store, progress=False)
    assert not [r for r in result.rejects if r.action != "notice"]
    assert store.get_person("p3").company_id == "sf-1"
    assert store.get_deal("d1").company_id == "sf-1"
    with pytest.raises(NotFoundError):
        store.get_company("hs-9")
    after = store.resolve_alias("companies", "hs-9")
    assert after is not None and after.into == "sf-1"

    # The survivor merged into yet another record later: the first alias follows it there.
    store.upsert_aliases([Alias(kind="companies", id="sf-1", into="sf-0", reason="same web domain")])
    chained = store.resolve_alias("companies", "hs-9")
    assert chained is not None and chained.into == "sf-0" and chained.reason == "same web domain"


def test_aliases_are_looked_up_per_kind_and_refuse_other_kinds(store: GraphStore) -> None:
    assert store.upsert_aliases([]) == 0
    store.upsert_aliases(
        [
            Alias(kind="companies", id="x", into="c", reason="same normalised name"),
            Alias(kind="people", id="x", into="p", reason="same e-mail address"),
        ]
    )
    assert store.find_aliases("companies", ["x", "y"]) == {
        "x": Alias(kind="companies", id="x", into="c", reason="same normalised name")
    }
    assert store.find_aliases("people", ["x"])["x"].into == "p"
    store.upsert_aliases([Alias(kind="people", id="x", into="q", reason="same e-mail address")])
    assert store.find_aliases("people", ["x"])["x"].into == "q"  # replaced, not doubled
    with pytest.raises(InvalidInputError):
        store.find_aliases("deals", ["x"])


def test_erasing_a_person_erases_their_aliases(store: GraphStore, tmp_path: Path) -> None:
    bundle = _bundle(
        tmp_path / "b",
        people='id,name,email\np1,Ann Lee,ann@initrode.com\np2,"Lee, Ann",ann@initrode.com\n'
        "p3,Bo,bo@initrode.com\n",
    )
    ingest_paths([bundle], store, progress=False)
    store.upsert_aliases([Alias(kind="people", id="p9", into="p3", reason="same e-mail address")])
    assert store.resolve_alias("people", "p2") is not None
    store.erase_person("p1")
    assert store.find_aliases("people", ["p2", "p9"]) == {
        "p9": Alias(kind="people", id="p9", into="p3", reason="same e-mail address")
    }


def test_the_ids_merged_into_a_record_are_found_from_it(store: GraphStore, tmp_path: Path) -> None:
    bundle = _bundle(
        tmp_path / "b",
        people='id,name,email\np1,Ann Lee,ann@initrode.com\np2,"Lee, Ann",ann@initrode.com\n'
        "p3,Bo,bo@initrode.com\n",
    )
    ingest_paths([bundle], store, progress=False)
    store.upsert_aliases(
        [
            Alias(kind="people", id="0035g00000AnnLeeAA", into="p1", reason="same e-mail address"),
            Alias(kind="companies", id="p1-not-a-person", into="p1", reason="same web domain"),
        ]
    )
    found = store.aliases_into("people", ["p1", "p3", "nobody"])
    assert list(found) == ["p1"]
    assert [a.id for a in found["p1"]] == ["0035g00000AnnLeeAA", "p2"]  # sorted, one kind only
    assert all(a.into == "p1" and a.kind == "people" for a in found["p1"])
    assert store.aliases_into("people", []) == {}
    with pytest.raises(InvalidInputError):
        store.aliases_into("deals", ["p1"])
    # People read in one batch: those that exist.
    people = store.get_people(["p1", "p3", "p2", "nobody"])
    assert sorted(people) == ["p1", "p3"] and people["p1"].email == "ann@initrode.com"
    assert store.get_people([]) == {}
