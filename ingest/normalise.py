"""Normalisation of the messy values CRM exports carry: company names, e-mails, domains, dates, numbers.

Pure functions, no I/O. Each returns a canonical form (or a matching key) so that the same thing
written two ways compares equal, and each documents what it will *not* merge, because a wrong merge
in the identity resolver is worse than a missed one.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal
from urllib.parse import urlsplit

from graph.errors import InvalidInputError

__all__ = [
    "FREE_MAIL_DOMAINS",
    "PLACEHOLDER_DOMAINS",
    "PLACEHOLDER_TLDS",
    "canonical_email_key",
    "chinese_short_name_key",
    "geographic_qualifiers",
    "is_placeholder_domain",
    "same_given_name",
    "normalise_place",
    "domain_from_website",
    "email_domain",
    "is_free_mail",
    "normalise_company_name",
    "normalise_email",
    "parse_date",
    "parse_datetime",
    "parse_number",
    "to_halfwidth",
]

# ----------------------------------------------------------------------------------------------
# Width
# ----------------------------------------------------------------------------------------------

_HALFWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_HALFWIDTH[0x3000] = 0x20  # ideographic space


def to_halfwidth(text: str) -> str:
    """Full-width ASCII forms (ＡＢＣ１２３（）＠) and the ideographic space as plain ASCII.

    Narrower than NFKC on purpose: it leaves everything else (CJK, ①, ligatures) untouched, so it is
    safe for display values, not only for matching keys.

    >>> to_halfwidth("ＩＴ经理（信息部）")
    'IT经理(信息部)'
    """
    return text.translate(_HALFWIDTH)


# ----------------------------------------------------------------------------------------------
# Company names
# ----------------------------------------------------------------------------------------------

#: Legal-form and group words stripped from the end of a name, repeatedly ("Acme Holdings Co., Ltd.").
#: "group"/集团 and "holding(s)"/控股 are stripped too: in CRM data "阿里巴巴集团" and "阿里巴巴" are
#: the same account far more often than not; the parent/subsidiary structure is carried by parent_id
#: and domains, never by the name key.
# fmt: off
_EN_SUFFIXES = frozenset(
    {
        "inc", "incorporated", "corp", "corporation", "co", "company", "ltd", "limited", "llc", "llp",
        "lp", "plc", "gmbh", "ag", "kg", "se", "sa", "sas", "sarl", "srl", "spa", "bv", "nv", "pty",
        "pte", "pvt", "private", "public", "kk", "oy", "oyj", "ab", "asa", "as", "aps", "sdn", "bhd",
        "ltda", "cv", "de", "group", "holding", "holdings", "and", "&",
    }
)
# fmt: on
#: Chinese and Japanese legal forms, longest first so that the longest matching form is removed.
# fmt: off
_ZH_SUFFIXES = tuple(
    sorted(
        (
            "股份有限公司", "有限责任公司", "有限公司", "股份公司", "总公司", "公司", "集团", "控股",
            "股份", "株式会社", "有限会社", "合伙企业", "(有限合伙)", "有限合伙",
        ),
        key=len,
        reverse=True,
    )
)
# fmt: on
#: Parenthesised markers removed anywhere in a name: a region, or a short Chinese place name.
# fmt: off
_REGION_WORDS = frozenset(
    {
        "china", "prc", "shanghai", "beijing", "shenzhen", "guangzhou", "hong kong", "hongkong", "hk",
        "taiwan", "asia", "asia pacific", "apac", "emea", "europe", "usa", "us", "uk", "germany",
        "deutschland", "japan", "singapore", "international", "global", "group", "holding", "holdings",
    }
)
# fmt: on
_PAREN_RE = re.compile(r"\(([^()]*)\)")
_CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


def _is_region_marker(content: str) -> bool:
    content = content.strip().lower()
    if content in _REGION_WORDS or content in {"中国", "集团", "控股"}:
        return True
    cjk_only = bool(content) and all(_CJK_RE.match(ch) for ch in content)
    return cjk_only and len(content) <= 4  # (上海), (深圳), (中国区), (亚太)


def normalise_company_name(name: str | None) -> str:
    """A matching key for a company name; "" for a blank name (never a key that matches).

    Steps: NFKC (full-width -> half-width), lower case, parenthesised region markers removed ("(中国)",
    "（上海）", "(China)"), punctuation dropped (L.L.C. -> llc, Coca-Cola -> cocacola), legal forms
    stripped from the end repeatedly in English and Chinese, whitespace removed.

    Deliberately *not* done, because each merges different companies: stripping a leading 中国 (中国银行
    is not 银行, 中国移动 is not 移动), stripping city prefixes (北京字节跳动 vs 字节跳动: the resolver's
    job, with domains), dropping industry words (科技, Technologies), converting traditional to
    simplified Chinese, or fuzzy matching. A name that is nothing but a legal form ("Limited",
    "有限公司") is kept as it is rather than stripped to nothing.

    >>> normalise_company_name("阿里巴巴（中国）有限公司")
    '阿里巴巴'
    >>> normalise_company_name("Acme Holdings Co., Ltd.")
    'acme'
    """
    if name is None:
        return ""
    text = unicodedata.normalize("NFKC", name).lower().strip()
    text = _PAREN_RE.sub(lambda m: " " if _is_region_marker(m.group(1)) else f" {m.group(1)} ", text)
    text = text.replace("&", " & ")
    text = re.sub(r"(?<=\w)[.\-\u2010](?=\w)", "", text)  # s.a. -> sa, l.l.c -> llc, Coca-Cola -> cocacola
    text = re.sub(r"[^\w&\s]", " ", text)  # punctuation, including a dangling "."
    text = re.sub(r"^the\s+", "", text.strip())
    tokens = text.split()
    while tokens:
        last = tokens[-1]
        if last in _EN_SUFFIXES and len(tokens) > 1:
            tokens.pop()
            continue
        stripped = _strip_zh_suffix(last)
        if stripped != last:
            if stripped:
                tokens[-1] = stripped
            elif len(tokens) > 1:
                tokens.pop()
            else:
                break
            continue
        break
    return "".join(tokens)


def _strip_zh_suffix(token: str) -> str:
    for suffix in _ZH_SUFFIXES:
        if token.endswith(suffix) and len(token) > len(suffix):
            return token[: -len(suffix)]
        if token == suffix:
            return ""
    return token


#: Words that, added to a company name, say *which* office or subsidiary it is ("United Oil & Gas, UK",
#: "Acme Singapore", "Acme (Deutschland)"): a name that carries one is a different legal entity from the
#: name without it, so the resolver never merges the two (see `geographic_qualifiers`). Each maps to one
#: canonical code so that "UK" and "United Kingdom" qualify the same way.
# fmt: off
_PLACES: dict[str, str] = {
    "uk": "gb", "united kingdom": "gb", "great britain": "gb", "britain": "gb", "england": "gb", "gb": "gb",
    "us": "us", "usa": "us", "united states": "us", "america": "us", "u s": "us", "u s a": "us",
    "canada": "ca", "mexico": "mx", "brazil": "br", "brasil": "br", "argentina": "ar", "chile": "cl",
    "germany": "de", "deutschland": "de", "france": "fr", "italy": "it", "italia": "it", "spain": "es",
    "espana": "es", "portugal": "pt", "netherlands": "nl", "nederland": "nl", "belgium": "be",
    "switzerland": "ch", "schweiz": "ch", "austria": "at", "ireland": "ie", "sweden": "se",
    "norway": "no", "denmark": "dk", "finland": "fi", "poland": "pl", "russia": "ru", "turkey": "tr",
    "israel": "il", "uae": "ae", "dubai": "ae", "saudi arabia": "sa", "south africa": "za",
    "nigeria": "ng", "egypt": "eg", "kenya": "ke", "india": "in", "pakistan": "pk",
    "singapore": "sg", "malaysia": "my", "indonesia": "id", "thailand": "th", "vietnam": "vn",
    "philippines": "ph", "japan": "jp", "korea": "kr", "south korea": "kr", "australia": "au",
    "new zealand": "nz", "china": "cn", "prc": "cn", "hong kong": "hk", "hongkong": "hk", "hk": "hk",
    "taiwan": "tw", "macau": "mo",
    "emea": "emea", "apac": "apac", "asia pacific": "apac", "asia": "asia", "europe": "europe",
    "latam": "latam", "latin america": "latam", "north america": "na", "americas": "americas",
    "middle east": "me", "nordics": "nordics", "benelux": "benelux",
    "shanghai": "shanghai", "beijing": "beijing", "shenzhen": "shenzhen", "guangzhou": "guangzhou",
    "london": "london", "paris": "paris", "tokyo": "tokyo", "new york": "new york",
    "中国": "cn", "中國": "cn", "香港": "hk", "台湾": "tw", "台灣": "tw", "澳门": "mo", "美国": "us",
    "英国": "gb", "德国": "de", "法国": "fr", "日本": "jp", "新加坡": "sg", "亚太": "apac",
    "中国区": "cn", "大中华区": "greater china", "华东": "华东", "华南": "华南", "华北": "华北",
    "华中": "华中", "西南": "西南", "西北": "西北", "东北": "东北",
}
# fmt: on
#: A Chinese branch or office named after its place: 北京分公司, 上海办事处, 深圳分行.
_ZH_BRANCH_RE = re.compile(r"(?:分公司|办事处|代表处|分部|分行|支行|分厂|分院)$")
#: Regions and cities a Chinese name may start with (深圳中科能源): stripped for short-name matching only.
# fmt: off
_ZH_PLACE_PREFIXES = tuple(
    sorted(
        (
            "北京", "上海", "天津", "重庆", "深圳", "广州", "杭州", "南京", "苏州", "成都", "武汉",
            "西安", "长沙", "郑州", "济南", "青岛", "大连", "沈阳", "哈尔滨", "长春", "石家庄", "太原",
            "合肥", "福州", "厦门", "南昌", "南宁", "昆明", "贵阳", "海口", "兰州", "银川", "西宁",
            "乌鲁木齐", "拉萨", "呼和浩特", "宁波", "无锡", "东莞", "佛山", "珠海", "香港", "澳门", "台湾",
            "广东", "江苏", "浙江", "山东", "河南", "河北", "湖南", "湖北", "四川", "福建", "安徽", "江西",
            "广西", "云南", "贵州", "山西", "陕西", "甘肃", "辽宁", "吉林", "黑龙江", "海南", "内蒙古",
            "新疆", "西藏", "宁夏", "青海",
        ),
        key=len,
        reverse=True,
    )
)
# fmt: on


_OF_WORDS = frozenset({"of", "de", "du", "des", "der", "di", "do", "da"})


def _zh_branch_place(before: str) -> str:
    """The place a Chinese branch is named after: the longest known place name ending `before`
    (华为技术有限公司北京 -> 北京), else its last two characters."""
    for place in sorted(
        (*_ZH_PLACE_PREFIXES, *(p for p in _PLACES if _CJK_RE.match(p))), key=len, reverse=True
    ):
        if before.endswith(place):
            return _PLACES.get(place, place)
    return before[-2:]


def normalise_place(value: str | None) -> str | None:
    """A comparable form of a country or city value ("United Kingdom" and "UK" -> "gb"); None if blank."""
    if value is None:
        return None
    text = re.sub(r"[^\w\s]", " ", unicodedata.normalize("NFKC", value).lower())
    text = " ".join(text.split())
    if not text:
        return None
    return _PLACES.get(text, text)


def geographic_qualifiers(name: str | None) -> frozenset[str]:
    """The places a company name singles out an office or subsidiary by, canonical.

    "United Oil & Gas, UK" -> {"gb"}; "United Oil & Gas Corp." -> {}; "阿里巴巴（中国）有限公司" ->
    {"cn"}; "华为技术有限公司北京分公司" -> {"北京"}. Found in brackets, after a comma or dash, as the
    last words before the legal form, and in a Chinese branch suffix. A leading Chinese place name
    (深圳中科能源) is *not* a qualifier: it is where the company is registered, part of its name.

    >>> sorted(geographic_qualifiers("United Oil & Gas, Singapore"))
    ['sg']
    """
    if not name:
        return frozenset()
    text = unicodedata.normalize("NFKC", name).lower().strip()
    found: set[str] = set()
    for inner in _PAREN_RE.findall(text):
        place = normalise_place(inner)
        if place is not None and inner.strip() in _PLACES:
            found.add(place)
    text = _PAREN_RE.sub(" ", text)
    compact = text.replace(" ", "")
    if zh := _ZH_BRANCH_RE.search(compact):
        found.add(_zh_branch_place(compact[: zh.start()]))
    # English: the words after the last comma or dash, or the last one or two words of the name, once
    # the legal form is gone ("Acme Germany GmbH").
    words = [w for w in re.sub(r"[^\w\s,\-\u2013]", " ", text).replace("\u2013", "-").split() if w]
    tail_parts = re.split(r"[,\-]", " ".join(words))
    candidates = [tail_parts[-1].strip()] if len(tail_parts) > 1 else []
    tokens = [t for t in re.sub(r"[,\-]", " ", " ".join(words)).split() if t not in _EN_SUFFIXES]
    # "Bank of America": a place after "of" is part of the name, not a qualifier.
    if len(tokens) > 1 and tokens[-2] not in _OF_WORDS:
        candidates.append(tokens[-1])
    if len(tokens) > 2 and tokens[-3] not in _OF_WORDS:
        candidates.append(" ".join(tokens[-2:]))
    for candidate in candidates:
        candidate = " ".join(t for t in candidate.split() if t not in _EN_SUFFIXES)
        if candidate in _PLACES:
            found.add(_PLACES[candidate])
    return frozenset(found)


def chinese_short_name_key(name: str | None) -> str:
    """The core of a Chinese company name for matching a short name (简称) against full names: the
    name key without a leading region or city ("深圳中科能源股份有限公司" -> "中科能源"); "" when the
    name is not Chinese or nothing would be left.

    >>> chinese_short_name_key("深圳中科能源股份有限公司")
    '中科能源'
    """
    key = normalise_company_name(name)
    if not key or not _CJK_RE.search(key):
        return ""
    stripped = True
    while stripped:
        stripped = False
        for prefix in _ZH_PLACE_PREFIXES:
            if key.startswith(prefix) and len(key) - len(prefix) >= 2:
                key = key[len(prefix) :]
                stripped = True
                break
    for suffix in ("市", "省"):
        if key.startswith(suffix):
            key = key[1:]
    return key


#: Common English short forms of given names: "Bob Smith" and "Robert Smith" at one address are one
#: person. Deliberately short: a nickname that could stand for two unrelated names is left out.
# fmt: off
_NICKNAMES: dict[str, tuple[str, ...]] = {
    "robert": ("bob", "bobby", "rob", "robbie"), "william": ("bill", "billy", "will", "willy"),
    "richard": ("rick", "ricky", "dick", "rich"), "james": ("jim", "jimmy", "jamie"),
    "john": ("jack", "johnny"), "michael": ("mike", "mikey"), "elizabeth": ("liz", "beth", "betty", "eliza"),
    "katherine": ("kate", "kathy", "katie"), "catherine": ("cathy", "kate", "katie"),
    "margaret": ("maggie", "peggy", "meg"), "thomas": ("tom", "tommy"), "joseph": ("joe", "joey"),
    "charles": ("charlie", "chuck"), "daniel": ("dan", "danny"), "david": ("dave", "davy"),
    "edward": ("ed", "eddie", "ted"), "anthony": ("tony",), "christopher": ("chris",),
    "matthew": ("matt",), "andrew": ("andy", "drew"), "steven": ("steve",), "stephen": ("steve",),
    "alexander": ("alex",), "benjamin": ("ben", "benny"), "samuel": ("sam", "sammy"),
    "jennifer": ("jen", "jenny"), "patricia": ("pat", "patty", "trish"), "susan": ("sue", "susie"),
    "deborah": ("deb", "debbie"), "rebecca": ("becky", "becca"), "jonathan": ("jon",),
    "nicholas": ("nick", "nicky"), "timothy": ("tim", "timmy"), "gregory": ("greg",),
    "kenneth": ("ken", "kenny"),
    "ronald": ("ron", "ronnie"), "donald": ("don", "donnie"), "lawrence": ("larry",), "gerald": ("jerry",),
    "peter": ("pete",), "frederick": ("fred", "freddie"), "henry": ("hank",), "victoria": ("vicky", "tori"),
    "jacqueline": ("jackie",), "kimberly": ("kim",), "pamela": ("pam",), "barbara": ("barb",),
    "dorothy": ("dot", "dottie"), "theodore": ("ted", "theo"), "zachary": ("zach", "zack"),
    "nathaniel": ("nate", "nat"), "nathan": ("nate",), "raymond": ("ray",), "philip": ("phil",),
    "douglas": ("doug",), "jeffrey": ("jeff",), "leonard": ("leo", "len"), "vincent": ("vince",),
}
# fmt: on
_GIVEN_FORMS: dict[str, frozenset[str]] = {}
for _full, _shorts in _NICKNAMES.items():
    for _form in (_full, *_shorts):
        _GIVEN_FORMS[_form] = _GIVEN_FORMS.get(_form, frozenset({_form})) | {_full, *_shorts}


def same_given_name(a: str, b: str) -> bool:
    """Whether two lower-case name words are one given name in full or short form (robert / bob)."""
    return a == b or b in _GIVEN_FORMS.get(a, frozenset())


# ----------------------------------------------------------------------------------------------
# E-mail and domains
# ----------------------------------------------------------------------------------------------

#: Consumer mailbox providers: an address here says nothing about the employer, so it must never be
#: used to link a person to a company (or two people to each other) by domain.
# fmt: off
FREE_MAIL_DOMAINS: frozenset[str] = frozenset(
    {
        # global
        "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "hotmail.co.uk", "hotmail.de",
        "hotmail.fr", "live.com", "live.cn", "msn.com", "yahoo.com", "yahoo.co.uk", "yahoo.co.jp",
        "yahoo.de", "yahoo.fr", "ymail.com", "icloud.com", "me.com", "mac.com", "aol.com",
        "proton.me", "protonmail.com", "pm.me", "tutanota.com", "tuta.io", "fastmail.com",
        "zohomail.com", "gmx.com", "gmx.net", "mail.com",
        # China
        "qq.com", "vip.qq.com", "foxmail.com", "163.com", "vip.163.com", "126.com", "vip.126.com",
        "188.com", "yeah.net", "sina.com", "sina.cn", "vip.sina.com", "sohu.com", "aliyun.com",
        "139.com", "189.cn", "wo.cn", "21cn.com", "tom.com", "263.net",
        # Europe and elsewhere
        "gmx.de", "gmx.at", "gmx.ch", "web.de", "t-online.de", "freenet.de", "posteo.de",
        "mailbox.org", "orange.fr", "free.fr", "laposte.net", "libero.it", "yandex.ru", "yandex.com",
        "ya.ru", "mail.ru", "inbox.ru", "bk.ru", "list.ru", "rambler.ru", "naver.com", "daum.net",
        "hanmail.net", "rediffmail.com",
    }
)
# fmt: on

#: Domains that stand for "no real address": documentation and test domains (RFC 2606 / RFC 6761),
#: and the stand-ins people type into a required e-mail field. A company is never made of one, and no
#: person is ever attached to a company by one. Users may rely on this list: it is documented in
#: docs/ingest.md.
# fmt: off
PLACEHOLDER_DOMAINS: frozenset[str] = frozenset(
    {
        "example.com", "example.org", "example.net", "example.edu", "test.com", "test.org", "test.net",
        "localhost", "localdomain", "invalid.com", "domain.com", "noemail.com",
        "no-email.com", "nomail.com", "none.com", "noreply.com", "no-reply.com", "fake.com",
        "mailinator.com", "yourcompany.com", "yourdomain.com",
    }
)
# fmt: on
#: Top-level names reserved for tests and local networks: every domain under them is a placeholder.
PLACEHOLDER_TLDS: frozenset[str] = frozenset(
    {"example", "test", "invalid", "localhost", "local", "localdomain"}
)


def is_placeholder_domain(domain: str | None) -> bool:
    """True for a domain (or an address) that is a placeholder: example.com, *.example, localhost ...

    >>> is_placeholder_domain("ann@prodly-demo.example"), is_placeholder_domain("acme.com")
    (True, False)
    """
    if not domain:
        return False
    value = domain.strip().lower()
    if "@" in value:
        value = value.rsplit("@", 1)[1]
    value = value.rstrip(".")
    if value.startswith("www."):
        value = value[4:]
    if value.rsplit(".", 1)[-1] in PLACEHOLDER_TLDS:
        return True
    return not PLACEHOLDER_DOMAINS.isdisjoint(_suffixes(value))


_GMAIL_DOMAINS = frozenset({"gmail.com", "googlemail.com"})
_LOCAL_RE = re.compile(r"^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
_LABEL_RE = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_ANGLE_RE = re.compile(r"<([^<>]*)>")


def _ascii_domain(domain: str) -> str | None:
    """Lower-case, trailing dot removed, internationalised labels as punycode; None if malformed."""
    domain = domain.strip().rstrip(".").lower()
    if not domain or len(domain) > 253:
        return None
    if not domain.isascii():
        try:
            domain = domain.encode("idna").decode("ascii")
        except UnicodeError:
            return None
    labels = domain.split(".")
    if len(labels) < 2 or not all(_LABEL_RE.match(label) for label in labels):
        return None
    tld = labels[-1]
    if not (tld.isalpha() and len(tld) >= 2) and not tld.startswith("xn--"):
        return None
    return domain


def normalise_email(email: str | None) -> str | None:
    """A clean address ("Ann <ANN@Acme.com>" -> "ann@acme.com"), or None when it is not an address.

    Lower-cases the local part too: RFC 5321 allows case-sensitive local parts, but no mainstream
    provider uses them, and CRM data mixes cases freely.

    >>> normalise_email(" mailto:Ann.Lee@ACME.com ")
    'ann.lee@acme.com'
    >>> normalise_email("not an email") is None
    True
    """
    if email is None:
        return None
    text = unicodedata.normalize("NFKC", email).strip()
    if angle := _ANGLE_RE.search(text):
        text = angle.group(1).strip()
    text = text.strip("\"'").strip()
    if text.lower().startswith("mailto:"):
        text = text[len("mailto:") :].split("?", 1)[0].strip()
    if text.count("@") != 1:
        return None
    local, domain = text.lower().split("@")
    if not local or len(local) > 64 or not _LOCAL_RE.match(local):
        return None
    ascii_domain = _ascii_domain(domain)
    if ascii_domain is None:
        return None
    return f"{local}@{ascii_domain}"


def email_domain(email: str | None) -> str | None:
    """The domain of a valid address, lower case ("ann@Acme.com" -> "acme.com"); None if invalid."""
    normalised = normalise_email(email)
    return normalised.rsplit("@", 1)[1] if normalised else None


def is_free_mail(domain: str | None) -> bool:
    """True for consumer mailbox domains (and their subdomains); also accepts a whole address."""
    if not domain:
        return False
    value = domain.strip().lower()
    if "@" in value:
        value = email_domain(value) or ""
    value = value.rstrip(".")
    return not FREE_MAIL_DOMAINS.isdisjoint(_suffixes(value))


def _suffixes(domain: str) -> list[str]:
    """The domain and every parent of it ("a.b.com" -> a.b.com, b.com, com): `domain` is `d` or a
    subdomain of it exactly when `d` is one of these."""
    parts = domain.split(".")
    return [".".join(parts[index:]) for index in range(len(parts))]


def canonical_email_key(email: str | None) -> str | None:
    """An identity key for an address: the normalised address, with Gmail's aliases collapsed.

    Gmail ignores dots in the local part and everything after "+", and googlemail.com is the same
    service, so "A.Lee+crm@googlemail.com" and "alee@gmail.com" are one mailbox. This is done *only*
    for Gmail: at other providers dots are significant (john.smith and johnsmith can be two people at
    Outlook or at a company) and "+" sub-addressing is a per-server setting, so collapsing them could
    merge two real people.

    >>> canonical_email_key("A.Lee+crm@GoogleMail.com")
    'alee@gmail.com'
    >>> canonical_email_key("a.lee+crm@acme.com")
    'a.lee+crm@acme.com'
    """
    normalised = normalise_email(email)
    if normalised is None:
        return None
    local, domain = normalised.rsplit("@", 1)
    if domain in _GMAIL_DOMAINS:
        local = local.split("+", 1)[0].replace(".", "")
        if not local:
            return None
        domain = "gmail.com"
    return f"{local}@{domain}"


def domain_from_website(url: str | None) -> str | None:
    """The host of a website value, lower case, without "www." ("https://www.Acme.com/about" -> "acme.com").

    Accepts bare hosts ("acme.com"), ports, paths and queries, and an e-mail address by mistake. Does
    not reduce to the registrable domain (no public-suffix list): "shop.acme.com" stays as it is.

    >>> domain_from_website("https://www.Acme.com/about")
    'acme.com'
    """
    if url is None:
        return None
    text = unicodedata.normalize("NFKC", url).strip()
    if not text or any(ch.isspace() for ch in text):
        return None
    if "@" in text and "://" not in text:
        return email_domain(text)
    if "://" not in text:
        text = "//" + text.lstrip("/")
    try:
        host = urlsplit(text).hostname
    except ValueError:
        return None
    if not host:
        return None
    host = re.sub(r"^www\d*\.", "", host.lower())
    return _ascii_domain(host)


# ----------------------------------------------------------------------------------------------
# Dates and times
# ----------------------------------------------------------------------------------------------

#: Excel's day zero (its 1900 leap-year bug is absorbed by starting on the 30th, for serials >= 61).
_EXCEL_EPOCH = datetime(1899, 12, 30)
#: Serials outside this window are far more likely an amount or an id than a date (1954-10-03 ..
#: 2119-01-10).
_EXCEL_MIN, _EXCEL_MAX = 20_000, 80_000

# fmt: off
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
            ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
            ("oct", "october"), ("nov", "november"), ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
# fmt: on
_MONTH = "(?P<mon>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"

_TIME = (
    r"(?:(?:t|\s+|\s*(?P<cn_ampm>上午|下午|晚上|中午)\s*)"
    r"(?P<hh>\d{1,2})(?:[:：时点](?P<mi>\d{1,2})分?(?:[:：](?P<ss>\d{1,2})(?:[.,](?P<frac>\d{1,9}))?秒?)?)?"
    r"\s*(?P<ampm>am|pm|a\.m\.|p\.m\.)?"
    r"\s*(?P<tz>z|utc|gmt|[+-]\d{2}(?::?\d{2})?)?)?"
)
_DATE_FORMS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern + _TIME + r"\s*$"))
    for name, pattern in (
        ("ymd", r"^(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})"),
        ("compact", r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})"),
        ("chinese", r"^(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]?"),
        ("slash", r"^(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>\d{2}|\d{4})"),
        ("dot", r"^(?P<a>\d{1,2})\.(?P<b>\d{1,2})\.(?P<y>\d{2}|\d{4})"),
        ("dash", r"^(?P<a>\d{1,2})-(?P<b>\d{1,2})-(?P<y>\d{4})"),
        ("d-mon-y", r"^(?P<d>\d{1,2})[-\s]+" + _MONTH + r"[-\s,]+(?P<y>\d{2}|\d{4})"),
        ("mon-d-y", r"^" + _MONTH + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})"),
    )
)


def _fail(value: object, reason: str) -> InvalidInputError:
    return InvalidInputError(f"cannot read {value!r} as a date: {reason}")


def _year(text: str) -> int:
    """Four digits as is; two digits pivot like Python's %y: 00-68 -> 20xx, 69-99 -> 19xx."""
    number = int(text)
    if len(text) == 2:
        return 2000 + number if number <= 68 else 1900 + number
    return number


def _from_excel_serial(value: float, original: object) -> datetime:
    if not math.isfinite(value) or not _EXCEL_MIN <= value <= _EXCEL_MAX:
        raise _fail(
            original, f"a number is read as an Excel serial date only between {_EXCEL_MIN} and {_EXCEL_MAX}"
        )
    return _EXCEL_EPOCH + timedelta(days=value)


def _parse(value: object) -> tuple[datetime, bool] | None:
    """(datetime, has_time) for anything parse_date/parse_datetime accept; None for blank."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value, True
    if isinstance(value, date):
        return datetime.combine(value, time()), False
    if isinstance(value, bool):
        raise _fail(value, "a boolean is not a date")
    if isinstance(value, int | float | Decimal):
        serial = _from_excel_serial(float(value), value)
        return serial, serial.time() != time()
    if not isinstance(value, str):
        raise _fail(value, f"unsupported type {type(value).__name__}")
    text = unicodedata.normalize("NFKC", value).strip()
    if not text:
        return None
    if re.fullmatch(r"\d{5}(?:\.\d+)?", text):
        serial = _from_excel_serial(float(text), value)
        return serial, serial.time() != time()
    iso = text[:-1] + "+00:00" if text[-1:] in "zZ" else text
    try:
        parsed = datetime.fromisoformat(iso)
        return parsed, len(text) > 10
    except ValueError:
        pass
    lowered = text.lower()
    for name, pattern in _DATE_FORMS:
        match = pattern.match(lowered)
        if match:
            return _build(name, match, value), match.group("hh") is not None
    raise _fail(
        value,
        "not a recognised date format (ISO 8601, 2024/3/5, 3/5/2024 month-first, "
        "05.03.2024 day-first, 2024年3月5日, an Excel serial number)",
    )


def _build(form: str, match: re.Match[str], original: object) -> datetime:
    groups = match.groupdict()
    if form in ("slash", "dot", "dash"):
        a, b = int(groups["a"]), int(groups["b"])
        if form == "slash" and a <= 12:
            month, day = a, b  # US / Excel default: month first
        else:
            day, month = a, b  # European day-first, or a "slash" date whose first part cannot be a month
    elif form in ("d-mon-y", "mon-d-y"):
        month, day = _MONTHS[groups["mon"]], int(groups["d"])
    else:
        month, day = int(groups["m"]), int(groups["d"])
    year = _year(groups["y"])
    try:
        result = datetime(year, month, day)
    except ValueError as error:
        raise _fail(original, str(error)) from None
    if groups.get("hh") is None:
        return result
    hour = int(groups["hh"])
    minute = int(groups["mi"] or 0)
    second = int(groups["ss"] or 0)
    micro = int((groups["frac"] or "0")[:6].ljust(6, "0"))
    ampm = (groups["ampm"] or "").replace(".", "")
    cn = groups["cn_ampm"]
    if ampm or cn:
        if not 1 <= hour <= 12 and not (cn and hour <= 23):
            raise _fail(original, f"hour {hour} with am/pm")
        if (ampm == "pm" or cn in ("下午", "晚上")) and hour < 12:
            hour += 12
        elif (ampm == "am" or cn == "上午") and hour == 12:
            hour = 0
    try:
        result = result.replace(hour=hour, minute=minute, second=second, microsecond=micro)
    except ValueError as error:
        raise _fail(original, str(error)) from None
    tz = groups["tz"]
    if tz:
        if tz in ("z", "utc", "gmt"):
            result = result.replace(tzinfo=UTC)
        else:
            sign = 1 if tz[0] == "+" else -1
            digits = tz[1:].replace(":", "")
            offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0))
            result = result.replace(tzinfo=timezone(sign * offset))
    return result


def parse_date(value: object) -> date | None:
    """A calendar date from the forms CRM and Excel exports use; None for blank; raises for garbage.

    Accepts ISO 8601 (also with a time, whose date part is kept as written), 2024/3/5, 3/5/2024
    (**month first**, the US/Excel default; 25/12/2024 is read day-first since 25 cannot be a month),
    05.03.2024 and 05-03-2024 (**day first**, European), 2024年3月5日, 20240305, 5 Mar 2024,
    March 5, 2024, two-digit years (00-68 -> 20xx), and Excel serial numbers (45356 -> 2024-03-05,
    only between 20000 and 80000).

    >>> parse_date("2024年3月5日")
    datetime.date(2024, 3, 5)
    >>> parse_date("3/5/2024")
    datetime.date(2024, 3, 5)
    >>> parse_date("05.03.2024")
    datetime.date(2024, 3, 5)
    """
    parsed = _parse(value)
    return None if parsed is None else parsed[0].date()


def parse_datetime(value: object) -> datetime | None:
    """A date and time; the same forms as parse_date plus a time part ("2:30 PM", "14:30:00", 下午2点).

    Timezone-aware when the value carries one (Z, UTC, +08:00), naive otherwise: a naive value is the
    source system's local time, and guessing its zone here would silently shift it. A date without a
    time becomes midnight.

    >>> parse_datetime("2024-03-05T14:30:00Z")
    datetime.datetime(2024, 3, 5, 14, 30, tzinfo=datetime.timezone.utc)
    >>> parse_datetime("3/5/2024 2:30 PM")
    datetime.datetime(2024, 3, 5, 14, 30)
    """
    parsed = _parse(value)
    return None if parsed is None else parsed[0]


# ----------------------------------------------------------------------------------------------
# Numbers
# ----------------------------------------------------------------------------------------------

_CURRENCY_RE = re.compile(
    r"(?:us\$|hk\$|nt\$|rmb|cny|usd|eur|gbp|jpy|hkd|chf|人民币|美元|欧元|元|[$¥￥€£])", re.IGNORECASE
)
# fmt: off
_MULTIPLIERS = {
    "k": 1e3, "m": 1e6, "mm": 1e6, "mn": 1e6, "b": 1e9, "bn": 1e9, "千": 1e3, "万": 1e4, "亿": 1e8,
}
# fmt: on
_SCIENTIFIC_RE = re.compile(r"^[-+]?(?:\d+(?:\.\d*)?|\.\d+)[eE][-+]?\d{1,3}$")
_NUMBER_RE = re.compile(
    r"^(?P<sign>[-+])?(?P<num>[\d.,]+)\s*(?P<mult>k|mm|mn|m|bn|b|千|万|亿)?$", re.IGNORECASE
)


def parse_number(value: object) -> float | None:
    """A number from a CRM cell; None for blank; raises InvalidInputError for anything else.

    Tolerates currency marks (¥1,234, US$ 5, 1234元, RMB), thousands separators ("1,234.50",
    "1 234", "1'234", "1.234.567"), European decimals ("1.234,50", "12,5"), accounting negatives
    ("(1,234)"), and multipliers written by people: k = thousand, m/mm/mn = **million** (never
    milli), b/bn = billion, 千/万/亿. A lone comma followed by exactly three digits ("1,234") is a
    thousands separator, a lone dot ("1.234") is a decimal point. Percentages are refused: whether
    "12%" means 12 or 0.12 is the caller's decision.

    >>> parse_number("¥1,234.50")
    1234.5
    >>> parse_number("12.5k")
    12500.0
    >>> parse_number("3.2万")
    32000.0
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise InvalidInputError(f"cannot read {value!r} as a number: a boolean is not a number")
    if isinstance(value, int | float | Decimal):
        number = float(value)
        if not math.isfinite(number):
            raise InvalidInputError(f"cannot read {value!r} as a number: not finite")
        return number
    if not isinstance(value, str):
        raise InvalidInputError(f"cannot read {value!r} as a number: unsupported type {type(value).__name__}")
    text = unicodedata.normalize("NFKC", value).strip()
    if not text:
        return None
    if "%" in text:
        raise InvalidInputError(f"cannot read {value!r} as a number: percentages are not amounts")
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1]
    text = text.replace("\u2212", "-")  # unicode minus
    text = _CURRENCY_RE.sub("", text)
    text = re.sub(r"[\s'\u00a0\u202f\u2009]", "", text)
    if _SCIENTIFIC_RE.match(text):  # Excel writes large numbers as 1.01752E11
        number = float(text)
        if not math.isfinite(number):
            raise InvalidInputError(f"cannot read {_preview(value)} as a number: too large")
        return -number if negative else number
    match = _NUMBER_RE.match(text)
    if not match:
        raise InvalidInputError(f"cannot read {value!r} as a number: unexpected characters")
    digits = _decimal_form(match.group("num"), value)
    try:
        number = float(digits)
    except ValueError:
        raise InvalidInputError(f"cannot read {value!r} as a number: malformed digits") from None
    if match.group("mult"):
        number *= _MULTIPLIERS[match.group("mult").lower()]
    if match.group("sign") == "-":
        negative = not negative
    if not math.isfinite(number):  # hundreds of digits overflow a float: no CRM amount is that
        raise InvalidInputError(f"cannot read {_preview(value)} as a number: too large")
    return -number if negative else number


def _preview(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _decimal_form(num: str, original: object) -> str:
    """Digits with separators resolved to a plain "1234.5"."""
    if "," in num and "." in num:
        decimal_mark = "," if num.rfind(",") > num.rfind(".") else "."
        thousands = "." if decimal_mark == "," else ","
        num = num.replace(thousands, "").replace(decimal_mark, ".")
    elif "," in num:
        if re.fullmatch(r"\d{1,3}(?:,\d{3})+", num):
            num = num.replace(",", "")
        elif num.count(",") == 1:
            num = num.replace(",", ".")
        else:
            raise InvalidInputError(f"cannot read {original!r} as a number: misplaced commas")
    elif num.count(".") > 1:
        if not re.fullmatch(r"\d{1,3}(?:\.\d{3})+", num):
            raise InvalidInputError(f"cannot read {original!r} as a number: misplaced dots")
        num = num.replace(".", "")
    if not re.fullmatch(r"\d+(?:\.\d+)?|\.\d+", num):
        raise InvalidInputError(f"cannot read {original!r} as a number: malformed digits")
    return num
