"""End to end through the command line: an ingest that moves a champion to another account logs the
change (with a lead into the new company) in the refresh it runs; `buyergraph export` and
`buyergraph webhooks` work on that store."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from graph.analyses.changes import ChangeKind
from graph.stores.embedded import EmbeddedStore


def cli(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from api.cli import main; main()", "--store", str(tmp / "store"), *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": "", "BUYERGRAPH_CONFIG": "", "BUYERGRAPH_HOME": str(tmp / "home")},
        cwd=tmp,
    )


def write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_a_champion_who_moves_at_ingest_is_logged_with_a_lead(tmp_path: Path) -> None:
    first = write(
        tmp_path / "first",
        {
            "companies.csv": "id,name,domain\nacme,Acme Corp,acme.example\nglobex,Globex,globex.example\n",
            "people.csv": "id,name,company_id,title,seniority\n"
            "p-champ,Cy Champion,acme,IT Director,director\n"
            "p-cfo,Flo Finance,acme,CFO,c_level\n",
            "deals.csv": "id,company_id,name,status,amount\nd-1,acme,Platform,open,50000\n",
            "committee.csv": "deal_id,person_id,role\nd-1,p-champ,champion\nd-1,p-cfo,economic_buyer\n",
        },
    )
    out = cli(tmp_path, "ingest", str(first))
    assert out.returncode == 0, out.stderr
    assert EmbeddedStore(tmp_path / "store").list_changes() == []  # first results: nothing to compare

    moved = write(
        tmp_path / "moved",
        {
            "people.csv": "id,name,company_id,title\np-champ,Cy Champion,globex,CIO\n",
            "employment.csv": "person_id,company_id,since,until\n"
            "p-champ,acme,2019-01-01,2025-12-31\np-champ,globex,2026-01-01,\n",
        },
    )
    out = cli(tmp_path, "ingest", str(moved))
    assert out.returncode == 0, out.stderr
    logged = EmbeddedStore(tmp_path / "store").list_changes(account_id="acme")
    left = [c for c in logged if c.kind == ChangeKind.MEMBER_LEFT]
    assert [c.person_id for c in left] == ["p-champ"]
    (job,) = [c for c in logged if c.kind == ChangeKind.JOB_CHANGE]
    assert job.data["lead"]["company_id"] == "globex" and job.data["roles"] == {"d-1": ["champion"]}

    out = cli(tmp_path, "webhooks", "list", "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == []
    out = cli(tmp_path, "webhooks", "deliver", "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == {"enqueued": 0, "attempted": 0, "delivered": 0, "failed": 0}

    out = cli(tmp_path, "export", "--for", "hubspot", "--json")
    assert out.returncode == 0, out.stderr
    summary = json.loads(out.stdout)
    assert summary["crm"] == "hubspot" and summary["accounts"] == 2
    assert summary["skipped_deals"] == 1  # d-1 is no HubSpot deal
    assert (tmp_path / "buyergraph-hubspot").is_dir()
