"""Administrators (ADMIN_IDS): /reindex in the background, /stats, and `.txt` uploads in a
private chat. Everyone else asking for these gets a polite refusal and nothing changes."""

from __future__ import annotations

import io
import logging

from aiogram import Bot, F, Router
from aiogram.enums import ChatType
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Document, Message

from bot.filters import IsAdmin
from bot.jobs import AdminJobs, PendingUpload, StatusMessage, edit_status, in_background_thread
from bot.keyboards import UploadChoice, upload_keyboard
from bot.render.admin import stats_html
from bot.replies import reply_to
from bot.settings import Settings
from bot.stats import BotStats
from bot.texts import t, user_lang
from index.service import AddResult, FileExists, NewsIndex
from index.types import Lang

logger = logging.getLogger(__name__)


async def reindex(message: Message, bot: Bot, news: NewsIndex, jobs: AdminJobs) -> None:
    lang = user_lang(message.from_user, message.text)
    if jobs.reindex_running(news):
        await message.reply(t(lang, "reindex_busy"))
        return
    status = await message.answer(t(lang, "reindex_started"))
    jobs.start_reindex(news, bot, StatusMessage(status.chat.id, status.message_id, lang))


async def show_stats(message: Message, news: NewsIndex, stats: BotStats,
                     jobs: AdminJobs) -> None:
    current = news.current
    await message.answer(stats_html(stats, len(current.articles), current.size,
                                    current.generation, jobs.reindex_running(news),
                                    user_lang(message.from_user, message.text)))


async def upload(message: Message, document: Document, bot: Bot, news: NewsIndex,
                 settings: Settings, jobs: AdminJobs) -> None:
    lang = user_lang(message.from_user, message.caption)
    name = document.file_name or ""
    if not name.lower().endswith(".txt"):
        await message.reply(t(lang, "upload_not_txt"))
        return
    if document.file_size is not None and document.file_size > settings.max_file_bytes:
        await message.reply(t(lang, "upload_too_big", size=f"{document.file_size:,}",
                              limit=f"{settings.max_file_bytes:,}"))
        return
    data = await _download(bot, document.file_id)
    try:
        result = await in_background_thread(news.add_article, name, data)
    except FileExists:
        user_id = message.from_user.id if message.from_user else 0
        token = jobs.remember_upload(PendingUpload(user_id, name, document.file_id))
        await message.reply(t(lang, "upload_exists", name=name),
                            reply_markup=upload_keyboard(token, lang))
        return
    await message.answer(_added(result, news, lang), reply_parameters=reply_to(message))


async def upload_choice(callback: CallbackQuery, callback_data: UploadChoice, bot: Bot,
                        news: NewsIndex, jobs: AdminJobs) -> None:
    lang = user_lang(callback.from_user)
    pending = jobs.uploads.get(callback_data.token)
    if pending is None or pending.user_id != callback.from_user.id or callback.message is None:
        await callback.answer(t(lang, "expired"), show_alert=True)
        return
    jobs.uploads.pop(callback_data.token)
    status = StatusMessage(callback.message.chat.id, callback.message.message_id, lang)
    await callback.answer()
    if not callback_data.replace:
        await edit_status(bot, status, t(lang, "upload_cancelled", name=pending.name))
        return
    await edit_status(bot, status, t(lang, "upload_adding", name=pending.name))
    data = await _download(bot, pending.file_id)
    result = await in_background_thread(news.add_article, pending.name, data, True)
    await edit_status(bot, status, _added(result, news, lang))


async def refuse(event: Message | CallbackQuery) -> None:
    text = t(user_lang(event.from_user), "not_admin")
    if isinstance(event, CallbackQuery):
        await event.answer(text, show_alert=True)
    else:
        await event.reply(text)


async def _download(bot: Bot, file_id: str) -> bytes:
    buffer = io.BytesIO()
    await bot.download(file_id, destination=buffer)
    return buffer.getvalue()


def _added(result: AddResult, news: NewsIndex, lang: Lang) -> str:
    current = news.current
    article = current.articles.get(result.name)
    return t(lang, "upload_replaced" if result.replaced else "upload_added", name=result.name,
             title=article.title if article else "", articles=len(current.articles),
             chunks=current.size)


def create_router() -> Router:
    router = Router(name="admin")
    private_document = (F.chat.type == ChatType.PRIVATE) & F.document.as_("document")
    router.message.register(reindex, Command("reindex"), IsAdmin())
    router.message.register(show_stats, Command("stats"), IsAdmin())
    router.message.register(upload, private_document, IsAdmin(), flags={"typing": True})
    router.callback_query.register(upload_choice, UploadChoice.filter(), IsAdmin())
    router.message.register(refuse, Command("reindex", "stats"))
    router.message.register(refuse, private_document)
    router.callback_query.register(refuse, UploadChoice.filter())
    return router
