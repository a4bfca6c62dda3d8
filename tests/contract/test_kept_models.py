"""Kept models (`buyergraph learn`): both stores keep versions, read the latest or one by id, list them,
and `learn --json` fits, back-tests and keeps a model read back whole."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from api.commands.learn import learn_report
from api.settings import get_settings
from graph.analyses.config import DEFAULT_CONFIG
from graph.analyses.lead_weights import LeadWeightsFit
from graph.analyses.win_model import WinModel
from graph.errors import InvalidInputError
from graph.stores.base import GraphStore, KeptModel
from graph.stores.embedded import EmbeddedStore
from tests.unit.generated_world import AS_OF, generate, load

FITTED = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)


def _model(version: int, kind: str = "win_likelihood", used: bool = True) -> KeptModel:
    return KeptModel(
        id=f"{kind}-{version}",
        kind=kind,
        fitted_at=FITTED + timedelta(days=version),
        as_of=date(2026, 6, 30) + timedelta(days=version),
        used=used,
        document={
            "weights": [{"feature": "economic_buyer_engaged", "weight": 1.25 * version}],
            "note": "中文",
        },
    )


def test_models_are_kept_versioned_and_read_back(store: GraphStore) -> None:
    assert store.read_model("win_likelihood") is None
    assert store.list_models() == []
    for version in (1, 3, 2):
        store.write_model(_model(version))
    store.write_model(_model(5, kind="lead_weights", used=False))
    latest = store.read_model("win_likelihood")
    assert latest == _model(3)
    assert store.read_model("win_likelihood", "win_likelihood-1") == _model(1)
    assert store.read_model("win_likelihood", "win_likelihood-9") is None
    assert [m.id for m in store.list_models("win_likelihood")] == [
        "win_likelihood-3",
        "win_likelihood-2",
        "win_likelihood-1",
    ]
    listed = store.list_models()
    assert [m.id for m in listed][0] == "lead_weights-5" and len(listed) == 4
    assert all(m.document == {} for m in listed)
    # the same id again replaces that version
    store.write_model(_model(2).model_copy(update={"used": False, "document": {"weights": []}}))
    again = store.read_model("win_likelihood", "win_likelihood-2")
    assert again is not None and not again.used and again.document == {"weights": []}
    assert len(store.list_models("win_likelihood")) == 3


def test_keeping_a_model_moves_the_data_version(store: GraphStore) -> None:
    """A server keys its caches on the data version: a model `learn` keeps while it runs changes the
    win likelihoods it shows, so every server process must see the version move."""
    before = store.data_version()
    store.write_model(_model(1))
    after = store.data_version()
    assert after is not None and after != before
    store.write_model(_model(1).model_copy(update={"used": False}))
    assert store.data_version() != after


def test_learn_keeps_the_model_it_reports(store: GraphStore, tmp_path: Path) -> None:
    load(generate(tmp_path / "world", 90, seed=21), store)
    report = learn_report(store, as_of=AS_OF, config=DEFAULT_CONFIG, bootstrap=20)
    assert report.closed_deals >= 60 and report.won + report.lost == report.closed_deals
    assert report.win_model is not None and report.kept_id == report.win_model.id
    # the lead-score weights learned from conversions are kept as a model of their own kind
    lead = report.lead_weights
    assert lead is not None and lead.converters > 0 and lead.non_converters > 0
    kept_lead = store.read_model("lead_weights")
    assert kept_lead is not None and kept_lead.id == report.lead_weights_id
    assert kept_lead.used == lead.used and LeadWeightsFit.model_validate(kept_lead.document) == lead
    assert lead.used <= lead.enough  # used only above the minimum history
    # what history says, from the same book
    assert report.history is not None and report.history.closed_deals > 0
    assert report.history.won + report.history.lost == report.history.closed_deals
    kept = store.read_model("win_likelihood")
    assert kept is not None and kept.id == report.kept_id and kept.as_of == AS_OF
    assert kept.used == report.win_model.used
    assert WinModel.model_validate(kept.document) == report.win_model


def _learn_cli(args: list[str], env: dict[str, str]) -> dict[str, object]:
    get_settings.cache_clear()
    result = CliRunner().invoke(app, [*args, "learn", "--as-of", AS_OF.isoformat(), "--json"], env=env)
    get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    parsed: dict[str, object] = json.loads(result.stdout)
    return parsed


def test_learn_json_on_the_embedded_store(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {"BUYERGRAPH_HOME": str(home), "NEO4J_URI": ""}
    load(generate(tmp_path / "small", 12, seed=2), EmbeddedStore(home))
    few = _learn_cli([], env)
    assert few["win_model"] is None and few["kept_id"] is None
    assert str(few["message"]).startswith("too little history")
    assert EmbeddedStore(home).list_models("win_likelihood") == []
    lead = few["lead_weights"]
    # the generated leads' conversions carry their day, so they are in the fit (none left out undated)
    assert isinstance(lead, dict) and lead["converters"] > 0 and lead["undated_converters"] == 0
    assert lead["used"] is False or lead["enough"] is True
    kept_lead = EmbeddedStore(home).read_model("lead_weights")
    assert kept_lead is not None and kept_lead.used == lead["used"] and kept_lead.id == few["lead_weights_id"]
    assert isinstance(few["history"], dict) and "engaged_roles" in few["history"]
    # BUYERGRAPH_LANG=zh-CN speaks Chinese
    get_settings.cache_clear()
    zh = CliRunner().invoke(
        app, ["learn", "--as-of", AS_OF.isoformat()], env={**env, "BUYERGRAPH_LANG": "zh-CN"}
    )
    assert zh.exit_code == 0 and "历史数据太少" in zh.stdout
    assert "线索评分权重" in zh.stdout and "历史数据表明" in zh.stdout
    bad = CliRunner().invoke(app, ["learn", "--as-of", "2026-13-01"], env=env)
    assert bad.exit_code != 0 and isinstance(bad.exception, InvalidInputError)  # main() exits with 2


@pytest.mark.neo4j
def test_learn_json_on_neo4j(
    neo4j_store: GraphStore, neo4j_connection: tuple[str, str, str, str], tmp_path: Path
) -> None:
    uri, user, password, database = neo4j_connection
    env = {"NEO4J_URI": uri, "NEO4J_USERNAME": user, "NEO4J_PASSWORD": password, "NEO4J_DATABASE": database}
    load(generate(tmp_path / "world", 90, seed=21), neo4j_store)
    out = _learn_cli([], env)
    model = out["win_model"]
    assert isinstance(model, dict) and out["kept_id"] == model["id"]
    assert isinstance(out["closed_deals"], int) and out["closed_deals"] >= 60
    kept = neo4j_store.read_model("win_likelihood")
    assert kept is not None and kept.id == out["kept_id"]


def test_refresh_scores_open_deals_with_the_kept_model_or_says_configuration(
    store: GraphStore, tmp_path: Path
) -> None:
    from api.refresh import compute_results
    from graph.analyses.portfolio import DealFilter
    from graph.analyses.win_model import closed_deal_rows, fit_win_model
    from ingest.titles import classify_title

    load(generate(tmp_path / "world", 60, seed=8), store)
    ids = store.accounts_to_refresh(everything=True)
    graphs = store.account_graphs(ids)
    rows = [r for g in graphs.values() for r in closed_deal_rows(g, classify=classify_title)]
    model = fit_win_model(rows, as_of=AS_OF, bootstrap=10, fitted_at=FITTED)
    model.used = True
    store.write_model(
        KeptModel(
            id=model.id,
            kind=model.kind,
            fitted_at=FITTED,
            as_of=AS_OF,
            used=True,
            document=model.model_dump(mode="json"),
        )
    )
    results = compute_results(store, ids, as_of=AS_OF, config=DEFAULT_CONFIG)
    deals = [d for r in results for d in r.deals]
    assert deals and all(d.win_model == model.id and d.win_likelihood is not None for d in deals)
    assert len({d.win_likelihood for d in deals}) > 1
    assert any(d.win_factors and d.win_factors[0].text.endswith("points") for d in deals)
    assert store.write_results(results) == len(results)
    kept = store.read_results(ids)
    assert [d for r in results for d in kept[r.account_id].deals] == deals
    listed = store.list_deal_results(DealFilter(), limit=500).data
    scored = {x.deal.id: x.result for x in listed if x.result is not None}
    assert {d.deal_id: d for d in deals} == scored
    # a later model that its back-test did not let be used: the configured weights again
    store.write_model(
        KeptModel(
            id="win-later", kind=model.kind, fitted_at=FITTED + timedelta(days=1), as_of=AS_OF, used=False
        )
    )
    again = [d for r in compute_results(store, ids, as_of=AS_OF, config=DEFAULT_CONFIG) for d in r.deals]
    assert all(
        d.win_model == "configuration" and d.win_likelihood is None and not d.win_factors for d in again
    )
