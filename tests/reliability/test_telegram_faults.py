"""Telegram misbehaving while `python -m bot run` polls it: errors and slow or dropped
replies to getUpdates, flood control and restarts on replies, a full outage, the API gone
altogether. The bot backs off, retries what is safe, keeps polling, never posts an answer twice,
and once the API recovers no update is left unanswered."""

from __future__ import annotations

import asyncio
import re
import time
from pathlib import Path

from tests.reliability.bot_process import (
    TOKEN,
    assert_no_secret,
    run_env,
    running_bot,
    wait_until_polling,
)
from tests.stand_in_api import Fault, Sent, StandInTelegram

QUESTION = "When did Rubio and Lavrov meet in person?"
CITED = re.compile(r"<code>\d{3}_[0-9a-f]{16}\.txt</code>")
APOLOGY = "Sorry, something went wrong"
Figures = dict[str, float]


def _answers(server: StandInTelegram, chat: int) -> list[Sent]:
    return [s for s in server.sent_to(chat) if CITED.search(s.text)]


async def _answered(server: StandInTelegram, chat: int, timeout: float = 60) -> float:
    return await server.wait_for(lambda: bool(server.sent_to(chat)), timeout,
                                 f"a reply to user {chat}")


async def _polls_fail(server: StandInTelegram, figures: Figures) -> None:
    """getUpdates fails five ways in a row while a question waits in the queue."""
    server.fail("getUpdates", Fault.error(500), Fault.html(502), Fault.drop(),
                Fault.slow(2.5), Fault.error(503, "Service Unavailable"))
    await server.wait_for(lambda: server.pending_faults("getUpdates") < 5, 30,
                          "the first failed poll")
    server.message(101, QUESTION)
    seconds = await _answered(server, 101, 90)
    assert server.pending_faults("getUpdates") == 0
    assert seconds > 3.0  # the dispatcher's backoff and the slow poll came first
    figures["5 failed polls: s to answer the waiting question"] = seconds


async def _flood_control_on_the_reply(server: StandInTelegram, figures: Figures) -> None:
    server.fail("sendMessage", Fault.retry_after(1), times=2)
    server.message(102, QUESTION)
    await _answered(server, 102)
    attempts = [c for c in server.calls_of("sendMessage") if c.params["chat_id"] == "102"]
    assert [c.outcome for c in attempts] == ["retry_after 429"] * 2 + ["ok"]
    figures["2 x 429 retry_after=1: s from first try to delivery"] = (
        attempts[-1].at - attempts[0].at)
    assert attempts[-1].at - attempts[0].at >= 2.0


async def _restart_and_typing_trouble(server: StandInTelegram) -> None:
    server.fail("sendMessage", Fault.error(500, "Internal Server Error: restart"))
    server.fail("sendChatAction", Fault.error(500), Fault.drop())
    server.message(103, QUESTION)
    await _answered(server, 103)


async def _an_ambiguous_failure_of_the_reply(server: StandInTelegram) -> None:
    """A 500 on the reply: it may have been delivered, so it is not sent again; the error
    handler apologises instead of leaving the user in silence."""
    server.fail("sendMessage", Fault.error(500))
    server.message(104, QUESTION)
    await _answered(server, 104)
    await asyncio.sleep(1.0)
    assert [APOLOGY in s.text for s in server.sent_to(104)] == [True]
    failed = [c for c in server.calls_of("sendMessage")
              if c.params["chat_id"] == "104" and c.outcome != "ok"]
    assert len(failed) == 1


async def _an_outage(server: StandInTelegram, figures: Figures) -> None:
    """Every call 502 for 5 s while three users ask; then it recovers."""
    users = (105, 106, 107)
    server.outage = Fault.error(502, "Bad Gateway")
    await asyncio.sleep(2.0)
    for user in users:
        server.message(user, QUESTION)
    await asyncio.sleep(3.0)
    assert not any(server.sent_to(u) for u in users)
    server.outage = None
    recovered = time.monotonic()
    await server.wait_for(lambda: all(server.sent_to(u) for u in users), 60,
                          "answers after the outage")
    figures["5 s outage (502): s from recovery to 3 answers"] = time.monotonic() - recovered


async def _the_api_gone(server: StandInTelegram, figures: Figures) -> None:
    """Nothing listening (connection refused) for 3 s while a user asks."""
    await server.stop()
    server.message(108, QUESTION)
    await asyncio.sleep(3.0)
    await server.start(server.port)
    back = time.monotonic()
    await _answered(server, 108)
    figures["API down 3 s: s from its return to the answer"] = time.monotonic() - back


async def test_the_bot_rides_out_telegram_faults(tmp_path: Path, seeds_copy: Path,
                                                 index_copy: Path) -> None:
    server = StandInTelegram(TOKEN)
    await server.start()
    figures: Figures = {}
    try:
        async with running_bot(run_env(server, seeds_copy, index_copy), tmp_path) as bot:
            started = time.monotonic()
            await wait_until_polling(server, bot)
            figures["start-up to first poll, s"] = time.monotonic() - started

            await _polls_fail(server, figures)
            await _flood_control_on_the_reply(server, figures)
            await _restart_and_typing_trouble(server)
            await _an_ambiguous_failure_of_the_reply(server)
            await _an_outage(server, figures)
            await _the_api_gone(server, figures)

            # every update confirmed, every user answered exactly once, the bot still up
            await server.wait_for(lambda: server.unconfirmed() == 0, 30, "updates confirmed")
            for user in (101, 102, 103, 105, 106, 107, 108):
                assert len(server.sent_to(user)) == 1, (user, server.sent_to(user))
                assert len(_answers(server, user)) == 1, server.sent_to(user)
            assert bot.running
            exit_code = await bot.stop()
            output = bot.output()
    finally:
        await server.stop()

    assert exit_code == 0, output[-3000:]
    assert_no_secret(output)
    figures["retries logged by RetryMiddleware"] = output.count("; retry ")
    figures["failed polls logged by the dispatcher"] = output.count("Failed to fetch updates")
    assert figures["retries logged by RetryMiddleware"] >= 5  # 2 flood, 1 restart, 2 typing
    assert figures["failed polls logged by the dispatcher"] >= 5
    print("\nFIGURES " + "; ".join(f"{k}: {v:.1f}" for k, v in figures.items()))


async def test_answers_go_out_when_menus_and_chat_actions_fail(tmp_path: Path, seeds_copy: Path,
                                                               index_copy: Path) -> None:
    """setMyCommands and sendChatAction answered with a 500 and an HTML page, or with JSON
    that cannot be read: the calls the bot can do without. It used to end at start-up (exit 1,
    a traceback), and a failed chat action left "Task exception was never retrieved"."""
    server = StandInTelegram(TOKEN)
    await server.start()
    server.fail("setMyCommands", Fault.html(500), Fault.bad_json(500), times=10)
    server.fail("sendChatAction", Fault.html(500), Fault.bad_json(), times=20)
    try:
        async with running_bot(run_env(server, seeds_copy, index_copy), tmp_path) as bot:
            await wait_until_polling(server, bot)
            server.message(201, QUESTION)
            server.message(202, "Когда Рубио и Лавров говорили по телефону?",
                           language_code="ru")
            await server.wait_for(lambda: all(server.sent_to(u) for u in (201, 202)), 90,
                                  "both answers")
            await server.wait_for(lambda: "setMyCommands (everyone" in bot.output(), 30,
                                  "the menu's failure in the log")
            assert bot.running
            exit_code = await bot.stop()
            output = bot.output()
    finally:
        await server.stop()
    for user in (201, 202):
        assert [bool(CITED.search(s.text)) for s in server.sent_to(user)] == [True]
    assert {c.outcome for c in server.calls_of("setMyCommands")} <= {"html 500", "bad_json 500"}
    assert {c.outcome for c in server.calls_of("sendChatAction")} <= {"html 500", "bad_json 200"}
    assert server.calls_of("sendChatAction")
    assert exit_code == 0, output[-3000:]
    assert "Traceback" not in output and "never retrieved" not in output, output[-3000:]
    # one line for the menus, whose publishing stops at the first failure
    assert output.count("going on without it") == 1, output[-3000:]
    assert_no_secret(output)
