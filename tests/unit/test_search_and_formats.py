"""Names found in both scripts (graph/search.py) and figures in the reader's locale (viz/formats.py)."""

from __future__ import annotations

from datetime import date

import pytest

from graph.search import fold, matches, pinyin
from viz.formats import Formats


@pytest.mark.parametrize("typed", ["li na", "lina", "Li Na", "LINA", "na", "lī nà"])
def test_pinyin_finds_a_chinese_name(typed: str) -> None:
    assert matches(fold(typed), "李娜")


@pytest.mark.parametrize("typed", ["wang", "lin a b", "nali"])
def test_pinyin_does_not_find_what_the_name_does_not_say(typed: str) -> None:
    assert not matches(fold(typed), "李娜")


def test_characters_and_latin_names_match_as_before() -> None:
    assert matches(fold("李"), "李娜") and matches(fold("jose"), "José García")
    assert not matches(fold("李"), "Li Na")
    assert pinyin("Acme Corp") is None
    assert pinyin("深圳星辰教育") == "shenzhenxingchenjiaoyu"


def test_one_field_of_several_is_enough() -> None:
    assert matches(fold("chenyang"), None, "chen.yang@example.cn", "陈洋")
    assert matches(fold("chen yang"), "陈洋")


@pytest.mark.parametrize(
    ("lang", "money", "day", "big"),
    [
        ("en", "$1,234", "Dec 7, 2026", "CN¥1,234,567"),
        ("zh-CN", "US$1,234", "2026年12月7日", "¥1,234,567"),
    ],
)
def test_money_and_days_in_the_readers_locale(lang: str, money: str, day: str, big: str) -> None:
    f = Formats(lang)
    assert f.money(1234, "USD") == money
    assert f.money(1234567, "CNY") == big
    assert f.day(date(2026, 12, 7)) == day


def test_missing_or_unknown_figures_stay_readable() -> None:
    f = Formats("en")
    assert f.money(None, "USD") == f.day(None) == f.percent(None) == "–"
    assert f.money(1500, None) == "1,500"
    assert f.money(1500, "points") == "1,500 points"
    assert f.percent(0.425) == "42%" and Formats("zh-CN").number(1234567) == "1,234,567"


def test_the_search_key_and_needle_are_one_rule() -> None:
    from graph.search import search_key, search_needle

    key = search_key("李娜", "li.na@example.cn", None, "P-1")
    assert key.split("\n") == ["李娜", "lina", "li.na@example.cn", "lina@examplecn", "p-1", "p1"]
    assert search_needle(" Li  Na ") == "lina" and search_needle("José") == "jose"
    assert search_needle("") is None and search_needle("   ") is None and search_needle("-") == "-"
    # A match never spans two fields: the variants are lines, and no needle holds a line break.
    assert not matches("ab", "xa", "bx") and matches("a b", "ab")
    assert "\n" not in (search_needle("a\nb") or "")
