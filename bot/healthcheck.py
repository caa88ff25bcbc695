"""Liveness: the bot touches a heartbeat file after every successful Bot API call, and
`python -m bot.healthcheck` (the Docker HEALTHCHECK) fails when that file has gone stale.

Long polling calls getUpdates at least every polling timeout (10 s) even when nobody writes,
and webhook mode checks getWebhookInfo every minute, so a fresh file means the process is
alive and reaching Telegram; a stuck event loop or a lost connection lets it go stale.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path

from aiogram import Bot
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType
from pydantic import ValidationError

logger = logging.getLogger(__name__)


class Heartbeat(BaseRequestMiddleware):
    """Touches `path` after each Bot API call that succeeded."""

    def __init__(self, path: Path) -> None:
        self.path = path

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        # a failed call raises, so getting here means Telegram answered ok
        result = await make_request(bot, method)
        self.beat()
        return result

    def beat(self) -> None:
        try:
            self.path.touch()
        except OSError as exc:  # a health signal must never break the bot itself
            logger.warning("cannot touch heartbeat file %s: %s", self.path, exc)


def check(path: Path, max_age: float, now: float | None = None) -> str | None:
    """None when the heartbeat is fresh, else what is wrong with it."""
    try:
        age = (time.time() if now is None else now) - os.stat(path).st_mtime
    except FileNotFoundError:
        return f"no heartbeat file {path} yet"
    if age > max_age:
        return f"last successful Bot API call {age:.0f} s ago (limit {max_age:.0f} s)"
    return None


def main() -> int:
    from bot.settings import Settings, describe_errors

    try:
        settings = Settings()
    except ValidationError as exc:
        sys.stderr.write(describe_errors(exc) + "\n")
        return 1
    if settings.heartbeat_file is None:
        sys.stderr.write("HEARTBEAT_FILE is not set, so there is nothing to check\n")
        return 1
    problem = check(settings.heartbeat_file, settings.heartbeat_max_age)
    if problem:
        sys.stderr.write(f"unhealthy: {problem}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
