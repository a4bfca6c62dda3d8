"""The analysis configuration file: the documented example, partial files and clear errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from api.config_file import ENV_VAR, config_from_file, load_config
from graph.analyses import DEFAULT_CONFIG
from graph.errors import ConfigurationError
from graph.model import BuyingRole, TouchKind

DOCS = Path(__file__).resolve().parents[2] / "docs" / "analyses.md"


def test_the_documented_example_is_valid(tmp_path: Path) -> None:
    block = re.search(r"```toml\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S)
    assert block is not None
    path = tmp_path / "buyergraph.toml"
    path.write_text(block.group(1), encoding="utf-8")
    config = config_from_file(path)
    assert config.engaged_days == 60
    assert [t.name for t in config.templates] == ["small", "mid", "large", "security"]
    assert config.templates[3].product_family == "security"
    assert config.strength.touch_weights == {
        TouchKind.MEETING: 3.0,
        TouchKind.CALL: 2.0,
        TouchKind.EMAIL: 1.0,
    }
    assert config.role_values[BuyingRole.CHAMPION] == 0.7


def test_a_partial_file_keeps_every_other_default(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text('{"max_hops": 4, "influence": {"centrality": 0.5}}', encoding="utf-8")
    config = config_from_file(path)
    assert config.max_hops == 4 and config.influence.centrality == 0.5
    assert config.influence.seniority == DEFAULT_CONFIG.influence.seniority
    assert config.templates == DEFAULT_CONFIG.templates


def test_errors_name_the_file_and_the_field(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('engaged_days = "soon"\n[influence]\nstructur = 1\n', encoding="utf-8")
    with pytest.raises(ConfigurationError) as err:
        config_from_file(path)
    message = str(err.value)
    assert str(path) in message and "engaged_days" in message and "influence.structur" in message
    broken = tmp_path / "broken.json"
    broken.write_text('{"max_hops": ', encoding="utf-8")
    with pytest.raises(ConfigurationError, match=r"broken\.json, line 1: not valid JSON"):
        config_from_file(broken)
    with pytest.raises(ConfigurationError, match="does not exist"):
        config_from_file(tmp_path / "missing.toml")
    negative = tmp_path / "neg.toml"
    negative.write_text(
        "[[templates]]\nname = 'x'\nmin_amount = -1\nroles = ['champion']\n", encoding="utf-8"
    )
    with pytest.raises(ConfigurationError, match=r"templates\[0\]\.min_amount"):
        config_from_file(negative)


def test_environment_variable_and_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)
    assert load_config() is DEFAULT_CONFIG
    path = tmp_path / "env.toml"
    path.write_text("at_risk_days = 14\n", encoding="utf-8")
    monkeypatch.setenv(ENV_VAR, str(path))
    assert load_config().at_risk_days == 14
    other = tmp_path / "other.toml"
    other.write_text("at_risk_days = 3\n", encoding="utf-8")
    assert load_config(other).at_risk_days == 3  # --config wins over the variable
