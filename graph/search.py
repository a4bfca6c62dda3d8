"""How a typed name finds stored names: one folding rule for both stores, and pinyin for Chinese names.

A search matches when the folded query is part of a folded field. Folding lower-cases, decomposes
(NFKD: "é" -> "e" + accent, full-width "Ａ" -> "A") and drops the combining accents U+0300-U+036F, so
"jose" finds "José" and "JOSÉ" finds "jose". Chinese characters are kept as they are, so 陈 finds 陈洋.
A field written in Chinese characters is also found by its pinyin, without tones, with or without
spaces between the syllables: "li na", "lina" and "Li Na" find 李娜 (pypinyin reads the characters;
a character with several readings matches by its most common one).
Spaces, dots, hyphens and underscores are ignored on both sides ("jose garcia" and "josegarcia"
find "José García", "chen yang" finds "chen.yang@...").

The stores do not fold at search time: each company and person keeps a search key (`search_key`:
every searchable field folded, compacted and, when written in Chinese characters, in pinyin), written
when the node is written, and a search looks for `search_needle(query)` in it (a plain substring
test, in Cypher `key CONTAINS $search`). Both stores call these two functions, and nothing else
decides what a search finds.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["SEARCHED_FIELDS", "fold", "matches", "pinyin", "search_key", "search_needle"]

#: The fields of a company, person or rep that its search key is made of (those it has), in this
#: order; cypher/search_keys_read.cypher reads the same list.
SEARCHED_FIELDS = ("name", "domain", "email", "title", "id")

_FIRST_ACCENT, _LAST_ACCENT = "\u0300", "\u036f"
#: CJK unified ideographs (and extension A): the characters pinyin is read for.
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_SPACES = re.compile(r"[\s\u00b7\u30fb.\-_]+")
#: Between the variants of a search key: no needle holds it (white space is compacted away), so a
#: match never spans two fields.
_SEPARATOR = "\n"


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


def search_key(*fields: str | None) -> str:
    """The text a stored node is found by: each given field folded, the same without spaces and
    dots, and its pinyin when it is written in Chinese characters, one variant a line.

    >>> search_key("李娜", "li.na@example.cn")
    '李娜\\nlina\\nli.na@example.cn\\nlina@examplecn'
    >>> search_key("José García", None)
    'jose garcia\\njosegarcia'
    """
    variants: dict[str, None] = {}
    for field in fields:
        if not field:
            continue
        folded = fold(field).strip()
        for variant in (folded, _compact(folded), pinyin(field)):
            if variant:
                variants[variant] = None
    return _SEPARATOR.join(variants)


def search_needle(query: str | None) -> str | None:
    """What a typed query is looked for in search keys: folded, without spaces and dots (only
    when nothing else is left, the folded text itself); None for an empty query (find everything).

    >>> search_needle(" Li Na "), search_needle("JOSÉ"), search_needle("-"), search_needle("  ")
    ('lina', 'jose', '-', None)
    """
    if query is None:
        return None
    folded = fold(query).strip()
    return _compact(folded) or folded or None


def matches(query: str, *fields: str | None) -> bool:
    """True when the query (typed or already folded) is found in the search key of the fields:
    the rule every search of both stores follows.

    >>> matches(fold("li na"), "李娜"), matches("lina", "李娜"), matches("wang", "李娜")
    (True, True, False)
    """
    needle = search_needle(query)
    return needle is not None and needle in search_key(*fields)
