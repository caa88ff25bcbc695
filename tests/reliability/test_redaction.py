"""The log filter that keeps the bot token out of the logs, on the real errors that carry it:
aiohttp's TooManyRedirects (wrapped by aiogram) and ClientResponseError from a file download;
and the hooks that send what Python would print itself (an uncaught exception, one that ends a
thread, a task exception nobody retrieved) through it. A wrong TELEGRAM_API_URL, answered with
a page that repeats the token, ends `python -m bot run` with one clear line and no token."""

from __future__ import annotations

import asyncio
import gc
import io
import json
import logging
import sys
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import ClientDecodeError, TelegramNetworkError
from aiogram.methods import GetUpdates
from aiohttp import ClientResponseError, web
from pydantic import SecretStr

from bot.redaction import (
    REDACTED,
    RedactSecrets,
    install_redacting_hooks,
    loop_exception_handler,
    redact_token_in_logs,
    token_secrets,
)
from tests.reliability.bot_process import (
    SECRET_PART,
    TOKEN,
    assert_no_secret,
    run_env,
    running_bot,
)
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


def test_a_bad_format_string_does_not_print_the_token(root_log: io.StringIO,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    # logging would report the failed formatting on stderr, with the arguments as they are
    logging.getLogger("bot.anything").warning("token %d", TOKEN)
    err = capsys.readouterr().err
    assert SECRET_PART not in err and SECRET_PART not in root_log.getvalue()
    assert REDACTED in root_log.getvalue()


@pytest.fixture
def hooks(monkeypatch: pytest.MonkeyPatch) -> RedactSecrets:
    """The process-wide hooks installed, and put back as they were afterwards."""
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(sys, "unraisablehook", sys.unraisablehook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    redactor = RedactSecrets(token_secrets(TOKEN))
    install_redacting_hooks(redactor)
    return redactor


def _error_with_the_token() -> ClientDecodeError:
    page = f"<html><p>The requested URL /bot{TOKEN}/deleteWebhook was not found</p></html>"
    try:
        json.loads(page)
    except ValueError as exc:
        return ClientDecodeError("Failed to decode object", exc, page)
    raise AssertionError("unreachable")


def test_an_uncaught_exception_is_logged_redacted(
    hooks: RedactSecrets, root_log: io.StringIO, capsys: pytest.CaptureFixture[str]
) -> None:
    error = _error_with_the_token()
    sys.excepthook(type(error), error, error.__traceback__)
    logged = root_log.getvalue()
    _assert_clean(logged + capsys.readouterr().err)
    assert "Uncaught exception" in logged and "ClientDecodeError" in logged


def test_an_exception_that_ends_a_thread_is_logged_redacted(
    hooks: RedactSecrets, root_log: io.StringIO, capsys: pytest.CaptureFixture[str]
) -> None:
    def fail() -> None:
        raise _error_with_the_token()

    thread = threading.Thread(target=fail, name="worker")
    thread.start()
    thread.join()
    logged = root_log.getvalue()
    _assert_clean(logged + capsys.readouterr().err)
    assert "thread worker" in logged


async def test_a_task_exception_nobody_retrieved_is_logged_redacted(
    root_log: io.StringIO, capsys: pytest.CaptureFixture[str]
) -> None:
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(loop_exception_handler(RedactSecrets(token_secrets(TOKEN))))
    try:
        async def fail() -> None:
            raise _error_with_the_token()

        task = asyncio.create_task(fail())
        await asyncio.sleep(0.01)
        del task
        gc.collect()
        await asyncio.sleep(0)
    finally:
        loop.set_exception_handler(None)
    logged = root_log.getvalue()
    _assert_clean(logged + capsys.readouterr().err)
    assert "Task exception was never retrieved" in logged


@pytest.mark.parametrize("method", ["getMe", "deleteWebhook"])
async def test_a_wrong_api_url_is_one_clear_line_without_the_token(
    tmp_path: Path, seeds_copy: Path, index_copy: Path, method: str
) -> None:
    """A wrong TELEGRAM_API_URL (or a proxy in the way) answers with an HTML page that repeats
    the request URL, token and all. Python's traceback printer used to write it to stderr."""
    server = StandInTelegram(TOKEN)
    await server.start()
    server.fail(method, Fault.html(404, echo_url=True), times=10)
    started = time.monotonic()
    try:
        async with running_bot(run_env(server, seeds_copy, index_copy), tmp_path) as bot:
            code = await asyncio.wait_for(bot.proc.wait(), 180)
            output = bot.output()
    finally:
        await server.stop()
    print(f"\nFIGURES wrong API URL ({method}): exit {code} after "
          f"{time.monotonic() - started:.1f} s")
    assert any(c.method == method and c.outcome == "html 404" for c in server.calls)
    assert code == 1, output[-3000:]
    assert_no_secret(output)
    assert "Traceback" not in output, output[-3000:]
    [line] = [li for li in output.splitlines() if "did not answer like a Bot API server" in li]
    assert server.base_url in line and "TELEGRAM_API_URL" in line
    assert REDACTED in line  # what the page said, without the token
    assert not server.calls_of("getUpdates")
