"""Normalisation of company names, e-mails, domains, dates and numbers."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from graph.errors import InvalidInputError
from ingest.normalise import (
    FREE_MAIL_DOMAINS,
    canonical_email_key,
    domain_from_website,
    email_domain,
    is_free_mail,
    normalise_company_name,
    normalise_email,
    parse_date,
    parse_datetime,
    parse_number,
    to_halfwidth,
)

# --- width ----------------------------------------------------------------------------------------


def test_to_halfwidth() -> None:
    assert to_halfwidth("ＡＢＣ１２３（中国）＠\u3000x") == "ABC123(中国)@ x"
    assert to_halfwidth("阿里巴巴") == "阿里巴巴"
    assert to_halfwidth("①") == "①"  # narrower than NFKC on purpose


# --- company names ------------------------------------------------------------------------------

SAME_COMPANY = [
    ("阿里巴巴（中国）有限公司", "阿里巴巴(中国)有限公司"),
    ("阿里巴巴（中国）有限公司", "阿里巴巴集团"),  # 集团 is stripped: documented decision
    ("阿里巴巴集团控股有限公司", "阿里巴巴"),
    ("腾讯控股有限公司", "腾讯"),
    ("华为技术有限公司", "华为技术"),
    ("中国银行股份有限公司", "中国银行"),
    ("北京字节跳动科技有限公司", "北京字节跳动科技有限责任公司"),
    ("西门子（中国）有限公司", "西门子"),
    ("上海汽车集团股份有限公司", "上海汽车"),
    ("海尔（集团）公司", "海尔"),
    ("ＡＣＭＥ　ＩＮＣ．", "Acme Inc"),
    ("Acme, Inc.", "ACME Incorporated"),
    ("Acme Corp.", "Acme Corporation"),
    ("Acme Co., Ltd.", "acme limited"),
    ("Acme L.L.C.", "Acme LLC"),
    ("Acme Holdings Ltd", "Acme Group"),
    ("Siemens AG", "Siemens"),
    ("Müller GmbH & Co. KG", "Müller GmbH"),
    ("Carrefour S.A.", "Carrefour SA"),
    ("Capgemini SAS", "Capgemini"),
    ("Philips B.V.", "Philips BV"),
    ("Unilever PLC", "Unilever plc."),
    ("BHP Pty Ltd", "BHP"),
    ("Toyota KK", "Toyota"),
    ("The Boston Consulting Group", "Boston Consulting Group, Inc."),
    ("Procter & Gamble Co.", "Procter & Gamble"),
    ("Acme (China) Co., Ltd.", "Acme"),
    ("  acme   inc  ", "Acme Inc."),
    ("Acme-Corp Ltd", "AcmeCorp"),
    ("Coca-Cola Company", "Coca Cola"),
]

DIFFERENT_COMPANIES = [
    ("中国银行", "中国建设银行"),
    ("中国银行", "银行"),  # 中国 as a prefix is part of the name: never stripped
    ("中国移动", "移动"),
    ("华为技术有限公司", "华为终端有限公司"),
    ("阿里巴巴", "阿里云"),
    ("阿里巴巴（中国）网络技术有限公司", "阿里巴巴（中国）有限公司"),
    ("北京字节跳动科技有限公司", "字节跳动"),  # city prefixes are the resolver's job, with domains
    ("Apple Inc.", "Applied Materials Inc."),
    ("Acme Inc", "Acme Labs Inc"),
    ("Cosco", "Cos Co"),
    ("AG Barr plc", "Barr"),
    ("General Motors", "General Mills"),
    ("Acme Technologies", "Acme"),
]


@pytest.mark.parametrize(("a", "b"), SAME_COMPANY)
def test_company_names_that_must_match(a: str, b: str) -> None:
    assert normalise_company_name(a) == normalise_company_name(b) != ""


@pytest.mark.parametrize(("a", "b"), DIFFERENT_COMPANIES)
def test_company_names_that_must_not_match(a: str, b: str) -> None:
    assert normalise_company_name(a) != normalise_company_name(b)


def test_company_name_keys() -> None:
    assert normalise_company_name("阿里巴巴（中国）有限公司") == "阿里巴巴"
    assert normalise_company_name("Acme Holdings Co., Ltd.") == "acme"
    assert normalise_company_name(None) == ""
    assert normalise_company_name("  ") == ""
    assert normalise_company_name("有限公司") == "有限公司"
    assert normalise_company_name("Limited") == "limited"  # never strip a name to nothing


# --- e-mail ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Ann.Lee@Acme.COM", "ann.lee@acme.com"),
        ("  ann@acme.com  ", "ann@acme.com"),
        ("mailto:ann@acme.com", "ann@acme.com"),
        ("MAILTO:ann@acme.com?subject=Hi", "ann@acme.com"),
        ("Ann Lee <ann@acme.com>", "ann@acme.com"),
        ('"ann@acme.com"', "ann@acme.com"),
        ("ａｎｎ＠ａｃｍｅ．ｃｏｍ", "ann@acme.com"),
        ("ann+crm@acme.co.uk", "ann+crm@acme.co.uk"),
        ("ann@acme.com.", "ann@acme.com"),
        ("ann@例子.中国", "ann@xn--fsqu00a.xn--fiqs8s"),
    ],
)
def test_normalise_email(raw: str, clean: str) -> None:
    assert normalise_email(raw) == clean


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        "ann",
        "ann@",
        "@acme.com",
        "ann@acme",
        "ann@@acme.com",
        "a@b@c.com",
        "ann lee@acme.com",
        "a..b@acme.com",
        ".ann@acme.com",
        "ann@-acme.com",
        "ann@acme.c",
        "ann@acme..com",
        "n/a",
        "张三@acme.com",
    ],
)
def test_invalid_email_is_none(raw: str | None) -> None:
    assert normalise_email(raw) is None


def test_email_domain() -> None:
    assert email_domain("Ann@Acme.com") == "acme.com"
    assert email_domain("garbage") is None


def test_canonical_email_key_collapses_gmail_only() -> None:
    assert canonical_email_key("A.Lee+crm@gmail.com") == "alee@gmail.com"
    assert canonical_email_key("alee@googlemail.com") == "alee@gmail.com"
    assert canonical_email_key("a.lee+x@acme.com") == "a.lee+x@acme.com"
    assert canonical_email_key("a.lee@outlook.com") != canonical_email_key("alee@outlook.com")
    assert canonical_email_key("a.lee@qq.com") == "a.lee@qq.com"
    assert canonical_email_key("nope") is None


def test_free_mail() -> None:
    for domain in ("gmail.com", "qq.com", "163.com", "gmx.de", "web.de", "proton.me", "yandex.ru"):
        assert domain in FREE_MAIL_DOMAINS
        assert is_free_mail(domain)
    assert is_free_mail("QQ.COM")
    assert is_free_mail("vip.163.com")
    assert is_free_mail("someone@foxmail.com")
    assert not is_free_mail("acme.com")
    assert not is_free_mail("notgmail.com")
    assert not is_free_mail(None)
    assert not is_free_mail("")


@pytest.mark.parametrize(
    ("url", "domain"),
    [
        ("https://www.Acme.com/about", "acme.com"),
        ("acme.com", "acme.com"),
        ("www.acme.com", "acme.com"),
        ("http://acme.com:8080/x?y=1#z", "acme.com"),
        ("www2.acme.co.uk", "acme.co.uk"),
        ("//acme.com/", "acme.com"),
        ("https://user:pw@WWW.ACME.COM", "acme.com"),
        ("shop.acme.com", "shop.acme.com"),
        ("ｗｗｗ．ａｃｍｅ．ｃｏｍ", "acme.com"),
        ("info@acme.com", "acme.com"),
        ("http://例子.中国", "xn--fsqu00a.xn--fiqs8s"),
    ],
)
def test_domain_from_website(url: str, domain: str) -> None:
    assert domain_from_website(url) == domain


@pytest.mark.parametrize("url", [None, "", "not a url", "localhost", "http://", "acme"])
def test_domain_from_website_invalid(url: str | None) -> None:
    assert domain_from_website(url) is None


# --- dates ----------------------------------------------------------------------------------------

D = date(2024, 3, 5)


@pytest.mark.parametrize(
    "value",
    [
        "2024-03-05",
        "2024/3/5",
        "2024.3.5",
        "3/5/2024",  # US month-first
        "03/05/2024",
        "3/5/24",
        "05.03.2024",  # European day-first
        "05-03-2024",
        "2024年3月5日",
        "2024 年 3 月 5 日",
        "２０２４年３月５日",
        "20240305",
        "45356",
        45356,
        45356.0,
        Decimal("45356"),
        "5 Mar 2024",
        "05-Mar-2024",
        "March 5, 2024",
        "Mar 5th, 2024",
        "2024-03-05 14:30:00",
        "2024-03-05T14:30:00Z",
        "3/5/2024 2:30 PM",
        D,
        datetime(2024, 3, 5, 9, 0),
    ],
)
def test_parse_date_forms(value: object) -> None:
    assert parse_date(value) == D


def test_slash_date_whose_first_part_cannot_be_a_month_is_day_first() -> None:
    assert parse_date("25/12/2024") == date(2024, 12, 25)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-03-05 14:30:00", datetime(2024, 3, 5, 14, 30)),
        ("2024-03-05T14:30:00Z", datetime(2024, 3, 5, 14, 30, tzinfo=UTC)),
        ("2024-03-05T14:30:00+08:00", datetime(2024, 3, 5, 14, 30, tzinfo=timezone(timedelta(hours=8)))),
        ("3/5/2024 2:30 PM", datetime(2024, 3, 5, 14, 30)),
        ("3/5/2024 12:15 AM", datetime(2024, 3, 5, 0, 15)),
        ("2024/3/5 14:30", datetime(2024, 3, 5, 14, 30)),
        ("05.03.2024 14:30:15", datetime(2024, 3, 5, 14, 30, 15)),
        ("2024年3月5日 下午2点30分", datetime(2024, 3, 5, 14, 30)),
        ("2024年3月5日 14:30", datetime(2024, 3, 5, 14, 30)),
        ("45356.5", datetime(2024, 3, 5, 12, 0)),
        ("2024-03-05", datetime(2024, 3, 5)),
        (D, datetime(2024, 3, 5)),
    ],
)
def test_parse_datetime(value: object, expected: datetime) -> None:
    assert parse_datetime(value) == expected


@pytest.mark.parametrize("value", [None, "", "   "])
def test_blank_dates_are_none(value: object) -> None:
    assert parse_date(value) is None
    assert parse_datetime(value) is None


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("garbage", "not a recognised date format"),
        ("2024-13-01", "month"),
        ("2024/2/30", "day is out of range"),
        ("13.13.2024", "month"),
        ("123", "not a recognised"),
        (2024, "Excel serial"),
        ("99999", "Excel serial"),
        (True, "boolean"),
        ("3/5/2024 13:00 PM", "hour"),
        ([2024, 3, 5], "unsupported type"),
    ],
)
def test_garbage_dates_raise_with_a_reason(value: object, reason: str) -> None:
    with pytest.raises(InvalidInputError, match=reason):
        parse_date(value)


# --- numbers --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1,234.50", 1234.5),
        ("¥1,234", 1234.0),
        ("￥1,234", 1234.0),
        ("1 234", 1234.0),
        ("1\u00a0234,5", 1234.5),
        ("1'234", 1234.0),
        ("1.234,50", 1234.5),
        ("1.234.567", 1234567.0),
        ("12,5", 12.5),
        ("1.234", 1.234),
        ("12.5k", 12500.0),
        ("3M", 3_000_000.0),
        ("1.2bn", 1.2e9),
        ("3.2万", 32000.0),
        ("2亿", 2e8),
        ("US$ 1.2m", 1.2e6),
        ("RMB 500", 500.0),
        ("1234元", 1234.0),
        ("€ 99", 99.0),
        ("(1,234)", -1234.0),
        ("-5", -5.0),
        ("\u22125", -5.0),
        ("１２３", 123.0),
        (".5", 0.5),
        (42, 42.0),
        (4.5, 4.5),
        (Decimal("7.25"), 7.25),
    ],
)
def test_parse_number(value: object, expected: float) -> None:
    assert parse_number(value) == pytest.approx(expected)


@pytest.mark.parametrize("value", [None, "", "  "])
def test_blank_numbers_are_none(value: object) -> None:
    assert parse_number(value) is None


@pytest.mark.parametrize(
    "value", ["abc", "12%", "1,2,3", "1.2.3", "--5", "5 apples", True, float("nan"), [1]]
)
def test_garbage_numbers_raise(value: object) -> None:
    with pytest.raises(InvalidInputError, match="cannot read"):
        parse_number(value)
