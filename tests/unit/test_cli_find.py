"""The command line finds things by name: `accounts`, `people`, `analyze NAME`, `--path-to NAME`; and it
explains itself: `--version`, plain help texts, scales on every printed score, a demo that checks its
port before any work, a generator dated today by default."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest

from api.app_version import version
from graph.model import (
    CommitteeRole,
    Company,
    Deal,
    Person,
    Rep,
    Touch,
)
from graph.stores.embedded import EmbeddedStore

TODAY = date.today()


def run(
    *args: str, home: Path | None = None, timeout: float = 120, lang: str | None = None
) -> subprocess.CompletedProcess[str]:
    store = ["--store", str(home)] if home is not None else []
    env = {"PATH": os.environ.get("PATH", ""), "BUYERGRAPH_CONFIG": "", "BUYERGRAPH_HOME": "/nonexistent"}
    if lang:
        env["BUYERGRAPH_LANG"] = lang
    return subprocess.run(
        [sys.executable, "-c", "from api.cli import main; main()", *store, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two accounts with look-alike names, a Betty Kelly at each, accents and Chinese names."""
    folder = tmp_path_factory.mktemp("find-store")
    touched = datetime.combine(TODAY, datetime.min.time())
    with EmbeddedStore(folder) as store:
        store.upsert(
            "companies",
            [
                Company(id="c-acme", name="Acme Corp", domain="acme.com"),
                Company(id="c-acme-jp", name="Acme Japan", domain="acme.jp"),
                Company(id="c-sg", name="Société Générale", domain="socgen.fr"),
                Company(id="c-hw", name="华为技术有限公司", domain="huawei.com"),
            ],
        )
        store.upsert(
            "people",
            [
                Person(id="p-1", name="Betty Kelly", email="betty@acme.com", company_id="c-acme"),
                Person(id="p-2", name="Betty Kelly", email="bk@socgen.fr", company_id="c-sg"),
                Person(id="p-3", name="José García", email="jose@socgen.fr", company_id="c-sg"),
                Person(id="p-4", name="陈洋", email="chen.yang@huawei.com", company_id="c-hw"),
                Person(id="p-5", name="Ann Lee", company_id="c-acme", reports_to_id="p-1"),
                Person(id="p-6", name="李娜", company_id="c-hw"),
            ],
        )
        store.upsert("reps", [Rep(id="r-1", name="Rita Rep")])
        store.upsert("deals", [Deal(id="d-1", company_id="c-acme", status="open", amount=50_000)])
        store.upsert("committee", [CommitteeRole(deal_id="d-1", person_id="p-1", role="decision_maker")])
        store.upsert(
            "touches",
            [Touch(id="t-1", at=touched, kind="meeting", person_ids=["p-5"], rep_id="r-1", deal_id="d-1")],
        )
    return folder


def test_accounts_lists_ids_and_finds_names_ignoring_case_and_accents(home: Path) -> None:
    everything = run("accounts", home=home)
    assert everything.returncode == 0, everything.stderr
    assert re.search(r"^c-acme\s+Acme Corp", everything.stdout, re.M)
    assert "(4 accounts)" in everything.stdout
    found = run("accounts", "SOCIETE generale", home=home)
    assert found.returncode == 0 and "c-sg" in found.stdout and "c-acme" not in found.stdout
    assert "c-hw" in run("accounts", "华为", home=home).stdout
    listed = json.loads(run("accounts", "acme", "--json", home=home).stdout)
    assert listed["count"] == 2 and [a["id"] for a in listed["data"]] == ["c-acme", "c-acme-jp"]


def test_people_lists_ids_by_name_or_email_and_by_account_name(home: Path) -> None:
    both = run("people", "betty kelly", home=home)
    assert both.returncode == 0 and "p-1" in both.stdout and "p-2" in both.stdout
    one = run("people", "betty", "--account", "Société", home=home)
    assert "p-2" in one.stdout and "p-1" not in one.stdout
    assert "p-3" in run("people", "jose garcia", home=home).stdout
    assert "p-4" in run("people", "chen.yang@huawei.com", home=home).stdout


def test_chinese_names_are_found_by_their_pinyin(home: Path) -> None:
    for typed in ("li na", "lina", "Li Na"):
        found = run("people", typed, "--json", home=home)
        assert found.returncode == 0, found.stderr
        assert [p["id"] for p in json.loads(found.stdout)["data"]] == ["p-6"], typed
    accounts = run("accounts", "huawei jishu", "--json", home=home)
    assert accounts.returncode == 0, accounts.stderr
    assert [a["id"] for a in json.loads(accounts.stdout)["data"]] == ["c-hw"]


def test_analyze_explains_key_people_in_the_chosen_language(home: Path) -> None:
    zh = run("analyze", "c-hw", home=home, lang="zh-CN")
    assert zh.returncode == 0, zh.stderr
    assert "影响力第 1 名" in zh.stdout
    en = run("analyze", "c-hw", home=home)
    assert "#1 mainly for" in en.stdout or "#1: no signal" in en.stdout
    assert "影响力第" not in en.stdout


def test_analyze_takes_an_unambiguous_name_and_lists_candidates_otherwise(home: Path) -> None:
    by_name = run("analyze", "Acme Corp", "--json", home=home)
    assert by_name.returncode == 0, by_name.stderr
    assert json.loads(by_name.stdout)["account_id"] == "c-acme"
    assert json.loads(run("analyze", "socgen.fr", "--json", home=home).stdout)["account_id"] == "c-sg"
    ambiguous = run("analyze", "acme", home=home)
    assert ambiguous.returncode == 2
    assert "c-acme " in ambiguous.stderr and "c-acme-jp" in ambiguous.stderr
    assert "Traceback" not in ambiguous.stderr
    nothing = run("analyze", "Globex", home=home)
    assert nothing.returncode == 4 and "buyergraph accounts" in nothing.stderr


def test_path_to_takes_a_name_within_the_account(home: Path) -> None:
    """Two Betty Kellys exist, but only one at Acme: the name is unambiguous there."""
    out = run("analyze", "c-acme", "--path-to", "Betty Kelly", "--json", home=home)
    assert out.returncode == 0, out.stderr
    paths = json.loads(out.stdout)
    assert paths and all(p["target_id"] == "p-1" for p in paths)
    text = run("analyze", "Acme Corp", "--path-to", "betty@acme.com", home=home)
    assert "Warm paths to Betty Kelly (p-1)" in text.stdout
    assert "lower is warmer" in text.stdout and "average tie strength" in text.stdout


def test_every_printed_score_says_its_scale(home: Path) -> None:
    out = run("analyze", "c-acme", home=home)
    assert out.returncode == 0, out.stderr
    assert re.search(r"influence 0\.\d\d of 1", out.stdout)
    scale = r"account score [\d,]+ engagement points: each person's lead score capped at 100"
    assert re.search(scale, out.stdout)
    assert not re.search(r"account score [\d.]+;", out.stdout)


def test_version() -> None:
    out = run("--version")
    assert out.returncode == 0 and out.stdout.strip() == f"buyergraph {version()}"


@pytest.mark.parametrize(
    "command",
    [[], ["analyze"], ["accounts"], ["people"], ["generate"], ["demo"], ["serve"], ["keys"], ["ingest"]],
)
def test_help_has_no_type_placeholders(command: list[str]) -> None:
    out = run(*command, "--help")
    assert out.returncode == 0, out.stderr
    assert not re.search(r"<(bool|str|int|float|path|datetime)>", out.stdout), out.stdout


def test_demo_refuses_a_busy_port_before_generating_anything(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        out = run("demo", "--port", str(port), "--home", str(tmp_path / "demo"), "--no-browser", timeout=60)
    assert out.returncode == 5, out.stdout + out.stderr
    assert f"port {port}" in out.stderr and "--port" in out.stderr
    assert "Generating" not in out.stdout
    assert not (tmp_path / "demo" / "graph.json").exists()


def test_generate_dates_the_world_today_unless_told(tmp_path: Path) -> None:
    out = run("generate", str(tmp_path / "today"), "-n", "1", "--workers", "1")
    assert out.returncode == 0, out.stderr
    truth = json.loads((tmp_path / "today" / "truth.json").read_text(encoding="utf-8"))
    assert truth["generator"]["as_of"] == TODAY.isoformat()
    fixed = run("generate", str(tmp_path / "fixed"), "-n", "1", "--workers", "1", "--as-of", "2026-06-30")
    assert fixed.returncode == 0, fixed.stderr
    truth = json.loads((tmp_path / "fixed" / "truth.json").read_text(encoding="utf-8"))
    assert truth["generator"]["as_of"] == "2026-06-30"


def _english_cli_words() -> list[str]:
    """The literal English words of every `cli.*` message (between placeholders)."""
    from graph.analyses.messages import CATALOGUE

    fragments = []
    for key, texts in CATALOGUE.items():
        if not key.startswith("cli.") or key.startswith("cli.kind."):
            continue
        for part in re.split(r"\{[^}]*\}", texts["en"]):
            words = part.strip(" ,.:;()[]-=`…")
            if len(re.sub(r"[^A-Za-z]", "", words)) >= 4 and not words.startswith(("buyergraph", "--")):
                fragments.append(words)
    return fragments


def test_finding_speaks_chinese_with_buyergraph_lang(home: Path) -> None:
    """accounts, people and the name resolution of analyze / --path-to: no English left in zh-CN."""
    words = _english_cli_words()
    assert len(words) > 15 and "match; give one of these ids" in words  # the check itself has teeth
    english = [
        run("accounts", home=home),
        run("people", "betty", "--limit", "1", home=home),
        run("accounts", "nobody-at-all", home=home),
        run("analyze", "acme", home=home),
        run("analyze", "Globex", home=home),
    ]
    assert sum(w in out.stdout + out.stderr for out in english for w in words) >= 5
    chinese = [
        run("accounts", home=home, lang="zh-CN"),
        run("people", "betty", "--limit", "1", home=home, lang="zh-CN"),
        run("accounts", "nobody-at-all", home=home, lang="zh-CN"),
        run("analyze", "acme", home=home, lang="zh-CN"),
        run("analyze", "Globex", home=home, lang="zh-CN"),
        run("analyze", "c-acme", "--path-to", "Nobody Here", home=home, lang="zh-CN"),
    ]
    for out in chinese:
        said = out.stdout + out.stderr
        assert "Traceback" not in said
        left = [w for w in words if w in said]
        assert not left, f"English left in the Chinese CLI: {left}\n{said}"
        assert re.search(r"[\u4e00-\u9fff]", said), said
    assert "（共 4 个客户）" in chinese[0].stdout
    assert "显示 1 个，共 2 个人员" in chinese[1].stdout
    assert "没有找到客户" in chinese[2].stdout
    assert chinese[3].returncode == 2 and "有 2 个客户匹配" in chinese[3].stderr
    assert chinese[4].returncode == 4 and "找不到客户 'Globex'" in chinese[4].stderr
    assert chinese[5].returncode == 4 and "找不到人员" in chinese[5].stderr
    assert "潜在客户" in chinese[0].stdout or "客户）" in chinese[0].stdout


def test_demo_says_a_busy_port_in_chinese(tmp_path: Path) -> None:
    """The demo checks its port before any work and says so in Chinese with BUYERGRAPH_LANG=zh-CN."""
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        out = run("demo", "--port", str(port), "--home", str(tmp_path / "d"), "--no-browser", lang="zh-CN")
    assert out.returncode == 5 and f"端口 {port} 已被占用" in out.stderr, out.stderr
    assert "is not free" not in out.stderr


def test_cli_tables_pad_by_terminal_columns() -> None:
    """Chinese characters take two columns: the next column starts at the same place on every row."""
    from api.commands.text import display_width, pad

    rows = [("关系网络中心度", "40%"), ("职级", "25%"), ("structure", "10%")]
    width = max(display_width(name) for name, _ in rows)
    lines = [f"{pad(name, width)} {share}" for name, share in rows]
    starts = {display_width(line[: line.index("%") - 2]) for line in lines}
    assert starts == {width + 1}, lines
    assert display_width("陈洋") == 4 and display_width("Société") == 7
    assert pad("42", 5, right=True) == "   42"
