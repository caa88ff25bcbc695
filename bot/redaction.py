"""Keeping the bot token out of the logs.

Bot API URLs carry the token (`/bot<token>/sendMessage`, `/file/bot<token>/…`), and aiohttp
puts the URL into some errors: a redirect loop (`TooManyRedirects`) ends up in aiogram's
"Failed to fetch updates" log line, a failed file download (`ClientResponseError`) in a
handler's traceback. A filter on the log handlers replaces the token, and its secret part on
its own, in every message and traceback before anything is written.

Tracebacks that reach no log call are printed by Python itself: an exception that ends the
process, one that ends a thread, one raised in `__del__`, and the event loop's "Task exception
was never retrieved". `install_redacting_hooks` and `loop_exception_handler` send all of them
through the logger, redacted, instead.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
import traceback
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Any

from pydantic import SecretStr

REDACTED = "<BOT_TOKEN>"
# shorter strings would blot out ordinary words; a token's secret part is 35 characters
_MIN_SECRET_CHARS = 8


class RedactSecrets(logging.Filter):
    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        # the longest first, so the whole token goes before its secret part is looked for
        self._secrets = sorted({s for s in secrets if len(s) >= _MIN_SECRET_CHARS},
                               key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        broken = False
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            # a bad format string: logging would print the record's arguments raw to stderr
            message, broken = f"{record.msg!s} {record.args!r}", True
        clean = self.redact(message)
        if clean != message or broken:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def token_secrets(token: str) -> list[str]:
    """The token and its secret part (after the bot id, which is public)."""
    return [token, token.partition(":")[2]]


def redact_token_in_logs(token: SecretStr | str | None) -> RedactSecrets | None:
    """Install the filter on every handler of the root logger (call after logging is set up)."""
    if token is None:
        return None
    secret = token.get_secret_value() if isinstance(token, SecretStr) else token
    redactor = RedactSecrets(token_secrets(secret))
    for handler in logging.getLogger().handlers:
        handler.addFilter(redactor)
    return redactor


def _formatted(exc_type: type[BaseException], exc: BaseException | None,
               tb: TracebackType | None) -> str:
    return "".join(traceback.format_exception(exc_type, exc, tb)).rstrip()


def install_redacting_hooks(redactor: RedactSecrets) -> None:
    """Process-wide: an uncaught exception in the main thread or any other, and one Python
    cannot raise (in `__del__`, a finalizer), is logged with its traceback redacted rather than
    printed raw. The text is redacted before logging, so it is clean whatever handler writes it.
    """
    log = logging.getLogger("bot")

    def excepthook(exc_type: type[BaseException], exc: BaseException,
                   tb: TracebackType | None) -> None:
        log.critical("%s", redactor.redact("Uncaught exception:\n" + _formatted(exc_type, exc, tb)))

    def thread_excepthook(args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:
            return
        name = args.thread.name if args.thread is not None else "?"
        log.error("%s", redactor.redact(f"Uncaught exception in thread {name}:\n"
                                        + _formatted(args.exc_type, args.exc_value,
                                                     args.exc_traceback)))

    def unraisablehook(unraisable: Any) -> None:
        where = unraisable.err_msg or "Exception ignored in"
        text = f"{where}: {unraisable.object!r}"
        if unraisable.exc_type is not None:
            text += "\n" + _formatted(unraisable.exc_type, unraisable.exc_value,
                                      unraisable.exc_traceback)
        log.error("%s", redactor.redact(text))

    sys.excepthook = excepthook
    threading.excepthook = thread_excepthook
    sys.unraisablehook = unraisablehook


LoopExceptionHandler = Callable[[asyncio.AbstractEventLoop, dict[str, Any]], None]


def loop_exception_handler(redactor: RedactSecrets | None) -> LoopExceptionHandler:
    """For `loop.set_exception_handler`: what asyncio would print ("Task exception was never
    retrieved", an unclosed session), as one redacted log record."""
    log = logging.getLogger("asyncio")

    def handle(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        text = str(context.get("message") or "Unhandled exception in the event loop")
        task = context.get("task") or context.get("future")
        if isinstance(task, asyncio.Task):
            text += f" (task {task.get_name()}: {task.get_coro()!r})"
        exc = context.get("exception")
        if isinstance(exc, BaseException):
            text += "\n" + _formatted(type(exc), exc, exc.__traceback__)
        log.error("%s", redactor.redact(text) if redactor else text)

    return handle
