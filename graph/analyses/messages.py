"""The one catalogue of the texts the analyses produce, in English and Simplified Chinese.

An analysis states what it found as a `Message`: a key and parameters (names, counts, and domain
values such as a buying role kept as the enum). Each language renders it from its own template, so
the Chinese text is written Chinese, not translated words around raw values: the gap "陈洋 (c_level)
is the manager of..." reads "陈洋（高管）是……的上级". The English rendering is what `Gap.detail` and
`Gap.next_step` hold.

>>> m = Message(key="gap.single_threaded", params={"count": 1, "days": 90})
>>> render(m, "en")
'Only 1 committee member engaged in the last 90 days.'
>>> render(m, "zh-CN")
'过去 90 天内只有 1 位委员会成员保持接触。'
"""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, field_validator

from graph.model import BuyingRole, Seniority

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "Message",
    "language_from_header",
    "normalize_language",
    "render",
    "role_name",
    "seniority_name",
]

#: The languages buyergraph speaks, as BCP 47 tags; the first is the default.
LANGUAGES: tuple[str, ...] = ("en", "zh-CN")
DEFAULT_LANGUAGE = "en"


class Message(BaseModel):
    """A text as data: its catalogue key and its parameters (rendered per language by `render`)."""

    key: str
    params: dict[str, Any] = {}

    @field_validator("params", mode="before")
    @classmethod
    def _nested_messages(cls, value: Any) -> Any:
        """Parameters that are messages themselves (alone or in a list) read back from JSON as
        messages again, so that a kept result renders like the analysis it was made from."""
        if not isinstance(value, dict):
            return value
        return {name: _as_message(v) for name, v in value.items()}


def _as_message(value: Any) -> Any:
    if isinstance(value, list):
        return [_as_message(v) for v in value]
    if isinstance(value, dict) and set(value) == {"key", "params"} and isinstance(value["key"], str):
        return Message.model_validate(value)
    return value


#: Domain words. English keeps the wording the texts always had.
ROLE_NAMES: dict[str, dict[BuyingRole, str]] = {
    "en": {role: str(role).replace("_", " ") for role in BuyingRole},
    "zh-CN": {
        BuyingRole.DECISION_MAKER: "决策人",
        BuyingRole.ECONOMIC_BUYER: "预算审批人",
        BuyingRole.EXECUTIVE_SPONSOR: "高层发起人",
        BuyingRole.CHAMPION: "内部支持者",
        BuyingRole.INFLUENCER: "影响者",
        BuyingRole.TECHNICAL_EVALUATOR: "技术评估人",
        BuyingRole.END_USER: "最终用户",
        BuyingRole.PROCUREMENT: "采购",
        BuyingRole.LEGAL_COMPLIANCE: "法务合规",
        BuyingRole.BLOCKER: "反对者",
        BuyingRole.GATEKEEPER: "把关人",
        BuyingRole.OTHER: "其他角色",
    },
}
SENIORITY_NAMES: dict[str, dict[Seniority, str]] = {
    "en": {
        Seniority.C_LEVEL: "c-level",
        Seniority.VP: "vp",
        Seniority.DIRECTOR: "director",
        Seniority.MANAGER: "manager",
        Seniority.INDIVIDUAL: "individual contributor",
        Seniority.UNKNOWN: "seniority unknown",
    },
    "zh-CN": {
        Seniority.C_LEVEL: "高管",
        Seniority.VP: "副总裁",
        Seniority.DIRECTOR: "总监",
        Seniority.MANAGER: "经理",
        Seniority.INDIVIDUAL: "员工",
        Seniority.UNKNOWN: "职级未知",
    },
}

#: key -> language -> template. `{x:role}` renders a buying role, `{x:seniority}` a seniority,
#: `{x:list}` a list of names, `{x:and}` two or more names joined by "and", `{x:message}` a nested
#: message, `{x:amount}` a number with digit grouping, `{x:plural}` "s" when x is not 1 (English).
CATALOGUE: dict[str, dict[str, str]] = {
    "gap.missing_role": {
        "en": "The {template} template needs a {role:role}; nobody holds that role on deal {deal}.",
        "zh-CN": "{template} 模板要求有一位{role:role}，但商机“{deal}”中还没有人担任这个角色。",
    },
    "gap.missing_role.next": {
        "en": "Likeliest {role:role}: {candidates:list}. {path:message}.",
        "zh-CN": "最可能的{role:role}：{candidates:list}。{path:message}。",
    },
    "gap.missing_role.nobody": {
        "en": "Nobody in the account fits the {role:role} role yet; ask the champion who it is.",
        "zh-CN": "客户中还没有人符合{role:role}的条件；请向内部支持者了解是谁。",
    },
    "gap.stale_role": {
        "en": "The {role:role} ({holders:list}) has not been touched in the last {days} days.",
        "zh-CN": "{role:role}（{holders:list}）在过去 {days} 天内没有被接触过。",
    },
    "gap.stale_role.next": {
        "en": "Re-engage {holders:list}: book a meeting or a call this week.",
        "zh-CN": "重新联系{holders:list}：本周安排一次会议或电话。",
    },
    "gap.single_threaded": {
        "en": "Only {count} committee member{count:plural} engaged in the last {days} days.",
        "zh-CN": "过去 {days} 天内只有 {count} 位委员会成员保持接触。",
    },
    "gap.single_threaded.next": {
        "en": "Multi-thread: get introduced to a second stakeholder, ideally the economic buyer.",
        "zh-CN": "多线推进：争取被引荐给第二位相关人，最好是预算审批人。",
    },
    "gap.no_executive": {
        "en": "A deal of {amount:amount}{currency} has no engaged vp or c-level member.",
        "zh-CN": "金额 {amount:amount}{currency} 的商机中没有保持接触的副总裁或高管。",
    },
    "gap.no_executive.reengage": {
        "en": "Re-engage {person}. {path:message}.",
        "zh-CN": "重新联系{person}。{path:message}。",
    },
    "gap.no_executive.bring_in": {
        "en": "Bring in {person}. {path:message}.",
        "zh-CN": "请{person}参与进来。{path:message}。",
    },
    "gap.no_executive.ask": {
        "en": "Ask the champion which executive signs off, and for an introduction.",
        "zh-CN": "向内部支持者了解由哪位高管签字批准，并请其引荐。",
    },
    "gap.unengaged_superior.manager": {
        "en": "{person} ({seniority:seniority}) is the manager of engaged member {member} and has never "
        "been touched.",
        "zh-CN": "{person}（{seniority:seniority}）是已接触成员{member}的上级，但从未被接触过。",
    },
    "gap.unengaged_superior.two_levels": {
        "en": "{person} ({seniority:seniority}) is two levels above engaged member {member} and has never "
        "been touched.",
        "zh-CN": "{person}（{seniority:seniority}）是已接触成员{member}的上两级领导，但从未被接触过。",
    },
    "gap.unengaged_superior.next": {
        "en": "Ask {member} to introduce {person}. {path:message}.",
        "zh-CN": "请{member}引荐{person}。{path:message}。",
    },
    "gap.departed_member": {
        "en": "{person} ({roles:roles}) has left the company.",
        "zh-CN": "{person}（{roles:roles}）已经离职。",
    },
    "gap.departed_member.next": {
        "en": "Find who took over their responsibilities, and follow them to their new company as a "
        "relationship lead.",
        "zh-CN": "找出接手其工作的人，并把此人在新公司的职位作为关系线索跟进。",
    },
    "gap.role_conflict.sources": {
        "en": "Sources disagree on {person}'s role: {said:messages}.",
        "zh-CN": "各数据来源对{person}的角色说法不一：{said:messages}。",
    },
    "gap.role_conflict.source_says": {
        "en": "{source} says {roles:roles}",
        "zh-CN": "{source} 记录为{roles:roles}",
    },
    "gap.role_conflict.sources.next": {
        "en": "Confirm {person}'s role with the account team and correct the CRM.",
        "zh-CN": "与客户团队确认{person}的角色，并更正 CRM 记录。",
    },
    "gap.role_conflict.sole": {
        "en": "{holders:and} are each recorded as the {role:role}; a deal has only one.",
        "zh-CN": "{holders:and}都被记录为{role:role}；一个商机只能有一位。",
    },
    "gap.role_conflict.sole.next": {
        "en": "Find out who really is the {role:role} and fix the others' roles.",
        "zh-CN": "弄清谁才是真正的{role:role}，并更正其他人的角色。",
    },
    "path.warmest": {
        "en": "warmest path: {chain}",
        "zh-CN": "最热路径：{chain}",
    },
    "path.none": {
        "en": "no warm path from our reps within reach; ask the champion for an introduction",
        "zh-CN": "我方销售暂无可用的热路径；请内部支持者引荐",
    },
}

_LIST_SEPARATOR = {"en": ", ", "zh-CN": "、"}
_AND = {"en": " and ", "zh-CN": "和"}
_SENTENCE_SEPARATOR = {"en": "; ", "zh-CN": "；"}


def normalize_language(tag: str | None) -> str | None:
    """'zh', 'zh-cn', 'zh-Hans-CN' -> 'zh-CN'; 'en-GB' -> 'en'; anything else -> None."""
    if not tag:
        return None
    lowered = tag.strip().lower().replace("_", "-")
    if lowered == "zh" or lowered.startswith(("zh-cn", "zh-hans", "zh-sg")):
        return "zh-CN"
    if lowered == "en" or lowered.startswith("en-"):
        return "en"
    return None


def language_from_header(accept_language: str | None) -> str | None:
    """The best language of ours in an Accept-Language header (q-values honoured), or None."""
    if not accept_language:
        return None
    choices: list[tuple[float, int, str]] = []
    for index, part in enumerate(accept_language.split(",")[:20]):
        tag, _, rest = part.strip().partition(";")
        quality = 1.0
        rest = rest.strip()
        if rest.startswith("q="):
            try:
                quality = float(rest[2:])
            except ValueError:
                quality = 0.0
        language = normalize_language(tag)
        if language is not None and quality > 0:
            choices.append((-quality, index, language))
    return min(choices)[2] if choices else None


def role_name(role: BuyingRole | str, lang: str = DEFAULT_LANGUAGE) -> str:
    names = ROLE_NAMES.get(lang, ROLE_NAMES[DEFAULT_LANGUAGE])
    try:
        return names[BuyingRole(role)]
    except ValueError:
        return str(role).replace("_", " ")


def seniority_name(level: Seniority | str, lang: str = DEFAULT_LANGUAGE) -> str:
    names = SENIORITY_NAMES.get(lang, SENIORITY_NAMES[DEFAULT_LANGUAGE])
    try:
        return names[Seniority(level)]
    except ValueError:
        return str(level)


class _Formatter(string.Formatter):
    def __init__(self, lang: str) -> None:
        self.lang = lang

    def format_field(self, value: Any, format_spec: str) -> str:
        lang = self.lang
        if format_spec == "role":
            return role_name(value, lang)
        if format_spec == "roles":
            return _LIST_SEPARATOR[lang].join(role_name(r, lang) for r in value)
        if format_spec == "seniority":
            return seniority_name(value, lang)
        if format_spec == "list":
            return _LIST_SEPARATOR[lang].join(str(v) for v in value)
        if format_spec == "and":
            return _AND[lang].join(str(v) for v in value)
        if format_spec == "message":
            return render(value, lang)
        if format_spec == "messages":
            return _SENTENCE_SEPARATOR[lang].join(render(m, lang) for m in value)
        if format_spec == "amount":
            return f"{float(value):,.0f}"
        if format_spec == "plural":
            return "" if value == 1 else "s"
        return str(super().format_field(value, format_spec))


def render(message: Message | Mapping[str, Any], lang: str = DEFAULT_LANGUAGE) -> str:
    """The message's text in `lang` (unknown languages fall back to English)."""
    if not isinstance(message, Message):
        message = Message.model_validate(message)
    lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    templates = CATALOGUE[message.key]
    template = templates.get(lang) or templates[DEFAULT_LANGUAGE]
    return _Formatter(lang).format(template, **message.params)


def _check(keys: Sequence[str] = tuple(CATALOGUE)) -> None:
    """Every key has every language (run by the tests)."""
    for key in keys:
        missing = [lang for lang in LANGUAGES if lang not in CATALOGUE[key]]
        if missing:
            raise KeyError(f"message {key!r} has no text in {', '.join(missing)}")
