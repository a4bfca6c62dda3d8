"""Buying roles from Salesforce, HubSpot, Chinese and native values."""

from __future__ import annotations

import pytest

from graph.model import BuyingRole as R
from ingest.roles import ROLE_ALIASES, map_buying_role


@pytest.mark.parametrize(
    ("value", "role"),
    [
        ("Business User", R.END_USER),
        ("Decision Maker", R.DECISION_MAKER),
        ("Economic Buyer", R.ECONOMIC_BUYER),
        ("Economic Decision Maker", R.ECONOMIC_BUYER),
        ("Evaluator", R.TECHNICAL_EVALUATOR),
        ("Executive Sponsor", R.EXECUTIVE_SPONSOR),
        ("Influencer", R.INFLUENCER),
        ("Technical Buyer", R.TECHNICAL_EVALUATOR),
        ("Other", R.OTHER),
    ],
)
def test_salesforce_contact_roles(value: str, role: R) -> None:
    assert map_buying_role(value) is role


@pytest.mark.parametrize(
    ("value", "role"),
    [
        ("BLOCKER", R.BLOCKER),
        ("BUDGET_HOLDER", R.ECONOMIC_BUYER),
        ("CHAMPION", R.CHAMPION),
        ("DECISION_MAKER", R.DECISION_MAKER),
        ("END_USER", R.END_USER),
        ("EXECUTIVE_SPONSOR", R.EXECUTIVE_SPONSOR),
        ("INFLUENCER", R.INFLUENCER),
        ("LEGAL_AND_COMPLIANCE", R.LEGAL_COMPLIANCE),
        ("OTHER", R.OTHER),
        ("Budget Holder", R.ECONOMIC_BUYER),
        ("Legal and compliance", R.LEGAL_COMPLIANCE),
        ("Legal & Compliance", R.LEGAL_COMPLIANCE),
        ("Blocker", R.BLOCKER),
        ("End User", R.END_USER),
    ],
)
def test_hubspot_values_and_labels(value: str, role: R) -> None:
    assert map_buying_role(value) is role


@pytest.mark.parametrize(
    ("value", "role"),
    [
        ("决策者", R.DECISION_MAKER),
        ("审批者", R.ECONOMIC_BUYER),
        ("购买者", R.PROCUREMENT),
        ("使用者", R.END_USER),
        ("影响者", R.INFLUENCER),
        ("守门人", R.GATEKEEPER),
        ("发起者", R.CHAMPION),
        (" 决策者 ", R.DECISION_MAKER),
    ],
)
def test_chinese_buying_centre_roles(value: str, role: R) -> None:
    assert map_buying_role(value) is role


@pytest.mark.parametrize("role", list(R))
def test_native_values_map_to_themselves(role: R) -> None:
    assert map_buying_role(role.value) is role
    assert map_buying_role(role.value.upper()) is role
    assert map_buying_role(role.value.replace("_", " ").title()) is role


@pytest.mark.parametrize(
    "value",
    ["decision maker", "DECISION-MAKER", "Decision_Maker", "  decisionmaker ", "ＤＥＣＩＳＩＯＮ ＭＡＫＥＲ"],
)
def test_matching_ignores_case_spaces_underscores_and_width(value: str) -> None:
    assert map_buying_role(value) is R.DECISION_MAKER


@pytest.mark.parametrize("value", [None, "", "   ", "Astrologer", "CEO", "decision"])
def test_unknown_or_blank_is_none(value: str | None) -> None:
    assert map_buying_role(value) is None


def test_every_alias_maps_to_a_role() -> None:
    assert ROLE_ALIASES
    assert all(isinstance(role, R) for role in ROLE_ALIASES.values())
