"""From a question to cited passages: search, keep what is relevant, merge duplicates, excerpt."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from index.embedders import Embedder
from index.events import (
    HitEvent,
    compatible,
    dates_disagree,
    event_kind,
    hit_event,
    number_disagreements,
    question_people,
)
from index.keywords import stem_words, words
from index.language import detect_language
from index.query import query_tokens
from index.search import SearchParams, search
from index.store import CorpusIndex
from index.types import Answer, AnswerItem, Chunk, Disagreement, Hit, Lang

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


# calibrated on XQuAD (relevant paragraph indexed vs its whole article left out) within the
# bounds the seeds' on- and off-topic questions set (BENCHMARKS.md): a Russian question
DEFAULT_MIN_SCORE = 0.865
# an English question over Russian articles scores about this much lower (cross-lingual
# cosine, fewer keywords): its threshold is 0.795
DEFAULT_EN_OFFSET = 0.07


@dataclass(frozen=True, slots=True)
class AnswerParams:
    # a passage is cited only if its fused score clears this (calibrated on XQuAD: BENCHMARKS.md)
    min_score: float = DEFAULT_MIN_SCORE
    # an English question's threshold is min_score minus this
    en_offset: float = DEFAULT_EN_OFFSET
    # further articles are cited only while they score within this of the best one
    item_margin: float = 0.04
    max_items: int = 5
    # the answer sits beside the best-matching sentence often enough that 500 beats 450
    # (XQuAD: gold answer in the top excerpt 86% → 87.5%; BENCHMARKS.md)
    excerpt_chars: int = 500
    # two excerpts whose vectors are this close are one report (one event, several outlets),
    # if what they tell is compatible (index/events.py); closer still if they state one date
    duplicate_cosine: float = 0.92
    same_date_cosine: float = 0.88
    # ranking: each further source that agrees adds this (up to 3), and an item whose event is
    # of the kind the question asks about (met / called / visited) gains this, or loses it
    agreement_bonus: float = 0.003
    kind_bonus: float = 0.01
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
    tokens = query_tokens(index, question, embedder)
    if not words(question) and not question.strip():
        return Answer(question, lang, ())
    vector = embedder.embed_queries([question])[0]
    hits = search(index, vector, tokens, params.search)
    return assemble_answer(index, question, lang, hits, params, limit, tokens)


def assemble_answer(
    index: CorpusIndex,
    question: str,
    lang: Lang,
    hits: list[Hit],
    params: AnswerParams,
    limit: int | None = None,
    tokens: list[str] | None = None,
) -> Answer:
    min_score = params.min_score - (params.en_offset if lang == "en" else 0.0)
    if not hits or hits[0].score < min_score:
        return Answer(question, lang, ())
    floor = max(min_score, hits[0].score - params.item_margin)
    best_per_article: dict[str, Hit] = {}
    weaker: dict[str, Hit] = {}  # articles below the margin: they may only back up a report
    when = is_when_question(question)
    for hit in hits:
        if hit.score < min_score:
            break
        if hit.score >= floor:
            chosen = best_per_article.setdefault(hit.chunk.source, hit)
            if when and not chosen.chunk.dates and hit.chunk.dates:
                # a "when" answer quotes the article's passage that states a date, if relevant
                best_per_article[hit.chunk.source] = hit
        elif hit.chunk.source not in best_per_article:
            weaker.setdefault(hit.chunk.source, hit)
    # the search's own stems: they include English words' Russian translations (bridge.py)
    query_stems = set(tokens if tokens is not None else query_tokens(index, question))
    people = question_people(index.names, question)
    events = {
        h.chunk_id: hit_event(h.chunk, index.articles.get(h.chunk.source), index.names,
                              query_stems, people, when)
        for h in [*best_per_article.values(), *weaker.values()]
    }
    groups = _merge_duplicates(index, list(best_per_article.values()), params, events)
    _attach_agreeing(index, groups, list(weaker.values()), params, events)
    groups = _rank_groups(groups, events, event_kind(question), params, when)
    shown = groups[: limit or params.max_items]
    event_date = _event_date(shown, events) if when else None
    if event_date is not None:  # the item that holds the date goes first: the reply opens with it
        shown.sort(key=lambda g: _group_date(g, events) != event_date)

    items = []
    for group in shown:
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
    disagreements = _disagreements(shown, events, event_date)
    return Answer(question, lang, tuple(items), event_date, disagreements)


def _merge_duplicates(
    index: CorpusIndex, hits: list[Hit], params: AnswerParams, events: dict[int, HitEvent]
) -> list[list[Hit]]:
    """Group hits that report the same event (one event, several outlets), best hit first.

    Vectors alone cannot tell events apart: in a corpus about one pair of ministers every chunk
    is within 0.86-0.97 cosine of every other (multilingual-e5-small), so a February phone call
    and a July meeting would merge. A hit joins a group only if the events they tell are
    compatible (no different date, kind or people) and their vectors are close.
    """
    groups: list[list[Hit]] = []
    for hit in hits:
        event = events[hit.chunk_id]
        v = index.vectors[hit.chunk_id]
        for group in groups:
            if not all(compatible(events[h.chunk_id], event) for h in group):
                continue
            lead = events[group[0].chunk_id]
            same_date = event.date is not None and event.date == lead.date
            threshold = params.same_date_cosine if same_date else params.duplicate_cosine
            if float(np.dot(index.vectors[group[0].chunk_id], v)) >= threshold:
                group.append(hit)
                break
        else:
            groups.append([hit])
    return groups


def _attach_agreeing(
    index: CorpusIndex,
    groups: list[list[Hit]],
    weaker: list[Hit],
    params: AnswerParams,
    events: dict[int, HitEvent],
) -> None:
    """Cite, under a report, the other files that tell the same event even though they rank
    below the margin (another outlet's wording of it): the same stated date is required."""
    for hit in weaker:
        event = events[hit.chunk_id]
        if event.date is None:
            continue
        for group in groups:
            if (_group_date(group, events) == event.date
                    and all(compatible(events[h.chunk_id], event) for h in group)
                    and float(np.dot(index.vectors[group[0].chunk_id],
                                     index.vectors[hit.chunk_id])) >= params.same_date_cosine):
                group.append(hit)
                break


def _rank_groups(
    groups: list[list[Hit]],
    events: dict[int, HitEvent],
    kind: str | None,
    params: AnswerParams,
    when: bool,
) -> list[list[Hit]]:
    """Order reports by score, plus confidence from agreeing sources and a matching event
    kind. Within a report, the passage that states the event's date leads a "when" answer."""
    def group_score(group: list[Hit]) -> float:
        score = group[0].score + params.agreement_bonus * min(len(group) - 1, 3)
        event_kinds = {events[h.chunk_id].kind for h in group} - {None}
        if kind and event_kinds:
            score += params.kind_bonus if kind in event_kinds else -params.kind_bonus
        return score

    ordered = []
    for group in groups:
        date = _group_date(group, events)
        ordered.append(sorted(group, key=lambda h: (
            when and events[h.chunk_id].stated and events[h.chunk_id].date == date, h.score),
            reverse=True))
    return sorted(ordered, key=group_score, reverse=True)


def _group_date(group: list[Hit], events: dict[int, HitEvent]) -> str | None:
    """The date of the event a merged report tells (its members never disagree on it)."""
    return next((events[h.chunk_id].date for h in group if events[h.chunk_id].date), None)


def _event_date(groups: list[list[Hit]], events: dict[int, HitEvent]) -> str | None:
    """The date of the best-ranked report that has one."""
    return next((d for g in groups if (d := _group_date(g, events))), None)


def _disagreements(
    groups: list[list[Hit]], events: dict[int, HitEvent], event_date: str | None
) -> tuple[Disagreement, ...]:
    """Where reports of one event differ: on its date (separate items a few days apart with the
    same kind and people), or on a number within one merged item."""
    out: list[Disagreement] = []
    if event_date is not None:
        main = next(g for g in groups if _group_date(g, events) == event_date)
        others = [g for g in groups
                  if g is not main and dates_disagree(events[main[0].chunk_id],
                                                      events[g[0].chunk_id])]
        if others:
            values = [(event_date, tuple(h.chunk.source for h in main))]
            values += [(str(_group_date(g, events)), tuple(h.chunk.source for h in g))
                       for g in others]
            out.append(Disagreement("date", tuple(values)))
    for group in groups:
        if len(group) > 1:
            for numbers in number_disagreements((h.chunk.source, h.chunk.text) for h in group):
                out.append(Disagreement("number", numbers))
    return tuple(out)


def build_excerpt(
    chunk: Chunk, query_stems: set[str], max_chars: int, prefer_dates: bool = False
) -> tuple[str, tuple[int, int]]:
    """The sentence that answers best, with its neighbours, in reading order, within
    `max_chars`.

    Returns the excerpt and the span of that sentence in it, which is shown in bold. Its
    neighbours come first (the next, then the previous, alternately outwards): an answer often
    sits in the sentence next to the one that shares the question's words, and context reads
    better in the order it was written (on XQuAD this keeps the gold answer in more top
    excerpts than "best sentence first, then the rest": BENCHMARKS.md).
    """
    spans = list(chunk.sentences) or [(0, len(chunk.text))]
    sentences = [t for t in (chunk.text[s:e].strip() for s, e in spans) if t]
    if not sentences:
        return "", (0, 0)
    scores = [_sentence_score(text, query_stems, prefer_dates) for text in sentences]
    best = max(range(len(sentences)), key=lambda i: (scores[i], -i))
    if len(sentences[best]) >= max_chars:
        text = _truncate(sentences[best], max_chars)
        return text, (0, len(text))
    first = last = best  # a contiguous run: skipping a sentence could change the meaning
    used = len(sentences[best])
    grew = True
    while grew:
        grew = False
        if last + 1 < len(sentences) and used + 1 + len(sentences[last + 1]) <= max_chars:
            last += 1
            used += 1 + len(sentences[last])
            grew = True
        if first > 0 and used + 1 + len(sentences[first - 1]) <= max_chars:
            first -= 1
            used += 1 + len(sentences[first])
            grew = True
    before = sum(len(sentences[i]) + 1 for i in range(first, best))
    excerpt = " ".join(sentences[first : last + 1])
    return excerpt, (before, before + len(sentences[best]))


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
