"""Private chats: any text is a question."""

from __future__ import annotations

import logging

from aiogram import F, Router
from aiogram.enums import ChatType
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from bot.answering import Answerer
from bot.replies import answer_question
from bot.texts import t, user_lang
from index.followups import follow
from index.question_text import normalize_question

logger = logging.getLogger(__name__)

_SEARCHING = {"throttle": True, "typing": True}


async def ask_command(message: Message, command: CommandObject, answerer: Answerer) -> None:
    await answer_question(message, command.args or "", answerer, reply=False)


async def question(message: Message, answerer: Answerer, state: FSMContext) -> None:
    # a short follow-up ("and where?") is read with the last question that stood on its own,
    # per chat (the state expires: bot/chat_state.py)
    text = normalize_question(message.text or "")
    original = (await state.get_data()).get("original_question")
    step = follow(text, original if isinstance(original, str) else None)
    await state.update_data(original_question=step.original[: answerer.max_question_chars])
    await answer_question(message, step.searched, answerer, reply=False)


async def unknown_command(message: Message) -> None:
    await message.answer(t(user_lang(message.from_user, message.text), "unknown_command"))


async def not_text(message: Message) -> None:
    await message.answer(t(user_lang(message.from_user, message.caption), "not_text"))


def create_router() -> Router:
    router = Router(name="private")
    router.message.filter(F.chat.type == ChatType.PRIVATE)
    router.message.register(ask_command, Command("ask"), flags=_SEARCHING)
    router.message.register(unknown_command, F.text.startswith("/"))
    router.message.register(question, F.text, flags=_SEARCHING)
    router.message.register(not_text)
    return router
