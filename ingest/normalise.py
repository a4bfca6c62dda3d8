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
    "canonical_email_key",
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
    return any(value == free or value.endswith("." + free) for free in FREE_MAIL_DOMAINS)


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
