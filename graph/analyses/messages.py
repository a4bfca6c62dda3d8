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
from functools import cache
from typing import Any

from pydantic import BaseModel, field_validator

from graph.model import BuyingRole, Seniority

__all__ = [
    "HOP_PARAMS",
    "hop_fields",
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "Message",
    "language_from_header",
    "normalize_language",
    "render",
    "role_name",
    "seniority_name",
    "signal_name",
    "function_name",
    "stage_name",
    "status_name",
    "template_name",
    "touch_kind_name",
    "trend_name",
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
        if not isinstance(value, dict) or not any(isinstance(v, list | dict) for v in value.values()):
            return value  # nothing nested (most messages, as the analyses make them)
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
        "zh-CN": "{template:template}模板要求有一位{role:role}，但商机“{deal}”中还没有人担任这个角色。",
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
    "gap.unengaged_superior.manager_inferred": {
        "en": "{person} ({seniority:seniority}) is likely the manager of engaged member {member} (an "
        "inferred reporting line, {confidence:.0%} confident) and has never been touched.",
        "zh-CN": "{person}（{seniority:seniority}）可能是已接触成员{member}的上级（推断的汇报关系，"
        "置信度 {confidence:.0%}），但从未被接触过。",
    },
    "gap.unengaged_superior.two_levels_inferred": {
        "en": "{person} ({seniority:seniority}) is likely two levels above engaged member {member} (an "
        "inferred reporting line, {confidence:.0%} confident) and has never been touched.",
        "zh-CN": "{person}（{seniority:seniority}）可能是已接触成员{member}的上两级领导（推断的汇报关系，"
        "置信度 {confidence:.0%}），但从未被接触过。",
    },
    "gap.unengaged_superior.next": {
        "en": "Ask {introducer} to introduce {person}. {path:message}.",
        "zh-CN": "请{introducer}引荐{person}。{path:message}。",
    },
    "gap.unengaged_superior.next_direct": {
        "en": "{rep} already has a tie with {person}: book a meeting directly. {path:message}.",
        "zh-CN": "{rep}与{person}已有联系：直接约见。{path:message}。",
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
    "suggest.fits_role": {
        "en": "Function and {seniority:seniority} seniority fit the missing {role:role} role"
        "{engaged:lately}.",
        "zh-CN": "职能与{seniority:seniority}职级符合缺失的{role:role}角色{engaged:lately}。",
    },
    "suggest.fits_role_any": {
        "en": "{seniority:seniority} seniority fits the missing {role:role} role{engaged:lately}.",
        "zh-CN": "{seniority:seniority}职级符合缺失的{role:role}角色{engaged:lately}。",
    },
    "suggest.touched_about_deal": {
        "en": "{count} touch{count:es} about this deal (last on {last}).",
        "zh-CN": "有 {count} 次关于此商机的接触（最近一次在 {last}）。",
    },
    "suggest.met_committee": {
        "en": "{count} meeting{count:plural} with the committee ({members:list}).",
        "zh-CN": "与委员会成员开会 {count} 次（{members:list}）。",
    },
    "signal.structure.below": {
        "en": "{count} {count:reports} into them, directly or not",
        "zh-CN": "直接或间接向其汇报的有 {count} 人",
    },
    "signal.structure.leaf": {"en": "no one reports to them", "zh-CN": "没有下属"},
    "signal.structure.outside": {"en": "not in the org chart", "zh-CN": "不在组织架构中"},
    "signal.seniority.unknown": {"en": "seniority unknown", "zh-CN": "职级未知"},
    "signal.seniority": {
        "en": "{seniority:seniority_word} seniority{title:title}",
        "zh-CN": "{seniority:seniority}职级{title:title}",
    },
    "signal.centrality.none": {"en": "no known ties to colleagues", "zh-CN": "与同事没有已知联系"},
    "signal.centrality.linked": {
        "en": "in touch with {linked} colleague{linked:plural}{best:most_sought}",
        "zh-CN": "与 {linked} 位同事有联系{best:most_sought}",
    },
    "signal.centrality": {
        "en": "{sought} {sought:colleagues_turn} to them, in touch with {linked} in all{best:most_sought}",
        "zh-CN": "有 {sought} 位同事向其求助，共与 {linked} 人有联系{best:most_sought}",
    },
    "signal.committee.none": {"en": "no committee role", "zh-CN": "没有委员会角色"},
    "signal.committee": {
        "en": "{role:role}{deal:on_deal}",
        "zh-CN": "{role:role}{deal:on_deal}",
    },
    "signal.engagement.never": {"en": "never touched", "zh-CN": "从未接触"},
    "signal.engagement": {
        "en": "last touched {days} day{days:plural} ago, {recent} touches in {window} days",
        "zh-CN": "最近一次接触在 {days} 天前，{window} 天内接触 {recent} 次",
    },
    "path.explained": {
        "en": "{hops:hops}; cost {cost} (a direct tie of full strength costs 1, each hop adds 1 / its "
        "strength){why:message}",
        "zh-CN": "{hops:hops}；路径成本 {cost}（满强度的直接关系成本为 1，每一跳加上 1 / 该跳强度）"
        "{why:message}",
    },
    "path.why.cheapest": {"en": "", "zh-CN": ""},
    "path.why.direct": {
        "en": ": a warm direct tie, ranked first as no longer way is clearly warmer",
        "zh-CN": "：直接的热关系，没有明显更热的间接路径，因此排在最前",
    },
    "path.why.warmer_than_direct": {
        "en": ": ranked before the direct tie (cost {direct}) because it is clearly warmer",
        "zh-CN": "：比直接关系（成本 {direct}）明显更热，因此排在其前",
    },
    "path.hop.touch": {
        "en": "{rep}: {count} touch{count:es} with {person}{two_way:two_way}{last:last}",
        "zh-CN": "{rep}与{person}接触 {count} 次{two_way:two_way}{last:last}",
    },
    "path.hop.manager": {"en": "then {person}, {of}'s manager", "zh-CN": "再到{of}的上级{person}"},
    "path.hop.report": {"en": "then {person}, who reports to {of}", "zh-CN": "再到{of}的下属{person}"},
    "path.hop.knows": {"en": "then {person}, whom {of} knows", "zh-CN": "再到{of}认识的{person}"},
    "path.warmest": {
        "en": "warmest path: {chain}",
        "zh-CN": "最热路径：{chain}",
    },
    "key.rank": {
        "en": "#{rank} mainly for {shares:shares}.",
        "zh-CN": "影响力第 {rank} 名，主要因为{shares:shares}。",
    },
    "key.rank_alike": {
        "en": "#{rank}: no signal sets this person apart.",
        "zh-CN": "影响力第 {rank} 名：没有哪项信号特别突出。",
    },
    "coverage.warmth": {
        "en": "our reps can reach {reached} of {total} key people, {warm} of them warmly; weighted by "
        "influence and by how warm the way in is, that covers {share:percent}",
        "zh-CN": "我方销售能接触到 {total} 位关键人物中的 {reached} 位，其中 {warm} 位关系较热；按影响力和"
        "接触路径的热度加权，覆盖率为 {share:percent}",
    },
    "coverage.nobody": {
        "en": "the deal has no key people yet",
        "zh-CN": "这个商机还没有关键人物",
    },
    "hop.touch": {
        "en": "{count:touches} in the last {days} days{two_way:two_way}{last:last}",
        "zh-CN": "近 {days} 天内接触 {count} 次{two_way:two_way}{last:last}",
    },
    "hop.reports_to": {
        "en": "{person} reports to {manager}",
        "zh-CN": "{person} 向 {manager} 汇报",
    },
    "hop.knows": {
        "en": "know each other",
        "zh-CN": "彼此认识",
    },
    "hop.knows_source": {
        "en": "know each other ({source})",
        "zh-CN": "彼此认识（来源：{source:source}）",
    },
    "path.cost": {
        "en": "weakest tie {weakest:percent} strong, cost {cost} (lower is warmer)",
        "zh-CN": "最弱一环强度 {weakest:percent}，成本 {cost}（越低越热）",
    },
    "note.no_structure": {
        "en": "no reporting lines are known, so position in the org chart was left out",
        "zh-CN": "没有已知的汇报关系，因此未计入组织架构中的位置",
    },
    "note.no_seniority": {
        "en": "no person has a known seniority or classifiable title, so seniority was left out",
        "zh-CN": "没有人有已知职级或可识别的职位，因此未计入职级",
    },
    "note.no_centrality": {
        "en": "no interactions among the account's people are known, so centrality was left out",
        "zh-CN": "不了解该客户内部人员之间的互动，因此未计入关系网络中心度",
    },
    "note.no_committee": {
        "en": "nobody holds a committee role on any deal, so committee roles were left out",
        "zh-CN": "没有人在任何商机中担任委员会角色，因此未计入委员会角色",
    },
    "note.no_engagement": {
        "en": "nobody has been touched yet, so engagement was left out",
        "zh-CN": "还没有接触过任何人，因此未计入互动接触",
    },
    "note.one_person": {
        "en": "the account has one person, who ranks first by definition",
        "zh-CN": "该客户只有一人，自然排名第一",
    },
    "note.inferred_lines": {
        "en": "no reporting lines are known: {count} were inferred from seniority, function, department and "
        "who turns to whom (source inferred, each with a confidence)",
        "zh-CN": "没有已知的汇报关系：根据职级、职能、部门和往来推断了 {count} 条（来源为推断，各附置信度）",
    },
    "note.titles_read": {
        "en": "seniority of {count} people was read from their titles",
        "zh-CN": "{count} 人的职级是根据其职位名称判断的",
    },
    "note.no_holdings": {
        "en": "cross-sell needs every account's holdings; none were given",
        "zh-CN": "交叉销售需要所有客户的已购产品数据，但未提供",
    },
    "trend.window": {
        "en": "{trend:trend}: touches in the last 30 days against the 90 before",
        "zh-CN": "{trend:trend}：近 30 天的接触与之前 90 天相比",
    },
    "trend.counts": {
        "en": "{recent} touch{recent:es} in the last 30 days, against {prior} in the 90 before",
        "zh-CN": "近 30 天接触 {recent} 次，之前 90 天 {prior} 次",
    },
    "path.none": {
        "en": "no warm path from our reps within reach; ask the champion for an introduction",
        "zh-CN": "我方销售暂无可用的热路径；请内部支持者引荐",
    },
    # --- issue 21, part B: learned lead weights, what history says, competitor/partner leads ---
    "lead.flag.competitor": {
        "en": "{domain} is a competitor's domain: a high score there is interest, not intent.",
        "zh-CN": "{domain} 是竞争对手的域名：这里的高分代表关注，而不是购买意向。",
    },
    "lead.flag.partner": {
        "en": "{domain} is a partner's domain: a high score there is interest, not intent.",
        "zh-CN": "{domain} 是合作伙伴的域名：这里的高分代表关注，而不是购买意向。",
    },
    "learn.lead.too_little": {
        "en": "Too little history to learn lead-score weights: {converters} converted and {others} did not "
        "(at least {min_converters} and {min_others} are needed); the configured weights stay.",
        "zh-CN": "历史数据不足，无法学习线索评分权重：{converters} 人转化，{others} 人未转化"
        "（至少需要 {min_converters} 和 {min_others}）；继续使用配置的权重。",
    },
    "learn.lead.no_behaviour": {
        "en": "Nobody among the {converters} people who converted and the {others} who did not showed any "
        "behaviour the lead score counts: nothing to learn from, the configured weights stay.",
        "zh-CN": "在 {converters} 位已转化和 {others} 位未转化的人中，没有人有线索评分计入的行为："
        "无从学习，继续使用配置的权重。",
    },
    "learn.lead.no_positive": {
        "en": "No behaviour came before more conversions among the {converters} people who converted and "
        "the {others} who did not: the configured weights stay.",
        "zh-CN": "在 {converters} 位已转化和 {others} 位未转化的人中，没有任何行为与更多转化相关："
        "继续使用配置的权重。",
    },
    "learn.lead.learned": {
        "en": "Lead-score weights learned from {converters} people who converted and {others} who did not, "
        "from their behaviour in the {days} days before converting (or before {as_of}).",
        "zh-CN": "线索评分权重学习自 {converters} 位已转化和 {others} 位未转化的人，"
        "依据其转化前（或 {as_of} 前）{days} 天内的行为。",
    },
    "learn.lead.not_better": {
        "en": "Lead-score weights fitted on {converters} people who converted and {others} who did not "
        "(their behaviour in the {days} days before converting, or before {as_of}), but they are no "
        "better than the configured weights: the configured weights stay.",
        "zh-CN": "线索评分权重已根据 {converters} 位已转化和 {others} 位未转化的人"
        "（其转化前或 {as_of} 前 {days} 天内的行为）拟合，但并不优于配置的权重：继续使用配置的权重。",
    },
    # the lead-weights use rule (LEAD_USE_RULE in lead_weights.py)
    "learn.lead.verdict.paired.better": {
        "en": "out of sample (5-fold cross-validation) the learned weights rank converters with AUC "
        "{auc:.3f} (90% interval {low:.3f} to {high:.3f}), the configured weights {configured:.3f}: "
        "{difference:+.3f} (paired 90% interval {difference_low:+.3f} to {difference_high:+.3f}, "
        "above 0)",
        "zh-CN": "样本外（5 折交叉验证）学习得到的权重对转化者排序的 AUC 为 {auc:.3f}"
        "（90% 区间 {low:.3f} 至 {high:.3f}），配置的权重为 {configured:.3f}：差值 {difference:+.3f}"
        "（配对 90% 区间 {difference_low:+.3f} 至 {difference_high:+.3f}，高于 0）",
    },
    "learn.lead.verdict.paired.not_better": {
        "en": "no better than the configured weights: {reasons:messages} (out-of-sample AUC {auc:.3f}, "
        "90% interval {low:.3f} to {high:.3f}; configured weights {configured:.3f}; difference "
        "{difference:+.3f}, paired 90% interval {difference_low:+.3f} to {difference_high:+.3f})",
        "zh-CN": "不优于配置的权重：{reasons:messages}（样本外 AUC {auc:.3f}，"
        "90% 区间 {low:.3f} 至 {high:.3f}；配置的权重 {configured:.3f}；差值 {difference:+.3f}，"
        "配对 90% 区间 {difference_low:+.3f} 至 {difference_high:+.3f}）",
    },
    "learn.lead.verdict.paired.auc": {
        "en": "their AUC is not clearly above the configured weights' (the paired 90% interval of the "
        "difference reaches 0)",
        "zh-CN": "其 AUC 没有明显高于配置权重的 AUC（差值的配对 90% 区间未高于 0）",
    },
    "learn.lead.verdict.chance": {
        "en": "their AUC is not clearly better than chance",
        "zh-CN": "其 AUC 没有明显好于随机",
    },
    "learn.lead.nobody": {
        "en": "{behaviour}: nobody in the fit showed this behaviour; the configured {configured:.2f} "
        "points stay.",
        "zh-CN": "{behaviour}：拟合中无人有此行为；保留配置的 {configured:.2f} 分。",
    },
    "learn.lead.weight": {
        "en": "{behaviour}: {weight:.2f} points per unit (95% interval {low:.2f} to {high:.2f}; "
        "configured {configured:.2f}).",
        "zh-CN": "{behaviour}：每单位 {weight:.2f} 分（95% 区间 {low:.2f} 至 {high:.2f}；"
        "配置值 {configured:.2f}）。",
    },
    "history.role_engaged": {
        "en": "Deals without an engaged {role:role} were won {rate_without:.0%} of the time "
        "({won_without} of {n_without}), with one {rate_with:.0%} ({won_with} of {n_with}).",
        "zh-CN": "没有已接触的{role:role}的商机赢单率为 {rate_without:.0%}"
        "（{n_without} 个中赢 {won_without} 个），"
        "有的为 {rate_with:.0%}（{n_with} 个中赢 {won_with} 个）。",
    },
    "history.missing_role": {
        "en": "Deals missing a {role:role} were won {rate_with:.0%} of the time ({won_with} of {n_with}), "
        "deals with one {rate_without:.0%} ({won_without} of {n_without}).",
        "zh-CN": "缺少{role:role}的商机赢单率为 {rate_with:.0%}（{n_with} 个中赢 {won_with} 个），"
        "不缺的为 {rate_without:.0%}（{n_without} 个中赢 {won_without} 个）。",
    },
    "history.gap": {
        "en": "Deals with the gap \u201c{gap:message}\u201d were won {rate_with:.0%} of the time "
        "({won_with} of {n_with}), without it {rate_without:.0%} ({won_without} of {n_without}).",
        "zh-CN": "存在“{gap:message}”缺口的商机赢单率为 {rate_with:.0%}（{n_with} 个中赢 {won_with} 个），"
        "不存在的为 {rate_without:.0%}（{n_without} 个中赢 {won_without} 个）。",
    },
    "history.low_coverage": {
        "en": "Deals whose coverage was below {threshold:.0%} when they closed were won "
        "{rate_with:.0%} of the time ({won_with} of {n_with}), the others {rate_without:.0%} "
        "({won_without} of {n_without}).",
        "zh-CN": "结束时覆盖度低于 {threshold:.0%} 的商机赢单率为 {rate_with:.0%}"
        "（{n_with} 个中赢 {won_with} 个），其他为 {rate_without:.0%}"
        "（{n_without} 个中赢 {won_without} 个）。",
    },
    "history.trend": {
        "en": "Deals whose committee engagement trend was \u201c{trend:trend}\u201d when they closed "
        "were won {rate_with:.0%} of the time ({won_with} of {n_with}), the others {rate_without:.0%} "
        "({won_without} of {n_without}).",
        "zh-CN": "结束时委员会互动趋势为“{trend:trend}”的商机赢单率为 {rate_with:.0%}"
        "（{n_with} 个中赢 {won_with} 个），其他为 {rate_without:.0%}"
        "（{n_without} 个中赢 {won_without} 个）。",
    },
    "history.gap_kind.missing_role": {"en": "missing role", "zh-CN": "缺少角色"},
    "history.gap_kind.stale_role": {"en": "stale role", "zh-CN": "角色久未接触"},
    "history.gap_kind.single_threaded": {"en": "single-threaded", "zh-CN": "单线联系"},
    "history.gap_kind.no_executive": {"en": "no executive", "zh-CN": "缺少高管"},
    "history.gap_kind.unengaged_superior": {"en": "unengaged superior", "zh-CN": "上级未接触"},
    "history.gap_kind.departed_member": {"en": "departed member", "zh-CN": "成员已离职"},
    "history.gap_kind.role_conflict": {"en": "role conflict", "zh-CN": "角色冲突"},
    "history.persona": {
        "en": "Persona \u201c{seniority:seniority}, {function:message}\u201d: on {won_share:.0%} "
        "of won committees ({won_with} of {won}) and {lost_share:.0%} of lost ones ({lost_with} of {lost}).",
        "zh-CN": "{function:message}{seniority:seniority}出现在 {won_share:.0%} 的赢单委员会中"
        "（{won} 个中 {won_with} 个），"
        "丢单委员会中为 {lost_share:.0%}（{lost} 个中 {lost_with} 个）。",
    },
    "history.function.executive": {"en": "executive", "zh-CN": "管理层"},
    "history.function.finance": {"en": "finance", "zh-CN": "财务"},
    "history.function.procurement": {"en": "procurement", "zh-CN": "采购"},
    "history.function.it": {"en": "IT", "zh-CN": "IT"},
    "history.function.engineering": {"en": "engineering", "zh-CN": "研发"},
    "history.function.operations": {"en": "operations", "zh-CN": "运营"},
    "history.function.sales": {"en": "sales", "zh-CN": "销售"},
    "history.function.marketing": {"en": "marketing", "zh-CN": "市场"},
    "history.function.hr": {"en": "HR", "zh-CN": "人力资源"},
    "history.function.legal": {"en": "legal", "zh-CN": "法务"},
    "history.function.product": {"en": "product", "zh-CN": "产品"},
    "history.function.support": {"en": "support", "zh-CN": "客户支持"},
    "history.function.other": {"en": "other function", "zh-CN": "其他职能"},
    "history.function.unknown": {"en": "function unknown", "zh-CN": "职能未知的部门"},
    "history.lead_source": {
        "en": "Leads from {source} converted {rate:.0%} of the time ({converted} of {n}).",
        "zh-CN": "来源为{source}的线索转化率为 {rate:.0%}（{n} 个中 {converted} 个）。",
    },
    "history.source_reliability": {
        "en": "Roles asserted by {source} were contradicted {rate:.0%} of the time ({contradicted} of {n}: "
        "{by_source} by another source, {by_outcome} by how the deal went).",
        "zh-CN": "来自{source}的角色判断有 {rate:.0%} 被推翻"
        "（{n} 条中 {contradicted} 条：{by_source} 条与其他来源矛盾，"
        "{by_outcome} 条与商机结果矛盾）。",
    },
    "history.too_few": {
        "en": "Only {n} closed deals: every rate here is uncertain (see the intervals).",
        "zh-CN": "只有 {n} 个已结束的商机：这里的比率都不确定（请看区间）。",
    },
    # --- risk, buying stage, product usage, account class and inferred lines (issue 19) ---------
    "risk.reasons": {"en": "{reasons:messages}", "zh-CN": "{reasons:messages}"},
    #: A text that exists in one wording only (kept for results made before their message existed).
    "text.plain": {"en": "{text}", "zh-CN": "{text}"},
    "risk.deal.falling": {
        "en": "{name}: committee engagement falling ({counts:message})",
        "zh-CN": "{name}：委员会互动下降（{counts:message}）",
    },
    "risk.deal.quiet": {
        "en": "{name}: nobody on the committee touched in the last 30 days",
        "zh-CN": "{name}：近 30 天没有接触过委员会中的任何人",
    },
    "risk.usage.never": {
        "en": "no inbound or product-usage activity on record",
        "zh-CN": "没有任何客户主动往来或产品使用记录",
    },
    "risk.usage.quiet": {
        "en": "no inbound or product-usage activity for {days} days (limit {limit})",
        "zh-CN": "已 {days} 天没有客户主动往来或产品使用（上限 {limit} 天）",
    },
    "risk.usage_part": {"en": "usage: {reason:message}", "zh-CN": "产品使用：{reason:message}"},
    "risk.deals_part": {"en": "deals: {reason:message}", "zh-CN": "商机：{reason:message}"},
    "stage.dormant": {"en": "nobody engaged recently", "zh-CN": "近期没有人保持接触"},
    "stage.awareness": {"en": "one person engaged", "zh-CN": "只有 1 人保持接触"},
    "stage.consideration": {
        "en": "{people} people engaged across {functions} function(s)",
        "zh-CN": "{people} 人保持接触，分属 {functions} 个职能",
    },
    "stage.decision": {
        "en": "{people} people across {functions} functions, "
        "including finance, procurement, legal or an executive",
        "zh-CN": "{people} 人分属 {functions} 个职能，其中有财务、采购、法务或高管",
    },
    "stage.evaluation": {
        "en": "{people} people engaged across {functions} functions",
        "zh-CN": "{people} 人保持接触，分属 {functions} 个职能",
    },
    "usage.seats": {
        "en": "{active_30} active user{active_30:plural} in 30 days ({active_7} in 7) "
        "on {seats} seats ({share:percent})",
        "zh-CN": "近 30 天活跃用户 {active_30} 人（近 7 天 {active_7} 人），"
        "共 {seats} 个席位（{share:percent}）",
    },
    "usage.no_seats": {
        "en": "{active_30} active user{active_30:plural} in 30 days ({active_7} in 7), no seats on record",
        "zh-CN": "近 30 天活跃用户 {active_30} 人（近 7 天 {active_7} 人），没有席位记录",
    },
    "usage.upgrade": {
        "en": "{usage:message}: usage nears the seats, an upgrade conversation",
        "zh-CN": "{usage:message}：使用量接近席位数，可以谈扩容",
    },
    "size.employees": {"en": "{employees:amount} employees", "zh-CN": "{employees:amount} 名员工"},
    "size.people": {"en": "{people} people on record", "zh-CN": "记录在册 {people} 人"},
    "class.deal_risk": {"en": "deal risk: {reason:message}", "zh-CN": "商机风险：{reason:message}"},
    "class.usage_risk": {"en": "usage risk: {reason:message}", "zh-CN": "使用风险：{reason:message}"},
    "class.expand": {
        "en": "a large customer ({size:message}), engaged ({active} people in 30 days, {trend}), "
        "owning {products} of our products",
        "zh-CN": "大客户（{size:message}），保持互动（近 30 天 {active} 人，趋势{trend:trend}），"
        "已购我方 {products} 款产品",
    },
    "class.cash_cow": {
        "en": "installed value {value:amount} {currency}, engagement {trend}",
        "zh-CN": "已购价值 {value:amount} {currency}，互动趋势{trend:trend}",
    },
    "class.key_target.deal": {
        "en": "an open deal in its {stage} stage",
        "zh-CN": "有一个处于{stage:stage}的进行中商机",
    },
    "class.key_target.large": {
        "en": "large ({size:message}) and engaged ({active} people in 30 days)",
        "zh-CN": "规模大（{size:message}）且保持互动（近 30 天 {active} 人）",
    },
    "class.nurture": {
        "en": "no deal risk, not large, engaged or valuable enough for another class yet",
        "zh-CN": "没有商机风险，规模、互动或价值尚不足以归入其他类别",
    },
    "infer.reasons": {"en": "{reasons:messages}", "zh-CN": "{reasons:messages}"},
    "name.our_rep": {"en": "{name} (our rep)", "zh-CN": "我方销售{name}"},
    "deal.no_rate": {
        "en": "the amount is in {currency}, which has no rate to {base} in the currency table "
        "(currency.rates): the smallest template applies and no amount rule",
        "zh-CN": "金额币种为 {currency}，汇率表（currency.rates）中没有它对 {base} 的汇率："
        "按最小的委员会模板检查，不套用金额规则",
    },
    "deal.no_rate_unnamed": {
        "en": "the amount is in an unnamed currency, which has no rate to {base} in the currency table "
        "(currency.rates): the smallest template applies and no amount rule",
        "zh-CN": "金额未注明币种，无法按汇率表（currency.rates）换算为 {base}：按最小的委员会模板检查，"
        "不套用金额规则",
    },
    "sell.similar_accounts": {
        "en": "owned by {share:percent} of accounts like this one (weighted by similarity)",
        "zh-CN": "与该客户相似的客户中有 {share:percent} 已购买（按相似度加权）",
    },
    "sell.owned_together": {
        "en": "on average {share:percent} of the owners of this account's products also own it",
        "zh-CN": "购买了该客户现有产品的客户中，平均有 {share:percent} 也购买了它",
    },
    "sell.industry_adoption": {
        "en": "owned by {share:percent} of {industry} accounts",
        "zh-CN": "{industry} 行业的客户中有 {share:percent} 已购买",
    },
    "lead.parent_lacks_products": {
        "en": "The parent {name} lacks {count} product(s) this account owns; ask the account's sponsors "
        "for an introduction.",
        "zh-CN": "母公司 {name} 还没有该客户已购的 {count} 款产品；请该客户的支持者引荐。",
    },
    "lead.subsidiary_lacks_products": {
        "en": "The subsidiary {name} lacks {count} product(s) this account owns; ask the account's sponsors "
        "for an introduction.",
        "zh-CN": "子公司 {name} 还没有该客户已购的 {count} 款产品；请该客户的支持者引荐。",
    },
    "lead.moved_champion": {
        "en": "{person} ({roles:role_words} on a won deal here) now works at {company}: a warm way in.",
        "zh-CN": "{person}（曾在本客户已赢单的商机中担任{roles:roles}）现就职于 {company}："
        "可借此热路径进入。",
    },
    "hop.reports_to_inferred": {
        "en": "{person} likely reports to {manager} (inferred, {confidence:percent} confident)",
        "zh-CN": "{person} 可能向 {manager} 汇报（推断，置信度 {confidence:percent}）",
    },
    "infer.same_function": {"en": "same function ({function})", "zh-CN": "同一职能（{function:function}）"},
    "infer.same_department": {"en": "same department ({department})", "zh-CN": "同一部门（{department}）"},
    "infer.head_to_top": {
        "en": "heads their function, and this is the top of the company",
        "zh-CN": "此人是其职能的负责人，而对方是公司最高层",
    },
    "infer.turns_to": {"en": "turns to them", "zh-CN": "常向对方求助"},
    "infer.turned_to_by": {"en": "is turned to by them", "zh-CN": "对方常向其求助"},
    "infer.levels_up": {
        "en": "{levels} level{levels:plural} up",
        "zh-CN": "对方高 {levels} 个职级",
    },
    "infer.one_level_up": {"en": "one level up", "zh-CN": "对方高一个职级"},
    # --- win likelihood factors (graph/analyses/win_model.py): points are signed ("+12", "-18") ---
    "win.factor.required_roles_missing": {
        "en": "{value} required role{value:plural} held by nobody: {points} points",
        "zh-CN": "{value} 个必需角色无人担任：{points} 分",
    },
    "win.factor.stale_required_roles": {
        "en": "{value} required role{value:plural} held but not engaged lately: {points} points",
        "zh-CN": "{value} 个必需角色有人担任但近期未接触：{points} 分",
    },
    "win.factor.required_roles_missing.none": {
        "en": "every required role held: {points} points",
        "zh-CN": "所有必需角色都有人担任：{points} 分",
    },
    "win.factor.stale_required_roles.none": {
        "en": "no required role gone quiet: {points} points",
        "zh-CN": "没有必需角色近期失去接触：{points} 分",
    },
    "win.factor.engaged_people.none": {
        "en": "no committee member engaged: {points} points",
        "zh-CN": "没有委员会成员保持接触：{points} 分",
    },
    "win.factor.engaged_functions.none": {
        "en": "no function engaged: {points} points",
        "zh-CN": "没有职能部门保持接触：{points} 分",
    },
    "win.factor.high_gaps.none": {
        "en": "no high-severity gap: {points} points",
        "zh-CN": "没有高严重度缺口：{points} 分",
    },
    "win.factor.economic_buyer_engaged.yes": {
        "en": "economic buyer engaged: {points} points",
        "zh-CN": "审批者（经济决策人）保持接触：{points} 分",
    },
    "win.factor.economic_buyer_engaged.no": {
        "en": "no engaged economic buyer: {points} points",
        "zh-CN": "没有保持接触的审批者（经济决策人）：{points} 分",
    },
    "win.factor.executive_engaged.yes": {
        "en": "an executive (vp or c-level) engaged: {points} points",
        "zh-CN": "有高管（副总裁或以上）保持接触：{points} 分",
    },
    "win.factor.executive_engaged.no": {
        "en": "no executive (vp or c-level) engaged: {points} points",
        "zh-CN": "没有高管（副总裁或以上）保持接触：{points} 分",
    },
    "win.factor.engaged_people": {
        "en": "{value} engaged committee member{value:plural}: {points} points",
        "zh-CN": "{value} 位委员会成员保持接触：{points} 分",
    },
    "win.factor.engaged_functions": {
        "en": "{value} function{value:plural} engaged: {points} points",
        "zh-CN": "{value} 个职能部门保持接触：{points} 分",
    },
    "win.factor.coverage": {
        "en": "coverage {value}: {points} points",
        "zh-CN": "覆盖度 {value}：{points} 分",
    },
    "win.factor.decision_maker_tie": {
        "en": "tie to the decision maker {value}: {points} points",
        "zh-CN": "与决策者的关系强度 {value}：{points} 分",
    },
    "win.factor.high_gaps": {
        "en": "{value} high-severity gap{value:plural}: {points} points",
        "zh-CN": "{value} 个高严重度缺口：{points} 分",
    },
    "win.factor.size_band": {
        "en": "deal size band {value} (0 below 10k, 1 below 100k, 2 above): {points} points",
        "zh-CN": "金额档位 {value}（0 为一万以下，1 为十万以下，2 为十万以上）：{points} 分",
    },
    "win.factor.months_open": {
        "en": "open {value} months: {points} points",
        "zh-CN": "已进行 {value} 个月：{points} 分",
    },
    "win.factor.days_in_stage": {
        "en": "{value} day{value:plural} in its stage: {points} points",
        "zh-CN": "在当前阶段已 {value} 天：{points} 分",
    },
    # --- `buyergraph learn` (api/commands/learn.py) ---
    "learn.header": {
        "en": "Learning what wins as of {as_of}: {accounts} accounts, {closed} closed deals "
        "({won} won, {lost} lost)",
        "zh-CN": "截至 {as_of} 学习赢单规律：{accounts} 个客户，{closed} 个已关闭商机（赢 {won}，输 {lost}）",
    },
    "learn.too_little": {
        "en": "Too little history to learn from: {closed} closed deals ({won} won, {lost} lost); "
        "a model needs at least {minimum} closed deals with at least {each} wins and {each} losses. "
        "The configured weights stay in use.",
        "zh-CN": "历史数据太少，无法学习：{closed} 个已关闭商机（赢 {won}，输 {lost}）；"
        "模型至少需要 {minimum} 个已关闭商机，其中赢单和输单各至少 {each} 个。继续使用配置的权重。",
    },
    "learn.weights": {
        "en": "Weights (log-odds per unit) with 95% bootstrap intervals:",
        "zh-CN": "权重（每单位的对数几率）及 95% 自助法区间：",
    },
    "learn.clock.days_in_stage": {
        "en": "Time in the deal is measured as days in stage: every closed deal has a stage history.",
        "zh-CN": "交易时长按在当前阶段的天数计：每个已关闭商机都有阶段历史。",
    },
    "learn.clock.months_open": {
        "en": "Time in the deal is measured as months open: not every closed deal has a stage history, "
        "so days in stage is not used.",
        "zh-CN": "交易时长按已进行月数计：并非每个已关闭商机都有阶段历史，因此不使用阶段天数。",
    },
    "learn.constant": {
        "en": "the same on every closed deal: nothing to learn (no committee or touches in the data?)",
        "zh-CN": "所有已关闭商机上都相同：无从学习（数据中没有委员会或接触记录？）",
    },
    "learn.no_back_test": {
        "en": "No back-test: too few deals on one side of the split.",
        "zh-CN": "无法回测：分割日期一侧的商机太少。",
    },
    "learn.back_test": {
        "en": "Back-test: fit on {train} deals closed before {split}, scored on {test} closed from then on "
        "({test_won} won):",
        "zh-CN": "回测：用 {split} 之前关闭的 {train} 个商机拟合，"
        "对之后关闭的 {test} 个商机（赢 {test_won}）评分：",
    },
    "learn.calibration": {
        "en": "Calibration of the model (predicted range: deals, mean predicted -> share won):",
        "zh-CN": "模型校准（预测区间：商机数，平均预测 -> 实际赢单比例）：",
    },
    "learn.used": {"en": "The model is used: {reason}.", "zh-CN": "采用该模型：{reason}。"},
    "learn.not_used": {
        "en": "The model is NOT used; the configured weights stay: {reason}.",
        "zh-CN": "不采用该模型，继续使用配置的权重：{reason}。",
    },
    "learn.verdict": {"en": "Verdict: {reason}.", "zh-CN": "结论：{reason}。"},
    "learn.kept": {"en": "Kept in the store as {id}.", "zh-CN": "已保存到数据库，版本 {id}。"},
    # --- the command line's own messages: accounts, people, name resolution, demo, serve (api/commands/) ---
    "cli.kind.account": {"en": "account", "zh-CN": "客户"},
    "cli.kind.person": {"en": "person", "zh-CN": "人员"},
    "cli.kind.accounts": {"en": "accounts", "zh-CN": "客户"},
    "cli.kind.people": {"en": "people", "zh-CN": "人员"},
    "cli.find.none": {
        "en": "No {kind} has that id, name or e-mail: list them with `buyergraph {command}`.",
        "zh-CN": "没有与该 ID、名称或邮箱匹配的{kind}：可用 `buyergraph {command}` 列出全部。",
    },
    "cli.find.several": {
        "en": "{count} {kind} match; give one of these ids:",
        "zh-CN": "有 {count} 个{kind}匹配；请给出以下某个 ID：",
    },
    "cli.find.more": {"en": "  ... and {count} more", "zh-CN": "  …… 另有 {count} 个"},
    "cli.find.ambiguous": {
        "en": "that name matches {count} {kind} (listed above); pass one of their ids",
        "zh-CN": "该名称匹配 {count} 个{kind}（见上方列表）；请给出其中一个 ID",
    },
    "cli.find.not_found": {
        "en": "{kind} {id} not found",
        "zh-CN": "找不到{kind} {id}",
    },
    "cli.find.merged": {
        "en": "{kind} {id} was merged into {into} ({reason}); showing {into}",
        "zh-CN": "{kind} {id} 已在导入时合并到 {into}（{reason}）；显示 {into}",
    },
    "cli.list.empty": {"en": "no {kind} found", "zh-CN": "没有找到{kind}"},
    "cli.list.some": {
        "en": "({shown} of {count} {kind}; show more with --limit)",
        "zh-CN": "（显示 {shown} 个，共 {count} 个{kind}；用 --limit 显示更多）",
    },
    "cli.list.all": {"en": "({count} {kind})", "zh-CN": "（共 {count} 个{kind}）"},
    "cli.demo.generating": {
        "en": "Generating a sample world of {accounts} accounts (seed {seed}, as of {as_of})…",
        "zh-CN": "正在生成含 {accounts} 个客户的示例数据（随机种子 {seed}，截至 {as_of}）……",
    },
    "cli.demo.loading": {
        "en": "Loading it into the embedded store in {home} …",
        "zh-CN": "正在导入到 {home} 中的嵌入式存储……",
    },
    "cli.demo.loaded": {
        "en": "Loaded {loaded} records in {seconds} s ({rejected} deliberately broken sample rows rejected, "
        "as in a real export).",
        "zh-CN": "已导入 {loaded} 条记录，用时 {seconds} 秒（有 {rejected} 行示例数据被故意写错并被拒绝，"
        "和真实导出一样）。",
    },
    "cli.demo.store_ignored": {
        "en": "Note: the demo uses its own embedded store in {folder}; --store is ignored.",
        "zh-CN": "注意：演示使用 {folder} 中自己的嵌入式存储，--store 被忽略。",
    },
    "cli.demo.running": {
        "en": "buyergraph demo is running: {address}",
        "zh-CN": "buyergraph 演示已启动：{address}",
    },
    "cli.demo.key": {
        "en": "Sign in with this read key (shown once): {key}",
        "zh-CN": "请用此只读密钥登录（只显示一次）：{key}",
    },
    "cli.demo.curl": {"en": "  or call the API:  {command}", "zh-CN": "  或调用 API：{command}"},
    "cli.demo.where": {
        "en": "Demo data and keys: {folder}   ·   Ctrl-C stops the server.",
        "zh-CN": "演示数据和密钥：{folder}   ·   按 Ctrl-C 停止服务。",
    },
    "cli.demo.port_busy": {
        "en": "port {port} on {host} is not free ({reason}); choose another with --port (make demo PORT=...)",
        "zh-CN": "{host} 上的端口 {port} 已被占用（{reason}）；请用 --port 换一个端口（make demo PORT=...）",
    },
    "cli.demo.not_a_folder": {
        "en": "--home {folder} exists and is not a folder",
        "zh-CN": "--home {folder} 已存在，但不是文件夹",
    },
    "cli.demo.not_ours": {
        "en": "{folder} holds a buyergraph store or keys that the demo did not create; choose another "
        "folder with --home",
        "zh-CN": "{folder} 中有不是演示创建的 buyergraph 存储或密钥；请用 --home 换一个文件夹",
    },
    "cli.demo.cannot_start": {
        "en": "the server could not start on {host}:{port}; is the port in use? Try --port",
        "zh-CN": "服务无法在 {host}:{port} 上启动；端口是否已被占用？请试试 --port",
    },
    "cli.demo.stopped": {"en": "buyergraph demo stopped.", "zh-CN": "buyergraph 演示已停止。"},
    "cli.serve.pages": {
        "en": "buyergraph pages: {address}  (sign in with an API key)",
        "zh-CN": "buyergraph 页面：{address}（请用 API 密钥登录）",
    },
    "cli.serve.api": {
        "en": "API: {api}   API document: {docs}",
        "zh-CN": "API：{api}   API 文档：{docs}",
    },
    "cli.serve.store": {"en": "store: {store}", "zh-CN": "存储：{store}"},
    "cli.serve.keys": {
        "en": "keys: {path}  (create one: buyergraph keys create NAME)",
        "zh-CN": "密钥文件：{path}（创建密钥：buyergraph keys create NAME）",
    },
    "cli.error": {"en": "buyergraph: {text}", "zh-CN": "buyergraph：{text}"},
    "cli.interrupted": {"en": "buyergraph: interrupted", "zh-CN": "buyergraph：已中断"},
    # --- learn: lead weights and history in the report, the model page (issue 21) ---
    "learn.win.title": {"en": "Win likelihood of open deals", "zh-CN": "未结商机的赢单可能性"},
    "learn.lead.title": {"en": "Lead-score weights", "zh-CN": "线索评分权重"},
    "learn.lead.used": {
        "en": "The learned lead-score weights are used by refresh, analyze and the API.",
        "zh-CN": "刷新、分析和 API 使用学习得到的线索评分权重。",
    },
    "learn.lead.not_used": {
        "en": "The configured lead-score weights stay in use.",
        "zh-CN": "继续使用配置的线索评分权重。",
    },
    "learn.history.title": {"en": "What history says", "zh-CN": "历史数据表明"},
    "win.verdict.better": {"en": "the learned model beats its baselines", "zh-CN": "学习得到的模型优于基准"},
    "win.verdict.not_better": {
        "en": "no better than the baselines: {reasons:messages}",
        "zh-CN": "不优于基准：{reasons:messages}",
    },
    "win.verdict.brier": {
        "en": "its Brier score is not below both baselines'",
        "zh-CN": "其 Brier 分数没有低于两个基准",
    },
    "win.verdict.auc": {
        "en": "its AUC is not above the configured weights'",
        "zh-CN": "其 AUC 没有高于配置权重的 AUC",
    },
    "win.verdict.chance": {
        "en": "its AUC is not clearly better than chance",
        "zh-CN": "其 AUC 没有明显好于随机",
    },
    # a back-test kept under the first paired rule (before USE_RULE below) still shows its verdict
    "win.verdict.paired.not_better": {
        "en": "no better than the baselines: {reasons:messages} (paired 90% intervals: AUC minus the "
        "configured weights' {auc_difference:+.3f} [{auc_low:+.3f}, {auc_high:+.3f}]; Brier score "
        "improvement on the configured weights {brier_configured_difference:+.4f} "
        "[{brier_configured_low:+.4f}, {brier_configured_high:+.4f}], on naive Bayes "
        "{brier_naive_bayes_difference:+.4f} [{brier_naive_bayes_low:+.4f}, {brier_naive_bayes_high:+.4f}])",
        "zh-CN": "不优于基准：{reasons:messages}（配对 90% 区间：AUC 减配置权重的 AUC {auc_difference:+.3f}"
        " [{auc_low:+.3f}, {auc_high:+.3f}]；Brier 分数相对配置权重的改善 {brier_configured_difference:+.4f}"
        " [{brier_configured_low:+.4f}, {brier_configured_high:+.4f}]，相对朴素贝叶斯 "
        "{brier_naive_bayes_difference:+.4f} [{brier_naive_bayes_low:+.4f}, {brier_naive_bayes_high:+.4f}]）",
    },
    "win.verdict.paired.brier": {
        "en": "its Brier score is not clearly below both baselines' (a paired 90% interval reaches 0)",
        "zh-CN": "其 Brier 分数没有明显低于两个基准（有配对 90% 区间未高于 0）",
    },
    # USE_RULE since the use rule of issue 21 (beat the configured weights, not clearly worse than
    # naive Bayes); back-tests kept before it keep the keys above
    "win.verdict.use.beats_both": {
        "en": "beats the configured weights and naive Bayes {figures:message}",
        "zh-CN": "优于配置权重和朴素贝叶斯{figures:message}",
    },
    "win.verdict.use.ties_naive_bayes": {
        "en": "beats the configured weights; as good as naive Bayes, no better {figures:message}",
        "zh-CN": "优于配置权重；与朴素贝叶斯相当，并不更好{figures:message}",
    },
    "win.verdict.use.declined": {
        "en": "declined, the configured weights stay in use: {reasons:messages} {figures:message}",
        "zh-CN": "未采用，继续使用配置权重：{reasons:messages}{figures:message}",
    },
    "win.verdict.use.figures": {
        "en": "(paired 90% intervals: AUC minus the configured weights' {auc_difference:+.3f} "
        "[{auc_low:+.3f}, {auc_high:+.3f}]; Brier score gain on the configured weights "
        "{brier_configured_difference:+.4f} [{brier_configured_low:+.4f}, {brier_configured_high:+.4f}], "
        "on naive Bayes {brier_naive_bayes_difference:+.4f} [{brier_naive_bayes_low:+.4f}, "
        "{brier_naive_bayes_high:+.4f}])",
        "zh-CN": "（配对 90% 区间：AUC 减配置权重的 AUC {auc_difference:+.3f} "
        "[{auc_low:+.3f}, {auc_high:+.3f}]；"
        "Brier 分数相对配置权重的改善 {brier_configured_difference:+.4f} [{brier_configured_low:+.4f}, "
        "{brier_configured_high:+.4f}]，相对朴素贝叶斯 {brier_naive_bayes_difference:+.4f} "
        "[{brier_naive_bayes_low:+.4f}, {brier_naive_bayes_high:+.4f}]）",
    },
    "win.verdict.use.auc": {
        "en": "its AUC is not clearly above the configured weights' (the paired 90% interval reaches 0)",
        "zh-CN": "其 AUC 没有明显高于配置权重的 AUC（配对 90% 区间未高于 0）",
    },
    "win.verdict.use.brier": {
        "en": "its Brier score is not clearly below the configured weights' "
        "(the paired 90% interval reaches 0)",
        "zh-CN": "其 Brier 分数没有明显低于配置权重（配对 90% 区间未高于 0）",
    },
    "win.verdict.use.naive_bayes": {
        "en": "it is clearly worse than naive Bayes (the paired 90% interval of its Brier gain is below 0)",
        "zh-CN": "其明显不如朴素贝叶斯（Brier 分数改善的配对 90% 区间低于 0）",
    },
    "win.reason.no_back_test": {"en": "no back-test ({note})", "zh-CN": "无法回测（{note}）"},
    "learn.history.none": {
        "en": "No closed deal before {as_of}: history says nothing yet.",
        "zh-CN": "{as_of} 之前没有已关闭的商机：历史数据尚无结论。",
    },
}

#: The default committee templates (graph/analyses/config.py) as each language names them; a template
#: a user configured keeps the name they gave it.
TEMPLATE_NAMES: dict[str, dict[str, str]] = {
    "en": {},
    "zh-CN": {"small": "小额商机", "mid": "中等金额商机", "large": "大额商机"},
}

#: Where a fact came from (graph.model.Source values, and the usual free-text KNOWS sources) as each
#: language names them; any other source is shown as given.
SOURCE_NAMES: dict[str, dict[str, str]] = {
    "en": {},
    "zh-CN": {
        "crm": "CRM",
        "sales": "销售",
        "presales": "售前",
        "success": "客户成功",
        "enrichment": "数据补全",
        "inferred": "推断",
        "user": "用户更正",
        "email": "邮件往来",
        "calendar": "日历",
        "meetings": "会议",
        "linkedin": "领英",
    },
}

#: Kinds of touch (graph.model.TouchKind values) as each language names them.
TOUCH_KIND_NAMES: dict[str, dict[str, str]] = {
    "en": {},
    "zh-CN": {
        "meeting": "会议",
        "call": "电话",
        "email": "邮件",
        "visit": "拜访",
        "demo": "演示",
        "webinar": "网络研讨会",
        "content_download": "资料下载",
        "web_visit": "网站访问",
        "product_usage": "产品使用",
        "video_view": "视频观看",
        "event": "活动",
        "other": "其他接触",
    },
}

#: Business functions (graph.model.Function values) as each language names them.
FUNCTION_NAMES: dict[str, dict[str, str]] = {
    "en": {},
    "zh-CN": {
        "executive": "管理层",
        "finance": "财务",
        "procurement": "采购",
        "it": "信息技术",
        "engineering": "研发",
        "operations": "运营",
        "sales": "销售",
        "marketing": "市场",
        "hr": "人力资源",
        "legal": "法务",
        "product": "产品",
        "support": "客户支持",
        "other": "其他职能",
    },
}

#: Buying stages (graph.analyses.results.BuyingStage values), engagement trends, and the statuses of
#: companies and deals, as each language names them.
STAGE_NAMES: dict[str, dict[str, str]] = {
    "en": {
        "dormant": "dormant",
        "awareness": "awareness",
        "consideration": "consideration",
        "evaluation": "evaluation",
        "decision": "decision",
        "unknown": "unknown",
    },
    "zh-CN": {
        "dormant": "沉寂",
        "awareness": "认知阶段",
        "consideration": "考虑阶段",
        "evaluation": "评估阶段",
        "decision": "决策阶段",
        "unknown": "未知",
    },
}
TREND_NAMES: dict[str, dict[str, str]] = {
    "en": {"rising": "rising", "falling": "falling", "steady": "steady", "none": "no recent touches"},
    "zh-CN": {"rising": "上升", "falling": "下降", "steady": "平稳", "none": "近期无接触"},
}
STATUS_NAMES: dict[str, dict[str, str]] = {
    "en": {
        "prospect": "prospect",
        "customer": "customer",
        "former_customer": "former customer",
        "partner": "partner",
        "open": "open",
        "won": "won",
        "lost": "lost",
    },
    "zh-CN": {
        "prospect": "潜在客户",
        "customer": "客户",
        "former_customer": "前客户",
        "partner": "合作伙伴",
        "open": "进行中",
        "won": "已赢单",
        "lost": "已丢单",
    },
}

#: The signals of an influence score (graph/analyses/key_people.py) as each language names them.
SIGNAL_NAMES: dict[str, dict[str, str]] = {
    "en": {},
    "zh-CN": {
        "structure": "组织结构",
        "seniority": "职级",
        "centrality": "关系网络中心度",
        "committee": "委员会角色",
        "engagement": "互动接触",
    },
}

_LIST_SEPARATOR = {"en": ", ", "zh-CN": "、"}
_AND = {"en": " and ", "zh-CN": "和"}
_SENTENCE_SEPARATOR = {"en": "; ", "zh-CN": "；"}
_HOP_SEPARATOR = {"en": ", ", "zh-CN": "，"}
_TWO_WAY = {"en": " (two-way)", "zh-CN": "（双向）"}
_REPORTS = {"en": {True: "person reports", False: "people report"}, "zh-CN": {True: "", False: ""}}
_COLLEAGUES_TURN = {"en": {True: "colleague turns", False: "colleagues turn"}, "zh-CN": {True: "", False: ""}}
_MOST_SOUGHT = {"en": " — among the most sought out", "zh-CN": "，是最常被求助的人之一"}
_TITLE = {"en": " ({})", "zh-CN": "（{}）"}
_ON_DEAL = {"en": " on deal {}", "zh-CN": "（商机 {}）"}
_LATELY = {"en": ", and engaged lately", "zh-CN": "，且近期保持接触"}
_LAST = {"en": ", last on {}", "zh-CN": "，最近一次在 {}"}


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


def _word(names: dict[str, dict[str, str]], value: Any, lang: str) -> str:
    table = names.get(lang, names[DEFAULT_LANGUAGE])
    key = str(value)
    return table.get(key) or names[DEFAULT_LANGUAGE].get(key) or key.replace("_", " ")


def stage_name(stage: Any, lang: str = DEFAULT_LANGUAGE) -> str:
    """A buying stage in words: 'evaluation', '评估阶段'."""
    return _word(STAGE_NAMES, stage, lang)


def trend_name(trend: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """An engagement trend in words: 'rising', '上升'."""
    return _word(TREND_NAMES, trend, lang)


def signal_name(signal: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """A signal of the influence score in words: 'seniority', '职级'."""
    return _word(SIGNAL_NAMES, signal, lang)


def touch_kind_name(kind: Any, lang: str = DEFAULT_LANGUAGE) -> str:
    """A kind of touch in words: 'content download', '资料下载'."""
    return _word(TOUCH_KIND_NAMES, kind, lang)


def template_name(name: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """A committee template's name: 'small', '小额商机' (a configured name stays as given)."""
    return TEMPLATE_NAMES.get(lang, {}).get(name, name)


def function_name(function: Any, lang: str = DEFAULT_LANGUAGE) -> str:
    """A business function in words: 'finance', '财务'."""
    return _word(FUNCTION_NAMES, function, lang)


def status_name(status: Any, lang: str = DEFAULT_LANGUAGE) -> str:
    """A company's or a deal's status in words: 'former customer', '前客户'."""
    return _word(STATUS_NAMES, status, lang)


class _Formatter(string.Formatter):
    def __init__(self, lang: str) -> None:
        self.lang = lang

    def format_field(self, value: Any, format_spec: str) -> str:
        lang = self.lang
        if isinstance(value, Message) and not format_spec:  # a name given as a message
            return render(value, lang)
        if format_spec == "role":
            return role_name(value, lang)
        if format_spec == "roles":
            return _LIST_SEPARATOR[lang].join(role_name(r, lang) for r in value)
        if format_spec == "role_words":  # the raw English wording: "champion, economic buyer"
            return ", ".join(str(r).replace("_", " ") for r in value)
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
        if format_spec == "percent":
            return f"{float(value):.0%}"
        if format_spec == "shares":
            # [[signal, share], ...] -> "seniority (45%) and structure (39%)", "职级（45%）、组织结构（39%）"
            if lang == "zh-CN":
                return _LIST_SEPARATOR[lang].join(
                    f"{_word(SIGNAL_NAMES, name, lang)}（{float(share):.0%}）" for name, share in value
                )
            return _AND[lang].join(f"{name} ({float(share):.0%})" for name, share in value)
        if format_spec == "touches":
            return f"{value} touch" if value == 1 else f"{value} touches"
        if format_spec == "two_way":
            return ("，双向" if lang == "zh-CN" else ", two-way") if value else ""
        if format_spec == "last":
            if not value:
                return ""
            return f"，最近一次 {value}" if lang == "zh-CN" else f", last on {value}"
        if format_spec == "amount":
            return f"{float(value):,.0f}"
        if format_spec == "plural":
            return "" if value == 1 else "s"
        if format_spec == "reports":
            return _REPORTS[lang][value == 1]
        if format_spec == "colleagues_turn":
            return _COLLEAGUES_TURN[lang][value == 1]
        if format_spec == "most_sought":
            return _MOST_SOUGHT[lang] if value else ""
        if format_spec == "seniority_word":
            return str(getattr(value, "value", value)).replace("_", "-")
        if format_spec == "title":
            return _TITLE[lang].format(value) if value else ""
        if format_spec == "on_deal":
            return _ON_DEAL[lang].format(value) if value else ""
        if format_spec == "es":
            return "" if value == 1 else "es"
        if format_spec == "hops":  # the hops of a path: the first, then the others
            return _HOP_SEPARATOR[lang].join(render(m, lang) for m in value)
        if format_spec == "trend":
            return trend_name(value, lang)
        if format_spec == "stage":
            return stage_name(value, lang)
        if format_spec == "function":
            return _word(FUNCTION_NAMES, value, lang)
        if format_spec == "source":
            return SOURCE_NAMES.get(lang, {}).get(str(value), str(value))
        if format_spec == "template":
            return template_name(value, lang)
        if format_spec == "lately":
            return _LATELY[lang] if value else ""
        if format_spec == "two_way":
            return _TWO_WAY[lang] if value else ""
        if format_spec == "last":
            return _LAST[lang].format(value) if value else ""
        return str(super().format_field(value, format_spec))


_Piece = tuple[str, str | None, str]


@cache
def _pieces(template: str) -> tuple[_Piece, ...] | None:
    """A template parsed once: (literal text, field name or None, format spec) per piece, as
    `string.Formatter` parses it on every call; None when a field is more than a plain name (an
    index, an attribute, a conversion, a nested spec), which then goes through `string.Formatter`."""
    pieces: list[_Piece] = []
    for literal, name, spec, conversion in string.Formatter().parse(template):
        if name is not None and (not name.isidentifier() or conversion or "{" in (spec or "")):
            return None
        pieces.append((literal, name, spec or ""))
    return tuple(pieces)


#: The parameters of each catalogue message that names why two nodes of the reach graph know each
#: other, kept as plain values beside the key in the edge's data: graph/projections.py writes them
#: (`hop_fields`), graph/analyses/coverage.py `hop_message` reads them back.
HOP_PARAMS: dict[str, tuple[str, ...]] = {
    "hop.reports_to": ("person", "manager"),
    "hop.reports_to_inferred": ("person", "manager", "confidence"),
    "hop.knows_source": ("source",),
    "hop.knows": (),
}


def hop_fields(key: str, *values: Any) -> dict[str, Any]:
    """A reach edge's reason as plain data: the catalogue key (`message`) and its parameters by name.

    >>> hop_fields("hop.knows_source", "crm")
    {'message': 'hop.knows_source', 'source': 'crm'}
    """
    return {"message": key, **dict(zip(HOP_PARAMS[key], values, strict=True))}


def render(message: Message | Mapping[str, Any], lang: str = DEFAULT_LANGUAGE) -> str:
    """The message's text in `lang` (unknown languages fall back to English)."""
    if not isinstance(message, Message):
        message = Message.model_validate(message)
    lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    templates = CATALOGUE[message.key]
    template = templates.get(lang) or templates[DEFAULT_LANGUAGE]
    formatter = _Formatter(lang)
    pieces = _pieces(template)
    if pieces is None:
        return formatter.format(template, **message.params)
    # What string.Formatter.format does for plain names, without parsing the template again.
    params = message.params
    return "".join(
        literal if name is None else literal + formatter.format_field(params[name], spec)
        for literal, name, spec in pieces
    )


def _check(keys: Sequence[str] = tuple(CATALOGUE)) -> None:
    """Every key has every language (run by the tests)."""
    for key in keys:
        missing = [lang for lang in LANGUAGES if lang not in CATALOGUE[key]]
        if missing:
            raise KeyError(f"message {key!r} has no text in {', '.join(missing)}")
