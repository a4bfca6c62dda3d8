"""Settings from the environment (and an optional `.env`), read once per process."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from graph.errors import ConfigurationError, redact_uris

#: The largest value BUYERGRAPH_MAX_PAGE_SIZE may be set to; the API declares its page sizes up to it.
PAGE_SIZE_CEILING = 500

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
    #: The user's own header dictionary for Chinese CRM exports (TOML, see docs/ingest.md), if any.
    headers_file: Path | None = Field(default=None, validation_alias="BUYERGRAPH_HEADERS")

    # --- the HTTP service (`buyergraph serve`); every limit is answered with a clear 4xx -------
    #: Largest request body of an ordinary request (JSON), in bytes.
    max_body_bytes: int = Field(default=1_048_576, ge=1, validation_alias="BUYERGRAPH_MAX_BODY_BYTES")
    #: Largest ingest upload (all files of one request together), in bytes.
    max_upload_bytes: int = Field(
        default=512 * 1_048_576, ge=1, validation_alias="BUYERGRAPH_MAX_UPLOAD_BYTES"
    )
    #: Largest total size of the request headers, in bytes.
    max_header_bytes: int = Field(default=16_384, ge=1024, validation_alias="BUYERGRAPH_MAX_HEADER_BYTES")
    #: Largest page a listing returns; a larger `limit` is refused.
    max_page_size: int = Field(
        default=200, ge=1, le=PAGE_SIZE_CEILING, validation_alias="BUYERGRAPH_MAX_PAGE_SIZE"
    )
    #: Seconds an analysis may take before the request is answered 408.
    analysis_timeout_s: float = Field(default=30.0, gt=0, validation_alias="BUYERGRAPH_ANALYSIS_TIMEOUT_S")
    #: Threads that run analyses; more requests than this wait their turn (within the timeout).
    analysis_workers: int = Field(default=4, ge=1, validation_alias="BUYERGRAPH_ANALYSIS_WORKERS")
    #: Seconds an analysis result stays cached in the server process (0 turns the cache off).
    analysis_cache_s: float = Field(default=60.0, ge=0, validation_alias="BUYERGRAPH_ANALYSIS_CACHE_S")
    #: Seconds between background refreshes of the cross-sell index of all accounts' holdings.
    cross_sell_refresh_s: float = Field(
        default=300.0, gt=0, validation_alias="BUYERGRAPH_CROSS_SELL_REFRESH_S"
    )
    #: Seconds /health reuses its last answer about the store (load balancers poll it often).
    health_cache_s: float = Field(default=1.0, ge=0, validation_alias="BUYERGRAPH_HEALTH_CACHE_S")
    #: Seconds a Cypher console query may run before Neo4j stops it.
    cypher_timeout_s: float = Field(default=10.0, gt=0, validation_alias="BUYERGRAPH_CYPHER_TIMEOUT_S")
    #: Most rows a Cypher console query returns.
    cypher_max_rows: int = Field(default=1000, ge=1, validation_alias="BUYERGRAPH_CYPHER_MAX_ROWS")
    #: Largest Cypher console result, in bytes of JSON; a larger one is refused with 413.
    cypher_max_bytes: int = Field(
        default=8 * 1_048_576, ge=1024, validation_alias="BUYERGRAPH_CYPHER_MAX_BYTES"
    )
    #: Uploads larger than this run as a background job that the client polls.
    ingest_job_threshold_bytes: int = Field(
        default=5 * 1_048_576, ge=0, validation_alias="BUYERGRAPH_INGEST_JOB_THRESHOLD_BYTES"
    )
    #: Seconds a small upload, loaded while its client waits, waits for another ingest to finish
    #: before it is answered 503 with Retry-After (background jobs wait as long as the loader does).
    ingest_lock_wait_s: float = Field(default=10.0, ge=0, validation_alias="BUYERGRAPH_INGEST_LOCK_WAIT_S")
    #: Browser origins allowed to call the API from other sites (CORS), comma-separated; none by default.
    cors_origins: str = Field(default="", validation_alias="BUYERGRAPH_CORS_ORIGINS")
    #: Seconds a client is told to wait (Retry-After) when the store is unreachable.
    retry_after_s: int = Field(default=5, ge=1, validation_alias="BUYERGRAPH_RETRY_AFTER_S")
    #: Seconds between webhook delivery rounds inside `serve` (0: none; cron `buyergraph webhooks deliver`).
    webhook_interval_s: float = Field(default=10.0, ge=0, validation_alias="BUYERGRAPH_WEBHOOK_INTERVAL_S")
    #: Seconds before a failed webhook delivery's first retry; each later retry waits twice as long.
    webhook_backoff_s: float = Field(default=30.0, ge=0, validation_alias="BUYERGRAPH_WEBHOOK_BACKOFF_S")

    @field_validator("neo4j_uri", "headers_file", mode="before")
    @classmethod
    def _blank_uri(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    def __repr_args__(self) -> Any:
        """The settings as `repr` and `str` show them: a password inside NEO4J_URI is left out."""
        for name, value in super().__repr_args__():
            yield name, redact_uris(value) if name == "neo4j_uri" and isinstance(value, str) else value

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
