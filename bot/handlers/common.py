"""/start, /help, /sources and /timeline, in any chat, in the user's language."""

from __future__ import annotations

import asyncio
import logging

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.types import Message

from bot.answering import Answerer
from bot.handlers.corpus import sources_page
from bot.render.catalog import help_html, start_html
from bot.render.timeline import timeline_html
from bot.settings import Settings
from bot.texts import reply_lang
from index.service import NewsIndex
from index.types import Lang

logger = logging.getLogger(__name__)


def _lang(message: Message, answerer: Answerer, words: str = "") -> Lang:
    # the command's own name ("/sources") says nothing of the user's language: their words
    # after it, then their Telegram language, then the articles' (Russian dates beside
    # Russian titles)
    return reply_lang(words, message.from_user, answerer.corpus_lang)


async def start(message: Message, bot: Bot, answerer: Answerer) -> None:
    lang = _lang(message, answerer)
    me = await bot.me()
    await message.answer(start_html(lang, me.username or ""))


async def show_help(message: Message, bot: Bot, news: NewsIndex, answerer: Answerer) -> None:
    lang = _lang(message, answerer)
    me = await bot.me()
    await message.answer(help_html(news.articles(), lang, me.username or ""))


async def sources(message: Message, news: NewsIndex, answerer: Answerer) -> None:
    lang = _lang(message, answerer)
    text, markup = sources_page(news, 0, lang)  # (pages turn in bot/handlers/corpus.py)
    await message.answer(text, reply_markup=markup)


async def timeline(message: Message, command: CommandObject, news: NewsIndex,
                   settings: Settings, answerer: Answerer) -> None:
    topic = " ".join((command.args or "").split())[: settings.max_question_chars] or None
    lang = _lang(message, answerer, topic or "")
    events = await asyncio.to_thread(news.timeline, topic)
    await message.answer(timeline_html(events, lang, topic))


def create_router() -> Router:
    router = Router(name="common")
    router.message.register(start, CommandStart())
    router.message.register(show_help, Command("help"))
    router.message.register(sources, Command("sources"))
    router.message.register(timeline, Command("timeline"), flags={"throttle": True,
                                                                  "typing": True})
    return router
