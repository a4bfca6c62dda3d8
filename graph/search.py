"""How a typed name finds stored names: one folding rule for both stores.

A search matches when the folded query is part of a folded field. Folding lower-cases, decomposes
(NFKD: "é" -> "e" + accent, full-width "Ａ" -> "A") and drops the combining accents U+0300-U+036F, so
"jose" finds "José" and "JOSÉ" finds "jose". Chinese characters are kept as they are, so 陈 finds 陈洋.
`cypher/search_people.cypher` and `cypher/search_accounts.cypher` apply the same rule in Cypher
(`normalize(toLower(x), NFKD)` without the same code points): keep the two in step.
"""

from __future__ import annotations

import unicodedata

__all__ = ["fold", "matches"]

_FIRST_ACCENT, _LAST_ACCENT = "\u0300", "\u036f"


def fold(text: str) -> str:
    """`text` lower-cased, decomposed and without accents.

    >>> fold("José GARCÍA"), fold("ＡＢＣ"), fold("陈洋")
    ('jose garcia', 'abc', '陈洋')
    """
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not _FIRST_ACCENT <= ch <= _LAST_ACCENT)


def matches(folded_query: str, *fields: str | None) -> bool:
    """True when the (already folded) query is part of one of the fields, folded."""
    return any(field is not None and folded_query in fold(field) for field in fields)
