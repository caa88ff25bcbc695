"""The timeline: the dated events of the corpus in order, each with the sentence that tells it and
the files that report it (`/timeline [topic]`, `python -m bot timeline [topic]`; rendered by
`bot/render/timeline.py`).

An event is a date plus who and what: every dated sentence of the corpus is a report of one,
and reports of the same day with a compatible kind and cast are one event (index/events.py).
An article whose own lead gives no date joins the event its headline tells, as dated at build
time from the other outlets' reports.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from index.dates import chunk_mentions
from index.events import EventKind, event_kind, question_people
from index.keywords import tokenize
from index.names import NameTable
from index.query import query_tokens
from index.store import CorpusIndex

# a sentence this short tells an event better than a longer one (renderers shorten the rest)
_SHORT_SENTENCE = 220
# with no word of the topic in any event, events are kept by meaning: those this close to the
# best one (cosine of the topic with the event's passages)
_DENSE_MARGIN = 0.015

@dataclass(frozen=True, slots=True)
class TimelineEvent:
    """One dated event: when, what kind, a line that tells it, and the files that report it."""

    date: str  # ISO YYYY-MM-DD
    description: str  # the sentence that tells it best, on one line (whole: renderers shorten)
    sources: tuple[str, ...]  # the quoted file first
    kind: EventKind | None = None
    people: tuple[str, ...] = ()  # lemmas of the names involved (as the corpus writes them)
    chunk_ids: tuple[int, ...] = ()  # the passages that report it


@dataclass(slots=True)
class _Report:
    date: str
    source: str
    chunk_id: int
    sentence: str
    kind: EventKind | None
    people: frozenset[str]
    headline: bool  # the article's own event, told by its title
    stated: bool = True  # False: the article gives no date; it was dated from the others
    early: bool = False  # the date opens the sentence: the sentence is about that day
    title: str = ""  # the article's title, for a headline event (matched against topics)


@dataclass(slots=True)
class _Cluster:
    date: str
    reports: list[_Report] = field(default_factory=list)

    @property
    def kind(self) -> EventKind | None:
        return next((r.kind for r in self.reports if r.kind), None)

    @property
    def people(self) -> frozenset[str]:
        return frozenset().union(*(r.people for r in self.reports))

    def accepts(self, report: _Report) -> bool:
        if report.date != self.date:
            return False
        if report.kind and self.kind and report.kind != self.kind:
            return False
        people = self.people
        return not (report.people and people and not report.people & people)


def _names(names: NameTable, text: str) -> frozenset[str]:
    return frozenset(n for n in names.names_in(text)
                     if names.entries[n].kind in ("person", "name"))


def _reports(index: CorpusIndex) -> list[_Report]:
    """Every dated sentence of the corpus (once, though chunks overlap), and each article's
    headline event."""
    reports: list[_Report] = []
    seen: set[tuple[str, int]] = set()
    told: set[tuple[str, str]] = set()  # (source, date) already reported by a sentence
    for chunk_id, chunk in enumerate(index.chunks):
        if not chunk.dates:
            continue
        article = index.articles.get(chunk.source)
        spans = list(chunk.sentences) or [(0, len(chunk.text))]
        for start, _, iso in chunk_mentions(chunk.text, chunk.dates):
            if (chunk.source, chunk.start + start) in seen:
                continue
            seen.add((chunk.source, chunk.start + start))
            s, e = next(((s, e) for s, e in spans if s <= start < e), (0, len(chunk.text)))
            sentence = chunk.text[s:e].strip()
            people = _names(index.names, sentence)
            kind = event_kind(sentence, start - s)
            early = start - s <= len(sentence) // 3
            headline = article is not None and iso == article.event_date
            title = ""
            if headline and article is not None:
                title = article.title
                kind = kind or event_kind(title)
                if not index.names.people_in(sentence):
                    # "Их беседа состоялась 10 июля": who met, and where, is in the title
                    people = people | _names(index.names, title)
                    sentence, early = title, True
            reports.append(_Report(iso, chunk.source, chunk_id, sentence, kind, people,
                                   headline, True, early, title))
            told.add((chunk.source, iso))
    for source, article in index.articles.items():
        if article.event_date and (source, article.event_date) not in told:
            chunk_id = next((i for i, c in enumerate(index.chunks) if c.source == source), -1)
            reports.append(_Report(article.event_date, source, chunk_id, article.title,
                                   event_kind(article.title),
                                   _names(index.names, article.title), True, stated=False,
                                   title=article.title))
    return reports


def _clusters(reports: list[_Report]) -> list[_Cluster]:
    clusters: list[_Cluster] = []
    # reports that name their kind and cast first, so vaguer ones join a defined event
    for report in sorted(reports, key=lambda r: (r.date, r.kind is None, -len(r.people))):
        target = next((c for c in clusters if c.accepts(report)), None)
        if target is None:
            target = _Cluster(report.date)
            clusters.append(target)
        target.reports.append(report)
    return sorted(clusters, key=lambda c: c.date)


def _describe(cluster: _Cluster) -> _Report:
    """The report that tells the event best: names its kind and people, in a short sentence."""
    def quality(r: _Report) -> tuple[bool, bool, bool, bool, bool, int]:
        return (r.stated, r.kind is not None, len(r.people) >= 2, r.early,
                len(r.sentence) <= _SHORT_SENTENCE, -len(r.sentence))
    return max(cluster.reports, key=quality)


def _event(cluster: _Cluster) -> TimelineEvent:
    best = _describe(cluster)
    sources = [best.source, *sorted({r.source for r in cluster.reports} - {best.source})]
    return TimelineEvent(
        date=cluster.date,
        description=" ".join(best.sentence.split()),
        sources=tuple(sources),
        kind=cluster.kind,
        people=tuple(sorted(cluster.people)),
        chunk_ids=tuple(sorted({r.chunk_id for r in cluster.reports if r.chunk_id >= 0})),
    )


def build_timeline(
    index: CorpusIndex,
    topic: str | None = None,
    topic_vector: npt.NDArray[np.float32] | None = None,
) -> list[TimelineEvent]:
    """The corpus's dated events in date order; with a `topic`, only the events about it.

    A topic is matched by its names and words (in either script, through `query_tokens`); when
    none of them occurs in any event, by meaning, if `topic_vector` (its embedding) is given.
    """
    clusters = _clusters(_reports(index))
    events = [_event(c) for c in clusters]
    if not topic or not topic.strip():
        return events
    return _about(index, topic, topic_vector, clusters, events)


def _about(
    index: CorpusIndex,
    topic: str,
    topic_vector: npt.NDArray[np.float32] | None,
    clusters: list[_Cluster],
    events: list[TimelineEvent],
) -> list[TimelineEvent]:
    tokens = set(query_tokens(index, topic))
    people = question_people(index.names, topic)
    kind = event_kind(topic)
    texts = [set(tokenize(" ".join(f"{r.sentence} {r.title}" for r in c.reports)))
             for c in clusters]
    frequency = Counter(t for stems in texts for t in stems)
    scores = []
    for cluster, stems in zip(clusters, texts, strict=True):
        # a word found in fewer events says more about which one is meant
        score = sum(math.log1p(len(clusters) / frequency[t]) for t in tokens & stems)
        score += 2.0 * len(people & cluster.people)
        if kind is not None and kind == cluster.kind:
            score += 1.0
        scores.append(score)
    best = max(scores, default=0.0)
    if best > 0:
        return [e for e, s in zip(events, scores, strict=True) if s >= 0.5 * best]
    if topic_vector is None:
        return []
    cosines = [max((float(index.vectors[i] @ topic_vector) for i in e.chunk_ids), default=0.0)
               for e in events]
    top = max(cosines, default=0.0)
    return [e for e, c in zip(events, cosines, strict=True) if c >= top - _DENSE_MARGIN]
