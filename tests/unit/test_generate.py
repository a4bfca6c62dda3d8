"""The synthetic world: deterministic, valid against the model, and its truth agrees with its own files.

The gap checks below re-derive every open deal's gaps from the CSV files alone (not from the generator's
objects), with the definitions of issue 5, and compare sets exactly: the truth must be what an honest
analysis of the files finds.
"""

from __future__ import annotations

import csv
import filecmp
import json
from collections import defaultdict, deque
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import typer
from pydantic import ValidationError
from typer.testing import CliRunner

from api.commands.generate import generate
from graph.analyses.config import CurrencyConfig
from graph.model import BUNDLE_KINDS
from ingest.progress import Progress
from ingest.synthetic import names as N
from ingest.synthetic.generator import generate_world
from ingest.synthetic.writers import NATIVE_HEADERS, SALESFORCE_HEADERS, SF_ROLE

AS_OF = date(2026, 6, 30)
RANK = {"c_level": 0, "vp": 1, "director": 2, "manager": 3, "individual": 4}
TEMPLATE = (
    (0, ("decision_maker", "champion")),
    (10_000, ("economic_buyer", "technical_evaluator")),
    (100_000, ("procurement", "legal_compliance", "executive_sponsor")),
)


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def truth_lines(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / "truth" / "accounts.jsonl").read_text("utf-8").splitlines()]


@pytest.fixture(scope="module")
def native(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("native")
    generate_world(out, 400, seed=11, fmt="native")
    return out


@pytest.fixture(scope="module")
def salesforce(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sf")
    generate_world(out, 400, seed=11, fmt="salesforce")
    return out


# --- determinism and CLI ------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["native", "salesforce"])
def test_same_arguments_give_byte_identical_files(tmp_path: Path, fmt: str) -> None:
    generate_world(tmp_path / "a", 30, seed=5, fmt=fmt)
    generate_world(tmp_path / "b", 30, seed=5, fmt=fmt)
    generate_world(tmp_path / "c", 30, seed=6, fmt=fmt)
    cmp = filecmp.dircmp(tmp_path / "a", tmp_path / "b")
    files = sorted(p.name for p in (tmp_path / "a").glob("*.*"))
    _, mismatch, errors = filecmp.cmpfiles(tmp_path / "a", tmp_path / "b", files, shallow=False)
    assert not mismatch and not errors and not cmp.left_only and not cmp.right_only
    assert filecmp.cmp(
        tmp_path / "a/truth/accounts.jsonl", tmp_path / "b/truth/accounts.jsonl", shallow=False
    )
    assert not filecmp.cmp(
        tmp_path / "a/truth/accounts.jsonl", tmp_path / "c/truth/accounts.jsonl", shallow=False
    )


def test_worker_processes_do_not_change_the_output(tmp_path: Path) -> None:
    generate_world(tmp_path / "one", 140, seed=2, workers=1)
    generate_world(tmp_path / "two", 140, seed=2, workers=2)
    files = sorted(p.name for p in (tmp_path / "one").glob("*.*")) + ["truth/accounts.jsonl"]
    _, mismatch, errors = filecmp.cmpfiles(tmp_path / "one", tmp_path / "two", files, shallow=False)
    assert not mismatch and not errors


def _cli() -> typer.Typer:
    app = typer.Typer()
    app.command()(generate)
    return app


def test_cli_generates_and_refuses_bad_input(tmp_path: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(
        _cli(), [str(tmp_path / "w"), "--accounts", "5", "--seed", "1", "--as-of", "2026-01-31"]
    )
    assert ok.exit_code == 0, ok.output
    assert json.loads((tmp_path / "w/truth.json").read_text("utf-8"))["parameters"]["as_of"] == "2026-01-31"
    again = runner.invoke(_cli(), [str(tmp_path / "w"), "--accounts", "5"])
    assert again.exit_code == 2 and "not empty" in again.output and "--force" in again.output
    forced = runner.invoke(_cli(), [str(tmp_path / "w"), "--accounts", "5", "--force"])
    assert forced.exit_code == 0
    zero = runner.invoke(_cli(), [str(tmp_path / "z"), "--accounts", "0"])
    assert zero.exit_code == 2 and "at least 1" in zero.output
    bad = runner.invoke(_cli(), [str(tmp_path / "f"), "--accounts", "2", "--format", "hubspot"])
    assert bad.exit_code == 2 and "native, salesforce" in bad.output


def test_progress_prints_only_when_enabled() -> None:
    import io

    quiet = io.StringIO()
    with Progress(10, "x", stream=quiet) as bar:
        bar.update(10)
    assert quiet.getvalue() == ""  # a StringIO is not a terminal
    loud = io.StringIO()
    with Progress(10, "work", stream=loud, enabled=True, interval=0) as bar:
        bar.update(5)
    assert "work" in loud.getvalue() and "5/10" in loud.getvalue()


# --- shape and validity -----------------------------------------------------------------------


@pytest.mark.parametrize("accounts", [5, 50])
def test_small_worlds_are_complete_fixtures(tmp_path: Path, accounts: int) -> None:
    doc = generate_world(tmp_path, accounts, seed=1)
    lines = truth_lines(tmp_path)
    assert len(lines) == accounts == doc["summary"]["accounts"]
    assert len(read(tmp_path / "companies.csv")) >= accounts
    assert doc["summary"]["open_deals"] > 0 and doc["rows"]["touches"] > accounts * 30
    assert doc["parameters"]["engaged_days"] == 90 and doc["parameters"]["as_of"] == "2026-06-30"
    if accounts >= 50:
        assert doc["summary"]["size_classes"].get("mid", 0) >= 1


def test_every_native_row_validates_except_the_flagged_broken_ones(native: Path) -> None:
    broken = {(b["file"], b["row"]) for line in truth_lines(native) for b in line["broken_rows"]}
    assert {f for f, _ in broken} >= {"people.csv", "touches.csv", "deals.csv"}
    for stem, model in BUNDLE_KINDS.items():
        rows = read(native / f"{stem}.csv")
        assert tuple(rows[0]) == NATIVE_HEADERS[stem]
        for n, row in enumerate(rows, start=1):
            if (f"{stem}.csv", n) in broken:
                with pytest.raises(ValidationError):
                    model.model_validate(row)
            else:
                model.model_validate(row)


def test_salesforce_files_have_exactly_the_listed_headers(salesforce: Path) -> None:
    assert sorted(p.stem for p in salesforce.glob("*.csv")) == sorted(SALESFORCE_HEADERS)
    for stem, header in SALESFORCE_HEADERS.items():
        with (salesforce / f"{stem}.csv").open(encoding="utf-8") as fh:
            assert tuple(next(csv.reader(fh))) == header
    ids = {r["Id"] for r in read(salesforce / "Contact.csv")}
    assert all(len(i) == 18 and i.startswith("003") for i in ids)
    assert all(r["Id"].startswith("001") for r in read(salesforce / "Account.csv"))
    assert all(r["Id"][:3] == "00T" for r in read(salesforce / "Task.csv"))
    assert all(r["Id"][:3] == "00U" for r in read(salesforce / "Event.csv"))
    assert {r["Role"] for r in read(salesforce / "OpportunityContactRole.csv")} <= set(SF_ROLE.values())
    assert read(salesforce / "EventRelation.csv"), "meetings with several attendees"
    assert read(salesforce / "TaskRelation.csv"), "e-mails with people on cc"


def test_english_and_chinese_are_both_there(native: Path) -> None:
    names = [r["name"] for r in read(native / "companies.csv")]
    assert any(n.endswith("有限公司") for n in names) and any(n.endswith("股份有限公司") for n in names)
    assert any(n.endswith(("Inc.", "GmbH", "Ltd", "LLC")) for n in names)
    titles = {r["title"] for r in read(native / "people.csv")}
    assert {"总经理", "财务总监", "信息中心主任"} & titles and {"CEO", "Chief Executive Officer"} & titles
    assert any(r["parent_id"] for r in read(native / "companies.csv"))
    emails = [r["email"] for r in read(native / "people.csv") if r["email"]]
    assert any(e.endswith(("@gmail.com", "@qq.com", "@163.com", "@outlook.com")) for e in emails)


def test_titles_name_one_seniority_each() -> None:
    """So that the truth is checkable from titles alone (Salesforce has no seniority field)."""
    seen: dict[str, str] = {}
    for (_, level), (en, zh) in N.TITLES.items():
        for title in en + zh:
            assert seen.setdefault(title, level) == level, title


# --- the truth against the files --------------------------------------------------------------


def _usd(amount: str, currency: str) -> float:
    """A file's amount in USD, as the analyses convert it (the generator writes local currencies)."""
    value = CurrencyConfig().to_base(float(amount), currency)
    assert value is not None, currency
    return value


def _template(amount: float) -> list[str]:
    return [r for t, roles in TEMPLATE if amount >= t for r in roles]


def _gaps(
    amount: float,
    rows: list[tuple[str, str, str]],
    last: dict[str, date],
    seniority: dict[str, int],
    manager: dict[str, str],
    departed: set[str],
) -> set[tuple[str, str | None, str | None]]:
    """Issue 5's definitions, written independently of the generator."""
    window = AS_OF - timedelta(days=90)
    holders: dict[str, set[str]] = defaultdict(set)
    by_source: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for person, role, source in rows:
        holders[role].add(person)
        by_source[person][source].add(role)
    engaged = {p for p in by_source if p in last and window <= last[p] <= AS_OF}
    out: set[tuple[str, str | None, str | None]] = set()
    for role in _template(amount):
        if not holders[role]:
            out.add(("missing_role", role, None))
        elif not holders[role] & engaged:
            out.add(("stale_role", role, None))
    if len(engaged) < 2:
        out.add(("single_threaded", None, None))
    if amount >= 100_000 and not any(seniority.get(p, 9) <= 1 for p in engaged):
        out.add(("no_executive", None, None))
    for p in engaged:
        up = manager.get(p)
        for _ in range(2):
            if up is None:
                break
            if seniority.get(up, 9) <= 2 and up not in last:
                out.add(("unengaged_superior", None, up))
            up = manager.get(up)
    out |= {("departed_member", None, p) for p in by_source if p in departed}
    out |= {
        ("role_conflict", None, p)
        for p, src in by_source.items()
        if len({frozenset(r) for r in src.values()}) > 1
    }
    out |= {("role_conflict", r, None) for r in ("decision_maker", "economic_buyer") if len(holders[r]) > 1}
    return out


def _truth_gaps(out: Path) -> dict[str, set[tuple[str, str | None, str | None]]]:
    return {
        d["deal_id"]: {(g["kind"], g["role"], g["person_id"]) for g in d["gaps"]}
        for line in truth_lines(out)
        for d in line["open_deals"]
    }


def _parse_day(text: str) -> date | None:
    try:
        return datetime.fromisoformat(text.removesuffix("Z")).date()
    except ValueError:
        return None


def test_native_gap_truth_equals_gaps_recomputed_from_the_files(native: Path) -> None:
    people = read(native / "people.csv")
    seniority = {r["id"]: RANK.get(r["seniority"], 9) for r in people}
    manager = {r["id"]: r["reports_to_id"] for r in people if r["reports_to_id"]}
    left = {(r["person_id"], r["company_id"]) for r in read(native / "employment.csv") if r["until"]}
    last: dict[str, date] = {}
    for t in read(native / "touches.csv"):
        day = _parse_day(t["at"])
        if day is None:  # a flagged broken row
            continue
        for p in filter(None, t["person_ids"].split(";")):
            last[p] = max(last.get(p, day), day)
    committee: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for r in read(native / "committee.csv"):
        committee[r["deal_id"]].append((r["person_id"], r["role"], r["source"]))
    expected = _truth_gaps(native)
    deals = [d for d in read(native / "deals.csv") if d["status"] == "open"]
    assert {d["id"] for d in deals} == set(expected)
    kinds = set()
    for d in deals:
        departed = {p for p, c in left if c == d["company_id"]}
        usd = _usd(d["amount"], d["currency"])
        found = _gaps(usd, committee[d["id"]], last, seniority, manager, departed)
        assert found == expected[d["id"]], d["id"]
        kinds |= {k for k, _, _ in found}
    assert kinds == {
        "missing_role",
        "stale_role",
        "single_threaded",
        "no_executive",
        "unengaged_superior",
        "departed_member",
        "role_conflict",
    }


def test_salesforce_gap_truth_equals_gaps_recomputed_from_the_files(salesforce: Path) -> None:
    level = {t: lv for (_, lv), (en, zh) in N.TITLES.items() for t in en + zh}
    contacts = read(salesforce / "Contact.csv")
    seniority = {r["Id"]: RANK.get(level.get(r["Title"], ""), 9) for r in contacts}
    manager = {r["Id"]: r["ReportsToId"] for r in contacts if r["ReportsToId"]}
    last: dict[str, date] = {}

    def touched(who: str, day: date | None) -> None:
        if who and day:
            last[who] = max(last.get(who, day), day)

    task_day = {}
    for t in read(salesforce / "Task.csv"):
        task_day[t["Id"]] = _parse_day(t["ActivityDate"])
        touched(t["WhoId"], task_day[t["Id"]])
    for e in read(salesforce / "Event.csv"):
        task_day[e["Id"]] = _parse_day(e["StartDateTime"])
        touched(e["WhoId"], task_day[e["Id"]])
    for rel, key in (("TaskRelation", "TaskId"), ("EventRelation", "EventId")):
        for r in read(salesforce / f"{rel}.csv"):
            touched(r["RelationId"], task_day[r[key]])
    role_of = {v: k for k, v in SF_ROLE.items() if v != "Other"}
    committee: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for r in read(salesforce / "OpportunityContactRole.csv"):
        committee[r["OpportunityId"]].append((r["ContactId"], role_of[r["Role"]], "crm"))
    expected = _truth_gaps(salesforce)
    opps = [o for o in read(salesforce / "Opportunity.csv") if o["IsClosed"] == "false"]
    assert {o["Id"] for o in opps} == set(expected)
    for o in opps:
        assert (
            _gaps(
                _usd(o["Amount"], o["CurrencyIsoCode"]), committee[o["Id"]], last, seniority, manager, set()
            )
            == expected[o["Id"]]
        )


def test_duplicates_and_broken_rows_are_real_and_off_the_committees(native: Path) -> None:
    people = {r["id"]: r for r in read(native / "people.csv")}
    on_committee = {r["person_id"] for r in read(native / "committee.csv")}
    touched = {p for t in read(native / "touches.csv") for p in t["person_ids"].split(";") if p}
    hows = set()
    for line in truth_lines(native):
        for d in line["duplicates"]:
            dup, canon = people[d["id"]], people[d["canonical_id"]]
            hows.add(d["how"])
            assert d["id"] not in on_committee and d["id"] not in touched
            a, b = dup["email"], canon["email"]
            if d["how"] == "gmail_dots_plus":
                assert a.split("+")[0].replace(".", "") == b.split("@")[0].replace(".", "")
            else:
                assert a != b or d["how"] == "same_email_other_source"
                assert a.strip().lower() == b.strip().lower()
        for b in line["broken_rows"]:
            assert b["id"] not in on_committee
        for c in line["company_duplicates"]:
            assert c["name"] != line["name"]
    assert {"email_case", "email_whitespace", "same_email_other_source"} <= hows


def test_key_people_are_senior_and_the_busy_assistant_is_not_one(native: Path) -> None:
    people = {r["id"]: r for r in read(native / "people.csv")}
    volume: dict[str, int] = defaultdict(int)
    for t in read(native / "touches.csv"):
        for p in t["person_ids"].split(";"):
            volume[p] += 1
    for line in truth_lines(native):
        assert line["key_people"]
        assert all(RANK[people[p]["seniority"]] <= 2 for p in line["key_people"])
        assert people[line["key_people"][0]]["reports_to_id"] == ""  # the top of the tree comes first
        decoy = line["volume_decoys"][0]
        assert decoy not in line["key_people"]
        company = [p for p, r in people.items() if r["company_id"] == line["account_id"]]
        assert volume[decoy] == max(volume[p] for p in company)


def test_warm_paths_are_real_shortest_chains(native: Path) -> None:
    adj: dict[str, set[str]] = defaultdict(set)
    for r in read(native / "knows.csv"):
        adj[r["person_id"]].add(r["other_id"])
        adj[r["other_id"]].add(r["person_id"])
    for r in read(native / "people.csv"):
        if r["reports_to_id"]:
            adj[r["id"]].add(r["reports_to_id"])
            adj[r["reports_to_id"]].add(r["id"])
    by_rep = defaultdict(set)
    touched = set()
    for t in read(native / "touches.csv"):
        for p in t["person_ids"].split(";"):
            touched.add(p)
            if t["rep_id"]:
                by_rep[p].add(t["rep_id"])
    paths = [line["warm_path"] for line in truth_lines(native) if line["warm_path"]]
    assert len(paths) > 20
    for w in paths:
        path = w["path"]
        assert path[-1] == w["target_id"] and w["target_id"] not in touched
        assert w["rep_id"] in by_rep[path[0]]
        assert all(b in adj[a] for a, b in zip(path, path[1:], strict=False))
        dist = {w["target_id"]: 0}
        queue = deque([w["target_id"]])
        best = None
        while queue and best is None:
            u = queue.popleft()
            for v in adj[u]:
                if v not in dist:
                    dist[v] = dist[u] + 1
                    queue.append(v)
                    if v in by_rep and best is None:
                        best = dist[v]
        assert w["hops"] == best == len(path) - 1


def test_cross_sell_holdouts_complete_an_owned_bundle(native: Path) -> None:
    name_of = {r["id"]: r["name"] for r in read(native / "products.csv")}
    owned: dict[str, set[str]] = defaultdict(set)
    for h in read(native / "holdings.csv"):
        if h["status"] != "churned":
            owned[h["company_id"]].add(name_of[h["product_id"]])
    count = 0
    for line in truth_lines(native):
        for c in line["cross_sell"]:
            bundle = set(N.BUNDLES[c["bundle"]])
            assert name_of[c["product_id"]] not in owned[line["account_id"]]
            assert bundle - owned[line["account_id"]] == {name_of[c["product_id"]]}
            count += 1
    assert count > 10


def test_job_changes_and_outcome_signal(native: Path) -> None:
    employment = defaultdict(list)
    for r in read(native / "employment.csv"):
        employment[r["person_id"]].append(r)
    lines = truth_lines(native)
    changes = [c for line in lines for c in line["job_changes"]]
    assert changes
    for c in changes:
        rows = {r["company_id"]: r for r in employment[c["person_id"]]}
        assert rows[c["from_company_id"]]["until"] == c["left_on"]
        assert rows[c["to_company_id"]]["until"] == ""
    closed = [d for line in lines for d in line["closed_deals"]]
    covered = [
        d["status"] == "won" for d in closed if d["economic_buyer_engaged"] and d["engaged_people"] >= 3
    ]
    bare = [
        d["status"] == "won" for d in closed if not d["economic_buyer_engaged"] and d["engaged_people"] <= 1
    ]
    assert sum(covered) / len(covered) > sum(bare) / len(bare) + 0.3


def test_the_title_classifier_agrees_with_every_generated_title() -> None:
    """A Salesforce reader only has titles: the truth holds when the classifier reads them as generated."""
    titles = pytest.importorskip("ingest.titles")
    wrong = [
        (title, level, titles.classify_title(title).seniority.value)
        for (_, level), (en, zh) in N.TITLES.items()
        for title in en + zh
        if titles.classify_title(title).seniority.value != level
    ]
    assert not wrong
