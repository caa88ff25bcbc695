"""Work admins start that outlives one update: the background reindex with its progress message,
and uploads waiting for "Replace?" to be confirmed."""

from __future__ import annotations

import asyncio
import errno
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
from index.types import BuildReport, Lang

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
        # chats told "I will post the summary when it ends", waiting for the running rebuild
        self._promised: list[_StatusPlace] = []
        self._watcher: asyncio.Task[None] | None = None
        self.uploads: TtlLru[str, PendingUpload] = TtlLru(_PENDING_UPLOADS, _PENDING_TTL)

    def reindex_running(self, news: NewsIndex) -> bool:
        # the task is checked too: its thread may not have taken the index's lock yet
        return (self._reindex is not None and not self._reindex.done()) or news.reindexing

    @property
    def reindex_progress(self) -> tuple[int, int, int] | None:
        """(pieces embedded, pieces to embed, phase: 0 passages, 1 sentences) of the running
        /reindex, once it knows."""
        running = self._reindex is not None and not self._reindex.done()
        if not running or self._progress is None or not self._progress.total:
            return None
        return self._progress.done, self._progress.total, self._progress.phase

    def promise_summary(self, news: NewsIndex, bot: Bot, chat_id: int, lang: Lang,
                        thread_id: int | None = None) -> None:
        """`chat_id` was told a rebuild is running and that it will get the summary when it
        ends: it will. A /reindex running here posts its own summary there too; an upload's
        rebuild has no summary of a reindex, so once it ends the reindex that was asked for
        runs (reusing every vector), and its summary goes to every chat that waited."""
        self._promised.append(_StatusPlace(chat_id, lang, thread_id))
        ours = self._reindex is not None and not self._reindex.done()
        if not ours and (self._watcher is None or self._watcher.done()):
            self._watcher = self._spawn(self._after_rebuild(news, bot))

    async def _after_rebuild(self, news: NewsIndex, bot: Bot) -> None:
        while self._promised:
            while news.reindexing:
                await asyncio.sleep(self.edit_interval / 4)
            ours = self._reindex is not None and not self._reindex.done()
            if ours or not self._promised:
                return  # (a /reindex started meanwhile: its end posts to every waiting chat)
            place = self._promised.pop(0)
            self._start(news, bot, place)

    def start_reindex(self, news: NewsIndex, bot: Bot, chat_id: int, lang: Lang,
                      thread_id: int | None = None) -> bool:
        """Start a background reindex that reports into a status message it posts in
        `chat_id`; False, and nothing started, when one is running already.

        The check and the start are one step, with no `await` between them: two /reindex
        commands handled at once cannot both find nothing running.
        """
        if self.reindex_running(news):
            return False
        self._start(news, bot, _StatusPlace(chat_id, lang, thread_id))
        return True

    def _start(self, news: NewsIndex, bot: Bot, place: _StatusPlace) -> None:
        self._progress = _Progress()
        self._reindex = self._spawn(self._reindex_with_progress(news, bot, place,
                                                                self._progress))

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
                text = progress_text(status.lang, progress.done, progress.total, progress.phase)
                if text != shown:
                    await edit_status(bot, status, text)
                    shown = text
        outcome = _outcome(work, place.chat_id)
        # the chats promised this summary take it now, in one step with forgetting this job:
        # a /reindex after this point starts a rebuild of its own instead of waiting here
        promised, self._promised = self._promised, []
        self._reindex = None
        text = outcome(place.lang)
        if status is None or not await edit_status(bot, status, text):
            await _send_quietly(bot, place.chat_id, text, place.thread_id)
        for waiting in promised:
            await _send_quietly(bot, waiting.chat_id, outcome(waiting.lang), waiting.thread_id)


def progress_text(lang: Lang, done: int, total: int, phase: int, *, busy: bool = False) -> str:
    """The status of a running reindex: passages embedded, then sentences, each in its words."""
    key = "reindex_busy_progress" if busy else "reindex_progress"
    key += "_sentences" if phase else ""
    return t(lang, key, done=done, total=total)


# a rebuild that failed for want of room: the admin is told so, as an upload would be
_DISK_FULL = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)


def _outcome(work: asyncio.Task[BuildReport], chat_id: int) -> Callable[[Lang], str]:
    """The ended rebuild's summary, or why it failed, in any language it is asked for."""
    try:
        report = work.result()
    except NewsIndexError as exc:
        logger.warning("reindex refused: %s", exc)
        return functools.partial(_failed, reason=str(exc))
    except Exception as exc:
        cause = exc if isinstance(exc, OSError) else exc.__cause__
        if isinstance(cause, OSError) and cause.errno in _DISK_FULL:
            logger.warning("reindex failed: %s", cause)
            return functools.partial(t, key="reindex_failed_full")
        logger.exception("reindex failed")
        return functools.partial(t, key="reindex_crashed")
    logger.info("reindex from chat %s done: %s", chat_id, report.summary())
    return functools.partial(report_html, report)


def _failed(lang: Lang, reason: str) -> str:
    return t(lang, "reindex_failed", reason=reason)


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
    """Filled in by the worker thread (plain int stores), read by the event loop.

    A rebuild counts its passages, then (from a count of its own) the sentences in them: a
    count that follows a finished one is the next phase."""

    def __init__(self) -> None:
        self.done = 0
        self.total = 0
        self.phase = 0
        self._started = False

    def __call__(self, done: int, total: int) -> None:
        if self._started and self.done >= self.total and (done, total) != (self.done, self.total):
            self.phase = 1
        self._started = True
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


async def _send_quietly(bot: Bot, chat_id: int, text: str,
                        thread_id: int | None = None) -> None:
    try:
        await bot.send_message(chat_id, text, message_thread_id=thread_id)
    except TelegramAPIError as exc:
        logger.warning("could not send to chat %s: %s", chat_id, exc)
