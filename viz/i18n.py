"""The pages' own words in English and Simplified Chinese (the analyses' texts and the domain words,
buying roles and seniority, come from the analyses' catalogue, graph/analyses/messages.py).

>>> Words("zh-CN").role("economic_buyer"), Words("en").role("economic_buyer")
('预算审批人', 'Economic buyer')
"""

from __future__ import annotations

from typing import Any

from graph.analyses.messages import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    Message,
    language_from_header,
    normalize_language,
    render,
    role_name,
)
from graph.model import BuyingRole
from viz.formats import Formats

__all__ = ["LANG_COOKIE", "PAGE_TEXT", "Words", "page_language"]

#: The cookie that remembers the language a user chose on a page.
LANG_COOKIE = "buyergraph_lang"

#: key -> language -> text (str.format fields in braces).
PAGE_TEXT: dict[str, dict[str, str]] = {
    # the frame of every page
    "nav.accounts": {"en": "Accounts", "zh-CN": "客户"},
    "nav.deals": {"en": "Deals", "zh-CN": "商机"},
    "nav.model": {"en": "Model", "zh-CN": "模型"},
    "nav.api": {"en": "API", "zh-CN": "API"},
    "nav.sign_out": {"en": "Sign out", "zh-CN": "退出登录"},
    "nav.language": {"en": "Language", "zh-CN": "语言"},
    # sign-in and error pages
    "login.title": {"en": "Sign in", "zh-CN": "登录"},
    "login.intro": {
        "en": "Sign in with an API key that has the read (or write) scope.",
        "zh-CN": "请使用具有 read（或 write）权限的 API 密钥登录。",
    },
    "login.key": {"en": "API key", "zh-CN": "API 密钥"},
    "login.submit": {"en": "Sign in", "zh-CN": "登录"},
    "login.hint": {
        "en": "The key is exchanged for a session; this browser keeps only the session, in an HttpOnly "
        "cookie, until you sign out. Admin keys cannot sign in here: use them from the command line or "
        "the API. Create a key with",
        "zh-CN": "密钥会换成一个会话；浏览器只在 HttpOnly Cookie 中保存该会话，直到您退出登录。"
        "管理员密钥不能在此登录，请在命令行或 API 中使用。创建密钥：",
    },
    "problem.back": {"en": "Back to the accounts", "zh-CN": "返回客户列表"},
    "problem.bad_language": {"en": "Unknown language", "zh-CN": "未知语言"},
    "problem.bad_language.detail": {
        "en": "The lang parameter must be en or zh-CN.",
        "zh-CN": "lang 参数必须是 en 或 zh-CN。",
    },
    "problem.bad_filter": {"en": "Invalid filter", "zh-CN": "筛选条件无效"},
    "problem.bad_filter.detail": {
        "en": "The parameter {name} must be {allowed}.",
        "zh-CN": "参数 {name} 必须是{allowed}。",
    },
    "problem.one_of": {"en": "one of {values}", "zh-CN": "以下之一：{values}"},
    "problem.a_number": {"en": "a number", "zh-CN": "数字"},
    "problem.number_range": {"en": "a number from 0 to {top}", "zh-CN": " 0 到 {top} 之间的数字"},
    "problem.account_not_found": {"en": "Account not found", "zh-CN": "找不到客户"},
    "problem.account_not_found.detail": {
        "en": "There is no account with the id {id}.",
        "zh-CN": "没有 ID 为 {id} 的客户。",
    },
    "problem.cross_site": {"en": "Cross-site request refused", "zh-CN": "已拒绝跨站请求"},
    "problem.cross_site.detail": {
        "en": "Sign out from this server's own pages.",
        "zh-CN": "请在本服务器自己的页面上退出登录。",
    },
    "problem.unknown_parameter": {"en": "Unknown parameter", "zh-CN": "未知参数"},
    "problem.unknown_parameter.detail": {
        "en": "This page takes no parameter {names}: check the address.",
        "zh-CN": "此页面不接受参数 {names}：请检查网址。",
    },
    "problem.timeout": {"en": "Request took too long", "zh-CN": "请求耗时过长"},
    "problem.timeout.detail": {
        "en": "The {what} took longer than the limit of {seconds} seconds (BUYERGRAPH_ANALYSIS_TIMEOUT_S); "
        "try a narrower request or raise the limit.",
        "zh-CN": "{what}超过了 {seconds} 秒的时限（BUYERGRAPH_ANALYSIS_TIMEOUT_S）；"
        "请缩小请求范围或调高时限。",
    },
    "problem.what_map": {"en": "committee map", "zh-CN": "委员会关系图的计算"},
    "problem.other": {"en": "This page cannot be shown", "zh-CN": "无法显示此页面"},
    "login.error.foreign_form": {
        "en": "This sign-in did not come from this server's own login form (or the form was too old). "
        "Please sign in again here.",
        "zh-CN": "此次登录不是来自本服务器自己的登录表单（或表单已过期）。请在这里重新登录。",
    },
    "login.error.unknown_key": {
        "en": "That key is unknown or revoked.",
        "zh-CN": "该密钥不存在或已被吊销。",
    },
    "login.error.cannot_read": {"en": "That key cannot read.", "zh-CN": "该密钥没有读取权限。"},
    "login.error.admin": {
        "en": "Admin keys cannot sign in to the pages: a browser session should not carry more than the "
        "pages need. Sign in with a read or write key, and use the admin key from the command line "
        "or the API (in the {header} header).",
        "zh-CN": "管理员密钥不能登录页面：浏览器会话不应拥有超出页面所需的权限。请用 read 或 write 密钥登录，"
        "管理员密钥请在命令行或 API 中使用（放在 {header} 请求头中）。",
    },
    # the account list (the book to triage)
    "list.summary": {"en": "{count} accounts", "zh-CN": "共 {count} 个客户"},
    "list.matching": {"en": "matching “{q}”", "zh-CN": "匹配“{q}”"},
    "list.search_label": {"en": "Search accounts", "zh-CN": "搜索客户"},
    "list.search_placeholder": {
        "en": "Name, domain or pinyin",
        "zh-CN": "名称、域名或拼音",
    },
    "list.search": {"en": "Search", "zh-CN": "搜索"},
    "list.never_refreshed": {
        "en": "not analysed yet (buyergraph refresh)",
        "zh-CN": "尚未分析（请运行 buyergraph refresh）",
    },
    "list.stale": {"en": "stale", "zh-CN": "待更新"},
    "list.stale_hint": {
        "en": "The account changed after these figures were computed; the next refresh updates them.",
        "zh-CN": "计算这些数据之后客户信息有变动，下次刷新时会更新。",
    },
    "list.as_of": {"en": "as of {day}", "zh-CN": "截至 {day}"},
    "list.at_risk": {"en": "at risk", "zh-CN": "有风险"},
    "list.gaps_high": {"en": "{count} high", "zh-CN": "高 {count}"},
    "list.gaps_title": {
        "en": "{high} high, {medium} medium, {low} low severity gaps in open deals",
        "zh-CN": "进行中商机的缺口：高 {high}、中 {medium}、低 {low}",
    },
    "list.touches": {"en": "{month}: {count} touches", "zh-CN": "{month}：{count} 次接触"},
    "list.no_chart": {"en": "no chart", "zh-CN": "无图表"},
    "list.empty": {"en": "No accounts match.", "zh-CN": "没有符合条件的客户。"},
    "list.empty_hint": {
        "en": "Load data with buyergraph ingest, or try buyergraph demo.",
        "zh-CN": "可用 buyergraph ingest 导入数据，或运行 buyergraph demo 体验。",
    },
    "list.mine": {"en": "My accounts", "zh-CN": "我的客户"},
    "list.all": {"en": "All accounts", "zh-CN": "全部客户"},
    "col.account": {"en": "Account", "zh-CN": "客户"},
    "col.industry": {"en": "Industry", "zh-CN": "行业"},
    "col.open_deals": {"en": "Open deals", "zh-CN": "进行中商机"},
    "col.coverage": {"en": "Coverage", "zh-CN": "覆盖率"},
    "col.coverage_hint": {
        "en": "Influence-weighted share of each open deal's key people our reps can reach",
        "zh-CN": "我方销售能接触到的关键人物占比（按影响力加权）",
    },
    "col.completeness": {"en": "Committee", "zh-CN": "委员会完整度"},
    "col.completeness_hint": {
        "en": "Share of the roles each open deal's template requires that someone holds",
        "zh-CN": "商机模板要求的角色中已有人担任的比例",
    },
    "col.gaps": {"en": "Gaps", "zh-CN": "缺口"},
    "col.engagement": {"en": "Engagement, 12 months", "zh-CN": "近 12 个月接触"},
    "col.stage": {"en": "Buying stage", "zh-CN": "采购阶段"},
    "col.risk": {"en": "Risk", "zh-CN": "风险"},
    "col.deal": {"en": "Deal", "zh-CN": "商机"},
    "col.deal_stage": {"en": "Stage", "zh-CN": "销售阶段"},
    "col.amount": {"en": "Amount", "zh-CN": "金额"},
    "col.close": {"en": "Close date", "zh-CN": "预计成交日期"},
    "col.owner": {"en": "Owner", "zh-CN": "负责人"},
    # filters and sorting of both lists
    "filter.legend": {"en": "Filter and sort", "zh-CN": "筛选与排序"},
    "filter.sort": {"en": "Sort by", "zh-CN": "排序方式"},
    "filter.any": {"en": "Any", "zh-CN": "全部"},
    "filter.yes": {"en": "Yes", "zh-CN": "是"},
    "filter.no": {"en": "No", "zh-CN": "否"},
    "filter.gap_kind": {"en": "Gap kind", "zh-CN": "缺口类型"},
    "filter.trend": {"en": "Engagement trend", "zh-CN": "接触趋势"},
    "filter.at_risk": {"en": "At risk", "zh-CN": "有风险"},
    "filter.stage": {"en": "Buying stage", "zh-CN": "采购阶段"},
    "filter.status": {"en": "Status", "zh-CN": "状态"},
    "filter.industry": {"en": "Industry", "zh-CN": "行业"},
    "filter.owner": {"en": "Owner (rep id)", "zh-CN": "负责销售（ID）"},
    "filter.me": {"en": "remember as me", "zh-CN": "记为“我”"},
    "filter.coverage": {"en": "Coverage", "zh-CN": "覆盖率"},
    "filter.completeness": {"en": "Committee", "zh-CN": "委员会完整度"},
    "filter.band_low": {"en": "below 40%", "zh-CN": "低于 40%"},
    "filter.band_mid": {"en": "40–70%", "zh-CN": "40%–70%"},
    "filter.band_high": {"en": "70% or more", "zh-CN": "70% 及以上"},
    "filter.min_gaps": {"en": "Gaps, at least", "zh-CN": "缺口至少"},
    "filter.min_gaps_high": {"en": "High gaps, at least", "zh-CN": "高风险缺口至少"},
    "filter.deal_stage": {"en": "Stage (exact)", "zh-CN": "销售阶段（精确）"},
    "filter.min_amount": {"en": "Amount, at least", "zh-CN": "金额至少"},
    "filter.apply": {"en": "Apply", "zh-CN": "应用"},
    "filter.reset": {"en": "Reset", "zh-CN": "重置"},
    "sort.name": {"en": "Name", "zh-CN": "名称"},
    "sort.coverage": {"en": "Coverage", "zh-CN": "覆盖率"},
    "sort.completeness": {"en": "Committee completeness", "zh-CN": "委员会完整度"},
    "sort.gaps_total": {"en": "Gaps", "zh-CN": "缺口数"},
    "sort.gaps_high": {"en": "High gaps", "zh-CN": "高风险缺口数"},
    "sort.engagement_score": {"en": "Engagement", "zh-CN": "接触热度"},
    "sort.amount": {"en": "Amount", "zh-CN": "金额"},
    "sort.ascending": {"en": "{name}, lowest first", "zh-CN": "{name}（从低到高）"},
    "sort.descending": {"en": "{name}, highest first", "zh-CN": "{name}（从高到低）"},
    "sort.name_ascending": {"en": "Name, A–Z", "zh-CN": "名称（顺序）"},
    "sort.name_descending": {"en": "Name, Z–A", "zh-CN": "名称（倒序）"},
    "pager.previous": {"en": "← Previous", "zh-CN": "← 上一页"},
    "pager.next": {"en": "Next →", "zh-CN": "下一页 →"},
    "pager.range": {"en": "{start}–{end} of {total}", "zh-CN": "第 {start}–{end} 条，共 {total} 条"},
    # the deals view
    "deals.title": {"en": "Deals", "zh-CN": "商机"},
    "deals.summary": {"en": "{count} deals", "zh-CN": "共 {count} 个商机"},
    "deals.empty": {"en": "No deals match.", "zh-CN": "没有符合条件的商机。"},
    "deals.search": {"en": "Deal or account name", "zh-CN": "商机或客户名称"},
    "deals.no_currency": {"en": " (no currency)", "zh-CN": "（未注明币种）"},
    "deals.no_gaps": {"en": "no gaps", "zh-CN": "无缺口"},
    "deals.not_analysed": {"en": "not analysed yet", "zh-CN": "尚未分析"},
    "col.win": {"en": "Win likelihood", "zh-CN": "赢单可能性"},
    "col.win_hint": {
        "en": "From the kept win model (buyergraph learn); – when no learned model is in use",
        "zh-CN": "来自已保存的赢单模型（buyergraph learn）；未使用学习模型时显示 –",
    },
    "deals.win_factors": {"en": "Why", "zh-CN": "原因"},
    "deals.win_model": {"en": "model {id}", "zh-CN": "模型 {id}"},
    "deals.win_configuration": {"en": "no learned model in use", "zh-CN": "未使用学习模型"},
    "deals.status": {"en": "Status", "zh-CN": "状态"},
    "status.open": {"en": "Open", "zh-CN": "进行中"},
    "status.won": {"en": "Won", "zh-CN": "已赢单"},
    "status.lost": {"en": "Lost", "zh-CN": "已丢单"},
    # the model page (/model)
    "model.title": {"en": "What wins: the learned models", "zh-CN": "赢单规律：学习得到的模型"},
    "model.none": {
        "en": "No model yet: run `buyergraph learn` once the store holds closed deals.",
        "zh-CN": "尚无模型：数据库中有已关闭的商机后，运行 `buyergraph learn`。",
    },
    "model.win": {"en": "Win likelihood of open deals", "zh-CN": "未结商机的赢单可能性"},
    "model.lead": {"en": "Lead-score weights", "zh-CN": "线索评分权重"},
    "model.versions": {"en": "Kept versions", "zh-CN": "已保存的版本"},
    "model.used": {"en": "In use", "zh-CN": "正在使用"},
    "model.not_used": {"en": "Not used: the configured weights stay", "zh-CN": "未使用：继续使用配置的权重"},
    "model.fit_on": {
        "en": "Fitted on {closed} deals closed from {first} to {last} ({won} won), as of {as_of}.",
        "zh-CN": "基于 {first} 至 {last} 关闭的 {closed} 个商机（赢 {won} 个）拟合，截至 {as_of}。",
    },
    "model.weights": {
        "en": "Weights (log-odds per unit) with 95% intervals",
        "zh-CN": "权重（每单位的对数几率）及 95% 区间",
    },
    "model.points": {
        "en": "Points per unit with 95% intervals",
        "zh-CN": "每单位分值及 95% 区间",
    },
    "model.constant": {"en": "the same on every deal: nothing learned", "zh-CN": "所有商机都相同：无从学习"},
    "model.back_test": {
        "en": "Back-test: fitted on {train} deals closed before {split}, scored on the {test} closed "
        "from then on ({won} won).",
        "zh-CN": "回测：用 {split} 之前关闭的 {train} 个商机拟合，"
        "对之后关闭的 {test} 个商机（赢 {won}）评分。",
    },
    "model.no_back_test": {
        "en": "No back-test: too few deals on one side of the split.",
        "zh-CN": "无法回测：分割日期一侧的商机太少。",
    },
    "model.scorer": {"en": "Scorer", "zh-CN": "评分方式"},
    "model.scorer.model": {"en": "Learned model", "zh-CN": "学习模型"},
    "model.scorer.configured": {"en": "Configured weights", "zh-CN": "配置的权重"},
    "model.scorer.naive_bayes": {"en": "Naive Bayes", "zh-CN": "朴素贝叶斯"},
    "model.lift": {"en": "Lift, top 10%", "zh-CN": "前 10% 提升度"},
    "model.calibration": {
        "en": "Calibration: predicted likelihood against the share won (dot size: deals)",
        "zh-CN": "校准：预测可能性与实际赢单比例（点的大小：商机数）",
    },
    "model.calibration_point": {
        "en": "{deals} deals: predicted {predicted}, won {won}",
        "zh-CN": "{deals} 个商机：预测 {predicted}，实际 {won}",
    },
    "model.predicted": {"en": "predicted", "zh-CN": "预测"},
    "model.won": {"en": "won", "zh-CN": "实际赢单"},
    "model.people": {
        "en": "{converters} people converted, {others} did not (minimum {minimum}).",
        "zh-CN": "{converters} 人转化，{others} 人未转化（最少需要 {minimum}）。",
    },
    "model.configured_weight": {"en": "configured {value}", "zh-CN": "配置值 {value}"},
    "model.feature.required_roles_missing": {
        "en": "required roles held by nobody",
        "zh-CN": "无人担任的必需角色",
    },
    "model.feature.stale_required_roles": {
        "en": "required roles not engaged lately",
        "zh-CN": "近期未接触的必需角色",
    },
    "model.feature.economic_buyer_engaged": {"en": "economic buyer engaged", "zh-CN": "预算审批人保持接触"},
    "model.feature.executive_engaged": {"en": "executive engaged", "zh-CN": "高管保持接触"},
    "model.feature.engaged_people": {"en": "engaged people", "zh-CN": "保持接触的人数"},
    "model.feature.engaged_functions": {"en": "engaged functions", "zh-CN": "保持接触的职能数"},
    "model.feature.coverage": {"en": "coverage", "zh-CN": "覆盖率"},
    "model.feature.decision_maker_tie": {"en": "tie to the decision maker", "zh-CN": "与决策者的关系强度"},
    "model.feature.high_gaps": {"en": "high-severity gaps", "zh-CN": "高严重度缺口"},
    "model.feature.size_band": {"en": "deal size band", "zh-CN": "金额档位"},
    "model.feature.months_open": {"en": "months open", "zh-CN": "已进行月数"},
    "model.feature.days_in_stage": {"en": "days in stage", "zh-CN": "在当前阶段的天数"},
    "model.feature.demo_minutes": {"en": "demo minutes", "zh-CN": "演示分钟数"},
    "model.feature.videos_watched": {"en": "videos watched", "zh-CN": "观看视频"},
    "model.feature.pages_viewed": {"en": "pages viewed", "zh-CN": "浏览网页"},
    "model.feature.content_downloaded": {"en": "content downloaded", "zh-CN": "资料下载"},
    "model.feature.webinars": {"en": "webinars", "zh-CN": "网络研讨会"},
    "model.feature.meetings": {"en": "meetings or visits", "zh-CN": "会议或拜访"},
    "model.feature.inbound_emails": {"en": "inbound e-mails", "zh-CN": "来信"},
    "model.feature.product_usage": {"en": "product-usage days", "zh-CN": "产品使用天数"},
    "model.col.id": {"en": "Version", "zh-CN": "版本"},
    "model.col.kind": {"en": "Kind", "zh-CN": "类型"},
    "model.col.fitted": {"en": "Fitted", "zh-CN": "拟合日期"},
    "model.col.as_of": {"en": "Data up to", "zh-CN": "数据截至"},
    "model.col.used": {"en": "Usable", "zh-CN": "可用"},
    "model.yes": {"en": "yes", "zh-CN": "是"},
    "model.no": {"en": "no", "zh-CN": "否"},
    # the committee map page
    "map.people": {"en": "{count} people", "zh-CN": "{count} 人"},
    "map.as_of": {"en": "as of {day}", "zh-CN": "截至 {day}"},
    "map.side": {"en": "Deal, path and legend", "zh-CN": "商机、路径与图例"},
    "map.warm_path": {"en": "Warm path", "zh-CN": "热路径"},
    "map.find": {"en": "Find a person", "zh-CN": "查找联系人"},
    "map.find_placeholder": {"en": "Find a person by name or title…", "zh-CN": "按姓名或职位查找…"},
    "map.find_none": {"en": "Nobody of that name or title here.", "zh-CN": "没有找到这个姓名或职位的人。"},
    "map.people_found": {"en": "People found", "zh-CN": "找到的人"},
    "map.click_hint": {
        "en": "Click a person on the map to see the warmest way in from our team.",
        "zh-CN": "点击图中的人，查看我方最热的接触路径。",
    },
    "map.legend": {"en": "Legend", "zh-CN": "图例"},
    "map.legend_roles": {"en": "Buying role (fill)", "zh-CN": "采购角色（填充色）"},
    "map.legend_engagement": {"en": "Engagement (border)", "zh-CN": "接触情况（边框）"},
    "map.legend_also": {"en": "Also", "zh-CN": "其他"},
    "map.folded": {
        "en": "The rest of the account is folded into departments: click one to open it.",
        "zh-CN": "其余人员按部门折叠：点击部门即可展开。",
    },
    "class.at_risk": {"en": "At risk", "zh-CN": "有风险"},
    "class.expand": {"en": "Expand", "zh-CN": "扩展"},
    "class.cash_cow": {"en": "Cash cow", "zh-CN": "稳定收入"},
    "class.key_target": {"en": "Key target", "zh-CN": "重点目标"},
    "class.nurture": {"en": "Nurture", "zh-CN": "培育"},
    "summary.title": {"en": "Account", "zh-CN": "客户概况"},
    "summary.usage_risk": {"en": "Usage risk", "zh-CN": "使用风险"},
    "summary.deal_risk": {"en": "Deal risk", "zh-CN": "商机风险"},
    "summary.usage": {"en": "Product usage", "zh-CN": "产品使用（30天活跃/席位）"},
    "map.deal": {"en": "Deal", "zh-CN": "商机"},
    "map.no_deals": {
        "en": "No open deals: the map shows the org chart and our touches.",
        "zh-CN": "没有进行中的商机：图中显示组织架构和我方的接触。",
    },
    "map.no_stage": {"en": "no stage", "zh-CN": "无阶段"},
    "map.template": {"en": "template", "zh-CN": "模板"},
    "map.closes": {"en": "closes", "zh-CN": "预计成交"},
    "map.coverage": {"en": "coverage", "zh-CN": "覆盖率"},
    "map.suggested": {
        "en": "Suggested members (not on the committee)",
        "zh-CN": "建议成员（尚未列入委员会）",
    },
    "map.committee": {"en": "Committee", "zh-CN": "采购委员会"},
    "map.committee_empty": {
        "en": "Nobody is on this deal's committee yet.",
        "zh-CN": "这个商机还没有委员会成员。",
    },
    "map.left": {"en": "left", "zh-CN": "已离职"},
    "map.engaged": {"en": "engaged", "zh-CN": "已接触"},
    "map.not_engaged": {"en": "not engaged", "zh-CN": "未接触"},
    "map.gaps": {"en": "Gaps", "zh-CN": "缺口"},
    "map.no_gaps": {
        "en": "No gaps: every required role is filled and engaged.",
        "zh-CN": "没有缺口：所有必需角色都已有人担任并保持接触。",
    },
    "map.notes": {"en": "Notes", "zh-CN": "备注"},
    "map.drawing": {"en": "Drawing {count} people…", "zh-CN": "正在绘制 {count} 人…"},
    "map.all_touches": {"en": "All our touches", "zh-CN": "我方全部接触"},
    "map.all_touches_hint": {
        "en": "Unchecked: only our ties to the committee and key people",
        "zh-CN": "不勾选：只显示我方与委员会及关键人物的联系",
    },
    "map.focus": {"en": "Committee", "zh-CN": "委员会"},
    "map.focus_hint": {"en": "Frame the deal's committee", "zh-CN": "聚焦到商机的委员会"},
    "map.fit": {"en": "Fit", "zh-CN": "全部"},
    "map.fit_hint": {"en": "Show the whole account", "zh-CN": "显示整个客户"},
    "map.clear_path": {"en": "Clear path", "zh-CN": "清除路径"},
    "map.clear_path_hint": {"en": "Clear the highlighted path", "zh-CN": "清除高亮的路径"},
    "map.aria": {"en": "Committee map of {name}", "zh-CN": "{name} 的采购委员会图"},
    "severity.high": {"en": "high", "zh-CN": "高"},
    "severity.medium": {"en": "medium", "zh-CN": "中"},
    "severity.low": {"en": "low", "zh-CN": "低"},
    "gap.missing_role": {"en": "missing role", "zh-CN": "缺少角色"},
    "gap.stale_role": {"en": "stale role", "zh-CN": "角色久未接触"},
    "gap.single_threaded": {"en": "single threaded", "zh-CN": "单线联系"},
    "gap.no_executive": {"en": "no executive", "zh-CN": "缺少高层"},
    "gap.unengaged_superior": {"en": "unengaged superior", "zh-CN": "上级未接触"},
    "gap.departed_member": {"en": "departed member", "zh-CN": "成员已离职"},
    "gap.role_conflict": {"en": "role conflict", "zh-CN": "角色冲突"},
    # cards, tooltips and the legend (built in viz/committee_map.py)
    "card.engaged": {"en": "engaged", "zh-CN": "已接触"},
    "card.cooling": {"en": "cooling", "zh-CN": "接触转冷"},
    "card.never": {"en": "never touched", "zh-CN": "从未接触"},
    "card.left": {"en": "left the company", "zh-CN": "已离职"},
    "engagement.engaged": {
        "en": "engaged (touched within {days} days)",
        "zh-CN": "已接触（{days} 天内有接触）",
    },
    "engagement.cooling": {
        "en": "cooling (last touch over {days} days ago)",
        "zh-CN": "转冷（最近一次接触在 {days} 天前）",
    },
    "engagement.never": {"en": "never touched", "zh-CN": "从未接触"},
    "legend.no_role": {"en": "No role on this deal", "zh-CN": "在此商机中无角色"},
    "legend.rep": {
        "en": "Our rep; a line to each person's closest rep, wider is stronger",
        "zh-CN": "我方销售；连线指向与每人关系最近的销售，越粗越强",
    },
    "legend.missing": {
        "en": "Missing role, beside its likeliest candidate",
        "zh-CN": "缺少的角色，位于最可能的人选旁",
    },
    "legend.left": {"en": "Left the company", "zh-CN": "已离职"},
    "legend.path": {"en": "Warm path from our team", "zh-CN": "我方的热路径"},
    "legend.size": {"en": "Size: influence score", "zh-CN": "大小：影响力得分"},
    "placeholder.label": {"en": "missing: {role}", "zh-CN": "缺少：{role}"},
    "placeholder.name": {"en": "Missing {role}", "zh-CN": "缺少{role}"},
    "placeholder.candidate": {"en": "candidate #{rank} for {role}", "zh-CN": "{role}第 {rank} 候选人"},
    "rep.title": {"en": "our team", "zh-CN": "我方团队"},
    "edge.dotted": {"en": "dotted-line report", "zh-CN": "虚线汇报"},
    "edge.inferred": {
        "en": "inferred reporting line ({confidence} confident): {reason}",
        "zh-CN": "推断的汇报关系（置信度 {confidence}），依据职级、职能和往来",
    },
    "edge.strength": {
        "en": "relationship strength {strength}: {count} touch{plural}, last {day}",
        "zh-CN": "关系强度 {strength}：{count} 次接触，最近一次 {day}",
    },
    "edge.more_reps": {
        "en": "; {count} more of our reps know them",
        "zh-CN": "；我方另有 {count} 位销售认识此人",
    },
    # the page script's words
    "js.department": {"en": "Department: ", "zh-CN": "部门："},
    "js.role": {"en": "Role: ", "zh-CN": "角色："},
    "js.influence": {"en": "Influence {score} (rank {rank})", "zh-CN": "影响力 {score}（第 {rank} 名）"},
    "js.last_touch": {"en": "Last touch: ", "zh-CN": "最近接触："},
    "js.never": {"en": "never", "zh-CN": "从未"},
    "js.left_company": {"en": "Left the company", "zh-CN": "已离职"},
    "js.left_by": {"en": " by ", "zh-CN": "，不晚于 "},
    "js.cluster_people": {
        "en": "{count} people outside the committee · click to open",
        "zh-CN": "委员会以外 {count} 人 · 点击展开",
    },
    "js.cluster_label": {"en": "{count} people", "zh-CN": "{count} 人"},
    "js.warmest": {"en": "Warmest path", "zh-CN": "最热路径"},
    "js.alternative": {"en": "Alternative {n}", "zh-CN": "备选 {n}"},
    "js.hops": {"en": "{n} hop(s)", "zh-CN": "{n} 步"},
    "js.cost": {"en": "cost {cost}", "zh-CN": "成本 {cost}"},
    "js.strength": {"en": "strength {strength}", "zh-CN": "强度 {strength}"},
    "js.finding": {"en": "Finding the warmest path…", "zh-CN": "正在查找最热路径…"},
    "path.none_within": {
        "en": "No warm path from our team within {hops} hops: nobody we touched in the last {days} days "
        "is close to this person.",
        "zh-CN": "{hops} 步之内没有来自我方团队的热路径：近 {days} 天内我方接触过的人都与此人不近。",
    },
    "js.path_error": {"en": "Could not load the path: ", "zh-CN": "无法加载路径："},
    # corrections on the map (issue 22)
    "fix.title": {"en": "Corrections", "zh-CN": "更正"},
    "fix.pick": {
        "en": "Click a person on the map (or find them above) to correct them.",
        "zh-CN": "在图上点击一个人（或在上方查找）以更正其信息。",
    },
    "fix.left_on": {"en": "Left on", "zh-CN": "离职日期"},
    "fix.mark_left": {"en": "Mark as left", "zh-CN": "标记为已离职"},
    "fix.reports_to": {"en": "Reports to", "zh-CN": "汇报给"},
    "fix.line.solid": {"en": "solid line", "zh-CN": "实线"},
    "fix.line.dotted": {"en": "dotted line", "zh-CN": "虚线"},
    "fix.save_line": {"en": "Save line", "zh-CN": "保存汇报关系"},
    "fix.draw_line": {"en": "Draw on the map", "zh-CN": "在图上连线"},
    "fix.role": {"en": "Role on this deal", "zh-CN": "在此商机中的角色"},
    "fix.assert_role": {"en": "Assert role", "zh-CN": "确认角色"},
    "fix.drag_hint": {
        "en": "Or drag a person onto a missing role's dashed box.",
        "zh-CN": "也可以把一个人拖到缺少角色的虚线框上。",
    },
    "fix.list": {"en": "Corrections on this account", "zh-CN": "此客户的更正"},
    "fix.none": {"en": "No corrections yet.", "zh-CN": "暂无更正。"},
    "fix.undo": {"en": "Undo", "zh-CN": "撤销"},
    "fix.by": {"en": "{author}, {day}", "zh-CN": "{author}，{day}"},
    "fix.read_only": {
        "en": "Sign in with a write key to correct roles, reporting lines and departures.",
        "zh-CN": "使用具有 write 权限的密钥登录后即可更正角色、汇报关系和离职信息。",
    },
    "fix.conflict.role": {
        "en": "Corrected; the {source} says: {role}",
        "zh-CN": "已更正；{source} 中为：{role}",
    },
    "fix.conflict.reporting": {
        "en": "Corrected; the {source} says: reports to {other} ({kind})",
        "zh-CN": "已更正；{source} 中为：汇报给 {other}（{kind}）",
    },
    "fix.conflict.works_here": {
        "en": "Corrected; the {source} says: still works here",
        "zh-CN": "已更正；{source} 中为：仍在职",
    },
    "fix.conflict.left_on": {
        "en": "Corrected; the {source} says: left on {day}",
        "zh-CN": "已更正；{source} 中为：于 {day} 离职",
    },
    "fix.text.role": {"en": "{person} is {role} on {deal}", "zh-CN": "{person} 在 {deal} 中是{role}"},
    "fix.text.role_withdrawn": {
        "en": "{person} is not {role} on {deal}",
        "zh-CN": "{person} 在 {deal} 中不是{role}",
    },
    "fix.text.role_withdrawn_any": {
        "en": "{person} has no role on {deal}",
        "zh-CN": "{person} 在 {deal} 中没有角色",
    },
    "fix.text.reporting": {
        "en": "{person} reports to {other} ({kind})",
        "zh-CN": "{person} 汇报给 {other}（{kind}）",
    },
    "fix.text.left": {"en": "{person} left on {day}", "zh-CN": "{person} 已于 {day} 离职"},
    "fix.text.knows": {"en": "{person} knows {other}", "zh-CN": "{person} 认识 {other}"},
    "fix.text.touch": {"en": "{touch} with {people}", "zh-CN": "与 {people} 的{touch}"},
    "fix.touch.meeting": {"en": "Meeting", "zh-CN": "会议"},
    "fix.touch.call": {"en": "Call", "zh-CN": "电话"},
    "fix.touch.visit": {"en": "Visit", "zh-CN": "拜访"},
    "js.fix_pick": {"en": "Click a person first.", "zh-CN": "请先点击一个人。"},
    "js.fix_selected": {"en": "Correcting: ", "zh-CN": "正在更正："},
    "js.fix_saving": {"en": "Saving…", "zh-CN": "正在保存…"},
    "js.fix_error": {"en": "Not saved: ", "zh-CN": "未保存："},
    "js.fix_draw": {
        "en": "Now click the manager of {name} on the map.",
        "zh-CN": "请在图上点击 {name} 的上级。",
    },
    "js.fix_drop": {"en": "Make {name} the {role} of this deal?", "zh-CN": "将 {name} 设为此商机的{role}？"},
    "js.conflict": {"en": "Correction: ", "zh-CN": "更正："},
}


def page_language(remembered: str | None, accept_language: str | None) -> str:
    """The pages' language without a `?lang=` choice: the remembered one (LANG_COOKIE), else the
    browser's Accept-Language, else English."""
    return normalize_language(remembered) or language_from_header(accept_language) or DEFAULT_LANGUAGE


class Words:
    """The words of one language, for the pages and the map data (unknown languages speak English)."""

    def __init__(self, lang: str = DEFAULT_LANGUAGE) -> None:
        self.lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
        #: Numbers, money and days as this language writes them.
        self.fmt = Formats(self.lang)

    def __call__(self, key: str, **params: Any) -> str:
        texts = PAGE_TEXT[key]
        text = texts.get(self.lang) or texts[DEFAULT_LANGUAGE]
        return text.format(**params) if params else text

    def role(self, role: BuyingRole | str) -> str:
        """A buying role as a label: 'Economic buyer', '预算审批人'."""
        name = role_name(role, self.lang)
        return name[:1].upper() + name[1:]

    def message(self, message: Message | None, fallback: str) -> str:
        """An analysis text in this language (the English `fallback` when it carries no message)."""
        return render(message, self.lang) if message is not None else fallback

    def script_texts(self) -> dict[str, str]:
        """What the page script says, keyed without the 'js.' prefix."""
        return {key[3:]: self(key) for key in PAGE_TEXT if key.startswith("js.")}
