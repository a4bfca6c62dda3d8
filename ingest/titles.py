"""Title intelligence: a free-text job title (English or Chinese) -> seniority, function, confidence.

CRM exports rarely carry a clean seniority or department, but nearly every contact has a title, and
the analyses (who is senior enough to sign, is IT or procurement in the room) need both. This module is
a small, explainable rule engine, not a model: every answer names the rule that decided it, so a user
who disagrees can see why.

How a title is read
-------------------
1. **Normalise**: NFKC (full-width -> half-width, ideographic space -> space), a small traditional ->
   simplified table for title words (總經理 -> 总经理), lower case, dotted acronyms joined (C.E.O. -> ceo),
   spaces put between Chinese and Latin runs ("销售VP" -> "销售 vp"), common abbreviations expanded
   (Sr., Mgr, Dir., SVP, AVP, GM, Eng ...).
2. **Seniority markers** are searched in a fixed order (most specific first); each match consumes its
   text so that a later, vaguer marker cannot re-read it ("Executive Assistant to the CEO" is one
   individual-level marker, the CEO inside it no longer counts). Among all markers found, the **most
   senior wins** ("董事长兼总经理", "EVP & CFO", "副总经理兼财务总监").
3. **Adjustments** to a marker, each named in ``rule``:

   - *deputy*: 副, "deputy", "vice", "assistant", "associate" in front of a title put the holder **one
     level lower** (副总监/Deputy Director -> manager, Deputy CEO/副总经理 -> vp, Assistant Manager ->
     individual). "Vice President" and 副总裁 are read as whole titles and land on vp. Board titles are
     the exception: a vice chairman (副董事长) is still on the board, so stays c_level.
   - *assistant to* (Chinese ``X助理``): two levels below X, clamped at individual. In Chinese companies
     总经理助理/总裁助理 is a management rank (director), while 经理助理 is a clerk. English "Assistant to
     the CEO" / "Executive Assistant" is read as a personal assistant: individual.
   - *scope*: a company-top title (President, General Manager, Managing Director, CxO, 总裁, 总经理)
     qualified by a region or division ("President, North America", 华东区总经理, 亚太区CFO) is one level
     lower (vp). A Chinese 总经理 of a department (信息技术部总经理, common in banks and SOEs) is the
     department head: director. 总经理 of a function (销售总经理) is vp.

Vocabulary decisions (documented because they are judgement calls)
-------------------------------------------------------------------
- VP / SVP / EVP / Vice President -> vp. **Head of X -> director** (LinkedIn-style usage: the person
  who runs a function below the executive team; "Global Head" is not promoted).
- Managing Director -> c_level (EU usage: the legal head of the company); General Manager -> c_level.
- Partner (without a qualifier) -> c_level (owner of a professional firm); HR/Talent Business Partner ->
  individual; Partner Manager -> manager.
- Chief of Staff -> vp; Chief Architect/Engineer/Scientist -> director (not officers).
- Account Manager, Key Account Manager, Customer Success Manager, Product Manager, 客户经理, 大客户经理,
  产品经理 -> individual: these "managers" manage an account or a product, not people.
- Team Lead / "X Lead" -> manager; Lead Engineer / Tech Lead -> individual.
- Function: a specific function keyword anywhere wins over the general-management words (副总经理兼
  财务总监 -> finance); if several specific ones appear, the first one wins (Purchasing & Logistics ->
  procurement). General-management words (CEO, 总经理, founder, chairman ...) give ``executive``.

Confidence is that of the deciding marker (0.95 for an unambiguous CxO, ~0.65 for a vague "Lead"),
lowered a little for each adjustment and when no function keyword was found; 0.35 when only a function
word was found (采购, "Sales": an individual contributor in that function); 0.1 when nothing matched.

>>> classify_title("副总经理兼财务总监")
TitleClass(seniority=<Seniority.VP: 'vp'>, function=<Function.FINANCE: 'finance'>, confidence=0.85, \
rule='zh:总经理 -> c_level | deputy -> vp', deputy=True)
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from typing import Literal

from graph.model import SENIORITY_ORDER, Function, Seniority

__all__ = [
    "TitleClass",
    "classify_title",
    "normalise_title",
    "title_language",
]

# ----------------------------------------------------------------------------------------------
# Normalisation tables
# ----------------------------------------------------------------------------------------------

#: Traditional -> simplified, only for characters that occur in title words (not a general converter).
_TRAD_SIMP_PAIRS = (
    "總总 經经 監监 財财 務务 購购 採采 資资 訊讯 術术 銷销 場场 產产 長长 員员 師师 關关 處处 專专 規规 "
    "營营 運运 發发 開开 應应 車车 廠厂 書书 實实 習习 會会 計计 導导 協协 執执 區区 業业 戶户 顧顾 問问 "
    "傳传 網网 絡络 維维 護护 質质 線线 團团 隊队 組组 設设 備备 數数 據据 雲云 電电 腦脑 軟软 體体 級级 "
    "廣广 劃划 輔辅 層层 預预 稅税 審审 權权 庫库 儲储 學学 醫医 藥药 東东 華华 國国 際际 貿贸 額额 "
    "銀银 行行 證证 券券 劵券 販贩 價价 錄录 碼码 測测 試试 營营 鏈链 樓楼 辦办 公公 黨党 紀纪 務务"
)
_TRAD_TO_SIMP = str.maketrans({pair[0]: pair[1] for pair in _TRAD_SIMP_PAIRS.split()})

_CJK = "\u3400-\u4dbf\u4e00-\u9fff"
_CJK_RE = re.compile(f"[{_CJK}]")

#: Abbreviations expanded word by word before matching.
_ABBREVIATIONS: dict[str, str] = {
    "sr": "senior",
    "snr": "senior",
    "jr": "junior",
    "mgr": "manager",
    "mngr": "manager",
    "dir": "director",
    "asst": "assistant",
    "assoc": "associate",
    "coord": "coordinator",
    "eng": "engineer",
    "engr": "engineer",
    "exec": "executive",
    "admin": "administrator",
    "ops": "operations",
    "mktg": "marketing",
    "mkt": "marketing",
    "acct": "account",
    "rep": "representative",
    "reps": "representative",
    "gm": "general manager",
    "pres": "president",
    "info": "information",
    "intl": "international",
    "mgmt": "management",
    "svc": "service",
    "sys": "system",
    "cust": "customer",
    "svp": "senior vice president",
    "evp": "executive vice president",
    "avp": "assistant vice president",
}
_ABBREV_RE = re.compile(r"(?<![\w&])(" + "|".join(map(re.escape, _ABBREVIATIONS)) + r")(?![\w&])")

# ----------------------------------------------------------------------------------------------
# Function keywords: (keyword, function, strength). Longest keyword wins at a position; a "strong"
# keyword anywhere beats executive words, which beat "weak" generic ones (engineer, 工程师).
# ----------------------------------------------------------------------------------------------


class _Strength(Enum):
    STRONG = 3
    EXECUTIVE = 2
    WEAK = 1
    NEUTRAL = 0  # consumes text without deciding ("vice president" must not read as "president")


_F = Function
_S = _Strength

# fmt: off
_FUNCTION_KEYWORDS_EN: dict[Function | None, tuple[str, ...]] = {
    _F.FINANCE: (
        "finance", "financial", "fp&a", "accounting", "accountant", "accounts payable",
        "accounts receivable", "bookkeeper", "controller", "comptroller", "treasurer", "treasury",
        "tax", "audit", "auditor", "cfo", "investor relations", "billing",
    ),
    _F.PROCUREMENT: (
        "procurement", "purchasing", "purchase", "sourcing", "buyer", "buying", "supplier", "vendor",
        "category manager", "tender", "tendering",
    ),
    _F.IT: (
        "it", "information", "information technology", "information systems", "information security",
        "infosec",
        "cyber security", "cybersecurity", "security", "cio", "ciso", "network", "system administrator",
        "systems administrator", "sysadmin", "help desk", "helpdesk", "service desk", "infrastructure",
        "erp", "sap", "cloud", "database", "digital", "chief data", "enterprise architect",
        "solutions architect", "desktop", "ict",
    ),
    _F.ENGINEERING: (
        "engineering", "r&d", "research", "software", "hardware", "cto", "technology", "devops", "qa",
        "developer", "development", "programmer", "mechanical", "electrical", "civil", "firmware",
        "scrum", "data engineer", "machine learning",
    ),
    _F.OPERATIONS: (
        "operations", "operating", "coo", "supply chain", "logistics", "warehouse", "manufacturing",
        "production", "plant", "factory", "quality", "supplier quality", "facilities", "facility",
        "process engineer", "maintenance", "fleet", "ehs",
    ),
    _F.SALES: (
        "sales", "business development", "bd", "account executive", "account manager", "key account",
        "revenue", "commercial", "channel", "partner manager", "presales", "pre sales",
        "sales engineer", "solutions engineer", "sdr", "bdr", "inside sales", "alliances",
    ),
    _F.MARKETING: (
        "marketing", "brand", "communications", "pr", "public relations", "content", "product marketing",
        "digital marketing", "content marketing", "growth", "demand generation", "graphic", "events",
        "cmo", "advertising", "social media", "seo",
    ),
    _F.HR: (
        "hr", "human resources", "people", "talent", "recruiting", "recruiter", "recruitment", "payroll",
        "training", "learning", "compensation", "benefits", "hrbp", "chro", "workforce",
    ),
    _F.LEGAL: (
        "legal", "counsel", "paralegal", "compliance", "attorney", "lawyer", "privacy",
        "data protection", "regulatory", "contracts",
    ),
    _F.PRODUCT: ("product", "ux", "ui", "user experience", "product owner"),
    _F.SUPPORT: (
        "support", "customer service", "customer success", "client success", "field service",
        "after sales", "chief customer",
    ),
    _F.EXECUTIVE: (
        "ceo", "chief executive", "president", "founder", "owner", "chairman", "chairwoman",
        "chairperson", "chair", "board", "managing director", "general manager", "geschäftsführer",
        "geschaftsfuhrer", "chief of staff", "executive assistant", "strategy", "partner",
        "executive director", "country manager", "trustee",
    ),
    None: ("vice president",),
}
# fmt: on

# fmt: off
_FUNCTION_KEYWORDS_ZH: dict[Function | None, tuple[str, ...]] = {
    _F.FINANCE: ("财务", "会计", "出纳", "审计", "税务", "资金", "成本", "预算", "财会", "结算"),
    _F.PROCUREMENT: ("采购", "招标", "招采", "供应商", "寻源", "采买"),
    _F.IT: (
        "信息", "信息技术", "运维", "网络", "网管", "系统管理", "数据库", "数字", "资讯", "电脑", "计算机",
    ),
    _F.ENGINEERING: (
        "研发", "技术", "开发", "软件", "硬件", "测试", "算法", "架构", "研究", "前端", "后端", "嵌入式",
        "总工程师", "副总工程师", "总工", "副总工",
    ),
    _F.OPERATIONS: (
        "运营", "生产", "供应链", "物流", "仓库", "仓储", "仓管", "厂", "车间", "质量", "品质", "质检",
        "工艺", "设备", "制造", "班组",
    ),
    _F.SALES: ("销售", "营销", "业务", "商务", "售前", "渠道", "大客户", "客户经理", "店长", "门店"),
    _F.MARKETING: (
        "市场", "品牌", "公关", "推广", "新媒体", "行销", "广告", "传播", "媒介", "首席营销官",
    ),
    _F.HR: ("人力", "人事", "招聘", "培训", "薪酬", "绩效", "员工关系", "人资"),
    _F.LEGAL: ("法务", "法律", "合规", "律师", "知识产权"),
    _F.PRODUCT: ("产品", "交互", "用户体验"),
    _F.SUPPORT: ("客服", "售后", "客户服务", "客户成功", "技术支持"),
    _F.EXECUTIVE: (
        "总经理", "总裁", "董事", "创始人", "创办人", "合伙人", "老板", "法人", "法定代表人", "总经办",
        "总裁办", "党委", "书记", "院长", "行长", "副总", "总助", "首席执行官", "监事", "董秘",
    ),
    # 副总监 is a deputy director, not a 副总 (deputy general manager).
    None: ("副总监",),
}
# fmt: on

#: Words that decide nothing on their own but, next to a specific keyword, still mean something.
_WEAK_KEYWORDS: dict[str, Function] = {
    "engineer": _F.ENGINEERING,
    "architect": _F.ENGINEERING,
    "scientist": _F.ENGINEERING,
    "technical": _F.ENGINEERING,
    "tech": _F.ENGINEERING,
    "工程师": _F.ENGINEERING,
    "工程": _F.ENGINEERING,
    "科学家": _F.ENGINEERING,
}


def _build_keyword_index() -> tuple[re.Pattern[str], dict[str, tuple[Function | None, _Strength]]]:
    index: dict[str, tuple[Function | None, _Strength]] = {}
    for table in (_FUNCTION_KEYWORDS_EN, _FUNCTION_KEYWORDS_ZH):
        for function, words in table.items():
            if function is None:
                strength = _S.NEUTRAL
            elif function is _F.EXECUTIVE:
                strength = _S.EXECUTIVE
            else:
                strength = _S.STRONG
            for word in words:
                index[word] = (function, strength)
    for word, function in _WEAK_KEYWORDS.items():
        index[word] = (function, _S.WEAK)
    parts = []
    for word in sorted(index, key=len, reverse=True):
        escaped = re.escape(word)
        # Latin keywords must be whole words; Chinese ones are substrings (Chinese has no spaces).
        parts.append(escaped if _CJK_RE.search(word) else rf"(?<![a-z0-9]){escaped}(?![a-z0-9])")
    return re.compile("|".join(parts)), index


_KEYWORD_RE, _KEYWORD_INDEX = _build_keyword_index()

# ----------------------------------------------------------------------------------------------
# Seniority markers, searched in this order; each match consumes its text.
# ----------------------------------------------------------------------------------------------

_C, _V, _D, _M, _I = (
    Seniority.C_LEVEL,
    Seniority.VP,
    Seniority.DIRECTOR,
    Seniority.MANAGER,
    Seniority.INDIVIDUAL,
)

#: plain: no adjustment but deputy; board: deputies stay on the board; top: company-top title that
#: a region/division scope lowers; gm: like top, and also lowered by a function or department scope
#: (总经理 of a department or function); unit: 主任 of a workshop is a manager; org: an office name
#: (总裁办) that only consumes text.
_Kind = Literal["plain", "board", "top", "gm", "unit", "org"]


@dataclass(frozen=True, slots=True)
class _Marker:
    lang: Literal["en", "zh"]
    name: str
    pattern: re.Pattern[str]
    level: Seniority | None
    confidence: float
    kind: _Kind = "plain"
    deputy: bool = False  # the title itself is a deputy title (副总, vice chairman)


def _en(
    name: str, pattern: str, level: Seniority | None, conf: float, kind: _Kind = "plain", deputy: bool = False
) -> _Marker:
    return _Marker("en", name, re.compile(pattern), level, conf, kind, deputy)


def _zh(
    name: str, pattern: str, level: Seniority | None, conf: float, kind: _Kind = "plain", deputy: bool = False
) -> _Marker:
    return _Marker("zh", name, re.compile(pattern), level, conf, kind, deputy)


_TO_WHOM = r"(?: to(?: the)? [a-z&' ]+)?"

# fmt: off
_MARKERS: tuple[_Marker, ...] = (
    # --- English ----------------------------------------------------------------------------
    _en("assistant-to", r"\b(?:executive|personal|administrative|administrator) assistant" + _TO_WHOM
        + r"|\b(?:assistant|secretary) to(?: the)? [a-z&' ]+", _I, 0.85),
    _en("chief-of-staff", r"\bchief of staff" + _TO_WHOM, _V, 0.85),
    _en("chief-specialist", r"\bchief (?:architect|engineer|scientist|economist|designer|technologist|"
        r"editor|actuary)\b", _D, 0.7),
    _en("vice-chair", r"\bvice chair(?:man|woman|person)?\b", _C, 0.9, "board", deputy=True),
    _en("board", r"\b(?:chair(?:man|woman|person)?(?: of the board)?|board member|member of the board"
        r"(?: of directors)?|(?:non executive|independent|executive) director|director of the board|"
        r"board director|trustee)\b", _C, 0.9, "board"),
    _en("founder", r"\b(?:co )?founder\b", _C, 0.95),
    _en("ic-owner", r"\b(?:product|process|business process|data|service|system|application|content) "
        r"owner\b", _I, 0.8),
    _en("owner", r"\bowner\b", _C, 0.8),
    _en("vp-gm", r"\bvice president (?:and|&) general manager\b", _V, 0.85),
    _en("vp", r"\b(?:(?:senior|executive|group|corporate|regional) )?vice president\b|\bvp\b", _V, 0.9),
    _en("president", r"\bpresident\b", _C, 0.9, "top"),
    _en("cxo", r"\bc(?:eo|fo|to|io|oo|mo|ro|po|so|do|co|ao|lo|no|hro|iso|xo)\b", _C, 0.95, "top"),
    _en("chief-x", r"\bchief (?:[a-z&]+ ){1,4}officer\b|\bchief executive\b", _C, 0.95, "top"),
    _en("managing-director", r"\bmanaging director\b|\bgeschäftsführer(?:in)?\b|\bgeschaftsfuhrer\b",
        _C, 0.9, "gm"),
    _en("general-manager", r"\bgeneral manager\b", _C, 0.85, "gm"),
    _en("country-head", r"\bcountry (?:manager|head|director)\b", _V, 0.8),
    _en("general-counsel", r"\bgeneral counsel\b", _V, 0.8),
    _en("head-of", r"\b(?:global |group )?head(?: of)?\b", _D, 0.8),
    _en("controller", r"\b(?:controller|comptroller|treasurer)\b", _D, 0.7),
    _en("plant-manager", r"\b(?:plant|factory|site) (?:manager|director)\b", _D, 0.75),
    _en("director", r"\bdirector\b", _D, 0.9),
    _en("tech-lead", r"\b(?:tech|technical) lead\b", _I, 0.7),
    _en("team-lead", r"\bteam lead(?:er)?\b", _M, 0.8),
    _en("x-lead", r"\blead(?:er)?\b(?=\s*(?:,|&|\band\b|$))", _M, 0.65),
    _en("account-manager", r"\b(?:key )?account manager\b|\b(?:customer|client) success manager\b|"
        r"\bproduct manager\b", _I, 0.75),
    _en("partner-manager", r"\bpartner manager\b", _M, 0.8),
    _en("business-partner", r"\b(?:business|talent(?: acquisition)?|hr|people|finance) partner\b",
        _I, 0.75),
    _en("partner", r"\bpartner\b", _C, 0.75),
    _en("manager", r"\b(?:manager|supervisor|superintendent|foreman)\b", _M, 0.85),
    _en("individual", r"\b(?:engineer|developer|programmer|analyst|specialist|assistant|associate|"
        r"intern|trainee|apprentice|coordinator|consultant|representative|sdr|bdr|executive|officer|"
        r"accountant|bookkeeper|buyer|recruiter|administrator|technician|designer|architect|scientist|"
        r"counsel|paralegal|attorney|lawyer|receptionist|agent|clerk|auditor|planner|advisor|adviser|"
        r"tester|operator|scrum master|secretary|researcher|writer|staff|expert|advocate|"
        r"generalist)\b", _I, 0.8),
    # --- Chinese ----------------------------------------------------------------------------
    _zh("董事会秘书", r"董事会秘书|董秘", _V, 0.9),
    _zh("总裁办", r"总裁办(?:公室)?|总经理办公室|总经办|董事长办公室|董事会办公室", None, 0.0, "org"),
    _zh("董事长", r"(?P<dep>副)?董事长|董事会主席|监事会主席|(?:独立|执行|非执行)?董事|监事", _C, 0.95,
        "board"),
    _zh("首席x官", r"首席[^\s,兼/&|]{1,8}?官", _C, 0.95, "top"),
    _zh("首席专家", r"首席(?:科学家|架构师|工程师|专家|顾问|设计师|分析师|技术专家)", _D, 0.7),
    _zh("总裁", r"(?P<dep>副)?总裁", _C, 0.95, "top"),
    _zh("总经理", r"(?P<dep>副)?总经理", _C, 0.9, "gm"),
    _zh("创始人", r"(?:联合)?(?:创始人|创办人)", _C, 0.95),
    _zh("合伙人", r"合伙人", _C, 0.85),
    _zh("法定代表人", r"法定代表人|法人代表|老板", _C, 0.85),
    _zh("党委书记", r"(?:党委|党组)(?P<dep>副)?书记", _C, 0.85),
    _zh("院长", r"(?P<dep>副)?(?:院长|行长|校长)", _C, 0.8, "top"),
    _zh("总会计师", r"(?P<dep>副)?总会计师", _C, 0.85),
    _zh("总工程师", r"(?P<dep>副)?(?:总工程师|总经济师|总工)", _V, 0.85),
    _zh("副总", r"副总(?!监|经理|裁|工|会计|经济)", _V, 0.85, deputy=True),
    _zh("总助", r"总助", _D, 0.8),
    _zh("总监", r"(?P<dep>副)?总监", _D, 0.9),
    _zh("协理", r"协理", _D, 0.75),
    _zh("部长", r"(?P<dep>副)?部长", _D, 0.85),
    _zh("处长", r"(?P<dep>副)?处长", _D, 0.85),
    _zh("所长", r"(?P<dep>副)?所长", _D, 0.8),
    _zh("厂长", r"(?P<dep>副)?厂长", _D, 0.85),
    _zh("主任", r"(?P<dep>副)?主任", _D, 0.75, "unit"),
    _zh("负责人", r"负责人", _D, 0.7),
    _zh("客户经理", r"大?客户(?:成功|销售)?经理|产品经理", _I, 0.75),
    _zh("经理", r"(?P<dep>副)?经理", _M, 0.85),
    _zh("科长", r"(?P<dep>副)?科长", _M, 0.85),
    _zh("主管", r"主管", _M, 0.8),
    _zh("组长", r"(?:班组|小组)?组长|班长|店长|队长|课长", _M, 0.75),
    _zh("专员", r"专员|工程师|助理|实习生|实习|管培生|文员|前台|会计|出纳|顾问|代表|秘书|员|师|网管",
        _I, 0.8),
)
# fmt: on

#: Words in front of an English title that make its holder a deputy (one level lower).
_EN_DEPUTY_WORDS = frozenset({"deputy", "vice", "assistant", "associate"})
#: Region or division words that make a company-top title a regional one.
_EN_REGION_RE = re.compile(
    r"\b(?:regional|region|country|division|divisional|business unit|bu|emea|apac|apj|americas|latam|"
    r"dach|nordics?|benelux|asia|asia pacific|europe|european|north america|south america|"
    r"greater china|china|japan|korea|india|germany|france|uk|subsidiary|branch)\b"
)
_ZH_REGION_RE = re.compile(r"区|事业部|事业群|分公司|子公司|分部|分院|分行|支行|分厂|板块")
_ZH_DEPARTMENT_END_RE = re.compile(r"(?:(?<!事业)部|中心|部门)$")
_ZH_IN_CHARGE_RE = re.compile(r"分管|主管|负责")
_ZH_SMALL_UNIT_RE = re.compile(r"(?:车间|班组|工段|科室|仓库)$")
_SEPARATORS = ",&|/兼、"


@dataclass(frozen=True, slots=True)
class TitleClass:
    """What a title says about its holder; ``rule`` names the rule that decided, for explanations."""

    seniority: Seniority
    function: Function
    confidence: float
    rule: str
    deputy: bool = False


@dataclass(frozen=True, slots=True)
class _Hit:
    level: Seniority
    confidence: float
    rule: str
    deputy: bool
    start: int
    base: Seniority  # the marker's level before adjustments


# ----------------------------------------------------------------------------------------------
# Public functions
# ----------------------------------------------------------------------------------------------


def title_language(title: str | None) -> Literal["zh", "en"]:
    """ "zh" if the title contains any Chinese character (mixed titles count as Chinese), else "en"."""
    if title and _CJK_RE.search(unicodedata.normalize("NFKC", title)):
        return "zh"
    return "en"


def normalise_title(title: str) -> str:
    """The matching form of a title: half-width, simplified, lower case, abbreviations expanded.

    >>> normalise_title("Sr. Dir., Global Sourcing")
    'senior director , global sourcing'
    >>> normalise_title("销售VP（华东）")
    '销售 vp , 华东'
    """
    text = unicodedata.normalize("NFKC", title).translate(_TRAD_TO_SIMP).lower()
    text = re.sub(r"(?<=[a-z])\.", "", text)  # C.E.O. -> ceo, Sr. -> sr, Dir. -> dir
    text = re.sub(r"['’]s\b", "", text)
    text = re.sub(rf"(?<=[{_CJK}])(?=[a-z0-9])|(?<=[a-z0-9])(?=[{_CJK}])", " ", text)
    text = re.sub(r"[-_‐–]", " ", text)
    text = re.sub(r"[^\w&\s]", " , ", text)
    text = _ABBREV_RE.sub(lambda m: _ABBREVIATIONS[m.group(1)], text)
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"(?:\s*,\s*)+", " , ", text)
    return text.strip(" ,")


def classify_title(title: str | None) -> TitleClass:
    """Seniority, function and confidence of a job title, with the rule that decided.

    >>> classify_title("Head of IT").seniority, classify_title("Head of IT").function
    (<Seniority.DIRECTOR: 'director'>, <Function.IT: 'it'>)
    >>> classify_title("副总监").seniority
    <Seniority.MANAGER: 'manager'>
    >>> classify_title(None).rule
    'empty'
    """
    if title is None or not title.strip():
        return TitleClass(Seniority.UNKNOWN, Function.OTHER, 0.0, "empty", False)
    text = normalise_title(title)
    if not text:
        return TitleClass(Seniority.UNKNOWN, Function.OTHER, 0.0, "empty", False)

    function, function_strength = _classify_function(text)
    hits = _seniority_hits(text)
    lang = title_language(title)

    if not hits:
        if function_strength is not None:
            return TitleClass(
                Seniority.INDIVIDUAL, function, 0.35, f"{lang}:function-only -> individual", False
            )
        return TitleClass(Seniority.UNKNOWN, function, 0.1, "no-match", False)

    # Most senior wins; on a tie the hit from the more senior title (before adjustments) explains more
    # ("Assistant Manager": a lowered manager, not the word "assistant"), then confidence, then position.
    best = min(hits, key=lambda h: (_rank(h.level), _rank(h.base), -h.confidence, h.start))
    confidence = best.confidence
    if len({h.level for h in hits}) > 1 and _rank(best.level) >= _rank(Seniority.DIRECTOR):
        confidence -= 0.05  # mixed signals below the top levels are a little less certain
    if function_strength is None:
        confidence *= 0.9
    return TitleClass(best.level, function, round(max(0.05, min(1.0, confidence)), 2), best.rule, best.deputy)


# ----------------------------------------------------------------------------------------------
# Internals
# ----------------------------------------------------------------------------------------------


def _rank(level: Seniority) -> int:
    return SENIORITY_ORDER.index(level) if level in SENIORITY_ORDER else len(SENIORITY_ORDER)


def _lower(level: Seniority, steps: int) -> Seniority:
    """``steps`` levels further down, never below individual."""
    return SENIORITY_ORDER[min(_rank(level) + steps, len(SENIORITY_ORDER) - 1)]


def _keyword_hits(text: str) -> Iterable[tuple[int, str, Function | None, _Strength]]:
    for match in _KEYWORD_RE.finditer(text):
        function, strength = _KEYWORD_INDEX[match.group(0)]
        yield match.start(), match.group(0), function, strength


def _classify_function(text: str) -> tuple[Function, _Strength | None]:
    """First strong keyword, else executive words, else a weak keyword, else other."""
    best: dict[_Strength, Function] = {}
    for _, _, function, strength in _keyword_hits(text):
        if function is not None and strength not in best:
            best[strength] = function
    for strength in (_S.STRONG, _S.EXECUTIVE, _S.WEAK):
        if strength in best:
            return best[strength], strength
    return Function.OTHER, None


def _has_specific_function(text: str) -> bool:
    return any(strength is _S.STRONG for _, _, _, strength in _keyword_hits(text))


def _segment_before(text: str, start: int) -> str:
    """The text in front of a match, back to the previous separator (兼, comma, &, /)."""
    prefix = text[:start]
    cut = max(prefix.rfind(sep) for sep in _SEPARATORS)
    if (and_at := prefix.rfind(" and ")) > cut:
        cut = and_at + 4
    return prefix[cut + 1 :].strip()


def _segment_after(text: str, end: int) -> str:
    return text[end:].lstrip()


def _seniority_hits(text: str) -> list[_Hit]:
    work = text
    hits: list[_Hit] = []
    for marker in _MARKERS:
        for match in list(marker.pattern.finditer(work)):
            start, end = match.span()
            work = work[:start] + " " * (end - start) + work[end:]
            if marker.level is None:
                continue
            hit = _adjust(marker, match, text, work)
            hits.append(hit)
    return hits


def _adjust(marker: _Marker, match: re.Match[str], text: str, work: str) -> _Hit:
    """Apply the deputy, assistant-to and scope adjustments to one marker match."""
    assert marker.level is not None
    level = marker.level
    confidence = marker.confidence
    start, end = match.span()
    rule = f"{marker.lang}:{marker.name} -> {level.value}"
    deputy = marker.deputy

    # Deputy: 副 is part of the Chinese patterns; English looks at up to three words in front.
    if marker.lang == "zh":
        is_deputy = bool(match.groupdict().get("dep"))
    else:
        words = _segment_before(work, start).split()[-3:]
        is_deputy = level is not Seniority.INDIVIDUAL and bool(_EN_DEPUTY_WORDS.intersection(words))
    if is_deputy:
        deputy = True
        if marker.kind != "board":
            level = _lower(level, 1)
            confidence -= 0.05
            rule += f" | deputy -> {level.value}"

    before = _segment_before(text, start)
    after = _segment_after(text, end)

    # Scope: a company-top title of a region, division, department or function is not company-top.
    if marker.kind in ("top", "gm"):
        scope: str | None = None
        if marker.lang == "zh" and marker.kind == "gm" and _ZH_DEPARTMENT_END_RE.search(before):
            scope, steps = "department", 2
        elif _ZH_REGION_RE.search(before) or _EN_REGION_RE.search(text):
            scope, steps = "region", 1
        elif marker.kind == "gm":
            in_charge = marker.lang == "zh" and _ZH_IN_CHARGE_RE.search(before)
            scoped_text = before if marker.lang == "zh" else text
            if not in_charge and _has_specific_function(scoped_text):
                scope, steps = "function", 1
        if scope is not None:
            level = _lower(level, steps)
            confidence -= 0.1
            rule += f" | scope:{scope} -> {level.value}"
    elif marker.kind == "unit" and _ZH_SMALL_UNIT_RE.search(before):
        level = _lower(level, 1)
        confidence -= 0.05
        rule += f" | scope:unit -> {level.value}"

    # Chinese "X助理" is two levels below X; "X秘书" is a personal secretary.
    if marker.lang == "zh" or _CJK_RE.search(after[:1]):
        if after.startswith("助理") and level is not Seniority.INDIVIDUAL:
            level = _lower(level, 2)
            confidence -= 0.1
            rule += f" | +助理 -> {level.value}"
        elif after.startswith("秘书") and level is not Seniority.INDIVIDUAL:
            level = Seniority.INDIVIDUAL
            confidence -= 0.05
            rule += " | +秘书 -> individual"

    return _Hit(level, confidence, rule, deputy, start, marker.level)
