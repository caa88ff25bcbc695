"""/start, /help, /sources and /timeline, in any chat, in the user's language."""

from __future__ import annotations

import asyncio
import logging

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.types import Message

from bot.handlers.corpus import sources_page
from bot.render.catalog import help_html, start_html
from bot.render.timeline import timeline_html
from bot.settings import Settings
from bot.texts import user_lang
from index.language import detect_language
from index.service import NewsIndex

logger = logging.getLogger(__name__)

async def start(message: Message, bot: Bot) -> None:
    lang = user_lang(message.from_user, message.text)
    me = await bot.me()
    await message.answer(start_html(lang, me.username or ""))


async def show_help(message: Message, bot: Bot, news: NewsIndex) -> None:
    lang = user_lang(message.from_user, message.text)
    me = await bot.me()
    await message.answer(help_html(news.articles(), lang, me.username or ""))


async def sources(message: Message, news: NewsIndex) -> None:
    lang = user_lang(message.from_user, message.text)
    text, markup = sources_page(news, 0, lang)  # (pages turn in bot/handlers/corpus.py)
    await message.answer(text, reply_markup=markup)


async def timeline(message: Message, command: CommandObject, news: NewsIndex,
                   settings: Settings) -> None:
    topic = " ".join((command.args or "").split())[: settings.max_question_chars] or None
    lang = detect_language(topic) if topic else user_lang(message.from_user, message.text)
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
