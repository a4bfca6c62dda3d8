"""`buyergraph learn` analyses each account's closed deals once and hands the analyses to both the win
model and what history says; what each finds is the same as when it analyses them itself."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import api.commands.learn as learn
import graph.analyses.history as history
import graph.analyses.win_model as win_model
from graph.analyses.config import DEFAULT_CONFIG
from graph.analyses.report import closed_deal_analyses
from graph.stores.embedded import EmbeddedStore
from ingest.titles import classify_title
from tests.unit.generated_world import AS_OF, generate, load


def test_learn_analyses_the_closed_deals_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = EmbeddedStore(tmp_path / "store")
    load(generate(tmp_path / "world", 15, seed=4), store)
    accounts = list(learn.book(store))
    calls: list[str] = []

    def counted(account: Any, **kwargs: Any) -> Any:
        calls.append(account.company.id)
        return closed_deal_analyses(account, **kwargs)

    for module in (learn, history, win_model):
        monkeypatch.setattr(module, "closed_deal_analyses", counted)
    report = learn.learn_report(store, as_of=AS_OF, config=DEFAULT_CONFIG, keep=False, bootstrap=5)
    assert report.closed_deals > 0 and report.history is not None
    # once per account, not once for the win model and again for history
    assert sorted(calls) == sorted(a.company.id for a in accounts)

    # the shared analyses give what each part computes on its own
    calls.clear()
    alone_rows = [
        r
        for a in accounts
        for r in win_model.closed_deal_rows(a, before=AS_OF, config=DEFAULT_CONFIG, classify=classify_title)
    ]
    alone_history = history.what_history_says(accounts, as_of=AS_OF, classify=classify_title)
    assert len(calls) == 2 * len(accounts)
    shared = learn.closed_analyses(accounts, as_of=AS_OF, config=DEFAULT_CONFIG)
    rows = learn.closed_rows(accounts, as_of=AS_OF, config=DEFAULT_CONFIG, analysed=shared)
    assert [r.model_dump() for r in rows] == [r.model_dump() for r in alone_rows]
    assert report.closed_deals == len(rows)
    with_shared = history.what_history_says(accounts, as_of=AS_OF, classify=classify_title, analysed=shared)
    assert with_shared == alone_history == report.history
