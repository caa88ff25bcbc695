"""The command line: `python -m bot [run|ask|reindex|sources|timeline|add|remove|feeds]`.

With no command it runs the bot when BOT_TOKEN is set, and otherwise answers a sample question
from the seed articles, so a first run shows what the bot does without any setup.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import TextIO

from pydantic import ValidationError

from bot.render.admin import report_plain
from bot.render.answer import Window, answer_plain
from bot.render.record import answer_to_dict
from bot.render.timeline import timeline_plain
from bot.services import build_news_index
from bot.settings import Settings, describe_errors
from index.errors import NewsIndexError
from index.headlines import cited_by_headline
from index.language import detect_language
from index.question_text import normalize_question
from index.service import NewsIndex
from index.types import Lang

logger = logging.getLogger(__name__)

SAMPLE_QUESTION = "When did Rubio and Lavrov meet in person?"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Answers questions about news events from a folder of articles, citing "
        "the files it quotes. Without a command: runs the Telegram bot if BOT_TOKEN is set, "
        "otherwise answers a sample question.",
    )
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="run the Telegram bot (long polling, or webhook if configured)")
    ask = sub.add_parser("ask", help="answer a question from the command line")
    ask.add_argument("--json", action="store_true", help="one JSON object per question")
    ask.add_argument("question", nargs="+",
                     help="the question (its words); '-' reads one question per line from stdin")
    sub.add_parser("reindex", help="rebuild the index from SEEDS_DIR")
    sub.add_parser("sources", help="list the indexed articles")
    timeline = sub.add_parser("timeline", help="the dated events of the articles, in order")
    timeline.add_argument("topic", nargs="*", help="only events about this (names or words)")
    timeline.add_argument("--lang", choices=["ru", "en"], default=None,
                          help="language of the labels (default: the topic's, else English)")
    add = sub.add_parser("add", help="add an article: a link, or a .txt or .html file")
    add.add_argument("target", help="an http(s) URL or a path")
    remove = sub.add_parser("remove", help="remove an article (its file name) from the corpus")
    remove.add_argument("name")
    feeds = sub.add_parser("feeds", help="the RSS/Atom feeds the bot follows")
    feeds.add_argument("action", choices=["list", "add", "remove", "poll"])
    feeds.add_argument("url", nargs="?", help="the feed's URL (for add and remove)")
    return parser


def main(argv: list[str] | None = None, settings: Settings | None = None) -> int:
    args = build_parser().parse_args(argv)
    if settings is None:
        try:
            settings = Settings()
        except ValidationError as exc:
            print(describe_errors(exc), file=sys.stderr)
            return 2
    logging.basicConfig(
        level=settings.log_level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # libraries that narrate their own loading at INFO: not news to a user
    for noisy in ("faiss.loader", "pymorphy3"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    command = args.command or ("run" if settings.bot_token else "sample")
    try:
        if command == "run":
            return _run_bot(settings)
        news = build_news_index(settings)
        if command == "reindex":
            return _reindex(news)
        _load(news)
        if command in ("add", "remove", "feeds"):
            from bot import corpus_cli

            if command == "add":
                return corpus_cli.add(news, settings, args.target)
            if command == "remove":
                return corpus_cli.remove(news, args.name)
            return corpus_cli.feeds(news, settings, args.action, args.url)
        if command == "sources":
            return _sources(news)
        if command == "timeline":
            return _timeline(news, " ".join(args.topic), args.lang)
        if command == "sample":
            print("BOT_TOKEN is not set, so here is a sample answer from the articles in "
                  f"{settings.seeds_dir}/ (set BOT_TOKEN to run the Telegram bot).\n"
                  f"Q: {SAMPLE_QUESTION}\n", file=sys.stderr)
            return _ask(news, [SAMPLE_QUESTION], False, sys.stdout, settings.max_results)
        return _ask(news, _questions(args.question, sys.stdin), args.json, sys.stdout,
                    settings.max_results)
    except NewsIndexError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    except FileNotFoundError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        # e.g. a full disk mid-build: generations are written aside, so nothing was replaced
        where = f" ({exc.filename})" if exc.filename else ""
        print(f"Error: a file could not be read or written ({exc.strerror or exc}){where}. "
              "The index on disk was not changed; fix that (is the disk full?) and run: "
              "python -m bot reindex", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _questions(words: list[str], stdin: TextIO) -> Iterable[str]:
    if words == ["-"]:
        return (line.strip() for line in stdin if line.strip())
    return [" ".join(words)]


def _progress_bar() -> Callable[[int, int], None]:
    from tqdm import tqdm

    bar: list[tqdm] = []

    def update(done: int, total: int) -> None:
        if total == 0:
            return
        if not bar:
            bar.append(tqdm(total=total, unit="chunk", desc="Embedding", file=sys.stderr,
                            disable=None))
        bar[0].update(done - bar[0].n)
        if done >= total:
            bar[0].close()

    return update


def _load(news: NewsIndex) -> None:
    report = news.load_or_build(_progress_bar())
    if report is not None:
        print(report_plain(report), file=sys.stderr)


def _reindex(news: NewsIndex) -> int:
    report = news.reindex(_progress_bar())
    print(report_plain(report))
    return 0


def _timeline(news: NewsIndex, topic: str, lang: Lang | None) -> int:
    events = news.timeline(topic or None)
    lang = lang or (detect_language(topic) if topic else "en")
    print(timeline_plain(events, lang, topic or None))
    return 0


def _sources(news: NewsIndex) -> int:
    """One line per article, tab-separated: file, title, outlet, publication date, URL (a
    field the article lacks is empty)."""
    for a in news.articles():
        print("\t".join([a.source, a.title, a.outlet or "", a.published or "", a.url or ""]))
    return 0


def _ask(news: NewsIndex, questions: Iterable[str], as_json: bool, out: TextIO,
         per_page: int) -> int:
    """Each answer as the bot's first page shows it: the same items, the same words."""
    for i, question in enumerate(questions):
        # one item beyond the page tells whether there is more, as the bot asks
        answer = news.answer(normalize_question(question), per_page + 1)
        has_more = len(answer.items) > per_page
        answer = replace(answer, items=answer.items[:per_page])
        if as_json:
            record = answer_to_dict(answer, has_more)
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        else:
            if i:
                out.write("\n" + "-" * 40 + "\n")
            cited = cited_by_headline(answer, news.current.articles)
            out.write(answer_plain(cited, Window(has_more=has_more)) + "\n")
        out.flush()
    news.save_words()  # the next `ask` need not embed this run's English words again
    return 0


def _run_bot(settings: Settings) -> int:
    if settings.bot_token is None:
        print(
            "BOT_TOKEN is not set. Create a bot with @BotFather in Telegram (/newbot), then "
            "run: BOT_TOKEN=123456:ABC... python -m bot run  (or put BOT_TOKEN=... in .env).",
            file=sys.stderr,
        )
        return 2
    from bot.app import run_bot

    return run_bot(settings)
