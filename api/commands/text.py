"""The command line's words and tables: its language, its messages from the catalogue
(graph/analyses/messages.py, keys `cli.*`), and column padding that counts wide characters.

>>> display_width("陈洋 CEO"), pad("陈洋", 6) + "|"
(8, '陈洋  |')
"""

from __future__ import annotations

import os
import unicodedata
from typing import Any

from graph.analyses.messages import DEFAULT_LANGUAGE, Message, normalize_language, render

__all__ = ["cli_lang", "display_width", "pad", "say"]


def cli_lang() -> str:
    """The command line's language: BUYERGRAPH_LANG=zh-CN or en (English by default)."""
    return normalize_language(os.environ.get("BUYERGRAPH_LANG")) or DEFAULT_LANGUAGE


def say(key: str, lang: str | None = None, /, **params: Any) -> str:
    """The catalogue's `cli.<key>` text in the command line's language."""
    return render(Message(key=f"cli.{key}", params=params), lang or cli_lang())


def display_width(text: str) -> int:
    """How many terminal columns `text` takes: wide and full-width characters (CJK) take two,
    combining marks none."""
    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def pad(text: str, width: int, *, right: bool = False) -> str:
    """`text` padded with spaces to `width` terminal columns (left-aligned, or right-aligned);
    every table the command line prints pads with this, so CJK columns line up."""
    fill = " " * max(0, width - display_width(text))
    return fill + text if right else text + fill
