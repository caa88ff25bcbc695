"""Answering for the bot: questions cut to size, searched in a worker thread, paged, remembered
for the "More results" button, and cached for inline mode where Telegram allows only seconds.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import re
import secrets
import time
from dataclasses import dataclass, replace

from bot.cache import TtlLru
from bot.inline_gate import Admission, InlineGate
from bot.search_pool import SearchPool, Shed
from bot.stats import BotStats
from index.headlines import cited_by_headline
from index.language import corpus_language
from index.question_text import normalize_question
from index.service import NewsIndex
from index.types import Answer, Article, Chunk, Lang

logger = logging.getLogger(__name__)

MAX_PAGES = 10
QUESTION_MEMORY = 5000
QUESTION_TTL = 24 * 3600.0
INLINE_CACHE_SIZE = 512
INLINE_CACHE_TTL = 600.0
# Telegram drops an inline answer that comes too late; past this, serve what the cache has
INLINE_BUDGET_SECONDS = 2.5
# a prefix shorter than this says too little about the question to stand in for it
_MIN_PREFIX = 4

_SPACES = re.compile(r"\s+")
_TRAILING = re.compile(r"[\s?!.,;:…]+$")


def _log_failure(task: asyncio.Task[tuple[Answer, str]]) -> None:
    # a search that outlived its inline query has nobody left to raise to (one shed while the
    # pool was busy has nothing to say)
    if not task.cancelled() and task.exception() is not None \
            and not isinstance(task.exception(), Shed):
        logger.error("inline search failed", exc_info=task.exception())


def generation_tag(generation: str) -> str:
    """A short, fixed-size name for an index generation, to fit in 64-byte callback data."""
    return hashlib.blake2b(generation.encode("utf-8"), digest_size=4).hexdigest()


def normalize_query(text: str) -> str:
    """The inline cache key: case, spacing and trailing punctuation do not change an answer."""
    return _TRAILING.sub("", _SPACES.sub(" ", text).strip().casefold())


@dataclass(frozen=True, slots=True)
class Page:
    """One page of an answer, as the bot shows it under one message."""

    answer: Answer  # this page's items only
    number: int  # 0 for the first page
    first_number: int  # the number the page's first item is shown with
    has_more: bool
    token: str  # names the remembered question, for the "More results" button
    tag: str  # generation_tag of the index the items come from
    cut_to: int | None = None  # the question was cut to this many characters


@dataclass(frozen=True, slots=True)
class Passage:
    chunk: Chunk
    article: Article | None


@dataclass(frozen=True, slots=True)
class InlineAnswer:
    answer: Answer | None  # None: nothing ready in time and nothing similar cached
    tag: str
    fresh: bool  # False: a stand-in from a shorter query while the real one is computed
    # the user typed on before this was ready: Telegram shows only the newest query's results,
    # so this one is not answered at all
    superseded: bool = False


class Answerer:
    """The one place the bot asks the index; handlers call it and only format and send."""

    def __init__(
        self,
        news: NewsIndex,
        stats: BotStats,
        per_page: int,
        max_question_chars: int,
        inline_budget: float = INLINE_BUDGET_SECONDS,
        search_slots: int | None = None,
    ) -> None:
        self.news = news
        self.stats = stats
        self.per_page = per_page
        self.max_question_chars = max_question_chars
        self.inline_budget = inline_budget
        # a remembered question and the language its replies are in
        self._questions: TtlLru[str, tuple[str, Lang | None]] = TtlLru(QUESTION_MEMORY,
                                                                     QUESTION_TTL)
        self._corpus_lang: tuple[str, Lang] | None = None
        self._inline: TtlLru[tuple[str, str], Answer] = TtlLru(INLINE_CACHE_SIZE, INLINE_CACHE_TTL)
        self._inflight: dict[tuple[str, str], asyncio.Task[tuple[Answer, str]]] = {}
        # which inline queries may search: per user, before any CPU is spent
        self.inline_gate = InlineGate()
        # and when: questions first, inline searches only with a slot to spare
        self.pool = SearchPool(search_slots or os.cpu_count() or 1)

    # -- questions and pages ------------------------------------------------------------------

    @property
    def corpus_lang(self) -> Lang:
        """The language most articles are in (worked out once per index generation)."""
        current = self.news.current
        if self._corpus_lang is None or self._corpus_lang[0] != current.generation:
            lang = corpus_language(a.text for a in current.articles.values())
            self._corpus_lang = (current.generation, lang)
        return self._corpus_lang[1]

    async def ask(self, question: str, lang: Lang | None = None) -> Page:
        """The first page of the answer to a new question (cut to size, not refused), its
        replies in `lang` (bot.texts.reply_lang; the question's own when None)."""
        question = normalize_question(question)
        cut_to = None
        if len(question) > self.max_question_chars:
            question = question[: self.max_question_chars]
            cut_to = self.max_question_chars
        token = secrets.token_urlsafe(6)
        self._questions.put(token, (question, lang))
        started = time.perf_counter()
        page = await self._page(question, lang, token, 0, cut_to)
        self.stats.record_question(time.perf_counter() - started, page.answer.found)
        return page

    async def more(self, token: str, number: int) -> Page | None:
        """Page `number` of a remembered question; None when it was forgotten."""
        remembered = self._questions.get(token)
        if remembered is None:
            return None
        question, lang = remembered
        return await self._page(question, lang, token, number, None)

    async def _page(self, question: str, lang: Lang | None, token: str, number: int,
                    cut_to: int | None) -> Page:
        start = number * self.per_page
        # one item beyond the page tells whether there is a next one
        answer, generation = await self.pool.question(
            self._answer_sync, question, start + self.per_page + 1
        )
        items = answer.items[start : start + self.per_page]
        return Page(
            # every page of one reply in one language (the engine's is the question's)
            answer=replace(answer, items=items, lang=lang or answer.lang),
            number=number,
            first_number=start + 1,
            has_more=len(answer.items) > start + self.per_page and number + 1 < MAX_PAGES,
            token=token,
            tag=generation_tag(generation),
            cut_to=cut_to,
        )

    def _answer_sync(self, question: str, limit: int | None = None) -> tuple[Answer, str]:
        """The answer and the generation it came from (a reindex may swap the index between)."""
        while True:
            current = self.news.current
            answer = self.news.answer(question, limit)
            if self.news.current.generation == current.generation:
                # an article with no title line is cited by outlet and date, not by a sentence
                return cited_by_headline(answer, current.articles), current.generation

    # -- passages --------------------------------------------------------------------------

    def passage(self, tag: str, chunk_id: int) -> Passage | None:
        """A whole chunk by id, or None when its index generation has been replaced."""
        current = self.news.current
        if generation_tag(current.generation) != tag:
            return None
        chunk = self.news.chunk(chunk_id, current.generation)
        if chunk is None:
            return None
        return Passage(chunk, current.articles.get(chunk.source))

    @property
    def current_tag(self) -> str:
        return generation_tag(self.news.current.generation)

    # -- inline mode ----------------------------------------------------------------------

    async def inline(self, query: str, user_id: int | None = None) -> InlineAnswer:
        """The answer for an inline query, from the cache when possible, within the budget.

        Queries are cut to MAX_QUESTION_CHARS like any question. A query searches only once
        the user's inline gate admits it (bot/inline_gate.py): one overtaken by the same
        user's next keystroke comes back `superseded` without having searched, and one the
        user's budget cannot pay for in time gets the stand-in below. When the search does
        not finish in time, the answer of the longest cached prefix stands in (people type a
        question a letter at a time) and the search goes on to fill the cache for the next
        keystroke.
        """
        self.stats.record_inline()
        deadline = asyncio.get_running_loop().time() + self.inline_budget
        question = normalize_question(query)[: self.max_question_chars]
        key = normalize_query(question)
        generation = self.news.current.generation
        tag = generation_tag(generation)
        gate = self.inline_gate
        overtaken = gate.arrive(user_id)  # (a query of theirs still waiting is stale now)
        try:
            cached = self._inline.get((generation, key))
            if cached is not None:
                return InlineAnswer(cached, tag, fresh=True)
            task = self._inflight.get((generation, key))
            if task is None:
                admission = await gate.admit(user_id, overtaken, deadline)
                if admission is Admission.SUPERSEDED:
                    return InlineAnswer(None, tag, fresh=False, superseded=True)
                if admission is Admission.LATE:
                    logger.debug("inline query of user %s over their search budget: serving a "
                                 "cached prefix", user_id)
                    return InlineAnswer(self._longest_prefix(generation, key), tag, fresh=False)
                cached = self._inline.get((generation, key))  # (someone may have asked it)
                if cached is not None:
                    return InlineAnswer(cached, tag, fresh=True)
                task = self._inflight.get((generation, key)) or self._start_inline_search(
                    question, (generation, key), deadline)
                gate.started(user_id, task)
            waiting = asyncio.create_task(overtaken.wait())
            try:
                await asyncio.wait((task, waiting),
                                   timeout=max(0.0, deadline - asyncio.get_running_loop().time()),
                                   return_when=asyncio.FIRST_COMPLETED)
            finally:
                waiting.cancel()
        finally:
            gate.leave(user_id, overtaken)
        if task.done() and (task.cancelled() or not isinstance(task.exception(), Shed)):
            answer, used = task.result()
            return InlineAnswer(answer, generation_tag(used), fresh=True)
        if overtaken.is_set():
            return InlineAnswer(None, tag, fresh=False, superseded=True)
        # what users type is theirs: its length at INFO, its text only at DEBUG
        logger.info("inline query over its %.1f s budget (%d characters)%s, serving a cached "
                    "prefix", self.inline_budget, len(key),
                    ": shed, the search pool was busy" if task.done() else "")
        logger.debug("over budget: %r", key[:60])
        return InlineAnswer(self._longest_prefix(generation, key), tag, fresh=False)

    def _start_inline_search(self, question: str, key: tuple[str, str],
                             deadline: float) -> asyncio.Task[tuple[Answer, str]]:
        task = asyncio.create_task(self._inline_search(question, key, deadline))
        task.add_done_callback(_log_failure)
        self._inflight[key] = task
        return task

    async def drain_inline(self) -> None:
        """Until the inline searches still running have finished (and filled the cache)."""
        await asyncio.gather(*self._inflight.values(), return_exceptions=True)

    async def _inline_search(self, question: str, key: tuple[str, str],
                             deadline: float) -> tuple[Answer, str]:
        try:
            answer, generation = await self.pool.inline(self._answer_sync, question, None,
                                                        deadline=deadline)
            self._inline.put((generation, key[1]), answer)
            return answer, generation
        finally:
            self._inflight.pop(key, None)

    def _longest_prefix(self, generation: str, key: str) -> Answer | None:
        best: tuple[int, Answer] | None = None
        for (gen, cached_key), answer in self._inline.items():
            if (gen == generation and len(cached_key) >= _MIN_PREFIX and key.startswith(cached_key)
                    and (best is None or len(cached_key) > best[0])):
                best = (len(cached_key), answer)
        return best[1] if best else None
