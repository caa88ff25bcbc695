"""Administrators (ADMIN_IDS): /reindex in the background, /stats, and `.txt` uploads in a
private chat. Everyone else asking for these gets a polite refusal and nothing changes."""

from __future__ import annotations

import errno
import io
import logging
from typing import TYPE_CHECKING

from aiogram import Bot, F, Router
from aiogram.enums import ChatType
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Document, Message

from bot.filters import IsAdmin
from bot.jobs import (
    AdminJobs,
    PendingUpload,
    StatusMessage,
    edit_status,
    in_background_thread,
    progress_text,
)
from bot.keyboards import UploadChoice, upload_keyboard
from bot.render.admin import stats_html
from bot.replies import reply_to
from bot.settings import Settings
from bot.stats import BotStats
from bot.texts import t, user_lang
from index.errors import BadSeedFile
from index.service import AddResult, FileExists, NewsIndex
from index.types import Lang

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

logger = logging.getLogger(__name__)


async def reindex(message: Message, bot: Bot, news: NewsIndex, jobs: AdminJobs) -> None:
    lang = user_lang(message.from_user, message.text)
    thread = message.message_thread_id if message.is_topic_message else None
    if jobs.start_reindex(news, bot, message.chat.id, lang, thread):
        return  # (its status message is posted by the job)
    progress = jobs.reindex_progress
    await message.reply(t(lang, "reindex_busy") if progress is None else
                        progress_text(lang, *progress, busy=True))
    jobs.promise_summary(news, bot, message.chat.id, lang, thread)


async def show_stats(message: Message, news: NewsIndex, stats: BotStats,
                     jobs: AdminJobs) -> None:
    current = news.current
    await message.answer(stats_html(stats, len(current.articles), current.size,
                                    current.generation, jobs.reindex_running(news),
                                    user_lang(message.from_user, message.text),
                                    news.reader.name if news.reader else None,
                                    news.reader_problem))


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
    try:
        data = await _download(bot, document.file_id, settings.max_file_bytes)
    except _TooLarge:
        await message.reply(t(lang, "upload_too_big_unknown", limit=f"{settings.max_file_bytes:,}"))
        return
    try:
        result = await in_background_thread(news.add_article, name, data)
    except FileExists:
        user_id = message.from_user.id if message.from_user else 0
        token = jobs.remember_upload(PendingUpload(user_id, name, document.file_id))
        await message.reply(t(lang, "upload_exists", name=name),
                            reply_markup=upload_keyboard(token, lang))
        return
    except (OSError, BadSeedFile) as exc:
        write_failure = _write_failure(exc)
        if write_failure is None:
            raise  # a refusal with its own reason: the errors router says it
        await message.reply(_not_written(write_failure, name, lang))
        return
    await message.answer(_added(result, news, lang), reply_parameters=reply_to(message))


async def upload_choice(callback: CallbackQuery, callback_data: UploadChoice, bot: Bot,
                        news: NewsIndex, settings: Settings, jobs: AdminJobs) -> None:
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
    try:
        data = await _download(bot, pending.file_id, settings.max_file_bytes)
        result = await in_background_thread(news.add_article, pending.name, data, True)
    except _TooLarge:
        text = t(lang, "upload_too_big_unknown", limit=f"{settings.max_file_bytes:,}")
    except (OSError, BadSeedFile) as exc:
        write_failure = _write_failure(exc)
        if write_failure is None:
            raise
        text = _not_written(write_failure, pending.name, lang)
    else:
        text = _added(result, news, lang)
    await edit_status(bot, status, text)


async def refuse(event: Message | CallbackQuery) -> None:
    text = t(user_lang(event.from_user), "not_admin")
    if isinstance(event, CallbackQuery):
        await event.answer(text, show_alert=True)
    else:
        await event.reply(text)


class _TooLarge(Exception):
    """The download went past MAX_FILE_BYTES (Telegram did not declare its size)."""


class _CappedBuffer(io.BytesIO):
    """Memory for a download that refuses to grow past `limit` bytes: the download stops at
    the first chunk beyond it instead of reading a file of any size whole."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def write(self, data: ReadableBuffer, /) -> int:
        if self.tell() + memoryview(data).nbytes > self.limit:
            raise _TooLarge()
        return super().write(data)


async def _download(bot: Bot, file_id: str, limit: int) -> bytes:
    """The file's bytes; _TooLarge as soon as it is known to be over `limit` bytes, from the
    size Telegram declares or, without one, from what has arrived."""
    file = await bot.get_file(file_id)
    if file.file_size is not None and file.file_size > limit:
        raise _TooLarge()
    if file.file_path is None:  # Telegram keeps no path for files over its own 20 MB limit
        raise _TooLarge()
    buffer = _CappedBuffer(limit)
    await bot.download_file(file.file_path, destination=buffer)
    return buffer.getvalue()


# what a failed write means to an admin, by its errno
_WRITE_FAILURES = {
    errno.EROFS: "upload_failed_readonly",
    errno.EACCES: "upload_failed_permission",
    errno.EPERM: "upload_failed_permission",
    errno.ENOSPC: "upload_failed_full",
    errno.EDQUOT: "upload_failed_full",
    errno.EFBIG: "upload_failed_full",  # a file size limit: the same remedy, room
}


def _write_failure(exc: BaseException) -> OSError | None:
    """The file system's error behind a failed upload, raised as it is or carried as the
    cause of the refusal it became; None for a refusal of the file itself."""
    if isinstance(exc, OSError):
        return exc
    return exc.__cause__ if isinstance(exc.__cause__, OSError) else None


def _not_written(exc: OSError, name: str, lang: Lang) -> str:
    """Why an upload could not be written into the corpus folder or the index, in words."""
    logger.warning("upload %s not written: %s", name, exc)
    key = _WRITE_FAILURES.get(exc.errno or 0, "upload_failed_os")
    return t(lang, key, error=exc.strerror or type(exc).__name__)


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
