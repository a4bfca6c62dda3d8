"""Buying-committee roles from CRM values onto buyergraph's vocabulary (design.md §2).

Salesforce contact roles (OpportunityContactRole.Role, a picklist), HubSpot's ``hs_buying_role``
(internal values such as BUDGET_HOLDER and their labels such as "Budget Holder"), the Chinese
buying-centre roles and our own native values all map onto :class:`graph.model.BuyingRole`.
Matching ignores case, spaces, hyphens and underscores, and reads "&" as "and".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from types import MappingProxyType

from graph.model import BuyingRole

__all__ = ["ROLE_ALIASES", "map_buying_role"]

_R = BuyingRole


def _key(value: str) -> str:
    text = unicodedata.normalize("NFKC", value).strip().lower().replace("&", "and")
    return re.sub(r"[\s_\-/.]+", "", text)


_ALIASES: dict[str, BuyingRole] = {
    # --- Salesforce standard contact roles ---------------------------------------------------------
    "Business User": _R.END_USER,
    "Decision Maker": _R.DECISION_MAKER,
    "Economic Buyer": _R.ECONOMIC_BUYER,
    # Salesforce's "Economic Decision Maker" is the person who both holds the budget and decides. We
    # return economic_buyer as the primary role: budget authority is what sets it apart from plain
    # "Decision Maker", and the analyses treat an economic buyer as a decider anyway.
    "Economic Decision Maker": _R.ECONOMIC_BUYER,
    "Evaluator": _R.TECHNICAL_EVALUATOR,  # Salesforce's evaluator is the one who tests the product
    "Executive Sponsor": _R.EXECUTIVE_SPONSOR,
    "Influencer": _R.INFLUENCER,
    "Technical Buyer": _R.TECHNICAL_EVALUATOR,  # judges technical fit; does not hold the budget
    "Other": _R.OTHER,
    # --- HubSpot hs_buying_role: internal values, then labels -------------------------------------
    "BLOCKER": _R.BLOCKER,
    "BUDGET_HOLDER": _R.ECONOMIC_BUYER,
    "CHAMPION": _R.CHAMPION,
    "DECISION_MAKER": _R.DECISION_MAKER,
    "END_USER": _R.END_USER,
    "EXECUTIVE_SPONSOR": _R.EXECUTIVE_SPONSOR,
    "INFLUENCER": _R.INFLUENCER,
    "LEGAL_AND_COMPLIANCE": _R.LEGAL_COMPLIANCE,
    "OTHER": _R.OTHER,
    "Budget Holder": _R.ECONOMIC_BUYER,
    "Legal and Compliance": _R.LEGAL_COMPLIANCE,
    # --- common synonyms in custom picklists ------------------------------------------------------
    "Technical Evaluator": _R.TECHNICAL_EVALUATOR,
    "User": _R.END_USER,
    "Coach": _R.CHAMPION,  # MEDDIC's "coach" is an insider who sells for us: a champion
    "Purchasing": _R.PROCUREMENT,
    "Buyer": _R.PROCUREMENT,
    "Legal": _R.LEGAL_COMPLIANCE,
    "Compliance": _R.LEGAL_COMPLIANCE,
    "Sponsor": _R.EXECUTIVE_SPONSOR,
    "Detractor": _R.BLOCKER,
    # --- Chinese buying-centre roles (采购中心的角色) ----------------------------------------------
    "决策者": _R.DECISION_MAKER,  # makes the final call
    "审批者": _R.ECONOMIC_BUYER,  # approves the spend: budget authority
    "购买者": _R.PROCUREMENT,  # carries out the purchase (the purchasing department)
    "使用者": _R.END_USER,  # will use the product
    "影响者": _R.INFLUENCER,  # shapes the requirements and the choice without deciding
    "守门人": _R.GATEKEEPER,  # controls the flow of information and access to the deciders
    "发起者": _R.CHAMPION,  # raises the need and pushes the purchase internally
    "决策人": _R.DECISION_MAKER,
    "拍板人": _R.DECISION_MAKER,
    "审批人": _R.ECONOMIC_BUYER,
    "采购者": _R.PROCUREMENT,
    "用户": _R.END_USER,
    "使用人": _R.END_USER,
    "影响人": _R.INFLUENCER,
    "把关者": _R.GATEKEEPER,
    "把关人": _R.GATEKEEPER,
    "发起人": _R.CHAMPION,
    "倡导者": _R.CHAMPION,
    "内线": _R.CHAMPION,  # the insider coach of Chinese sales practice
    "技术评估者": _R.TECHNICAL_EVALUATOR,
    "评估者": _R.TECHNICAL_EVALUATOR,
    "反对者": _R.BLOCKER,
    "阻碍者": _R.BLOCKER,
    "法务": _R.LEGAL_COMPLIANCE,
    "高层发起人": _R.EXECUTIVE_SPONSOR,
    "高层支持者": _R.EXECUTIVE_SPONSOR,
    "其他": _R.OTHER,
}
# Native values ("economic_buyer") and their spaced forms ("Economic Buyer") map to themselves.
for _role in BuyingRole:
    _ALIASES.setdefault(_role.value, _role)

#: Every accepted spelling (by its matching key) and the role it maps to.
ROLE_ALIASES: Mapping[str, BuyingRole] = MappingProxyType({_key(k): v for k, v in _ALIASES.items()})


def map_buying_role(value: str | None) -> BuyingRole | None:
    """The BuyingRole a CRM value means, or None when it is blank or not a known role.

    >>> map_buying_role("Budget Holder")
    <BuyingRole.ECONOMIC_BUYER: 'economic_buyer'>
    >>> map_buying_role("LEGAL_AND_COMPLIANCE")
    <BuyingRole.LEGAL_COMPLIANCE: 'legal_compliance'>
    >>> map_buying_role("守门人")
    <BuyingRole.GATEKEEPER: 'gatekeeper'>
    >>> map_buying_role("Astrologer") is None
    True
    """
    if value is None:
        return None
    key = _key(value)
    return ROLE_ALIASES.get(key) if key else None
