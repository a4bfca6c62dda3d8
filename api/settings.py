"""Settings from the environment (and an optional `.env`), read once per process."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from graph.errors import ConfigurationError

#: Passwords that ship as defaults somewhere and therefore protect nothing.
_DEFAULT_SECRETS = frozenset({"neo4j", "password", "changeme", "changethis", "secret"})


def default_home() -> Path:
    """The per-user data folder: `$XDG_DATA_HOME/buyergraph`, else `~/.local/share/buyergraph`."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "buyergraph"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    neo4j_uri: str | None = Field(default=None, validation_alias="NEO4J_URI")
    neo4j_username: str = Field(
        default="neo4j", validation_alias=AliasChoices("NEO4J_USERNAME", "NEO4J_USER")
    )
    neo4j_password: SecretStr | None = Field(default=None, validation_alias="NEO4J_PASSWORD")
    neo4j_database: str = Field(default="neo4j", validation_alias="NEO4J_DATABASE")
    home: Path = Field(default_factory=default_home, validation_alias="BUYERGRAPH_HOME")

    @field_validator("neo4j_uri", mode="before")
    @classmethod
    def _blank_uri(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    def neo4j_secret(self) -> str:
        """The Neo4j password, refusing none and well-known defaults."""
        if self.neo4j_password is None or not self.neo4j_password.get_secret_value():
            raise ConfigurationError("NEO4J_URI is set but NEO4J_PASSWORD is not")
        secret = self.neo4j_password.get_secret_value()
        if secret.lower() in _DEFAULT_SECRETS:
            raise ConfigurationError("NEO4J_PASSWORD is a well-known default; set a real password")
        return secret


@lru_cache
def get_settings() -> Settings:
    return Settings()
