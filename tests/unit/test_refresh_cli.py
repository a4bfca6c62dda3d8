"""`buyergraph refresh` and the refresh after `ingest`, end to end in an embedded store."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

from api.answers import render_answers
from graph.analyses import analyze_account
from graph.analyses.portfolio import account_result
from graph.model import Person
from graph.stores.embedded import EmbeddedStore
from ingest.titles import classify_title
from tests.unit.generated_world import generate


def cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from api.cli import main; main()", "--store", str(home), *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": "", "BUYERGRAPH_CONFIG": ""},
    )


def test_ingest_refreshes_what_it_changed_and_refresh_all_recomputes(tmp_path: Path) -> None:
    folder = generate(tmp_path / "world", 6, seed=7)
    home = tmp_path / "store"
    out = cli(home, "ingest", str(folder))
    assert out.returncode == 0, out.stderr
    store = EmbeddedStore(home)
    ids = sorted(c.id for c in store.list_accounts(limit=500).data)
    kept = store.read_results(ids)
    assert set(kept) == set(ids) and not any(r.stale for r in kept.values())
    assert store.accounts_to_refresh() == []

    out = cli(home, "refresh", "--json")  # nothing changed since
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["accounts"] == 0

    out = cli(home, "refresh", "--all", "--as-of", "2026-06-30", "--workers", "0", "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["written"] == len(ids)
    kept = store.read_results(ids)
    for account_id in ids:
        account = store.account_graph(account_id)
        expected = account_result(
            account,
            analyze_account(account, as_of=date(2026, 6, 30), classify=classify_title),
            computed_at=kept[account_id].computed_at,
        )
        assert expected.detail is not None  # refresh also keeps the answers rendered from the detail
        assert kept[account_id] == expected.model_copy(update={"answers": render_answers(expected.detail)})


def test_no_refresh_leaves_the_changed_account_stale_until_refresh(tmp_path: Path) -> None:
    folder = generate(tmp_path / "world", 4, seed=3)
    home = tmp_path / "store"
    assert cli(home, "ingest", str(folder)).returncode == 0
    store = EmbeddedStore(home)
    person = store.list_people(limit=1).data[0]
    change = tmp_path / "change"
    change.mkdir()
    (change / "people.csv").write_text(
        f"id,name,company_id,title\n{person.id},{person.name},{person.company_id},Chief Executive Officer\n",
        encoding="utf-8",
    )
    out = cli(home, "ingest", str(change), "--no-refresh")
    assert out.returncode == 0, out.stderr
    assert store.accounts_to_refresh() == [person.company_id]
    assert store.read_results([person.company_id])[person.company_id].stale

    out = cli(home, "refresh", "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["accounts"] == 1
    assert not store.read_results([person.company_id])[person.company_id].stale
    assert store.accounts_to_refresh() == []
    assert isinstance(person, Person)


def test_a_real_salesforce_export_is_refreshed_on_ingest(datasets: Path, tmp_path: Path) -> None:
    folder = datasets / "crm-exports" / "sf-fivetran-warehouse-seeds"
    home = tmp_path / "store"
    out = cli(home, "ingest", str(folder))
    assert out.returncode == 0, out.stderr
    store = EmbeddedStore(home)
    ids = [c.id for c in store.list_accounts(limit=500).data]
    assert ids
    kept = store.read_results(ids)
    assert set(kept) == set(ids)
    for result in kept.values():
        assert (
            sum(result.gaps_by_kind.values()) == result.gaps_total == sum(len(d.gaps) for d in result.deals)
        )
        assert (result.coverage is None) == (result.open_deals == 0)
