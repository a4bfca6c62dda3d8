"""The installed version of buyergraph, for /health and the OpenAPI document."""

from __future__ import annotations

from functools import cache
from importlib import metadata


@cache
def version() -> str:
    try:
        return metadata.version("buyergraph")
    except metadata.PackageNotFoundError:
        return "0.0.0"
