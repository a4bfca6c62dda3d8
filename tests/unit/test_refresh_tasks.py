"""What refresh sends to Dask workers, and how it chooses where to run (no cluster needed)."""

from __future__ import annotations

import pickle
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from distributed.protocol.pickle import dumps as dask_dumps

from api.answers import render_answers
from api.refresh import StoreAddress, compute_results, refresh, refresh_task
from api.settings import Settings
from graph.analyses import DEFAULT_CONFIG, analyze_account
from graph.analyses.portfolio import account_result
from graph.errors import ConfigurationError
from graph.stores.embedded import EmbeddedStore
from ingest.titles import classify_title
from tests.unit.generated_world import generate, load

AS_OF = date(2026, 6, 30)
SECRET = "a-long-and-unguessable-neo4j-secret-8d1f"


def neo4j_address() -> StoreAddress:
    settings = Settings(
        NEO4J_URI="neo4j://db.internal:7687",
        NEO4J_USERNAME="analyst",
        NEO4J_PASSWORD=SECRET,
        NEO4J_DATABASE="sales",
    )
    return StoreAddress.of(settings)


def test_a_pickled_task_carries_no_password() -> None:
    address = neo4j_address()
    assert address.secret == SECRET  # kept in this process, for local workers' environment
    assert address.worker_env() == {"NEO4J_PASSWORD": SECRET}
    for payload in (
        pickle.dumps(address),
        dask_dumps((refresh_task, address, ["c-1", "c-2"], AS_OF, DEFAULT_CONFIG, True)),
    ):
        assert SECRET.encode() not in payload
    travelled = pickle.loads(pickle.dumps(address))
    assert (travelled.kind, travelled.target, travelled.username, travelled.database) == (
        "neo4j",
        "neo4j://db.internal:7687",
        "analyst",
        "sales",
    )
    assert travelled.secret is None
    assert SECRET not in repr(address)


def test_a_worker_without_its_own_password_is_told_where_credentials_come_from(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env here
    monkeypatch.delenv("NEO4J_PASSWORD", raising=False)
    travelled = pickle.loads(pickle.dumps(neo4j_address()))
    with pytest.raises(ConfigurationError, match="NEO4J_PASSWORD .*own environment"):
        travelled.open()


def test_an_embedded_store_a_worker_cannot_see_is_a_clear_error(tmp_path: Path) -> None:
    address = StoreAddress.of(Settings(NEO4J_URI=None), str(tmp_path / "elsewhere"))
    assert address.kind == "embedded" and Path(address.target).is_absolute()
    with pytest.raises(ConfigurationError, match="not visible on .*same path"):
        pickle.loads(pickle.dumps(address)).open()
    assert not (tmp_path / "elsewhere").exists()  # not created on the worker either


def test_refresh_runs_in_process_by_default_and_keeps_what_analyze_reports(tmp_path: Path) -> None:
    home = tmp_path / "store"
    with EmbeddedStore(home) as store:
        load(generate(tmp_path / "world", 5, seed=11), store)
        ids = store.accounts_to_refresh()
        before = datetime.now(UTC)
        summary = refresh(
            store,
            StoreAddress.of(Settings(NEO4J_URI=None), str(home)),
            as_of=AS_OF,
            config=DEFAULT_CONFIG,
            progress=False,
        )
        assert summary.workers == "this process"
        assert summary.written == summary.accounts == len(ids) > 0
        kept = store.read_results(ids)
        for account_id in ids:
            account = store.account_graph(account_id)
            full = analyze_account(account, as_of=AS_OF, classify=classify_title)
            assert full.key_people and full.key_people[0].components  # analyze explains its scores
            assert kept[account_id].computed_at >= before
            expected = account_result(account, full, computed_at=kept[account_id].computed_at)
            assert expected.detail is not None  # refresh also keeps the answers rendered from the detail
            answers = render_answers(expected.detail)
            assert kept[account_id] == expected.model_copy(update={"answers": answers})


def test_compute_results_skips_removed_accounts(tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path / "store") as store:
        load(generate(tmp_path / "world", 2, seed=4), store)
        ids = store.accounts_to_refresh()
        results = compute_results(store, [*ids, "no-such-account"], as_of=AS_OF, config=DEFAULT_CONFIG)
        assert [r.account_id for r in results] == ids
        assert len({r.computed_at for r in results}) == 1  # one read per batch, stamped before it


def test_refresh_starts_dask_only_when_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import api.refresh

    chosen: list[tuple[str | None, int | None]] = []

    def no_cluster(scheduler: str | None, workers: int | None, address: StoreAddress) -> None:
        chosen.append((scheduler, workers))
        raise RuntimeError("a Dask cluster was chosen")

    monkeypatch.setattr(api.refresh, "_dask_client", no_cluster)
    monkeypatch.delenv("DASK_SCHEDULER_ADDRESS", raising=False)
    with EmbeddedStore(tmp_path / "store") as store:
        load(generate(tmp_path / "world", 3, seed=2), store)
        ids = store.accounts_to_refresh()
        for address in (StoreAddress.of(Settings(NEO4J_URI=None), str(tmp_path / "store")), neo4j_address()):
            for workers in (None, 0):
                summary = refresh(
                    store, address, as_of=AS_OF, config=DEFAULT_CONFIG, workers=workers, everything=True
                )
                assert summary.workers == "this process" and summary.written == len(ids)
        assert chosen == []
        with pytest.raises(RuntimeError, match="Dask cluster was chosen"):
            refresh(store, address, as_of=AS_OF, config=DEFAULT_CONFIG, everything=True, workers=2)
        monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", "tcp://127.0.0.1:1")
        with pytest.raises(RuntimeError, match="Dask cluster was chosen"):
            refresh(store, address, as_of=AS_OF, config=DEFAULT_CONFIG, everything=True)
        assert chosen == [(None, 2), ("tcp://127.0.0.1:1", None)]
