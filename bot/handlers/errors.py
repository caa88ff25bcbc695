"""Errors from any handler end here: domain errors become the sentence they carry, anything
else is logged with its traceback and the user gets a short apology. Polling goes on.

A Bot API reply that cannot be decoded is no failure of ours: the request was made, and the
message most likely went out (an emulator, say, that writes a field in a form aiogram does not
read). It is logged once, and no apology follows an answer the user has."""

from __future__ import annotations

import logging

from aiogram import Bot, Router
from aiogram.exceptions import ClientDecodeError, TelegramAPIError
from aiogram.filters import ExceptionTypeFilter
from aiogram.types import ErrorEvent, ReplyParameters, User

from bot.retry import describe_error
from bot.texts import escape, t, user_lang
from index.errors import BadSeedFile, NewsIndexError

logger = logging.getLogger(__name__)


async def refused_upload(event: ErrorEvent, bot: Bot,
                         event_from_user: User | None = None) -> None:
    logger.info("upload refused: %s", event.exception)
    lang = user_lang(event_from_user)
    await _tell(event, bot, t(lang, "upload_refused", reason=str(event.exception)))


async def domain_error(event: ErrorEvent, bot: Bot) -> None:
    logger.warning("update %s: %s", event.update.update_id, event.exception)
    await _tell(event, bot, escape(str(event.exception)))


async def undecoded_reply(event: ErrorEvent) -> None:
    logger.warning("update %s: the Bot API's reply could not be decoded (%s); "
                   "the request was sent, so no apology follows",
                   event.update.update_id, describe_error(event.exception))


async def unexpected_error(event: ErrorEvent, bot: Bot,
                           event_from_user: User | None = None) -> None:
    logger.error("update %s failed", event.update.update_id, exc_info=event.exception)
    await _tell(event, bot, t(user_lang(event_from_user), "apology"))


async def _tell(event: ErrorEvent, bot: Bot, text: str) -> None:
    """Say `text` where the failed update came from; a failure to say it is only logged."""
    update = event.update
    try:
        if update.message is not None:
            await bot.send_message(
                update.message.chat.id, text,
                reply_parameters=ReplyParameters(message_id=update.message.message_id,
                                                 allow_sending_without_reply=True),
            )
        elif update.callback_query is not None:
            query = update.callback_query
            if query.message is not None:
                await bot.send_message(query.message.chat.id, text)
            await query.answer()
    except TelegramAPIError as exc:
        # the query may be answered already, or the chat gone: nothing more to do
        logger.warning("could not report the error to the user: %s", exc)


def create_router() -> Router:
    router = Router(name="errors")
    router.errors.register(refused_upload, ExceptionTypeFilter(BadSeedFile))
    router.errors.register(domain_error, ExceptionTypeFilter(NewsIndexError))
    router.errors.register(undecoded_reply, ExceptionTypeFilter(ClientDecodeError))
    router.errors.register(unexpected_error)
    return router
