"""Loading the analysis configuration from a user's TOML or JSON file.

The file is chosen by `--config PATH`, else the `BUYERGRAPH_CONFIG` variable, else the defaults are
used. Any subset of `AnalysisConfig` may be given; unknown keys and bad values are refused with an
error that names the file, the field and the reason.
"""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from graph.analyses.config import DEFAULT_CONFIG, AnalysisConfig
from graph.errors import ConfigurationError

ENV_VAR = "BUYERGRAPH_CONFIG"


def _parse(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigurationError(f"config file {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigurationError(f"config file {path} cannot be read: {exc}") from exc
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
    except json.JSONDecodeError as exc:
        where = f"config file {path}, line {exc.lineno}"
        raise ConfigurationError(f"{where}: not valid JSON ({exc.msg})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(f"config file {path}: not valid TOML ({exc})") from None
    if not isinstance(data, dict):
        raise ConfigurationError(f"config file {path}: the top level must be a table/object of settings")
    return data


def _field(loc: tuple[int | str, ...]) -> str:
    parts: list[str] = []
    for part in loc:
        parts.append(f"[{part}]" if isinstance(part, int) else (f".{part}" if parts else str(part)))
    return "".join(parts) or "(top level)"


def config_from_file(path: str | os.PathLike[str]) -> AnalysisConfig:
    """Validate a TOML (default) or JSON (`.json`) file into an AnalysisConfig."""
    file = Path(path).expanduser()
    data = _parse(file)
    try:
        return AnalysisConfig.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{_field(err['loc'])}: {err['msg']}" for err in exc.errors(include_input=False))
        raise ConfigurationError(f"config file {file}: {problems}") from None


def load_config(path: str | os.PathLike[str] | None = None) -> AnalysisConfig:
    """The configuration from `path`, else from $BUYERGRAPH_CONFIG, else the defaults."""
    chosen = path or os.environ.get(ENV_VAR) or None
    if not chosen:
        return DEFAULT_CONFIG
    return config_from_file(chosen)
