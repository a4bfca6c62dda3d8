"""The loader end to end, on both stores: hand-written exports, generated worlds against their truth,
idempotency, --strict, the reject report and the command line."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from graph.stores.base import GraphStore
from ingest.loader import ingest_paths, ingest_uploads
from ingest.synthetic.generator import generate_world

CRM = Path(__file__).resolve().parent.parent / "data" / "crm"


def _snapshot(store: GraphStore) -> tuple[object, ...]:
    """Counts plus every account graph: equal snapshots mean equal stores for all that the API reads."""
    accounts = store.list_accounts(limit=500)
    graphs = tuple(store.account_graph(c.id).model_dump_json() for c in accounts.data)
    return store.counts().model_dump_json(), accounts.count, graphs


def test_all_hand_written_formats_load_together(store: GraphStore) -> None:
    result = ingest_paths(
        [CRM / "salesforce", CRM / "hubspot", CRM / "native", CRM / "gbk", CRM / "bom"], store, progress=False
    )
    summary = result.summary
    assert summary.kinds["people"].loaded == store.counts().nodes["Person"]
    # HubSpot's Ann Lee (ANN.LEE@ACME.COM) is Salesforce's Ann Lee: one person, not two.
    assert store.list_people(search="ann.lee@acme.com").count == 1
    assert summary.merges["people: same e-mail address"] == 2  # Bob's duplicate contact, Ann across sources
    # The GBK bundle's deal points at the duplicate company and lands on the surviving one.
    assert store.get_deal("cn-d1").company_id == "cn-hx"
    assert store.get_person("g-5").company_id == "cn-ym"  # attached by e-mail domain
    assert store.get_person("g-6").company_id is None  # qq.com is free mail
    assert store.get_person("0035g00000NoAccAA").company_id == "0015g00000GlobxAAA"
    rejected = {(r.file, r.row) for r in result.rejects}
    assert rejected == {("Contact.csv", 10), ("hubspot-crm-exports-all-deals-2024-05-01.csv", 4)}


def test_the_same_files_twice_change_nothing_and_changed_values_update(
    store: GraphStore, tmp_path: Path
) -> None:
    bundle = tmp_path / "salesforce"
    shutil.copytree(CRM / "salesforce", bundle)
    ingest_paths([bundle], store, progress=False)
    first = _snapshot(store)
    ingest_paths([bundle], store, progress=False)
    assert _snapshot(store) == first
    contacts = (bundle / "Contact.csv").read_text(encoding="utf-8")
    (bundle / "Contact.csv").write_text(
        contacts.replace("Procurement Manager", "Chief Procurement Officer"), encoding="utf-8"
    )
    ingest_paths([bundle], store, progress=False)
    carol = store.get_person("0035g00000CarolAAA")
    assert carol.title == "Chief Procurement Officer"
    assert carol.seniority == "c_level" and carol.function == "procurement"
    assert store.counts().nodes["Person"] == 7


def test_a_later_ingest_resolves_against_the_store(store: GraphStore) -> None:
    ingest_paths([CRM / "salesforce"], store, progress=False)
    people_before = store.counts().nodes["Person"]
    result = ingest_paths([CRM / "hubspot"], store, progress=False)
    assert result.summary.merges["people: same e-mail address as a stored person"] == 1
    assert store.counts().nodes["Person"] == people_before + 7  # eight HubSpot contacts, Ann already known
    ann = store.list_people(search="ann.lee@acme.com")
    assert ann.count == 1 and ann.data[0].id == "0035g00000AnnLeeAA"


def test_strict_writes_nothing_when_anything_is_rejected(store: GraphStore) -> None:
    result = ingest_paths([CRM / "broken"], store, strict=True, progress=False)
    assert result.rejects and not result.summary.written
    assert sum(store.counts().nodes.values()) == 0
    clean = ingest_paths([CRM / "native"], store, strict=True, progress=False)
    assert clean.ok and clean.summary.written and store.counts().nodes["Person"] == 4


def test_broken_input_loads_the_good_rows_and_reports_the_rest(store: GraphStore) -> None:
    result = ingest_paths([CRM / "broken"], store, progress=False)
    assert store.counts().nodes["Person"] == 2  # kp-1 and kp-3 (without its bad e-mail)
    assert store.get_person("kp-3").email is None
    assert result.summary.files_skipped == 2
    assert result.summary.kinds["touches"].loaded == 2 and result.summary.kinds["touches"].rejected == 4


def _truth(world: Path) -> list[dict[str, object]]:
    text = (world / "truth" / "accounts.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines()]


def _data_row(path: Path, row: int) -> list[str]:
    """The cells of one spreadsheet row (header = row 1) of a CSV file."""
    with path.open(encoding="utf-8", newline="") as fh:
        for number, cells in enumerate(csv.reader(fh), start=1):
            if number == row:
                return cells
    raise AssertionError(f"{path.name} has no row {row}")


@pytest.mark.parametrize("fmt", ["native", "salesforce"])
def test_generated_world_loads_as_its_truth_says(store: GraphStore, tmp_path: Path, fmt: str) -> None:
    world = tmp_path / "world"
    generate_world(world, 40, seed=7, fmt=fmt, progress=False)
    result = ingest_paths([world], store, progress=False)
    merged_into = {(m["kind"], m["id"]): m["into"] for m in result.merges}
    truth = _truth(world)
    duplicates = [d for account in truth for d in account["duplicates"]]  # type: ignore[attr-defined]
    assert duplicates, "the seed should plant duplicate people"
    for dup in duplicates:
        assert merged_into.get(("people", dup["id"])) == dup["canonical_id"], dup
    for account in truth:
        for dup in account["company_duplicates"]:  # type: ignore[attr-defined]
            into = merged_into.get(("companies", dup["id"]))
            assert into in (None, dup["canonical_id"]), dup  # merged into the right one, or kept apart
        assert store.get_company(str(account["account_id"])).id == account["account_id"]
    # Every broken row is rejected, and the reject's row number points at that very row.
    broken = [b for account in truth for b in account["broken_rows"]]  # type: ignore[attr-defined]
    rejected_rows = {(r.file, r.row) for r in result.rejects if r.action == "row_skipped"}
    for row in broken:
        matches = [r for (file, r) in rejected_rows if file == row["file"]]
        assert any(row["id"] in _data_row(world / row["file"], r) or not row["id"] for r in matches), row
    assert len(rejected_rows) == len(broken)
    # People are all there: everyone in the files minus merged duplicates and broken rows.
    loaded_people = result.summary.kinds["people"].loaded
    assert store.counts().nodes["Person"] == loaded_people


def test_uploads_are_ingested_under_their_own_names(store: GraphStore) -> None:
    files = [(p.name, p.read_bytes()) for p in sorted((CRM / "gbk").iterdir())]
    result = ingest_uploads([("../../etc/" + name, data) for name, data in files], store)
    assert {n.file for n in result.summary.files} == {"companies.csv", "deals.csv", "people.csv"}
    assert store.counts().nodes["Person"] == 6


def test_cli_prints_summary_writes_rejects_and_strict_exits_3(tmp_path: Path) -> None:
    runner = CliRunner()
    home = tmp_path / "store"
    report = tmp_path / "rejects.csv"
    ok = runner.invoke(app, ["--store", str(home), "ingest", str(CRM / "broken"), "--rejects", str(report)])
    assert ok.exit_code == 0, ok.output
    assert "people" in ok.output and "reject report" in ok.output
    with report.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert {"file", "row", "field", "value", "reason"} <= set(rows[0])
    assert any(r["file"] == "people.csv" and r["row"] == "6" and r["value"] == "k-999" for r in rows)
    strict = runner.invoke(app, ["--store", str(tmp_path / "s2"), "ingest", str(CRM / "broken"), "--strict"])
    assert strict.exit_code == 3
    clean = runner.invoke(
        app, ["--store", str(tmp_path / "s3"), "ingest", str(CRM / "native"), "--strict", "--json"]
    )
    assert clean.exit_code == 0 and json.loads(clean.output)["kinds"]["people"]["loaded"] == 4
    bad_format = runner.invoke(
        app, ["--store", str(tmp_path / "s4"), "ingest", str(CRM / "native"), "-f", "xml"]
    )
    assert bad_format.exit_code != 0
