"""Competitors' and partners' e-mail domains (config `lead_domains`): their leads are flagged, because
a high lead score there is interest, not intent."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from api.config_file import load_config
from graph.analyses import AnalysisConfig, analyze_account
from graph.analyses.config import LeadDomains
from graph.analyses.engagement import domain_flag
from graph.analyses.messages import render
from graph.errors import ConfigurationError
from graph.model import AccountGraph, Company, Person, Touch

AS_OF = date(2025, 6, 30)


def test_domains_are_normalised_and_checked() -> None:
    domains = LeadDomains(competitors=["@Rival.COM", "www.other.io", "rival.com"], partners="reseller.cn")
    assert domains.competitors == ("rival.com", "other.io") and domains.partners == ("reseller.cn",)
    for bad in (["not a domain"], ["nodot"], ["a@b.com"], ["https://x.com/"]):
        with pytest.raises(ValueError, match="not an e-mail domain"):
            LeadDomains(competitors=bad)
    with pytest.raises(ValueError, match="both a competitor and a partner"):
        LeadDomains(competitors=["x.com"], partners=["X.com"])


def test_the_flag_covers_subdomains_only() -> None:
    config = AnalysisConfig(lead_domains=LeadDomains(competitors=["rival.com"], partners=["reseller.cn"]))
    assert domain_flag("ann@rival.com", config).kind == "competitor"  # type: ignore[union-attr]
    assert domain_flag("ann@eu.rival.com", config).kind == "competitor"  # type: ignore[union-attr]
    assert domain_flag("ann@notrival.com", config) is None
    assert domain_flag("ann@rival.com.evil.org", config) is None
    flag = domain_flag("li@reseller.cn", config)
    assert flag is not None and flag.kind == "partner" and flag.domain == "reseller.cn"
    assert flag.reason == "reseller.cn is a partner's domain: a high score there is interest, not intent."
    assert flag.reason_message is not None and "合作伙伴" in render(flag.reason_message, "zh-CN")
    assert domain_flag(None, config) is None and domain_flag("no-at-sign", config) is None
    assert domain_flag("ann@rival.com") is None  # nothing configured by default


def test_analysis_flags_the_lead_but_keeps_their_score(tmp_path: Path) -> None:
    file = tmp_path / "buyergraph.toml"
    file.write_text(
        '[lead_domains]\ncompetitors = ["rival.com"]\npartners = ["reseller.cn"]\n', encoding="utf-8"
    )
    config = load_config(file)
    account = AccountGraph(
        company=Company(id="c", name="C"),
        people=[
            Person(id="spy", name="Sam", email="sam@rival.com", company_id="c"),
            Person(id="buyer", name="Bea", email="bea@c.com", company_id="c"),
        ],
        touches=[
            Touch(id=f"t{i}-{p}", at=datetime(2025, 6, 1 + i), kind="webinar", person_ids=[p])
            for i in range(3)
            for p in ("spy", "buyer")
        ],
    )
    result = analyze_account(account, as_of=AS_OF, config=config)
    people = {pe.person_id: pe for pe in result.engagement.people}
    assert people["spy"].domain_flag is not None and people["spy"].domain_flag.kind == "competitor"
    assert people["buyer"].domain_flag is None
    assert people["spy"].lead_score == people["buyer"].lead_score > 0
    plain = analyze_account(account, as_of=AS_OF)
    assert all(pe.domain_flag is None for pe in plain.engagement.people)


def test_a_bad_domain_in_the_config_file_is_a_clear_error(tmp_path: Path) -> None:
    file = tmp_path / "buyergraph.toml"
    file.write_text('[lead_domains]\ncompetitors = ["rival com"]\n', encoding="utf-8")
    with pytest.raises(ConfigurationError, match="rival com"):
        load_config(file)


def test_analyze_prints_the_flag_in_the_readers_language(tmp_path: Path) -> None:
    import subprocess
    import sys

    from graph.stores.embedded import EmbeddedStore

    store = EmbeddedStore(tmp_path / "store")
    store.upsert("companies", [Company(id="c", name="Cosmo")])
    store.upsert("people", [Person(id="spy", name="Sam Spy", email="sam@rival.com", company_id="c")])
    store.upsert("touches", [Touch(id="t", at=datetime(2025, 6, 1), kind="webinar", person_ids=["spy"])])
    store.close()
    config = tmp_path / "buyergraph.toml"
    config.write_text('[lead_domains]\ncompetitors = ["rival.com"]\n', encoding="utf-8")
    for lang, words in (("en", "interest, not intent"), ("zh-CN", "竞争对手")):
        out = subprocess.run(
            [
                sys.executable,
                "-c",
                "from api.cli import main; main()",
                "--store",
                str(tmp_path / "store"),
                "analyze",
                "c",
                "--as-of",
                "2025-06-30",
                "--config",
                str(config),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            env={"PATH": "", "BUYERGRAPH_CONFIG": "", "BUYERGRAPH_LANG": lang},
        )
        assert out.returncode == 0, out.stderr
        [line] = [line for line in out.stdout.splitlines() if "Sam Spy:" in line]
        assert words in line
