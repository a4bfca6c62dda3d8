"""The analyses' texts as catalogue messages, rendered in English and in Chinese."""

from __future__ import annotations

import re

import pytest

from graph.analyses import analyze_account
from graph.analyses.messages import (
    CATALOGUE,
    LANGUAGES,
    Message,
    language_from_header,
    normalize_language,
    render,
)
from graph.model import BuyingRole, Seniority
from tests.unit.test_gaps import AS_OF, world

#: Raw enum values that must never show in a rendered text (they did: "陈洋 (c_level) is the manager").
RAW_VALUES = sorted({str(v) for v in (*BuyingRole, *Seniority) if "_" in str(v)})


def all_gaps():  # type: ignore[no-untyped-def]
    result = analyze_account(world(), as_of=AS_OF)
    return [g for d in result.deals for g in d.gaps]


def test_every_message_has_every_language() -> None:
    for key, texts in CATALOGUE.items():
        assert set(texts) == set(LANGUAGES), key


def test_every_gap_carries_its_texts_as_messages_and_english_as_before() -> None:
    gaps = all_gaps()
    kinds = {g.kind.value for g in gaps}
    assert kinds >= {"missing_role", "stale_role", "unengaged_superior", "role_conflict", "departed_member"}
    for gap in gaps:
        assert gap.detail_message is not None and gap.next_step_message is not None
        assert render(gap.detail_message, "en") == gap.detail
        assert render(gap.next_step_message, "en") == gap.next_step
    texts = {g.detail for g in gaps}
    assert "Only 1 committee member engaged in the last 90 days." in texts  # the small deal
    assert "OLD (decision maker) has left the company." in texts
    assert "Sources disagree on DIT's role: crm says technical evaluator; presales says influencer." in texts


def test_chinese_texts_are_chinese_with_no_raw_values() -> None:
    for gap in all_gaps():
        for message in (gap.detail_message, gap.next_step_message):
            assert message is not None
            text = render(message, "zh-CN")
            assert re.search(r"[\u4e00-\u9fff]", text), text
            for raw in RAW_VALUES:
                assert raw not in text, (raw, text)
    superior = next(g for g in all_gaps() if g.person_id == "ceo" and g.kind.value == "unengaged_superior")
    assert superior.detail_message is not None
    assert render(superior.detail_message, "zh-CN").startswith("CEO（高管）是已接触成员")
    assert "c_level" not in superior.detail and "(c-level)" in superior.detail


def test_a_nested_message_and_lists_follow_the_language() -> None:
    message = Message(
        key="gap.missing_role.next",
        params={
            "role": BuyingRole.ECONOMIC_BUYER,
            "candidates": ["陈洋", "王芳"],
            "path": Message(key="path.none"),
        },
    )
    assert render(message, "zh-CN") == (
        "最可能的预算审批人：陈洋、王芳。我方销售暂无可用的热路径；请内部支持者引荐。"
    )
    assert render(message, "en").startswith("Likeliest economic buyer: 陈洋, 王芳. no warm path")


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh-CN"),
        ("en-US,en;q=0.9,zh-CN;q=0.8", "en"),
        ("fr-FR, zh;q=0.5, en;q=0.3", "zh-CN"),
        ("de-DE", None),
        ("zh-Hans-CN", "zh-CN"),
        ("en;q=0, zh-TW", None),
        ("", None),
    ],
)
def test_the_browser_language_is_read_with_its_weights(header: str, expected: str | None) -> None:
    assert language_from_header(header) == expected


def test_language_tags_are_normalised() -> None:
    assert normalize_language("zh") == normalize_language("ZH_cn") == "zh-CN"
    assert normalize_language("en-GB") == "en"
    assert normalize_language("ja") is None
