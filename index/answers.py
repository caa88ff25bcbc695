"""From a question to cited passages: search, keep what is relevant, merge duplicates, excerpt."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np
import numpy.typing as npt

from index.dates import find_dates
from index.embedders import Embedder
from index.events import (
    DateBasis,
    HitEvent,
    compatible,
    date_basis,
    dates_disagree,
    event_kind,
    hit_event,
    number_disagreements,
    question_people,
)
from index.evidence import OVERLAP_WEIGHT, TYPE_FIT_WEIGHT, Evidence, sentence_evidence
from index.keywords import words
from index.language import detect_language
from index.ner import Recogniser
from index.query import article_stems, query_tokens, terms_stems
from index.questions import KeyTerm, asks, counted, key_terms
from index.reader.scorer import Candidate as ReaderCandidate
from index.reader.scorer import Reader
from index.search import SearchParams, search
from index.short_answer import short_answer
from index.store import CorpusIndex, chunk_sentence_texts
from index.types import Answer, AnswerItem, Chunk, Disagreement, Hit, Lang

# the rank (passage and answering sentence) a report needs to be cited, calibrated on the news
# QA dev split over the seeds and the FactRuEval texts (BENCHMARKS.md): a Russian question
DEFAULT_MIN_SCORE = 0.89
# an English question over Russian articles scores about this much lower (cross-lingual
# cosine, fewer keywords): its threshold is 0.82
DEFAULT_EN_OFFSET = 0.07


@dataclass(frozen=True, slots=True)
class AnswerParams:
    # a passage is cited only if its fused score clears this (calibrated on XQuAD: BENCHMARKS.md)
    min_score: float = DEFAULT_MIN_SCORE
    # an English question's threshold is min_score minus this
    en_offset: float = DEFAULT_EN_OFFSET
    # further articles are cited only while they score within this of the best one
    item_margin: float = 0.06
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
    # passages re-ranked by their answering sentence, and the sentence score's share of rank
    rerank: int = 32
    sentence_weight: float = 0.5
    # the sentence score: cosine + overlap × share of the question's stems it holds + type
    # fit when it holds what the question asks for (index/evidence.py)
    overlap_weight: float = OVERLAP_WEIGHT
    type_fit_weight: float = TYPE_FIT_WEIGHT
    # questions whose answer must be of their type (index/evidence.py `fits`)
    typed: frozenset[str] = frozenset({"when", "how_many", "how_long", "who", "where"})
    require_type: bool = True
    # key terms looked up per question, and how many of them may be embedded
    max_terms: int = 8
    max_terms_embedded: int = 4
    # a "not in the articles" reply offers up to this many related reports, scoring at least
    # this close to the threshold
    max_related: int = 3
    related_margin: float = 0.05
    search: SearchParams = field(default_factory=SearchParams)
    # the reader reads this many candidate sentences, drawn from the sentences of the best
    # passages: its cost is about 25-40 ms a sentence on 2 cores (BENCHMARKS.md)
    reader_candidates: int = 8
    reader_passages: int = 6
    # a sentence's place in that draw: its passage's rank and its own cosine, half each
    reader_passage_weight: float = 0.5
    # further reports are cited while the reader gives them at least the answer threshold and
    # no less than the best one minus this
    reader_margin: float = 0.3


@dataclass(frozen=True, slots=True)
class _Candidate:
    hit: Hit  # its score is the candidate's rank: passage and sentence evidence together
    evidence: Evidence


def answer_question(
    index: CorpusIndex,
    embedder: Embedder,
    question: str,
    params: AnswerParams | None = None,
    limit: int | None = None,
    recogniser: Recogniser | None = None,
    reader: Reader | None = None,
) -> Answer:
    """The passages that answer `question`, one item per report, best first; or why not.
    `recogniser` finds the names a "who" or "where" short answer is (patterns without it).
    `reader`, when given, decides which sentence answers and whether any does; without it the
    rule-based decision (score threshold, key terms, answer type) stands in."""
    params = params or AnswerParams()
    lang: Lang = detect_language(question)
    if not words(question):
        return Answer(question, lang, (), asks=asks(question), unclear="empty")
    tokens = query_tokens(index, question, embedder)
    vector = embedder.embed_queries([question])[0]
    hits = search(index, vector, tokens, params.search)
    # a pasted page can name hundreds of things: only the first few are looked up, and only a
    # few words the corpus lacks as written are embedded (in one call) to find near spellings
    found = key_terms(question)[: params.max_terms]
    terms = list(zip(found, terms_stems(index, found, embedder, params.max_terms_embedded),
                     strict=True))
    answer = assemble_answer(index, question, lang, hits, params, limit, tokens, vector, terms,
                             recogniser, reader)
    return replace(answer, unclear=_unclear(question, found))


def _unclear(question: str, terms: list[KeyTerm]) -> Literal["only_name", "only_date"] | None:
    """A question that is only a name, or only a date: it is searched, but the reply asks
    what the reader wants to know."""
    rest = question
    for term in terms:
        rest = rest.replace(term.text, " ")
    for mention in find_dates(rest):
        rest = rest[: mention.start] + " " * (mention.end - mention.start) + rest[mention.end:]
    if words(rest):
        return None
    if terms and all(t.kind == "name" for t in terms):
        return "only_name"
    return "only_date" if find_dates(question) or terms else None


def assemble_answer(
    index: CorpusIndex,
    question: str,
    lang: Lang,
    hits: list[Hit],
    params: AnswerParams,
    limit: int | None = None,
    tokens: list[str] | None = None,
    vector: npt.NDArray[np.float32] | None = None,
    terms: list[tuple[KeyTerm, tuple[frozenset[str], ...]]] | None = None,
    recogniser: Recogniser | None = None,
    reader: Reader | None = None,
) -> Answer:
    asked = asks(question)
    # the search's own stems: they include English words' Russian translations (bridge.py)
    query_stems = set(tokens if tokens is not None else query_tokens(index, question))
    unit = counted(question) if asked == "how_many" else None
    candidates = _rank(index, hits, vector, query_stems, asked, params, unit)
    min_score = params.min_score - (params.en_offset if lang == "en" else 0.0)
    terms = terms or []
    absent = tuple(t.text for t, parts in terms if not any(parts))
    relevant = [c for c in candidates if c.hit.score >= min_score]
    if absent:  # a name, place or year that no article holds: the articles cannot answer
        return _not_found(index, question, lang, candidates, query_stems, params, asked, absent)
    if reader is not None and vector is not None and candidates:
        return _read(index, question, lang, candidates, vector, query_stems, params, asked,
                     unit, limit, recogniser, reader)
    if not relevant:
        return Answer(question, lang, (), asks=asked)
    if terms:  # each report must be about everything the question names
        covering = [c for c in relevant if not _uncovered(index, c.hit.chunk.source, terms)]
        if not covering:
            missing = _uncovered(index, relevant[0].hit.chunk.source, terms)
            return _not_found(index, question, lang, candidates, query_stems, params, asked,
                              missing)
        relevant = covering
    if asked in params.typed and params.require_type:
        # a "when" question is answered by a date, "how many" by a number, "who" by a name
        # the question does not already hold: a report that has none does not answer it
        fitting = [c for c in relevant if c.evidence.fits]
        if not fitting:
            return Answer(question, lang, (), asks=asked)
        relevant = fitting

    return _answer(index, question, lang, relevant, candidates, query_stems, params, asked,
                   unit, limit, recogniser, max(min_score, relevant[0].hit.score
                                               - params.item_margin))


def _answer(
    index: CorpusIndex,
    question: str,
    lang: Lang,
    relevant: list[_Candidate],
    candidates: list[_Candidate],
    query_stems: set[str],
    params: AnswerParams,
    asked: str | None,
    unit: str | None,
    limit: int | None,
    recogniser: Recogniser | None,
    floor: float,
    read: bool = False,
) -> Answer:
    """The reports that answer, one item per event: `relevant` candidates scoring at least
    `floor` are cited, the rest of them may only back a cited report up."""
    when = asked == "when"
    chosen: dict[str, _Candidate] = {}
    weaker: dict[str, _Candidate] = {}  # articles below the margin: they may only back up a report
    for candidate in relevant:
        source = candidate.hit.chunk.source
        if candidate.hit.score >= floor:
            chosen.setdefault(source, candidate)
        elif source not in chosen:
            weaker.setdefault(source, candidate)
    groups, events = _group(index, question, list(chosen.values()), list(weaker.values()),
                            query_stems, params, when)
    shown = groups[: limit or params.max_items]
    event_date = _event_date(shown, events) if when else None
    if event_date is not None:  # the item that holds the date goes first: the reply opens with it
        shown.sort(key=lambda g: _group_date(g, events) != event_date)
    evidence = {c.hit.chunk_id: c.evidence for c in candidates}
    items = tuple(_item(index, g, evidence, params, probability=g[0].score if read else None)
                  for g in shown)
    disagreements = _disagreements(shown, events, event_date)
    short = (short_answer(items[0], asked, query_stems, event_date=event_date, unit=unit,
                          recogniser=recogniser, question=question)
             if items and asked in params.typed else None)
    basis = _date_basis(shown, event_date, events)
    return Answer(question, lang, items, event_date, disagreements, asks=asked, short=short,
                  date_basis=basis)


def _read(
    index: CorpusIndex,
    question: str,
    lang: Lang,
    candidates: list[_Candidate],
    vector: npt.NDArray[np.float32],
    query_stems: set[str],
    params: AnswerParams,
    asked: str | None,
    unit: str | None,
    limit: int | None,
    recogniser: Recogniser | None,
    reader: Reader,
) -> Answer:
    """The reader's decision: it reads the question with each of a few candidate sentences.
    Its best probability makes the reply an answer (the passages it rates highest, with the
    sentence it picked in bold) or "closest passages" (shown, marked as possibly not
    answering, with no date and no bold claim)."""
    drawn = _reader_pool(index, candidates, vector, params)
    texts = [(c, i) for c, i in drawn]
    probs = reader.probabilities(question, [_reader_candidate(index, c.hit, i)
                                            for c, i in texts])
    best: dict[int, tuple[float, _Candidate]] = {}
    for (c, i), p in zip(texts, probs, strict=True):
        if c.hit.chunk_id not in best or p > best[c.hit.chunk_id][0]:
            picked = replace(c, hit=replace(c.hit, score=p),
                             evidence=replace(c.evidence, sentence=i))
            best[c.hit.chunk_id] = (p, picked)
    scored = sorted((c for _, c in best.values()), key=lambda c: (-c.hit.score, c.hit.chunk_id))
    top = scored[0].hit.score
    if top < reader.answer_p:
        evidence = {c.hit.chunk_id: c.evidence for c in scored}
        related: dict[str, _Candidate] = {}
        for c in scored:
            related.setdefault(c.hit.chunk.source, c)
        items = tuple(_item(index, [c.hit], evidence, params, probability=c.hit.score)
                      for c in list(related.values())[: params.max_related])
        return Answer(question, lang, (), related=items, asks=asked, closest=True)
    relevant = [c for c in scored if c.hit.score >= reader.answer_p]
    return _answer(index, question, lang, relevant, scored, query_stems, params, asked, unit,
                   limit, recogniser, max(reader.answer_p, top - params.reader_margin), read=True)


def _reader_pool(
    index: CorpusIndex, candidates: list[_Candidate], vector: npt.NDArray[np.float32],
    params: AnswerParams,
) -> list[tuple[_Candidate, int]]:
    """The sentences the reader reads: those of the best passages, ordered by their
    passage's rank and their own cosine with the question, one copy of each text."""
    w = params.reader_passage_weight
    pool: list[tuple[float, _Candidate, int]] = []
    for c in candidates[: params.reader_passages]:
        texts = chunk_sentence_texts(c.hit.chunk)
        cosines = index.sentences_of(c.hit.chunk_id) @ vector if len(index.sentence_vectors) \
            else np.zeros(len(texts), dtype=np.float32)
        for i, text in enumerate(texts):
            if text and i < len(cosines):
                pool.append((w * c.hit.score + (1 - w) * float(cosines[i]), c, i))
    pool.sort(key=lambda t: -t[0])
    seen: set[str] = set()
    out = []
    for _, c, i in pool:
        text = chunk_sentence_texts(c.hit.chunk)[i]
        if text not in seen:
            seen.add(text)
            out.append((c, i))
        if len(out) == params.reader_candidates:
            break
    return out


def _reader_candidate(index: CorpusIndex, hit: Hit, sentence: int) -> ReaderCandidate:
    texts = chunk_sentence_texts(hit.chunk)
    article = index.articles.get(hit.chunk.source)
    return ReaderCandidate(texts[sentence], texts[sentence - 1] if sentence > 0 else "",
                           article.title if article else "")


def _rank(
    index: CorpusIndex,
    hits: list[Hit],
    vector: npt.NDArray[np.float32] | None,
    query_stems: set[str],
    asked: str | None,
    params: AnswerParams,
    unit: str | None = None,
) -> list[_Candidate]:
    """The best passages re-ranked by their answering sentence: rank = (1 − w) × passage
    score + w × sentence score."""
    out = []
    for hit in hits[: params.rerank]:
        if vector is None or not len(index.sentence_vectors):
            evidence = Evidence(0, hit.score, hit.dense, False)
        else:
            evidence = sentence_evidence(index, hit, vector, query_stems, asked,
                                         params.overlap_weight, params.type_fit_weight, unit)
        w = params.sentence_weight
        rank = (1 - w) * hit.score + w * evidence.score
        out.append(_Candidate(replace(hit, score=rank), evidence))
    out.sort(key=lambda c: (-c.hit.score, c.hit.chunk_id))
    return out


def _uncovered(
    index: CorpusIndex, source: str, terms: list[tuple[KeyTerm, tuple[frozenset[str], ...]]]
) -> tuple[str, ...]:
    """The question's key terms that the article `source` does not mention. A term of several
    words is mentioned where its last word is (Марко Рубио → Рубио, Berlin Wall → Wall, not
    Berlin), or any of them if the corpus lacks that one."""
    stems = article_stems(index, source)
    missing = []
    for term, parts in terms:
        head = parts[-1] if parts and parts[-1] else frozenset().union(*parts)
        if not head & stems:
            missing.append(term.text)
    return tuple(missing)


def _not_found(
    index: CorpusIndex,
    question: str,
    lang: Lang,
    candidates: list[_Candidate],
    query_stems: set[str],
    params: AnswerParams,
    asked: str | None,
    missing: tuple[str, ...],
) -> Answer:
    """The articles do not say: name what they lack, and offer the closest reports as related
    (never as the answer, and with no event date)."""
    min_score = params.min_score - (params.en_offset if lang == "en" else 0.0)
    related: dict[str, _Candidate] = {}
    for candidate in candidates:
        if candidate.hit.score < min_score - params.related_margin:
            break
        related.setdefault(candidate.hit.chunk.source, candidate)
    evidence = {c.hit.chunk_id: c.evidence for c in candidates}
    items = tuple(_item(index, [c.hit], evidence, params)
                  for c in list(related.values())[: params.max_related])
    return Answer(question, lang, (), missing=missing, related=items, asks=asked)


def _group(
    index: CorpusIndex,
    question: str,
    chosen: list[_Candidate],
    weaker: list[_Candidate],
    query_stems: set[str],
    params: AnswerParams,
    when: bool,
) -> tuple[list[list[Hit]], dict[int, HitEvent]]:
    """Reports of one event from several outlets merged, ranked best first."""
    people = question_people(index.names, question)
    events = {
        c.hit.chunk_id: hit_event(c.hit.chunk, index.articles.get(c.hit.chunk.source),
                                  index.names, query_stems, people, when, c.evidence.sentence)
        for c in [*chosen, *weaker]
    }
    groups = _merge_duplicates(index, [c.hit for c in chosen], params, events)
    _attach_agreeing(index, groups, [c.hit for c in weaker], params, events)
    return _rank_groups(groups, events, event_kind(question), params, when), events


def _item(
    index: CorpusIndex, group: list[Hit], evidence: dict[int, Evidence], params: AnswerParams,
    probability: float | None = None,
) -> AnswerItem:
    lead = group[0]
    article = index.articles.get(lead.chunk.source)
    best = evidence[lead.chunk_id].sentence if lead.chunk_id in evidence else 0
    excerpt, highlight = build_excerpt(lead.chunk, best, params.excerpt_chars)
    return AnswerItem(
        source=lead.chunk.source,
        excerpt=excerpt,
        score=round(lead.score, 4),
        chunk_id=lead.chunk_id,
        title=article.title if article else "",
        url=article.url if article else None,
        also_in=tuple(h.chunk.source for h in group[1:]),
        highlight=highlight,
        dates=lead.chunk.dates,
        published=article.published if article else None,
        outlet=article.outlet if article else None,
        probability=probability,
    )


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
    below the margin (another outlet's wording of it): the same stated date is required. A
    file that tells what looks like the same event on a date a few days off is cited as a
    report of its own: the reply must say the sources differ."""
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
        else:
            if event.stated and any(dates_disagree(events[g[0].chunk_id], event)
                                    for g in groups):
                groups.append([hit])


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
            # a passage whose article dates it itself leads one dated by a sibling report
            when and events[h.chunk_id].stated and events[h.chunk_id].date == date
            and not events[h.chunk_id].lent, h.score),
            reverse=True))
    return sorted(ordered, key=group_score, reverse=True)


def _group_date(group: list[Hit], events: dict[int, HitEvent]) -> str | None:
    """The date of the event a merged report tells (its members never disagree on it): a
    full date where any member states one, else the day and month."""
    dates = [d for h in group if (d := events[h.chunk_id].date)]
    return next((d for d in dates if not d.startswith("--")), dates[0] if dates else None)


def _date_basis(groups: list[list[Hit]], event_date: str | None,
                events: dict[int, HitEvent]) -> DateBasis | None:
    """Where the event date's year came from, in the report that holds it: the passage that
    states the date, else its lead."""
    group = next((g for g in groups if _group_date(g, events) == event_date), None)
    if group is None:
        return None
    hit = next((h for h in group if events[h.chunk_id].date == event_date), group[0])
    return date_basis(hit.chunk, event_date)


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


def build_excerpt(chunk: Chunk, best: int, max_chars: int) -> tuple[str, tuple[int, int]]:
    """The answering sentence (`best`, an index into `chunk.sentences`) with its neighbours,
    in reading order, within `max_chars`.

    Returns the excerpt and the span of that sentence in it, which is shown in bold. Its
    neighbours come first (the next, then the previous, alternately outwards): an answer often
    sits in the sentence next to the one that matches, and context reads better in the order
    it was written (on XQuAD this keeps the gold answer in more top excerpts than "best
    sentence first, then the rest": BENCHMARKS.md).
    """
    texts = chunk_sentence_texts(chunk)
    kept = [i for i, t in enumerate(texts) if t]
    if not kept:
        return "", (0, 0)
    sentences = [texts[i] for i in kept]
    best = kept.index(best) if best in kept else 0
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


def _truncate(text: str, max_chars: int) -> str:
    if len(text) <= max_chars:
        return text
    cut = text[: max_chars - 1].rsplit(" ", 1)[0]
    return cut + "…"
