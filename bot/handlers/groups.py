"""Groups: answer only when addressed (a mention, a reply to the bot, or /ask), replying to the
asking message. Everything else is chatter and gets no reply."""

from __future__ import annotations

import logging

from aiogram import F, Router
from aiogram.enums import ChatType
from aiogram.filters import Command, CommandObject
from aiogram.types import Message

from bot.answering import Answerer
from bot.filters import AddressedToBot
from bot.replies import answer_question

logger = logging.getLogger(__name__)

_SEARCHING = {"throttle": True, "typing": True}


async def ask_command(message: Message, command: CommandObject, answerer: Answerer) -> None:
    await answer_question(message, command.args or "", answerer, reply=True)


async def addressed(message: Message, question: str, answerer: Answerer) -> None:
    await answer_question(message, question, answerer, reply=True)


def create_router() -> Router:
    router = Router(name="groups")
    router.message.filter(F.chat.type.in_({ChatType.GROUP, ChatType.SUPERGROUP}))
    router.message.register(ask_command, Command("ask"), flags=_SEARCHING)
    router.message.register(addressed, F.text, AddressedToBot(), flags=_SEARCHING)
    return router
