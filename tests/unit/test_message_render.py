"""`render` parses each template once and formats its plain fields itself: every message a generated
world's analyses produce renders exactly as `string.Formatter` renders it, in every language."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel

from graph.analyses import analyze_account
from graph.analyses.messages import CATALOGUE, DEFAULT_LANGUAGE, LANGUAGES, Message, _Formatter, render
from graph.stores.embedded import EmbeddedStore
from tests.unit.generated_world import AS_OF, generate, load


def _messages(value: Any, found: list[Message]) -> None:
    """Every Message inside an analysis (fields, lists, parameters), depth first."""
    if isinstance(value, Message):
        found.append(value)
        for param in value.params.values():
            _messages(param, found)
    elif isinstance(value, list | tuple):
        for item in value:
            _messages(item, found)
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            _messages(getattr(value, name), found)


def _by_formatter(message: Message, lang: str) -> str:
    templates = CATALOGUE[message.key]
    return _Formatter(lang).format(templates.get(lang) or templates[DEFAULT_LANGUAGE], **message.params)


def test_render_equals_string_formatter_on_every_message_of_a_generated_world(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "store")
    load(generate(tmp_path / "world", 6, seed=4), store)
    found: list[Message] = []
    for account in store.account_graphs(store.accounts_to_refresh(everything=True)).values():
        _messages(analyze_account(account, as_of=AS_OF), found)
    keys = {m.key for m in found}
    assert len(keys) >= 30, sorted(keys)
    for message in found:
        for lang in LANGUAGES:
            assert render(message, lang) == _by_formatter(message, lang), (message.key, lang)
