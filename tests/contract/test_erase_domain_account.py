"""Erasure and the accounts ingest creates for an e-mail domain no company has (both stores)."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.errors import NotFoundError
from graph.model import Deal
from graph.stores.base import GraphStore
from ingest.loader import ingest_paths

ACCOUNT = "domain-quinby-solo.io"


def _load(store: GraphStore, folder: Path, people: str) -> None:
    folder.mkdir()
    (folder / "people.csv").write_text("id,name,email,title\n" + people)
    ingest_paths([folder], store, progress=False)


def test_the_last_person_of_a_domain_account_takes_it_along(store: GraphStore, tmp_path: Path) -> None:
    _load(store, tmp_path / "solo", "solo-1,Quinby Solo,quinby@quinby-solo.io,Owner\n")
    assert store.get_company(ACCOUNT).name == "quinby-solo.io"
    before = store.counts()
    version = store.data_version()
    report = store.erase_person("solo-1")
    assert report.removed_nodes == {"Person": 1, "Touch": 0, "Company": 1}
    assert report.removed_relationships == 1  # the WORKS_AT
    with pytest.raises(NotFoundError):
        store.get_company(ACCOUNT)
    after = store.counts()
    assert after.nodes["Company"] == before.nodes["Company"] - 1
    assert sum(before.relationships.values()) - sum(after.relationships.values()) == 1
    assert store.data_version() != version  # every server process sees the erasure


def test_a_domain_account_that_others_refer_to_stays(store: GraphStore, tmp_path: Path) -> None:
    _load(
        store,
        tmp_path / "two",
        "duo-1,Ann Duo,ann@duo.io,Owner\nduo-2,Bob Duo,bob@duo.io,CTO\n",
    )
    store.erase_person("duo-1")
    assert store.get_company("domain-duo.io").id == "domain-duo.io"  # Bob still works there
    store.upsert("deals", [Deal(id="d-duo", company_id="domain-duo.io", name="Pilot")])
    report = store.erase_person("duo-2")
    assert "Company" not in report.removed_nodes  # a deal refers to it
    assert store.get_company("domain-duo.io").id == "domain-duo.io"
