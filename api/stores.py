"""Choosing and opening the configured store: the one place that knows both implementations."""

from __future__ import annotations

from pathlib import Path

from api.settings import Settings
from graph.errors import redact_uris
from graph.stores.base import GraphStore

_NEO4J_SCHEMES = ("neo4j://", "neo4j+s://", "neo4j+ssc://", "bolt://", "bolt+s://", "bolt+ssc://")


def describe_store(settings: Settings, override: str | None = None) -> str:
    """Where the store lives, for messages; never includes credentials."""
    target = override or settings.neo4j_uri
    if target and target.startswith(_NEO4J_SCHEMES):
        return f"Neo4j at {redact_uris(target)}"
    return f"embedded store in {_embedded_home(settings, override)}"


def _embedded_home(settings: Settings, override: str | None) -> Path:
    if override and override != "embedded":
        return Path(override.removeprefix("embedded:")).expanduser()
    return settings.home.expanduser()


def neo4j_uri_of(settings: Settings, override: str | None = None) -> str | None:
    """The Neo4j URI `open_store` connects to, or None for the embedded store."""
    uri = override if override and override.startswith(_NEO4J_SCHEMES) else None
    if uri is None and override is None:
        uri = settings.neo4j_uri
    return uri or None


def open_store(settings: Settings, override: str | None = None) -> GraphStore:
    """`--store` wins (a Neo4j URI, `embedded`, or an embedded folder), then `NEO4J_URI`,
    then the embedded store in `BUYERGRAPH_HOME`."""
    uri = neo4j_uri_of(settings, override)
    if uri:
        from graph.stores.neo4j import Neo4jStore

        return Neo4jStore.connect(
            uri, settings.neo4j_username, settings.neo4j_secret(), settings.neo4j_database
        )
    from graph.stores.embedded import EmbeddedStore

    return EmbeddedStore(_embedded_home(settings, override))
