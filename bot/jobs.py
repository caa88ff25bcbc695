"""Work admins start that outlives one update: the background reindex with its progress message,
and uploads waiting for "Replace?" to be confirmed."""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import secrets
import threading
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass
from typing import Any, TypeVar

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest

from bot.cache import TtlLru
from bot.render.admin import report_html
from bot.texts import t
from index.errors import NewsIndexError
from index.service import NewsIndex
from index.types import Lang

T = TypeVar("T")

logger = logging.getLogger(__name__)

# Telegram limits how often one message may be edited; every 2 s is well within it
EDIT_INTERVAL = 2.0
_PENDING_UPLOADS = 64
_PENDING_TTL = 3600.0


@dataclass(frozen=True, slots=True)
class PendingUpload:
    """An upload whose file name exists already, kept until the admin says Replace or Cancel."""

    user_id: int
    name: str
    file_id: str


@dataclass(frozen=True, slots=True)
class StatusMessage:
    """The message a long job reports into, edited in place."""

    chat_id: int
    message_id: int
    lang: Lang


class AdminJobs:
    """Background tasks (kept referenced until they end) and pending uploads."""

    def __init__(self, edit_interval: float = EDIT_INTERVAL) -> None:
        self.edit_interval = edit_interval
        self._tasks: set[asyncio.Task[None]] = set()
        self._reindex: asyncio.Task[None] | None = None
        self._progress: _Progress | None = None
        self.uploads: TtlLru[str, PendingUpload] = TtlLru(_PENDING_UPLOADS, _PENDING_TTL)

    def reindex_running(self, news: NewsIndex) -> bool:
        # the task is checked too: its thread may not have taken the index's lock yet
        return (self._reindex is not None and not self._reindex.done()) or news.reindexing

    @property
    def reindex_progress(self) -> tuple[int, int] | None:
        """(passages embedded, passages to embed) of the running /reindex, once it knows."""
        running = self._reindex is not None and not self._reindex.done()
        if not running or self._progress is None or not self._progress.total:
            return None
        return self._progress.done, self._progress.total

    def start_reindex(self, news: NewsIndex, bot: Bot, chat_id: int, lang: Lang,
                      thread_id: int | None = None) -> bool:
        """Start a background reindex that reports into a status message it posts in
        `chat_id`; False, and nothing started, when one is running already.

        The check and the start are one step, with no `await` between them: two /reindex
        commands handled at once cannot both find nothing running.
        """
        if self.reindex_running(news):
            return False
        self._progress = _Progress()
        self._reindex = self._spawn(self._reindex_with_progress(
            news, bot, _StatusPlace(chat_id, lang, thread_id), self._progress))
        return True

    def remember_upload(self, upload: PendingUpload) -> str:
        token = secrets.token_urlsafe(6)
        self.uploads.put(token, upload)
        return token

    async def wait(self) -> None:
        """Until every background task has ended (tests, and a clean shutdown)."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _reindex_with_progress(self, news: NewsIndex, bot: Bot, place: _StatusPlace,
                                     progress: _Progress) -> None:
        work = asyncio.create_task(in_background_thread(news.reindex, progress))
        status = await _post_status(bot, place, t(place.lang, "reindex_started"))
        shown = ""
        while not work.done():
            await asyncio.wait({work}, timeout=self.edit_interval)
            if not work.done() and progress.total and status is not None:
                text = t(status.lang, "reindex_progress", done=progress.done, total=progress.total)
                if text != shown:
                    await edit_status(bot, status, text)
                    shown = text
        try:
            report = work.result()
        except NewsIndexError as exc:
            logger.warning("reindex refused: %s", exc)
            text = t(place.lang, "reindex_failed", reason=str(exc))
        except Exception:
            logger.exception("reindex failed")
            text = t(place.lang, "reindex_crashed")
        else:
            logger.info("reindex from chat %s done: %s", place.chat_id, report.summary())
            text = report_html(report, place.lang)
        if status is None or not await edit_status(bot, status, text):
            await _send_quietly(bot, place.chat_id, text)


async def in_background_thread(fn: Callable[..., T], *args: Any) -> T:
    """`fn(*args)` in a thread of its own at low CPU priority: a rebuild takes minutes of CPU,
    and questions asked meanwhile must not wait for it (nor for a place in the search pool)."""
    with ThreadPoolExecutor(1, thread_name_prefix="rebuild") as pool:
        return await asyncio.get_running_loop().run_in_executor(
            pool, functools.partial(_at_low_priority, fn, *args))


def _at_low_priority(fn: Callable[..., T], *args: Any) -> T:
    with suppress(AttributeError, OSError):  # (Linux renices a thread; elsewhere: as is)
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
    return fn(*args)


@dataclass(frozen=True, slots=True)
class _StatusPlace:
    """Where a job posts its status message: a chat, and a forum topic in it."""

    chat_id: int
    lang: Lang
    thread_id: int | None = None


async def _post_status(bot: Bot, place: _StatusPlace, text: str) -> StatusMessage | None:
    """Post the message a job edits as it goes; None when Telegram would not take it (the job
    goes on, and its result is sent as a new message at the end)."""
    try:
        sent = await bot.send_message(place.chat_id, text, message_thread_id=place.thread_id)
    except TelegramAPIError as exc:
        logger.warning("could not post a status message in chat %s: %s", place.chat_id, exc)
        return None
    return StatusMessage(place.chat_id, sent.message_id, place.lang)


class _Progress:
    """Filled in by the worker thread (plain int stores), read by the event loop."""

    def __init__(self) -> None:
        self.done = 0
        self.total = 0

    def __call__(self, done: int, total: int) -> None:
        self.done, self.total = done, total


async def edit_status(bot: Bot, status: StatusMessage, text: str) -> bool:
    """Edit the status message; a failed edit is logged, never raised (the job goes on)."""
    try:
        await bot.edit_message_text(text=text, chat_id=status.chat_id,
                                    message_id=status.message_id)
    except TelegramBadRequest as exc:
        if "not modified" in str(exc):
            return True
        logger.warning("could not edit status message in chat %s: %s", status.chat_id, exc)
        return False
    except TelegramAPIError as exc:
        logger.warning("could not edit status message in chat %s: %s", status.chat_id, exc)
        return False
    return True


async def _send_quietly(bot: Bot, chat_id: int, text: str) -> None:
    try:
        await bot.send_message(chat_id, text)
    except TelegramAPIError as exc:
        logger.warning("could not send to chat %s: %s", chat_id, exc)
