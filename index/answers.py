"""From a question to cited passages: search, keep what is relevant, merge duplicates, excerpt."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from index.embedders import Embedder
from index.keywords import stem_words, tokenize, words
from index.language import detect_language
from index.query import query_tokens
from index.search import SearchParams, search
from index.store import CorpusIndex
from index.types import Answer, AnswerItem, Chunk, Hit, Lang

_WHEN = re.compile(
    r"\b(когда|в какой день|какого числа|в каком году|какая дата|when|what date|which day|"
    r"what day|what year)\b",
    re.IGNORECASE,
)
_HAS_DATE = re.compile(
    r"\b\d{1,2}\s+(январ|феврал|март|апрел|ма[яй]|июн|июл|август|сентябр|октябр|ноябр|декабр)"
    r"|\b(понедельник|вторник|сред[уа]|четверг|пятниц|суббот|воскресень)|\b(19|20)\d{2}\b",
    re.IGNORECASE,
)


DEFAULT_MIN_SCORE = 0.815


@dataclass(frozen=True, slots=True)
class AnswerParams:
    # a passage is cited only if its fused score clears this (calibrated on XQuAD: BENCHMARKS.md)
    min_score: float = DEFAULT_MIN_SCORE
    # further articles are cited only while they score within this of the best one
    item_margin: float = 0.04
    max_items: int = 5
    excerpt_chars: int = 450
    # two excerpts whose vectors are this close are one report (one event, several outlets)
    duplicate_cosine: float = 0.92
    search: SearchParams = field(default_factory=SearchParams)


def is_when_question(question: str) -> bool:
    return bool(_WHEN.search(question))


def answer_question(
    index: CorpusIndex,
    embedder: Embedder,
    question: str,
    params: AnswerParams | None = None,
    limit: int | None = None,
) -> Answer:
    """The passages that answer `question`, one item per report, best first."""
    params = params or AnswerParams()
    lang: Lang = detect_language(question)
    tokens = query_tokens(index, question)
    if not words(question) and not question.strip():
        return Answer(question, lang, ())
    vector = embedder.embed_queries([question])[0]
    hits = search(index, vector, tokens, params.search)
    return assemble_answer(index, question, lang, hits, params, limit)


def assemble_answer(
    index: CorpusIndex,
    question: str,
    lang: Lang,
    hits: list[Hit],
    params: AnswerParams,
    limit: int | None = None,
) -> Answer:
    if not hits or hits[0].score < params.min_score:
        return Answer(question, lang, ())
    floor = max(params.min_score, hits[0].score - params.item_margin)
    best_per_article: dict[str, Hit] = {}
    for hit in hits:
        if hit.score < floor:
            break
        best_per_article.setdefault(hit.chunk.source, hit)
    groups = _merge_duplicates(index, list(best_per_article.values()), params.duplicate_cosine)

    query_stems = set(tokenize(question))
    when = is_when_question(question)
    items = []
    for group in groups[: limit or params.max_items]:
        lead = group[0]
        article = index.articles.get(lead.chunk.source)
        excerpt, highlight = build_excerpt(lead.chunk, query_stems, params.excerpt_chars, when)
        items.append(
            AnswerItem(
                source=lead.chunk.source,
                excerpt=excerpt,
                score=round(lead.score, 4),
                chunk_id=lead.chunk_id,
                title=article.title if article else "",
                url=article.url if article else None,
                also_in=tuple(h.chunk.source for h in group[1:]),
                highlight=highlight,
                dates=lead.chunk.dates,
            )
        )
    return Answer(question, lang, tuple(items))


def _merge_duplicates(index: CorpusIndex, hits: list[Hit], threshold: float) -> list[list[Hit]]:
    """Group hits whose chunks say the same thing; each group keeps its best hit first."""
    groups: list[list[Hit]] = []
    for hit in hits:
        v = index.vectors[hit.chunk_id]
        for group in groups:
            if float(np.dot(index.vectors[group[0].chunk_id], v)) >= threshold:
                group.append(hit)
                break
        else:
            groups.append([hit])
    return groups


def build_excerpt(
    chunk: Chunk, query_stems: set[str], max_chars: int, prefer_dates: bool = False
) -> tuple[str, tuple[int, int]]:
    """The chunk's sentences, the one that answers best first, within `max_chars`.

    Returns the excerpt and the span of that first sentence, which is shown in bold.
    """
    spans = list(chunk.sentences) or [(0, len(chunk.text))]
    sentences = [chunk.text[s:e].strip() for s, e in spans]
    scored = [
        (_sentence_score(text, query_stems, prefer_dates), -i, text)
        for i, text in enumerate(sentences)
        if text
    ]
    if not scored:
        return "", (0, 0)
    scored.sort(reverse=True)
    best = _truncate(scored[0][2], max_chars)
    parts = [best]
    used = len(best)
    # the rest in reading order: context reads better in the order it was written
    rest = sorted((-neg_i, text) for _, neg_i, text in scored[1:])
    for _, text in rest:
        if used + 1 + len(text) > max_chars:
            break
        parts.append(text)
        used += 1 + len(text)
    return " ".join(parts), (0, len(best))


def _sentence_score(sentence: str, query_stems: set[str], prefer_dates: bool) -> float:
    stems = set(stem_words(words(sentence)))
    score = float(len(stems & query_stems))
    if prefer_dates and _HAS_DATE.search(sentence):
        score += 1.5
    return score


def _truncate(text: str, max_chars: int) -> str:
    if len(text) <= max_chars:
        return text
    cut = text[: max_chars - 1].rsplit(" ", 1)[0]
    return cut + "…"
