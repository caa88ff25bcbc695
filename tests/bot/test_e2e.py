"""End to end: `python -m bot run` long-polls a stand-in Bot API server on 127.0.0.1, which
feeds it a script of updates and records every call the bot makes."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Callable, Coroutine
from pathlib import Path
from typing import Any

import pytest

from tests.bot.fakes import (
    ADMIN_ID,
    BOT_USERNAME,
    GROUP_ID,
    TOKEN,
    callback_update,
    document_update,
    inline_update,
    message_update,
)
from tests.bot.html_check import check_telegram_html
from tests.stand_in_api import Call, StandInTelegram

REPO = Path(__file__).resolve().parents[2]

NEW_ARTICLE = """В Казани открылся международный шахматный турнир «Кубок Волги»

Международный шахматный турнир «Кубок Волги» открылся в Казани 3 марта 2025 года. В нём \
участвуют 64 гроссмейстера из 18 стран, сообщили организаторы.

Призовой фонд турнира составляет 150 тысяч долларов. Партии проходят во Дворце шахмат имени \
Рашида Нежметдинова, зрители могут следить за игрой онлайн.

Главным фаворитом считается гроссмейстер Даниил Дубов. Турнир продлится до 15 марта, закрытие \
и награждение победителей пройдут в Казанском кремле.
""".encode()

SEED_FILES = {p.name for p in (REPO / "seeds").glob("*.txt")}


def sent_to(chat_id: int, contains: str = "") -> Callable[[Call], bool]:
    return lambda c: (c.method == "sendMessage" and int(c.params["chat_id"]) == chat_id
                      and contains in c.params.get("text", ""))


def replying_to(message_id: int) -> Callable[[Call], bool]:
    def match(c: Call) -> bool:
        if c.method != "sendMessage" or "reply_parameters" not in c.params:
            return False
        return bool(c.json("reply_parameters")["message_id"] == message_id)
    return match


def cited_files(text: str) -> set[str]:
    return {name for name in SEED_FILES | {"chess_kazan.txt"} if f"<code>{name}</code>" in text}


@pytest.fixture
async def api() -> AsyncIterator[StandInTelegram]:
    server = StandInTelegram(TOKEN, username=BOT_USERNAME)
    await server.start()
    yield server
    await server.stop()


def bot_env(api: StandInTelegram, seeds: Path, index: Path, heartbeat: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("WEBHOOK_", "BOT_", "TELEGRAM_", "ADMIN_"))}
    return env | {
        "BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": api.base_url,
        "SEEDS_DIR": str(seeds),
        "INDEX_DIR": str(index),
        "ADMIN_IDS": json.dumps([ADMIN_ID]),
        "HEARTBEAT_FILE": str(heartbeat),
        "PYTHONPATH": str(REPO),
        "LOG_LEVEL": "INFO",
    }


async def test_bot_end_to_end(api: StandInTelegram, tmp_path: Path, seeds_copy: Path,
                              index_copy: Path) -> None:
    env = bot_env(api, seeds_copy, index_copy, tmp_path / "heartbeat")
    log_path = tmp_path / "bot.log"
    with log_path.open("wb") as log:
        # cwd is a scratch folder so that no .env of the developer's is read
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", cwd=tmp_path, env=env,
            stdout=log, stderr=subprocess.STDOUT,
        )
        try:
            await _until_done_or_exit(_scenario(api, seeds_copy, env), proc, timeout=240)
        except BaseException:
            sys.stderr.write(log_path.read_text(errors="replace")[-6000:])
            raise
        finally:
            if proc.returncode is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    await asyncio.wait_for(proc.wait(), 20)
                except TimeoutError:
                    proc.kill()
                    await proc.wait()
    output = log_path.read_text(errors="replace")
    assert proc.returncode == 0, output[-3000:]
    assert "Traceback" not in output, output[-3000:]


async def _until_done_or_exit(scenario: Coroutine[Any, Any, None],
                              proc: asyncio.subprocess.Process, timeout: float) -> None:
    """Run the scenario, failing at once if the bot exits (rather than at every timeout)."""
    task = asyncio.create_task(scenario)
    exited = asyncio.create_task(proc.wait())
    done, _ = await asyncio.wait({task, exited}, timeout=timeout,
                                 return_when=asyncio.FIRST_COMPLETED)
    if task in done:
        exited.cancel()
        task.result()
        return
    task.cancel()
    exited.cancel()
    if not done:
        raise AssertionError(f"the scenario did not finish within {timeout} s")
    raise AssertionError(f"the bot exited early with status {proc.returncode}")


async def _scenario(api: StandInTelegram, seeds: Path, env: dict[str, str]) -> None:
    await api.wait_call(lambda c: c.method == "getUpdates", timeout=120)
    assert api.calls_of("deleteWebhook"), "a leftover webhook would block polling"
    # published in the background once polling runs: for everyone in English and (for
    # ru/uk/be/kk clients) in Russian, and with the admin commands in the admin's own chat
    await api.wait_for(lambda: len(api.calls_of("setMyCommands")) >= 10, 60, "the menus")
    menus = {(c.json("scope").get("chat_id"), c.params.get("language_code", "")):
             [m["command"] for m in c.json("commands")] for c in api.calls_of("setMyCommands")}
    assert {"ask", "help", "sources", "timeline"} <= set(menus[None, ""])
    assert "reindex" not in menus[None, ""] and "reindex" in menus[ADMIN_ID, ""]
    assert set(menus) == {(who, code) for who in (None, ADMIN_ID)
                          for code in ("", "ru", "uk", "be", "kk")}
    russian = next(c for c in api.calls_of("setMyCommands")
                   if c.params.get("language_code") == "uk")
    assert "Задать вопрос" in russian.json("commands")[0]["description"]

    await _private_questions(api)
    await _groups(api)
    await _inline(api)
    await _admin(api, seeds)
    await _hostile_questions(api)
    await _buttons(api)

    # the heartbeat the Docker HEALTHCHECK reads is fresh while the bot runs
    check = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot.healthcheck",
                                                 env=env, cwd=seeds.parent)
    assert await asyncio.wait_for(check.wait(), 60) == 0


async def _private_questions(api: StandInTelegram) -> None:
    api.push(message_update("Когда Рубио и Лавров говорили по телефону?", user_id=2001,
                            language_code="ru"),
             message_update("When did Rubio and Lavrov meet in person?", user_id=2002))
    ru = (await api.wait_call(sent_to(2001))).params
    en = (await api.wait_call(sent_to(2002))).params
    for reply in (ru, en):
        check_telegram_html(reply["text"])
        assert reply["parse_mode"] == "HTML"
        assert cited_files(reply["text"]), reply["text"]
        assert "<b>" in reply["text"]  # the answering sentence
        assert "full:" in reply["reply_markup"]
    assert "фрагмент" in ru["text"] and "Источник" in ru["text"]
    assert "Found " in en["text"] and "Source" in en["text"]
    await api.wait_call(lambda c: c.method == "sendChatAction" and c.params["chat_id"] == "2001")


async def _groups(api: StandInTelegram) -> None:
    chatter = message_update("Lavrov and Rubio again, what a week", chat_id=GROUP_ID,
                             user_id=2003)
    mention = message_update(f"@{BOT_USERNAME} when did Rubio and Lavrov meet in person?",
                             chat_id=GROUP_ID, user_id=2004)
    ask = message_update("/ask Когда Лавров и Рубио встретились лично?", chat_id=GROUP_ID,
                         user_id=2005, language_code="ru")
    api.push(chatter, mention, ask)
    for update in (mention, ask):
        reply = await api.wait_call(replying_to(update["message"]["message_id"]))
        assert int(reply.params["chat_id"]) == GROUP_ID
        assert cited_files(reply.params["text"])
        check_telegram_html(reply.params["text"])
    group_messages = [c for c in api.calls_of("sendMessage")
                      if int(c.params["chat_id"]) == GROUP_ID]
    assert len(group_messages) == 2, "chatter must get no reply"
    assert not [c for c in group_messages if replying_to(chatter["message"]["message_id"])(c)]


async def _inline(api: StandInTelegram) -> None:
    empty = inline_update("", user_id=2006)
    # two users: a newer query of the same user supersedes an older one still waiting
    question = inline_update("when did lavrov and rubio meet in person", user_id=2006)
    hostile = inline_update("<script>alert(1)</script> Lavrov Rubio meeting", user_id=2007)
    api.push(empty, question, hostile)
    answers = {}
    for update in (empty, question, hostile):
        query_id = update["inline_query"]["id"]
        call = await api.wait_call(lambda c, q=query_id: c.method == "answerInlineQuery"
                                  and c.params["inline_query_id"] == q)
        answers[query_id] = call
    hint = answers[empty["inline_query"]["id"]].json("results")
    assert len(hint) == 1 and hint[0]["type"] == "article"
    found = answers[question["inline_query"]["id"]]
    results = found.json("results")
    assert results and all(r["type"] == "article" for r in results)
    assert all(r["title"].strip() for r in results)  # the article's title, or its outlet
    assert int(found.params["cache_time"]) > 0
    for result in results:
        content = result["input_message_content"]
        check_telegram_html(content["message_text"])
        assert content["parse_mode"] == "HTML"
        assert cited_files(content["message_text"])
    # (the articles never mention "alert": the first result may say so, without the question)
    hostile_texts = [r["input_message_content"]["message_text"]
                     for r in answers[hostile["inline_query"]["id"]].json("results")]
    for text in hostile_texts:
        check_telegram_html(text)
        assert "<script>" not in text
    assert any("&lt;script&gt;" in text for text in hostile_texts)


async def _admin(api: StandInTelegram, seeds: Path) -> None:
    api.push(message_update("/reindex", user_id=2007))
    refusal = await api.wait_call(sent_to(2007))
    assert "administrators" in refusal.params["text"]
    api.push(message_update("/stats", user_id=2007))
    await api.wait_call(lambda c: sent_to(2007)(c) and c is not refusal)

    api.push(message_update("/reindex", user_id=ADMIN_ID))
    await api.wait_call(sent_to(ADMIN_ID, "Reindexing"))
    done = await api.wait_call(lambda c: c.method == "editMessageText"
                              and "Reindex finished" in c.params["text"], timeout=120)
    assert f"{len(SEED_FILES)} files" in done.params["text"]

    # an admin adds an article; the bot downloads it, indexes it and then cites it
    api.files["doc1"] = NEW_ARTICLE
    api.push(document_update("chess_kazan.txt", "doc1", len(NEW_ARTICLE)))
    added = await api.wait_call(sent_to(ADMIN_ID, "Added"), timeout=120)
    assert "chess_kazan.txt" in added.params["text"]
    assert api.calls_of("getFile") and api.calls_of("file")
    assert (seeds / "chess_kazan.txt").read_bytes() == NEW_ARTICLE

    api.push(message_update("Где открылся шахматный турнир «Кубок Волги»?", user_id=2010,
                            language_code="ru"))
    answer = await api.wait_call(sent_to(2010))
    assert "chess_kazan.txt" in cited_files(answer.params["text"])

    # the same name again: asked to confirm, then replaced on "Replace"
    api.push(document_update("chess_kazan.txt", "doc1", len(NEW_ARTICLE)))
    confirm = await api.wait_call(sent_to(ADMIN_ID, "Replace it?"))
    replace = next(b["callback_data"] for row in confirm.json("reply_markup")["inline_keyboard"]
                   for b in row if b["text"] == "Replace")
    api.push(callback_update(replace, user_id=ADMIN_ID))
    await api.wait_call(lambda c: c.method == "editMessageText"
                       and "Replaced" in c.params["text"], timeout=120)
    api.push(document_update("notes.pdf", "doc2", 100))
    assert "txt" in (await api.wait_call(sent_to(ADMIN_ID, ".txt</code> files"))).params["text"]


async def _hostile_questions(api: StandInTelegram) -> None:
    script = "<script>alert('x')</script> When did Rubio and Lavrov meet in person?"
    long = ("When did Rubio and Lavrov meet in person? " * 200)[:5000]
    api.push(message_update(script, user_id=2008), message_update(long, user_id=2009))
    reply = await api.wait_call(sent_to(2008))
    check_telegram_html(reply.params["text"])
    assert cited_files(reply.params["text"])
    long_reply = (await api.wait_call(sent_to(2009))).params["text"]
    check_telegram_html(long_reply)
    assert "first 1000 characters" in long_reply


async def _buttons(api: StandInTelegram) -> None:
    answer = await api.wait_call(sent_to(2002))
    buttons: list[dict[str, Any]] = [b for row in answer.json("reply_markup")["inline_keyboard"]
                                     for b in row]
    full = next(b["callback_data"] for b in buttons if b["callback_data"].startswith("full:"))
    # a reindex and two uploads have happened since: the passage id belongs to an old index
    api.push(callback_update(full, user_id=2002))
    expired = await api.wait_call(lambda c: c.method == "answerCallbackQuery"
                                 and "expired" in c.params.get("text", ""))
    assert expired.params.get("show_alert") == "true"

    api.push(message_update("When did Rubio and Lavrov meet in person?", user_id=2011))
    fresh = await api.wait_call(sent_to(2011))
    full = next(b["callback_data"] for row in fresh.json("reply_markup")["inline_keyboard"]
                for b in row if b["callback_data"].startswith("full:"))
    api.push(callback_update(full, user_id=2011))
    passage = await api.wait_call(lambda c: sent_to(2011)(c) and c is not fresh)
    check_telegram_html(passage.params["text"])
    assert cited_files(passage.params["text"])

    api.push(callback_update("full:zzzz:not-a-number", user_id=2011))
    await api.wait_call(lambda c: c.method == "answerCallbackQuery"
                       and "not valid" in c.params.get("text", ""))
