"""How a typed name finds stored names: one folding rule for both stores, and pinyin for Chinese names.

A search matches when the folded query is part of a folded field. Folding lower-cases, decomposes
(NFKD: "é" -> "e" + accent, full-width "Ａ" -> "A") and drops the combining accents U+0300-U+036F, so
"jose" finds "José" and "JOSÉ" finds "jose". Chinese characters are kept as they are, so 陈 finds 陈洋.
A field written in Chinese characters is also found by its pinyin, without tones, with or without
spaces between the syllables: "li na", "lina" and "Li Na" find 李娜 (pypinyin reads the characters;
a character with several readings matches by its most common one).
`cypher/search_people.cypher` and `cypher/search_accounts.cypher` apply the folding rule in Cypher
(`normalize(toLower(x), NFKD)` without the same code points): keep the two in step. Pinyin needs
the characters' readings, which Cypher does not know.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["fold", "matches", "pinyin"]

_FIRST_ACCENT, _LAST_ACCENT = "\u0300", "\u036f"
#: CJK unified ideographs (and extension A): the characters pinyin is read for.
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_SPACES = re.compile(r"[\s\u00b7\u30fb.\-_]+")


def fold(text: str) -> str:
    """`text` lower-cased, decomposed and without accents.

    >>> fold("José GARCÍA"), fold("ＡＢＣ"), fold("陈洋")
    ('jose garcia', 'abc', '陈洋')
    """
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not _FIRST_ACCENT <= ch <= _LAST_ACCENT)


def _compact(text: str) -> str:
    return _SPACES.sub("", text)


@lru_cache(maxsize=65_536)
def pinyin(text: str) -> str | None:
    """The pinyin of a text with Chinese characters, folded and without spaces (None without any).

    >>> pinyin("李娜"), pinyin("北京华信科技"), pinyin("Acme")
    ('lina', 'beijinghuaxinkeji', None)
    """
    if not _HAN.search(text):
        return None
    from pypinyin import lazy_pinyin  # imported on first use: most names are not Chinese

    return _compact(fold("".join(lazy_pinyin(text))))


def matches(folded_query: str, *fields: str | None) -> bool:
    """True when the (already folded) query is part of one of the fields, folded, or of the pinyin
    of a field written in Chinese characters.

    >>> matches(fold("li na"), "李娜"), matches("lina", "李娜"), matches("wang", "李娜")
    (True, True, False)
    """
    if any(field is not None and folded_query in fold(field) for field in fields):
        return True
    if not folded_query.isascii():
        return False
    compact = _compact(folded_query)
    if not compact:
        return False
    return any(field is not None and compact in (pinyin(field) or "") for field in fields)
