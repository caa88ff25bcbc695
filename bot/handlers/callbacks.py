"""The buttons under an answer: "More results" and "Full passage", and a polite answer to any
button whose data does not parse (tampered with, or from an older version of the bot)."""

from __future__ import annotations

import logging
from contextlib import suppress

from aiogram import Bot, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, Message, ReplyParameters

from bot.answering import Answerer
from bot.keyboards import FullPassage, MoreResults, answer_keyboard, without_more
from bot.render.pages import page_html, passage_html
from bot.texts import t, user_lang

logger = logging.getLogger(__name__)

_SEARCHING = {"throttle": True}


async def more_results(callback: CallbackQuery, callback_data: MoreResults,
                       answerer: Answerer, bot: Bot) -> None:
    lang = callback_data.lang
    page = await answerer.more(callback_data.q, callback_data.page)
    if page is None or callback.message is None:
        await callback.answer(t(lang, "expired"), show_alert=True)
        return
    if not page.answer.items:
        await callback.answer(t(lang, "no_more"))
        return
    origin = callback.message
    await bot.send_message(
        origin.chat.id,
        page_html(page, updated_since=page.tag != callback_data.gen),
        reply_markup=answer_keyboard(page, page.answer.lang),
        reply_parameters=ReplyParameters(message_id=origin.message_id,
                                         allow_sending_without_reply=True),
    )
    await callback.answer()
    if isinstance(origin, Message):  # an old message may be inaccessible: then leave it be
        with suppress(TelegramBadRequest):
            await origin.edit_reply_markup(reply_markup=without_more(origin.reply_markup))


async def full_passage(callback: CallbackQuery, callback_data: FullPassage,
                       answerer: Answerer, bot: Bot) -> None:
    lang = callback_data.lang
    passage = answerer.passage(callback_data.gen, callback_data.chunk)
    if passage is None or callback.message is None:
        await callback.answer(t(lang, "expired"), show_alert=True)
        return
    origin = callback.message
    await bot.send_message(
        origin.chat.id,
        passage_html(passage, lang),
        reply_parameters=ReplyParameters(message_id=origin.message_id,
                                         allow_sending_without_reply=True),
    )
    await callback.answer()


async def unknown_button(callback: CallbackQuery) -> None:
    logger.info("unparseable callback data from user %s: %r", callback.from_user.id,
                (callback.data or "")[:64])
    await callback.answer(t(user_lang(callback.from_user), "bad_button"))


def create_router() -> Router:
    router = Router(name="callbacks")
    router.callback_query.register(more_results, MoreResults.filter(), flags=_SEARCHING)
    router.callback_query.register(full_passage, FullPassage.filter(), flags=_SEARCHING)
    router.callback_query.register(unknown_button)
    return router
