"""Numbers, percentages, money and days in the reader's locale: the one formatting helper of the
pages (and of anything else that shows figures to a person).

Babel carries the Unicode CLDR data, so grouping, currency symbols and date patterns are those each
locale expects, not hand-made ones: en writes "$1,234" and "Dec 7, 2026", zh-CN writes "¥1,234" (a
yuan amount; "US$1,234" for dollars) and "2026年12月7日".

>>> f = Formats("zh-CN")
>>> f.money(1234567, "CNY"), f.day(date(2026, 12, 7)), f.percent(0.42)
('¥1,234,567', '2026年12月7日', '42%')
>>> f = Formats("en")
>>> f.money(1234, "USD"), f.money(1234, "CNY"), f.day(date(2026, 12, 7)), f.number(12345)
('$1,234', 'CN¥1,234', 'Dec 7, 2026', '12,345')
"""

from __future__ import annotations

from datetime import date

from babel.core import UnknownLocaleError
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal, format_percent

__all__ = ["Formats", "NONE"]

#: What a missing figure shows.
NONE = "–"
#: Page language -> Babel locale.
_LOCALES = {"en": "en_US", "zh-CN": "zh_Hans_CN"}


class Formats:
    """Figures as the readers of one language write them (unknown languages: English)."""

    def __init__(self, lang: str = "en") -> None:
        self.locale = _LOCALES.get(lang, _LOCALES["en"])

    def number(self, value: float | None, digits: int = 0) -> str:
        if value is None:
            return NONE
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return format_decimal(value, format=pattern, locale=self.locale)

    def percent(self, value: float | None) -> str:
        """A share in [0, 1] as a whole percentage."""
        if value is None:
            return NONE
        return format_percent(value, format="#,##0%", locale=self.locale)

    def money(self, amount: float | None, currency: str | None) -> str:
        """An amount with its currency, whole units (deal values), grouped; a code Babel does not know
        is written after the number as the source wrote it."""
        if amount is None:
            return NONE
        if not currency:
            return self.number(amount)
        code = currency.strip().upper()
        if len(code) != 3 or not code.isalpha():
            return f"{self.number(amount)} {currency}"
        try:
            return format_currency(amount, code, format="¤#,##0", currency_digits=False, locale=self.locale)
        except (UnknownLocaleError, ValueError):
            return f"{self.number(amount)} {code}"

    def day(self, value: date | None) -> str:
        """A day: "Dec 7, 2026", "2026年12月7日"."""
        if value is None:
            return NONE
        width = "long" if self.locale.startswith("zh") else "medium"
        return format_date(value, format=width, locale=self.locale)

    def month(self, value: date) -> str:
        """A month: "Dec 2026", "2026年12月"."""
        pattern = "y年M月" if self.locale.startswith("zh") else "MMM y"
        return format_date(value, format=pattern, locale=self.locale)
