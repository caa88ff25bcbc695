"""/start, /help, /sources and /timeline, in any chat, in the user's language."""

from __future__ import annotations

import asyncio
import html
import logging

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.types import Message

from bot.rendering import shorten, source_lines, split_messages
from bot.settings import Settings
from bot.texts import EXAMPLES, Markup, t, user_lang
from index.language import detect_language
from index.service import NewsIndex
from index.timeline import render_timeline_html

logger = logging.getLogger(__name__)

_HELP_TITLES = 5


async def start(message: Message, bot: Bot) -> None:
    lang = user_lang(message.from_user, message.text)
    me = await bot.me()
    await message.answer(t(lang, "start", example=EXAMPLES[lang][0], username=me.username or ""))


async def show_help(message: Message, bot: Bot, news: NewsIndex) -> None:
    lang = user_lang(message.from_user, message.text)
    me = await bot.me()
    articles = news.articles()
    titles = "\n".join(f"• {html.escape(shorten(a.title or a.source, 100))}"
                       for a in articles[:_HELP_TITLES])
    examples = "\n".join(f"• <i>{html.escape(q)}</i>" for q in EXAMPLES[lang])
    await message.answer(t(lang, "help", articles=len(articles), titles=Markup(titles),
                           examples=Markup(examples), username=me.username or ""))


async def sources(message: Message, news: NewsIndex) -> None:
    lang = user_lang(message.from_user, message.text)
    articles = news.articles()
    if not articles:
        await message.answer(t(lang, "sources_empty"))
        return
    lines = source_lines(articles, _dates_by_article(news), lang)
    for text in split_messages(t(lang, "sources_header", n=len(articles)), lines):
        await message.answer(text)


async def timeline(message: Message, command: CommandObject, news: NewsIndex,
                   settings: Settings) -> None:
    topic = " ".join((command.args or "").split())[: settings.max_question_chars] or None
    lang = detect_language(topic) if topic else user_lang(message.from_user, message.text)
    events = await asyncio.to_thread(news.timeline, topic)
    await message.answer(render_timeline_html(events, lang, topic))


def _dates_by_article(news: NewsIndex) -> dict[str, tuple[str, ...]]:
    dates: dict[str, set[str]] = {}
    for chunk in news.current.chunks:
        dates.setdefault(chunk.source, set()).update(chunk.dates)
    return {source: tuple(found) for source, found in dates.items()}


def create_router() -> Router:
    router = Router(name="common")
    router.message.register(start, CommandStart())
    router.message.register(show_help, Command("help"))
    router.message.register(sources, Command("sources"))
    router.message.register(timeline, Command("timeline"), flags={"throttle": True,
                                                                  "typing": True})
    return router
