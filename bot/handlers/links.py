"""Administrators add articles by link: `/add URL`, or a bare link in a private chat, and a
saved `.html` page sent as a document. The bot reports as it goes (fetching, extracted,
indexed) in one message edited in place. Everyone else is refused and nothing changes."""

from __future__ import annotations

import io
import logging
import re

from aiogram import Bot, F, Router
from aiogram.enums import ChatType
from aiogram.filters import Command, CommandObject
from aiogram.types import Document, Message

from bot.filters import IsAdmin
from bot.handlers.admin import refuse
from bot.jobs import StatusMessage, edit_status, in_background_thread
from bot.settings import Settings
from bot.texts import t, user_lang
from index.errors import NewsIndexError
from index.links.adding import extract_file, fetch_article
from index.links.extraction import Extracted
from index.links.storing import add_extracted
from index.service import NewsIndex
from index.types import Lang

logger = logging.getLogger(__name__)

_BARE_LINK = re.compile(r"^\s*(https?://\S+)\s*$", re.IGNORECASE)
_HTML_NAME = re.compile(r"(?i).*\.html?$")


async def add_command(message: Message, command: CommandObject, bot: Bot, news: NewsIndex,
                      settings: Settings) -> None:
    lang = user_lang(message.from_user, message.text)
    url = (command.args or "").strip()
    if not url:
        await message.reply(t(lang, "link_usage"))
        return
    await _add_link(message, url, bot, news, settings, lang)


async def bare_link(message: Message, bot: Bot, news: NewsIndex, settings: Settings) -> None:
    match = _BARE_LINK.match(message.text or "")
    assert match is not None  # (the filter matched it)
    await _add_link(message, match.group(1), bot, news, settings,
                    user_lang(message.from_user, None))


async def html_upload(message: Message, document: Document, bot: Bot, news: NewsIndex,
                      settings: Settings) -> None:
    lang = user_lang(message.from_user, message.caption)
    name = document.file_name or "page.html"
    status = await _status(message, t(lang, "upload_adding", name=name), lang)
    try:
        if document.file_size is not None and document.file_size > settings.max_file_bytes:
            raise _Refused(f"too large ({document.file_size:,} bytes; the limit is "
                           f"{settings.max_file_bytes:,})")
        buffer = io.BytesIO()
        await bot.download(document, destination=buffer)
        extracted = extract_file(name, buffer.getvalue(), settings.max_file_bytes)
    except (NewsIndexError, _Refused) as exc:
        await edit_status(bot, status, t(lang, "link_refused", reason=str(exc)))
        return
    await _index(bot, status, extracted, news, lang)


async def _add_link(message: Message, url: str, bot: Bot, news: NewsIndex,
                    settings: Settings, lang: Lang) -> None:
    status = await _status(message, t(lang, "link_fetching", url=url), lang)
    try:
        extracted = await fetch_article(url, settings.fetch_options())
    except NewsIndexError as exc:
        await edit_status(bot, status, t(lang, "link_refused", reason=str(exc)))
        return
    await _index(bot, status, extracted, news, lang)


async def _index(bot: Bot, status: StatusMessage, extracted: Extracted, news: NewsIndex,
                 lang: Lang) -> None:
    await edit_status(bot, status, t(lang, "link_extracted", title=extracted.title,
                                     words=extracted.words))
    try:
        stored = await in_background_thread(add_extracted, news, extracted)
    except (NewsIndexError, OSError) as exc:
        logger.warning("article %s not added: %s", extracted.url, exc)
        await edit_status(bot, status, t(lang, "link_refused", reason=str(exc)))
        return
    await edit_status(bot, status, t(lang, "link_added", title=stored.title, name=stored.name,
                                     articles=len(news.current.articles)))


class _Refused(Exception):
    """An upload refused before it was read."""


async def _status(message: Message, text: str, lang: Lang) -> StatusMessage:
    sent = await message.reply(text, disable_web_page_preview=True)
    return StatusMessage(sent.chat.id, sent.message_id, lang)


def create_router() -> Router:
    router = Router(name="links")
    private = F.chat.type == ChatType.PRIVATE
    link = private & F.text.regexp(_BARE_LINK)
    html_document = private & F.document.file_name.regexp(_HTML_NAME) & F.document.as_("document")
    router.message.register(add_command, Command("add"), IsAdmin(), flags={"typing": True})
    router.message.register(bare_link, link, IsAdmin(), flags={"typing": True})
    router.message.register(html_upload, html_document, IsAdmin(), flags={"typing": True})
    router.message.register(refuse, Command("add"))
    router.message.register(refuse, html_document)
    return router
