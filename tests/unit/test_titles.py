"""Title classification: per-rule behaviour, and accuracy against the labelled set."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from graph.model import Function, Seniority
from ingest.titles import TitleClass, classify_title, normalise_title, title_language

LABELLED = Path(__file__).resolve().parents[1] / "data" / "titles_labelled.csv"

C, V, D, M, IC, U = (
    Seniority.C_LEVEL,
    Seniority.VP,
    Seniority.DIRECTOR,
    Seniority.MANAGER,
    Seniority.INDIVIDUAL,
    Seniority.UNKNOWN,
)


def sf(title: str) -> tuple[Seniority, Function]:
    result = classify_title(title)
    return result.seniority, result.function


# --- empty and garbage -----------------------------------------------------------------------


@pytest.mark.parametrize("title", [None, "", "   ", "\u3000", " , / "])
def test_empty_is_unknown_with_zero_confidence(title: str | None) -> None:
    result = classify_title(title)
    assert result == TitleClass(U, Function.OTHER, 0.0, "empty", False)


def test_no_match_is_unknown_with_low_confidence() -> None:
    result = classify_title("xyzzy")
    assert (result.seniority, result.function, result.rule) == (U, Function.OTHER, "no-match")
    assert result.confidence <= 0.1


def test_function_word_alone_is_an_individual_in_that_function() -> None:
    assert sf("采购") == (IC, Function.PROCUREMENT)
    assert sf("Sales") == (IC, Function.SALES)
    assert classify_title("销售").confidence < 0.5


# --- English ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "seniority", "function"),
    [
        ("CEO", C, Function.EXECUTIVE),
        ("Chief Financial Officer", C, Function.FINANCE),
        ("Chief Information Officer", C, Function.IT),
        ("Chief Revenue Officer", C, Function.SALES),
        ("President", C, Function.EXECUTIVE),
        ("Founder", C, Function.EXECUTIVE),
        ("Owner", C, Function.EXECUTIVE),
        ("Managing Director", C, Function.EXECUTIVE),
        ("General Manager", C, Function.EXECUTIVE),
        ("Chairman", C, Function.EXECUTIVE),
        ("Board Member", C, Function.EXECUTIVE),
        ("Partner", C, Function.EXECUTIVE),
        ("VP of Sales", V, Function.SALES),
        ("Senior Vice President", V, Function.OTHER),
        ("EVP, Global Operations", V, Function.OPERATIONS),
        ("Head of IT", D, Function.IT),
        ("Sr. Director IT", D, Function.IT),
        ("Director of Purchasing", D, Function.PROCUREMENT),
        ("IT Manager", M, Function.IT),
        ("Team Lead", M, Function.OTHER),
        ("Engineering Lead", M, Function.ENGINEERING),
        ("Lead Software Engineer", IC, Function.ENGINEERING),
        ("Tech Lead", IC, Function.ENGINEERING),
        ("Software Engineer", IC, Function.ENGINEERING),
        ("Sales Engineer", IC, Function.SALES),
        ("Analyst", IC, Function.OTHER),
        ("Specialist", IC, Function.OTHER),
        ("Intern", IC, Function.OTHER),
        ("Coordinator", IC, Function.OTHER),
        ("Consultant", IC, Function.OTHER),
        ("Buyer", IC, Function.PROCUREMENT),
    ],
)
def test_english_titles(title: str, seniority: Seniority, function: Function) -> None:
    assert sf(title) == (seniority, function)


def test_english_rule_names_are_readable() -> None:
    assert classify_title("Chief Marketing Officer").rule == "en:chief-x -> c_level"
    assert classify_title("Director").rule == "en:director -> director"


def test_most_senior_part_of_a_combined_title_wins() -> None:
    assert sf("EVP & CFO") == (C, Function.FINANCE)
    assert sf("President & CEO") == (C, Function.EXECUTIVE)
    assert sf("SVP & General Counsel") == (V, Function.LEGAL)


def test_assistant_to_an_executive_is_an_individual() -> None:
    assert sf("Executive Assistant to the CEO") == (IC, Function.EXECUTIVE)
    assert sf("Personal Assistant to the Managing Director") == (IC, Function.EXECUTIVE)
    assert sf("Chief of Staff to the CEO") == (V, Function.EXECUTIVE)


def test_managers_of_accounts_and_products_are_individuals() -> None:
    assert sf("Key Account Manager") == (IC, Function.SALES)
    assert sf("Product Manager") == (IC, Function.PRODUCT)
    assert sf("Customer Success Manager") == (IC, Function.SUPPORT)
    assert sf("Product Owner") == (IC, Function.PRODUCT)


def test_partner_depends_on_context() -> None:
    assert sf("Managing Partner") == (C, Function.EXECUTIVE)
    assert sf("HR Business Partner") == (IC, Function.HR)
    assert sf("Channel Partner Manager") == (M, Function.SALES)


def test_region_scope_lowers_company_top_titles() -> None:
    assert sf("President, North America")[0] is V
    assert sf("General Manager, China")[0] is V
    assert sf("Managing Director, DACH")[0] is V
    assert "scope:region" in classify_title("General Manager, China").rule
    assert sf("Regional Sales Director")[0] is D  # scope only touches company-top titles


# --- deputy rule -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "seniority"),
    [
        ("Deputy CEO", V),
        ("Deputy General Manager", V),
        ("Deputy Director", M),
        ("Associate Director", M),
        ("Assistant Vice President, Procurement", D),
        ("Assistant Manager", IC),
        ("Assistant Procurement Manager", IC),
        ("Deputy Head of Finance", M),
        ("副总裁", V),
        ("副总经理", V),
        ("副总监", M),
        ("财务部副部长", M),
        ("信息中心副主任", M),
        ("副处长", M),
        ("副科长", IC),
        ("副厂长", M),
        ("党委副书记", V),
    ],
)
def test_deputy_sits_one_level_lower(title: str, seniority: Seniority) -> None:
    result = classify_title(title)
    assert result.seniority is seniority
    assert result.deputy is True
    assert "deputy" in result.rule


def test_vice_president_is_a_title_not_a_deputy() -> None:
    result = classify_title("Vice President")
    assert (result.seniority, result.deputy) == (V, False)
    assert classify_title("Senior Vice President").deputy is False


def test_board_deputies_stay_on_the_board() -> None:
    for title in ("Vice Chairman", "副董事长"):
        result = classify_title(title)
        assert (result.seniority, result.deputy) == (C, True)


def test_chinese_assistant_to_is_two_levels_lower() -> None:
    assert classify_title("总经理助理").seniority is D
    assert classify_title("总裁助理").seniority is D
    assert classify_title("采购部经理助理").seniority is IC
    assert "+助理" in classify_title("总经理助理").rule
    assert classify_title("总经理秘书").seniority is IC


# --- Chinese ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "seniority", "function"),
    [
        ("董事长", C, Function.EXECUTIVE),
        ("总裁", C, Function.EXECUTIVE),
        ("总经理", C, Function.EXECUTIVE),
        ("首席信息官", C, Function.IT),
        ("首席财务官", C, Function.FINANCE),
        ("董事会秘书", V, Function.EXECUTIVE),
        ("财务总监", D, Function.FINANCE),
        ("部长", D, Function.OTHER),
        ("处长", D, Function.OTHER),
        ("信息中心主任", D, Function.IT),
        ("厂长", D, Function.OPERATIONS),
        ("院长", C, Function.EXECUTIVE),
        ("采购经理", M, Function.PROCUREMENT),
        ("科长", M, Function.OTHER),
        ("主管", M, Function.OTHER),
        ("专员", IC, Function.OTHER),
        ("工程师", IC, Function.ENGINEERING),
        ("IT运维工程师", IC, Function.IT),
        ("高级采购工程师", IC, Function.PROCUREMENT),
        ("助理", IC, Function.OTHER),
        ("实习生", IC, Function.OTHER),
        ("大客户销售经理", IC, Function.SALES),
        ("客户经理", IC, Function.SALES),
    ],
)
def test_chinese_titles(title: str, seniority: Seniority, function: Function) -> None:
    assert sf(title) == (seniority, function)


def test_chinese_rule_names_are_readable() -> None:
    assert classify_title("总监").rule == "zh:总监 -> director"
    assert classify_title("副总经理").rule == "zh:总经理 -> c_level | deputy -> vp"


def test_chinese_scope_of_general_manager() -> None:
    assert classify_title("华东区总经理").seniority is V
    assert classify_title("销售总经理").seniority is V
    assert classify_title("信息技术部总经理").seniority is D
    assert classify_title("信息技术部副总经理").seniority is M
    assert classify_title("主管采购副总经理").seniority is V  # 主管 = in charge of: not a scope


def test_workshop_head_is_a_manager() -> None:
    assert classify_title("车间主任").seniority is M
    assert classify_title("办公室主任").seniority is D


def test_traditional_chinese() -> None:
    assert sf("總經理") == (C, Function.EXECUTIVE)
    assert sf("資訊部經理") == (M, Function.IT)
    assert sf("協理")[0] is D


# --- mixed, full-width, punctuation -----------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "seniority", "function"),
    [
        ("IT Manager 信息经理", M, Function.IT),
        ("销售VP", V, Function.SALES),
        ("HR总监", D, Function.HR),
        ("CFO/财务总监", C, Function.FINANCE),
        ("创始人兼CEO", C, Function.EXECUTIVE),
        ("ＣＥＯ", C, Function.EXECUTIVE),
        ("ＩＴ经理", M, Function.IT),
        ("采购部\u3000经理", M, Function.PROCUREMENT),
        ("IT经理（信息部）", M, Function.IT),
        ("C.E.O.", C, Function.EXECUTIVE),
        ("ceo", C, Function.EXECUTIVE),
        ("Mgr, Procurement", M, Function.PROCUREMENT),
        ("Dir. of Eng.", D, Function.ENGINEERING),
        ("  vp   SALES  ", V, Function.SALES),
    ],
)
def test_mixed_and_messy_titles(title: str, seniority: Seniority, function: Function) -> None:
    assert sf(title) == (seniority, function)


def test_normalise_title() -> None:
    assert normalise_title("Sr. Dir., Global Sourcing") == "senior director , global sourcing"
    assert normalise_title("销售VP（华东）") == "销售 vp , 华东"
    assert normalise_title("總經理") == "总经理"


def test_title_language() -> None:
    assert title_language("IT Manager 信息经理") == "zh"
    assert title_language("IT Manager") == "en"
    assert title_language(None) == "en"


def test_confidence_reflects_specificity() -> None:
    assert classify_title("Chief Financial Officer").confidence > classify_title("Head of IT").confidence
    assert classify_title("Head of IT").confidence > classify_title("Procurement Lead").confidence
    for title in ("CEO", "副总监", "Lead", "销售", "xyzzy", "General Manager, China"):
        assert 0.0 <= classify_title(title).confidence <= 1.0


def test_result_is_frozen() -> None:
    result = classify_title("CEO")
    with pytest.raises(AttributeError):
        result.seniority = V  # type: ignore[misc]


# --- accuracy on the labelled set --------------------------------------------------------------

#: Floors set after measuring (all four were >= 0.99 in-sample; a separate held-out set in
#: bench/title_accuracy.py measured 0.93-0.98). The floor sits below the held-out figures so that new,
#: honestly labelled titles can be added without tuning rules to single strings.
FLOOR = 0.9


def test_accuracy_per_language_and_field() -> None:
    rows = list(csv.DictReader(LABELLED.open(encoding="utf-8")))
    assert len(rows) >= 320
    chinese = [r for r in rows if title_language(r["title"]) == "zh"]
    assert len(chinese) * 2 >= len(rows)
    scores: dict[str, tuple[float, float]] = {}
    for lang in ("en", "zh"):
        subset = [r for r in rows if title_language(r["title"]) == lang]
        results = [classify_title(r["title"]) for r in subset]
        seniority = sum(x.seniority.value == r["seniority"] for x, r in zip(results, subset, strict=True))
        function = sum(x.function.value == r["function"] for x, r in zip(results, subset, strict=True))
        scores[lang] = (seniority / len(subset), function / len(subset))
        print(f"{lang}: n={len(subset)} seniority={scores[lang][0]:.3f} function={scores[lang][1]:.3f}")
    for lang, (seniority_acc, function_acc) in scores.items():
        assert seniority_acc >= FLOOR, (lang, "seniority", seniority_acc)
        assert function_acc >= FLOOR, (lang, "function", function_acc)
