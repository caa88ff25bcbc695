"""The log filter that keeps the bot token out of the logs, on the real errors that carry it:
aiohttp's TooManyRedirects (wrapped by aiogram) and ClientResponseError from a file download."""

from __future__ import annotations

import io
import logging
from collections.abc import AsyncIterator, Iterator

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramNetworkError
from aiogram.methods import GetUpdates
from aiohttp import ClientResponseError, web
from pydantic import SecretStr

from bot.redaction import REDACTED, redact_token_in_logs
from tests.reliability.bot_process import SECRET_PART, TOKEN
from tests.stand_in_api import Fault, StandInTelegram


@pytest.fixture
def root_log() -> Iterator[io.StringIO]:
    """A handler on the root logger, as `logging.basicConfig` installs one, with the filter."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    redactor = redact_token_in_logs(SecretStr(TOKEN))
    assert redactor is not None
    try:
        yield stream
    finally:
        for each in root.handlers:
            each.removeFilter(redactor)
        root.removeHandler(handler)


@pytest.fixture
async def bot() -> AsyncIterator[tuple[StandInTelegram, Bot]]:
    server = StandInTelegram(TOKEN)
    await server.start()
    bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(server.base_url)))
    yield server, bot
    await bot.session.close()
    await server.stop()


def _assert_clean(text: str) -> None:
    assert TOKEN not in text and SECRET_PART not in text
    assert REDACTED in text


async def test_a_redirect_loop_is_logged_without_the_token(
    bot: tuple[StandInTelegram, Bot], root_log: io.StringIO
) -> None:
    server, client = bot

    def redirect(request: web.Request) -> web.StreamResponse:
        raise web.HTTPTemporaryRedirect(str(request.url))

    server.overrides["getUpdates"] = redirect
    with pytest.raises(TelegramNetworkError) as caught:
        await client(GetUpdates(timeout=0))
    assert TOKEN in str(caught.value)  # the leak this filter exists for
    # as aiogram's dispatcher logs it, and as a handler's traceback would show it
    logging.getLogger("aiogram.dispatcher").error("Failed to fetch updates - %s: %s",
                                                  type(caught.value).__name__, caught.value)
    logging.getLogger("bot.handlers.errors").error("update 1 failed", exc_info=caught.value)
    _assert_clean(root_log.getvalue())
    assert "TooManyRedirects" in root_log.getvalue()


async def test_a_failed_download_is_logged_without_the_token(
    bot: tuple[StandInTelegram, Bot], root_log: io.StringIO
) -> None:
    server, client = bot
    server.files["f1"] = b"article"
    server.fail("file", Fault.error(500))
    with pytest.raises(ClientResponseError) as caught:
        await client.download("f1", destination=io.BytesIO())
    assert SECRET_PART in str(caught.value)
    logging.getLogger("bot.handlers.errors").exception("update 2 failed",
                                                       exc_info=caught.value)
    _assert_clean(root_log.getvalue())


def test_the_secret_part_alone_and_repeats_are_redacted(root_log: io.StringIO) -> None:
    logger = logging.getLogger("bot.anything")
    logger.warning("url %s and again %s", f"/bot7000001%3A{SECRET_PART}/getMe", TOKEN)
    logger.warning("plain %s", "no secrets here")
    text = root_log.getvalue()
    assert text.count(REDACTED) == 2 and SECRET_PART not in text
    assert "plain no secrets here" in text
