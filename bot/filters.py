"""Filters: who is an administrator, and whether a group message is addressed to the bot."""

from __future__ import annotations

from typing import Any

from aiogram import Bot
from aiogram.enums import MessageEntityType
from aiogram.filters import Filter
from aiogram.types import Message, TelegramObject, User

from bot.settings import Settings


class IsAdmin(Filter):
    """The event comes from a user listed in ADMIN_IDS."""

    async def __call__(
        self, event: TelegramObject, settings: Settings, event_from_user: User | None = None
    ) -> bool:
        return event_from_user is not None and event_from_user.id in settings.admin_ids


class AddressedToBot(Filter):
    """A text message that mentions the bot or replies to one of its messages.

    Hands the handler `question`: the text with the bot's @mention taken out.
    """

    async def __call__(self, message: Message, bot: Bot) -> bool | dict[str, Any]:
        text = message.text
        if not text:
            return False
        me = await bot.me()
        replied = message.reply_to_message
        addressed = bool(replied and replied.from_user and replied.from_user.id == me.id)
        question = text
        wanted = f"@{me.username}".casefold() if me.username else None
        # cut from the end so the earlier entities' offsets stay valid
        for entity in sorted(message.entities or [], key=lambda e: e.offset, reverse=True):
            is_me = (
                entity.type == MessageEntityType.MENTION
                and wanted is not None
                and entity.extract_from(text).casefold() == wanted
            ) or (
                entity.type == MessageEntityType.TEXT_MENTION
                and entity.user is not None
                and entity.user.id == me.id
            )
            if is_me:
                addressed = True
                if entity.type == MessageEntityType.MENTION:
                    question = _cut_entity(question, entity.offset, entity.length)
        if not addressed:
            return False
        return {"question": " ".join(question.split())}


def _cut_entity(text: str, offset: int, length: int) -> str:
    """`text` without the entity at `offset`/`length`, which Telegram counts in UTF-16 units."""
    encoded = text.encode("utf-16-le")
    kept = encoded[: offset * 2] + " ".encode("utf-16-le") + encoded[(offset + length) * 2 :]
    return kept.decode("utf-16-le")
