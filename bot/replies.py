"""Sending an answer: the question handlers of private chats and groups share this."""

from __future__ import annotations

from aiogram.types import Message, ReplyParameters

from bot.answering import Answerer, Page
from bot.keyboards import answer_keyboard
from bot.render.pages import page_html
from bot.texts import reply_lang, t


def reply_to(message: Message) -> ReplyParameters:
    # the asking message may be deleted meanwhile: answer anyway rather than fail
    return ReplyParameters(message_id=message.message_id, allow_sending_without_reply=True)


async def send_page(message: Message, page: Page, *, reply: bool,
                    updated_since: bool = False) -> Message:
    return await message.answer(
        page_html(page, updated_since),
        reply_markup=answer_keyboard(page, page.answer.lang),
        reply_parameters=reply_to(message) if reply else None,
    )


async def answer_question(message: Message, question: str, answerer: Answerer, *,
                          reply: bool) -> None:
    """Answer `question` (asked in `message`), or say how to ask when it is empty."""
    # the question's language, then the user's, then the articles': for every part of the
    # reply and the button replies under it
    lang = reply_lang(question, message.from_user, answerer.corpus_lang)
    if not any(ch.isalnum() for ch in question):
        await message.answer(t(lang, "empty"),
                             reply_parameters=reply_to(message) if reply else None)
        return
    page = await answerer.ask(question, lang)
    await send_page(message, page, reply=reply)
