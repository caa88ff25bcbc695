"""Access and secrets, end to end through `python -m bot run` and the stand-in server.

Only ADMIN_IDS may reindex or add articles: everyone else is refused and nothing changes on
disk. Hostile uploads by an admin are refused with the reason. One user's flood is throttled
while others are served. The bot token never shows in the output, even when aiohttp puts the
request URL (which holds it) into an error.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
from pathlib import Path

from aiohttp import web

from tests.reliability.bot_process import (
    ADMIN_ID,
    TOKEN,
    BotProcess,
    assert_no_secret,
    run_env,
    running_bot,
    wait_until_polling,
)
from tests.stand_in_api import Fault, Sent, StandInTelegram

QUESTION = "When did Rubio and Lavrov meet in person?"
ARTICLE = ("Мост через Неман\n"
           "В Гродно открыли новый автомобильный мост через Неман длиной 420 метров.\n").encode()
NOT_ADMIN = "only the bot's administrators"
CITED = re.compile(r"<code>\d{3}_[0-9a-f]{16}\.txt</code>")
MAX_FILE_BYTES = 5_000


def _snapshot(seeds: Path, index: Path) -> tuple[dict[str, str], str, list[str]]:
    files = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in seeds.iterdir()}
    return files, os.readlink(index / "current"), sorted(p.name for p in index.iterdir())


def _replies(server: StandInTelegram, chat: int, message_id: int) -> list[Sent]:
    return [s for s in server.sent_to(chat) if s.reply_to == message_id]


async def _non_admins_change_nothing(server: StandInTelegram, seeds: Path, index: Path) -> None:
    before = _snapshot(seeds, index)
    stranger = 1001
    server.message(stranger, "/reindex")
    server.message(stranger, "/stats")
    server.document(stranger, "evil.txt", ARTICLE)
    server.document(stranger, "../../evil.txt", ARTICLE)
    await server.wait_for(lambda: len(server.sent_to(stranger)) >= 4, 60, "four refusals")
    assert all(NOT_ADMIN in s.text for s in server.sent_to(stranger))
    assert not server.calls_of("getFile")  # a stranger's file is not even downloaded
    await asyncio.sleep(1.0)  # a background reindex, had one started, would show by now
    assert _snapshot(seeds, index) == before
    assert len(server.sent_to(stranger)) == 4


async def _hostile_uploads_are_refused(server: StandInTelegram, seeds: Path,
                                       index: Path) -> Sent:
    before = _snapshot(seeds, index)
    uploads = {
        "../../x.txt": "unsafe file name",
        "..\\..\\x.txt": "unsafe file name",
        "/etc/cron.d/x.txt": "unsafe file name",
        "a/b.txt": "unsafe file name",
        ".hidden.txt": "unacceptable file name",
        "report\u202eexe.txt": "unacceptable file name",
        "я" * 140 + ".txt": "file name too long",
        "binary.txt": "binary",
        "notes.pdf": ".txt</code> files",
        "000_776e3a7b1538294f.txt": "Replace it?",
    }
    sent: dict[str, int] = {}
    for name in uploads:
        data = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4 if name == "binary.txt" else ARTICLE
        sent[name] = server.document(ADMIN_ID, name, data)
    sent["oversize.txt"] = server.document(ADMIN_ID, "oversize.txt", ARTICLE,
                                           size=MAX_FILE_BYTES + 1)
    uploads["oversize.txt"] = "too large"
    await server.wait_for(lambda: all(_replies(server, ADMIN_ID, m) for m in sent.values()),
                          90, "a reply to every upload")
    for name, reason in uploads.items():
        replies = _replies(server, ADMIN_ID, sent[name])
        assert len(replies) == 1 and reason in replies[0].text, (name, replies)
    assert _snapshot(seeds, index) == before
    for escaped in (seeds.parent / "x.txt", seeds.parent.parent / "x.txt", seeds / "b.txt"):
        assert not escaped.exists()
    return _replies(server, ADMIN_ID, sent["000_776e3a7b1538294f.txt"])[0]


async def _a_stranger_cannot_confirm_a_replacement(server: StandInTelegram, confirm: Sent,
                                                   seeds: Path, index: Path) -> None:
    before = _snapshot(seeds, index)
    replace = next(b["callback_data"] for b in confirm.buttons() if b["text"] == "Replace")
    server.callback(1002, replace, confirm)
    answered = await server.wait_for(
        lambda: any(c.method == "answerCallbackQuery" and NOT_ADMIN in c.params.get("text", "")
                    for c in server.calls), 30, "the refusal of the button")
    assert answered >= 0
    await asyncio.sleep(1.0)
    assert _snapshot(seeds, index) == before


async def _a_flood_is_throttled_while_others_are_served(server: StandInTelegram) -> None:
    flooder, others = 3001, (3002, 3003)
    for i in range(8):
        server.message(flooder, f"{QUESTION} {'?' * i}")
    for user in others:
        server.message(user, QUESTION)
    await server.wait_for(lambda: all(server.sent_to(u) for u in (flooder, *others)), 90,
                          "answers to the flooder and the others")
    await asyncio.sleep(2.0)  # anything more for the flooder would have come by now
    texts = [s.text for s in server.sent_to(flooder)]
    assert sum(bool(CITED.search(t)) for t in texts) == 1, texts
    assert sum("Not so fast" in t for t in texts) == 1, texts
    assert len(texts) == 2
    for user in others:
        assert [bool(CITED.search(s.text)) for s in server.sent_to(user)] == [True]


async def _errors_that_carry_the_token_in_a_url(server: StandInTelegram, bot: BotProcess) -> None:
    # a proxy redirecting getUpdates in a loop: aiohttp's TooManyRedirects names the URL
    def redirect(request: web.Request) -> web.StreamResponse:
        raise web.HTTPTemporaryRedirect(str(request.url))

    server.overrides["getUpdates"] = redirect
    await server.wait_for(lambda: sum(c.outcome == "override" for c in server.calls) >= 22, 60,
                          "two redirect loops")
    del server.overrides["getUpdates"]

    # a file download that fails: aiohttp's ClientResponseError names the file URL
    server.fail("file", Fault.error(500))
    message_id = server.document(ADMIN_ID, "fresh.txt", ARTICLE)
    await server.wait_for(lambda: bool(_replies(server, ADMIN_ID, message_id)), 60,
                          "a reply to the failed upload")
    assert "Sorry, something went wrong" in _replies(server, ADMIN_ID, message_id)[0].text
    assert "TooManyRedirects" in bot.output() and "500" in bot.output()


async def test_access_uploads_throttling_and_the_token(tmp_path: Path, seeds_copy: Path,
                                                       index_copy: Path) -> None:
    server = StandInTelegram(TOKEN)
    await server.start()
    try:
        env = run_env(server, seeds_copy, index_copy, MAX_FILE_BYTES=str(MAX_FILE_BYTES),
                      THROTTLE_SECONDS="1.0")
        async with running_bot(env, tmp_path) as bot:
            await wait_until_polling(server, bot)
            await _non_admins_change_nothing(server, seeds_copy, index_copy)
            confirm = await _hostile_uploads_are_refused(server, seeds_copy, index_copy)
            await _a_stranger_cannot_confirm_a_replacement(server, confirm, seeds_copy,
                                                           index_copy)
            await _a_flood_is_throttled_while_others_are_served(server)
            await _errors_that_carry_the_token_in_a_url(server, bot)
            assert bot.running
            exit_code = await bot.stop()
            output = bot.output()
    finally:
        await server.stop()
    assert exit_code == 0, output[-3000:]
    assert_no_secret(output)


async def test_the_token_stays_out_of_startup_errors(tmp_path: Path, seeds_copy: Path,
                                                     index_copy: Path) -> None:
    """A revoked token (401) and an unreachable API: each a clear error, neither the token."""
    server = StandInTelegram("7000001:AnOTHERtokenTHEserverEXPECTS_0123456789")
    await server.start()
    closed = StandInTelegram(TOKEN)
    await closed.start()
    unreachable = closed.base_url
    await closed.stop()  # nothing listens on this port now
    try:
        (tmp_path / "a").mkdir()
        (tmp_path / "b").mkdir()
        revoked_env = run_env(server, seeds_copy, index_copy)
        down_env = run_env(None, seeds_copy, index_copy, api_url=unreachable)
        async with running_bot(revoked_env, tmp_path / "a") as revoked, \
                running_bot(down_env, tmp_path / "b") as down:
            codes = await asyncio.wait_for(
                asyncio.gather(revoked.proc.wait(), down.proc.wait()), 240)
            outputs = revoked.output(), down.output()
    finally:
        await server.stop()
    assert list(codes) == [1, 1], outputs
    assert "Unauthorized" in outputs[0] and "@BotFather" in outputs[0]
    assert "Cannot reach the Bot API" in outputs[1]
    assert any(c.outcome == "unauthorized" for c in server.calls)
    for output in outputs:
        assert_no_secret(output)
        assert "Traceback" not in output
