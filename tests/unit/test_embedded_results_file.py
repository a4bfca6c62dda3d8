"""The embedded store's results file keeps an account's key people once (in the kept detail): the
rendered key people (KeptAnswers.key_people) are rendered again from the detail when a process reads
the file, byte for byte what refresh rendered; a file that holds them (older versions) is read as is."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from api.answers import RENDER_FORMAT, render_answers
from graph.analyses import analyze_account
from graph.analyses.portfolio import AccountResult, account_result
from graph.errors import StoreUnavailableError
from graph.stores.embedded import RESULTS_FILE_NAME, RESULTS_FORMAT, EmbeddedStore
from tests.contract.world import world

AS_OF = date(2025, 6, 1)
COMPUTED = datetime(2025, 6, 1, 8, 0, tzinfo=UTC)


def _kept(store: EmbeddedStore, company_id: str) -> AccountResult:
    account = store.account_graph(company_id)
    plain = account_result(account, analyze_account(account, as_of=AS_OF), computed_at=COMPUTED)
    assert plain.detail is not None
    return plain.model_copy(update={"answers": render_answers(plain.detail)})


def test_the_file_keeps_key_people_once_and_a_new_process_renders_them_again(tmp_path: Path) -> None:
    home = tmp_path / "store"
    store = EmbeddedStore(home)
    store.upsert_all(world())
    kept = _kept(store, "c-acme-cn")
    answers = kept.answers
    assert answers is not None and len(answers.key_people) >= 2 and answers.format == RENDER_FORMAT
    assert store.write_results([kept]) == 1

    doc = json.loads((home / RESULTS_FILE_NAME).read_text(encoding="utf-8"))
    assert doc["format"] == RESULTS_FORMAT == 2
    raw = doc["results"]["c-acme-cn"]
    assert "key_people" not in raw["answers"]  # once: in the detail
    assert len(raw["detail"]["key_people"]) == len(answers.key_people)
    assert raw["answers"]["format"] == RENDER_FORMAT and raw["answers"]["deal_gaps"] == answers.deal_gaps

    reader = EmbeddedStore(home)  # another process: rendered again from the detail
    for limit in (None, 1):
        got = reader.read_kept_key_people("c-acme-cn", limit=limit)
        assert got is not None and got.items == answers.key_people[:limit]
        assert got.notes == answers.key_people_notes and got.format == RENDER_FORMAT
    assert EmbeddedStore(home).read_results(["c-acme-cn"])["c-acme-cn"] == kept


def test_a_file_holding_rendered_key_people_is_read_as_it_is(tmp_path: Path) -> None:
    home = tmp_path / "store"
    store = EmbeddedStore(home)
    store.upsert_all(world())
    kept = _kept(store, "c-acme-cn")
    store.write_results([kept])
    path = home / RESULTS_FILE_NAME
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["results"]["c-acme-cn"]["answers"]["key_people"] = ['{"as":"kept before"}']
    doc["format"] = 1  # as an older version wrote it
    path.write_text(json.dumps(doc), encoding="utf-8")

    got = EmbeddedStore(home).read_kept_key_people("c-acme-cn")
    assert got is not None and got.items == ['{"as":"kept before"}']

    doc["format"] = 3  # a newer version's: refused with a clear error, not misread
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(StoreUnavailableError, match="has format 3; this buyergraph reads formats 1, 2"):
        EmbeddedStore(home).read_kept_key_people("c-acme-cn")


def test_a_rewrite_keeps_format_1_while_every_result_is_a_format_1_one(tmp_path: Path) -> None:
    """A file an older version wrote stays readable by it after this version rewrites it for another
    reason (an account marked changed): format 2 only once some result keeps its key people once."""
    home = tmp_path / "store"
    store = EmbeddedStore(home)
    store.upsert_all(world())
    kept = _kept(store, "c-acme-cn")
    store.write_results([kept])
    path = home / RESULTS_FILE_NAME
    doc = json.loads(path.read_text(encoding="utf-8"))
    answers = kept.answers
    assert answers is not None
    doc["results"]["c-acme-cn"]["answers"]["key_people"] = answers.key_people  # as an older version
    doc["format"] = 1
    path.write_text(json.dumps(doc), encoding="utf-8")

    older = EmbeddedStore(home)
    assert older.mark_accounts_changed(company_ids=["c-acme-cn"]) == {"c-acme-cn"}
    rewritten = json.loads(path.read_text(encoding="utf-8"))
    assert rewritten["format"] == 1 and "c-acme-cn" in rewritten["changed"]
    assert rewritten["results"]["c-acme-cn"]["answers"]["key_people"] == answers.key_people

    plain = kept.model_copy(update={"account_id": "c-globex", "answers": None})  # no answers: format 1
    older.write_results([plain])
    assert json.loads(path.read_text(encoding="utf-8"))["format"] == 1

    later = kept.model_copy(update={"computed_at": datetime.now(UTC)})  # after the mark
    assert older.write_results([later]) == 1  # this version's: key people once, in the detail
    assert json.loads(path.read_text(encoding="utf-8"))["format"] == RESULTS_FORMAT == 2
