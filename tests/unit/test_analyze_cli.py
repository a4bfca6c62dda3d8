"""`buyergraph analyze` end to end on a small generated world in an embedded store."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from graph.analyses import AccountAnalysis, WarmPath
from graph.analyses.messages import render
from graph.stores.embedded import EmbeddedStore
from tests.unit.generated_world import generate, load, truth


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]]]:
    folder = generate(tmp_path_factory.mktemp("world"), 12, seed=4)
    home = tmp_path_factory.mktemp("store")
    load(folder, EmbeddedStore(home))
    return home, truth(folder)[1]


def run(home: Path, *args: str, lang: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "", "BUYERGRAPH_CONFIG": ""}
    if lang is not None:
        env["BUYERGRAPH_LANG"] = lang
    return subprocess.run(
        [sys.executable, "-c", "from api.cli import main; main()", "--store", str(home), "analyze", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def test_json_is_the_account_analysis(world: tuple[Path, list[dict[str, Any]]]) -> None:
    home, accounts = world
    account = next(t for t in accounts if t["open_deals"])
    out = run(home, account["account_id"], "--as-of", "2026-06-30", "--json")
    assert out.returncode == 0, out.stderr
    result = AccountAnalysis.model_validate_json(out.stdout)
    assert result.account_id == account["account_id"] and str(result.as_of) == "2026-06-30"
    assert result.key_people[0].person_id == account["key_people"][0]
    assert {d.deal_id for d in result.deals} == {d["deal_id"] for d in account["open_deals"]}
    deal = account["open_deals"][0]
    one = run(home, account["account_id"], "--as-of", "2026-06-30", "--json", "--deal", deal["deal_id"])
    assert [d.deal_id for d in AccountAnalysis.model_validate_json(one.stdout).deals] == [deal["deal_id"]]


def test_readable_report(world: tuple[Path, list[dict[str, Any]]]) -> None:
    home, accounts = world
    account = next(t for t in accounts if t["open_deals"])
    out = run(home, account["account_id"], "--as-of", "2026-06-30")
    assert out.returncode == 0, out.stderr
    for heading in ("KEY PEOPLE", "DEALS", "CROSS-SELL", "ENGAGEMENT"):
        assert heading in out.stdout
    assert account["open_deals"][0]["deal_id"] in out.stdout


def test_gap_texts_follow_buyergraph_lang(world: tuple[Path, list[dict[str, Any]]]) -> None:
    home, accounts = world
    account = next(t for t in accounts if t["open_deals"])
    english = run(home, account["account_id"], "--as-of", "2026-06-30", "--json")
    gaps = [g for d in AccountAnalysis.model_validate_json(english.stdout).deals for g in d.gaps]
    assert gaps, "the account should have gaps"
    chinese = run(home, account["account_id"], "--as-of", "2026-06-30", lang="zh-CN")
    assert chinese.returncode == 0, chinese.stderr
    assert "下一步：" in chinese.stdout
    for gap in gaps:
        assert gap.detail not in chinese.stdout
        assert render(gap.detail_message, "zh-CN") in chinese.stdout  # type: ignore[arg-type]
    default = run(home, account["account_id"], "--as-of", "2026-06-30")
    assert all(gap.detail in default.stdout for gap in gaps) and "下一步" not in default.stdout


def test_path_to(world: tuple[Path, list[dict[str, Any]]]) -> None:
    home, accounts = world
    account = accounts[0]
    target = account["key_people"][-1]
    out = run(home, account["account_id"], "--as-of", "2026-06-30", "--path-to", target, "--json")
    assert out.returncode == 0, out.stderr
    paths = [WarmPath.model_validate(p) for p in json.loads(out.stdout)]
    assert len(paths) <= 3 and all(p.target_id == target for p in paths)
    text = run(home, account["account_id"], "--as-of", "2026-06-30", "--path-to", target)
    assert "Warm paths to" in text.stdout


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["NOPE"], 4, "account 'NOPE' not found"),
        (["@first", "--deal", "NOPE"], 4, "deal 'NOPE' not found"),
        (["@first", "--path-to", "NOPE"], 4, "person 'NOPE' not found"),
        (["@first", "--as-of", "2026-13-40"], 2, "--as-of must be a date"),
        (["@first", "--as-of", "20260630"], 2, "--as-of must be a date written YYYY-MM-DD"),
        (["@first", "--as-of", "1899-12-31"], 2, "--as-of must be between 1900-01-01 and 2999-12-31"),
    ],
)
def test_clear_errors(
    world: tuple[Path, list[dict[str, Any]]], args: list[str], code: int, message: str
) -> None:
    home, accounts = world
    args = [accounts[0]["account_id"] if a == "@first" else a for a in args]
    out = run(home, *args)
    assert out.returncode == code
    assert message in out.stderr
    assert "Traceback" not in out.stderr


def _english_labels() -> list[str]:
    """The literal words of every English heading and label of the report (between placeholders)."""
    from api.commands.analyze import _TEXT

    fragments = []
    for texts in _TEXT.values():
        for part in re.split(r"\{[^}]*\}", texts["en"]):
            words = part.strip(" ,.:;()[]-=")
            if len(re.sub(r"[^A-Za-z]", "", words)) >= 4:
                fragments.append(words)
    return fragments


#: Raw values that must not reach a Chinese report: roles, template names, touch kinds, severities.
RAW = re.compile(
    r"\b(decision_maker|economic_buyer|technical_evaluator|executive_sponsor|legal_compliance|end_user|"
    r"small|mid|large|content_download|product_usage|web_visit|meeting|high|medium|low|stale_role|"
    r"missing_role|single_threaded|no_executive|evaluation|decision|dormant|rising|falling|steady)\b"
)


def test_the_whole_report_is_in_chinese_with_buyergraph_lang(
    world: tuple[Path, list[dict[str, Any]]],
) -> None:
    home, accounts = world
    labels = _english_labels()
    assert "KEY PEOPLE" in " ".join(labels) and len(labels) > 20  # the check itself has teeth
    english = run(home, accounts[0]["account_id"], "--as-of", "2026-06-30")
    assert sum(label in english.stdout for label in labels) >= 10
    for account in [t for t in accounts if t["open_deals"]][:3] + [accounts[0]]:
        out = run(home, account["account_id"], "--as-of", "2026-06-30", lang="zh-CN")
        assert out.returncode == 0, out.stderr
        left = [label for label in labels if label in out.stdout]
        assert not left, f"English left in the Chinese report: {left}"
        assert not RAW.search(out.stdout), RAW.search(out.stdout)
        for heading in ("关键人物", "商机", "交叉销售", "互动接触", "委员会模板", "购买阶段", "客户类别"):
            assert heading in out.stdout
    target = accounts[0]["key_people"][-1]
    paths = run(home, accounts[0]["account_id"], "--as-of", "2026-06-30", "--path-to", target, lang="zh-CN")
    assert paths.returncode == 0, paths.stderr
    assert "热路径" in paths.stdout and "成本越低越热" in paths.stdout
    assert "our rep" not in paths.stdout and "我方销售" in paths.stdout
    assert not [label for label in labels if label in paths.stdout]
