"""Inline mode: `@bot question` in any chat; one result per cited passage."""

from __future__ import annotations

import logging
from dataclasses import replace

from aiogram import Router
from aiogram.types import InlineQuery, InlineQueryResultUnion

from bot.answering import Answerer
from bot.render.inline import inline_hint, inline_results
from bot.settings import Settings
from bot.texts import reply_lang, user_lang

logger = logging.getLogger(__name__)

# how long Telegram may cache the hint shown for an empty query: it never changes
_HINT_CACHE_SECONDS = 3600


async def inline_query(query: InlineQuery, answerer: Answerer, settings: Settings) -> None:
    text = query.query.strip()
    if not text:
        await query.answer([inline_hint(user_lang(query.from_user))],
                           cache_time=_HINT_CACHE_SECONDS)
        return
    result = await answerer.inline(text, query.from_user.id)
    if result.superseded:
        return  # the user typed on: their newer query gets the answer
    answer = result.answer
    results: list[InlineQueryResultUnion]
    if answer is None:
        results = [inline_hint(user_lang(query.from_user, text))]
    else:
        lang = reply_lang(text, query.from_user, answerer.corpus_lang)
        results = list(inline_results(replace(answer, lang=lang), result.tag))
    # a stand-in from a shorter query must not stick in Telegram's cache
    cache_time = settings.inline_cache_seconds if result.fresh and answer is not None else 0
    await query.answer(results, cache_time=cache_time)


def create_router() -> Router:
    router = Router(name="inline")
    router.inline_query.register(inline_query)
    return router
