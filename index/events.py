"""Events in news: what kind of event a sentence reports, who is in it, and when it happened.

A news article reports one event (its headline event) and mentions others as background
("…в развитие телефонного разговора Путина и Трампа 12 февраля…"). Telling them apart is what
lets the answer service give the date of the event a question asks about, keep reports of
different events apart, and merge reports of the same one. The event vocabulary is a small
bilingual list of event kinds (a call, a meeting, a visit): the words news uses for them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Literal

from index.chunking import split_sentences
from index.dates import (
    ArticleDates,
    ResolvedDate,
    as_date,
    chunk_mentions,
    find_dates,
    parse_iso,
    resolve_article,
    resolve_corpus,
    same_day,
)
from index.keywords import tokenize
from index.names import NameTable
from index.types import Article, Chunk

EventKind = Literal["call", "meeting", "visit"]

_KINDS: tuple[tuple[EventKind, re.Pattern[str]], ...] = (
    ("call", re.compile(
        r"телефон\w*|созвон\w*|позвон\w*|звонок|звонк\w*|\bphone\w*|\btelephone\w*"
        r"|\bcall(?:s|ed)?\b|\brang\b", re.IGNORECASE)),
    ("meeting", re.compile(
        r"встреч\w*|встрет\w*|\bлично\b|саммит\w*|\bmeet\w*|\bmet\b|in person|face[- ]to[- ]face"
        r"|summit\w*", re.IGNORECASE)),
    ("visit", re.compile(
        r"визит\w*|посет\w*|прибыл\w*|приехал\w*|прилетел\w*|\bvisit\w*|\barriv\w*|\btrip\b",
        re.IGNORECASE)),
)
# an article's own event is told in its title and first sentences; later dates are background
_LEAD_SENTENCES = 3
_LEAD_CHARS = 1500
# two reports of one event whose dates differ by at most this disagree; further apart, they
# are two events
DISAGREEMENT_DAYS = 3
# reports in two articles are one event when they share this many people (besides the kind
# and the day): one shared name is too little to tell a call of Лавров's from another
_EVENT_CAST = 2
# year lending runs again while it dates more reports (A dates B's call, B then dates its
# background call, which dates C's): a chain this long is the most a corpus has shown
_LENDING_ROUNDS = 4
# where an answer's date got its year: written with it, the article's own anchor, or a
# sibling report of the same event
DateBasis = Literal["stated", "article", "event"]
_NUMBER = re.compile(r"(?<![\d.,:])(\d+(?:[.,]\d+)?)\s+([A-Za-zА-Яа-яЁё]+)")


def event_kind(text: str, at: int | None = None) -> EventKind | None:
    """The kind of event `text` reports: the kind word nearest to `at` (a date's position),
    or the first one."""
    best: tuple[int, EventKind] | None = None
    for kind, pattern in _KINDS:
        for m in pattern.finditer(text):
            distance = abs(m.start() - at) if at is not None else m.start()
            if best is None or distance < best[0]:
                best = (distance, kind)
    return best[1] if best else None


@dataclass(frozen=True, slots=True)
class Headline:
    """An article's own event: its date (ISO), kind and the people in it."""

    date: str | None
    kind: EventKind | None
    people: frozenset[str]


@dataclass(frozen=True, slots=True)
class HitEvent:
    """The event a cited passage is about, as far as the passage (or its article) tells."""

    date: str | None
    kind: EventKind | None
    people: frozenset[str]
    stated: bool  # the passage itself states the date (not taken from the article's headline)
    sentence: str  # the sentence that tells it
    lent: bool = False  # the date's year came from another report of the event


def _names_in(names: NameTable, text: str) -> frozenset[str]:
    """People and unclassified names (Рубио is no dictionary surname): who an event involves."""
    return frozenset(n for n in names.names_in(text)
                     if names.entries[n].kind in ("person", "name"))


def _is_background(sentence_people: frozenset[str], tagged_people: frozenset[str],
                   own: frozenset[str]) -> bool:
    """A dated sentence is about another event when it names people and none of `own`."""
    return bool(tagged_people) and bool(own) and not (sentence_people & own)


def headline(article: Article, dates: ArticleDates | None, names: NameTable) -> Headline:
    """The article's headline event: the first date of its lead that is not background."""
    title_people = _names_in(names, article.title)
    spans = split_sentences(article.text)[:_LEAD_SENTENCES]
    kind = event_kind(article.title)
    for start, end in spans:
        sentence = article.text[start:end]
        people = _names_in(names, sentence)
        if _is_background(people, names.people_in(sentence), title_people):
            continue
        for mention in (dates.mentions if dates else ()):
            if start <= mention.start < end:
                return Headline(mention.iso,
                                kind or event_kind(sentence, mention.start - start),
                                title_people | people)
    if kind is None and spans:
        kind = event_kind(" ".join(article.text[s:e] for s, e in spans))
    return Headline(None, kind, title_people)


def annotate_events(
    articles: list[Article],
    contexts: Mapping[str, str],
    chunks: list[Chunk],
    names: NameTable,
) -> tuple[list[Article], list[Chunk]]:
    """Resolve the dates of every article from its own text: ISO dates on each chunk, and on
    each article its headline event's date and its publication date (the date its caption,
    dateline or own full dates point to). Another article lends a year only to a report of
    the same event (`lend_event_years`); the publication date stays the article's own."""
    # an article's `published` on the way in is what its page stated (or, for an article
    # reused from the previous build, what was resolved then: the same anchor again)
    stated = {a.source: a.published for a in articles if a.published}
    resolved = resolve_corpus({a.source: a.text for a in articles}, contexts, stated)
    resolved = lend_event_years(articles, contexts, stated, resolved, names)
    out_articles: list[Article] = []
    for article in articles:
        dates = resolved.get(article.source)
        head = headline(article, dates, names)
        out_articles.append(replace(article, event_date=head.date,
                                    published=dates.published if dates else None))
    out_chunks = []
    for chunk in chunks:
        dates = resolved.get(chunk.source)
        in_span = dates.in_span(chunk.start, chunk.end) if dates else ()
        out_chunks.append(replace(chunk, dates=in_span,
                                  lent=tuple(d for d in in_span if dates and d in dates.lent)))
    return out_articles, out_chunks


@dataclass(frozen=True, slots=True)
class _DatedReport:
    """A dated sentence of an article: the event it tells, as far as the sentence does."""

    source: str
    iso: str
    kind: EventKind
    people: frozenset[str]


def _dated_reports(article: Article, dates: ArticleDates, names: NameTable
                   ) -> list[_DatedReport]:
    """The article's dated sentences that name their kind and at least two people (a
    sentence that names no one is about the people of the title: «Их беседа состоялась…»)."""
    title_people = _names_in(names, article.title)
    out = []
    for start, end in split_sentences(article.text):
        sentence = article.text[start:end]
        people = _names_in(names, sentence)
        if not names.people_in(sentence):
            people = people | title_people
        for mention in dates.mentions:
            if not start <= mention.start < end:
                continue
            kind = event_kind(sentence, mention.start - start)
            if kind is not None and len(people) >= _EVENT_CAST:
                out.append(_DatedReport(article.source, mention.iso, kind, people))
    return out


def lend_event_years(
    articles: list[Article],
    contexts: Mapping[str, str],
    stated: Mapping[str, str],
    resolved: dict[str, ArticleDates],
    names: NameTable,
) -> dict[str, ArticleDates]:
    """Give a year-less date the year that another report of the same event holds: the same
    kind, the same day and month, and at least two of the same people. When the reports with
    a year disagree on it, none is lent. The article is then dated from that date as from an
    anchor of its own, its other year-less dates included; what got a year this way is
    marked `lent`. Articles about other events (other people, kinds or days) lend nothing."""
    by_source = {a.source: a for a in articles}
    out = dict(resolved)
    for _ in range(_LENDING_ROUNDS):
        reports = {s: _dated_reports(by_source[s], d, names)
                   for s, d in out.items() if s in by_source}
        dated = [r for rs in reports.values() for r in rs if not r.iso.startswith("--")]
        changed = False
        for source, own in reports.items():
            anchor = _lent_anchor(own, dated)
            if anchor is None:
                continue
            article = by_source[source]
            again = resolve_article(article.text, contexts.get(source, ""), anchor)
            before = out[source]
            kept = {(m.start, m.end): m for m in before.mentions}
            mentions = []
            for m in again.mentions:
                old = kept.get((m.start, m.end))
                if m.iso.startswith("--") or (old is not None and not old.iso.startswith("--")):
                    if old is not None:  # the article's own years stand
                        mentions.append(old)
                    continue
                mentions.append(ResolvedDate(m.start, m.end, m.iso, "event"))
            lent = tuple(dict.fromkeys(m.iso for m in mentions if m.basis == "event"))
            if lent != before.lent:
                out[source] = ArticleDates(tuple(mentions), before.published, lent)
                changed = True
        if not changed:
            break
    return out


def _lent_anchor(own: list[_DatedReport], dated: list[_DatedReport]) -> str | None:
    """The one full date that other articles' reports give the first of `own`'s year-less
    reports they tell."""
    for report in own:
        if not report.iso.startswith("--"):
            continue
        _, month, day = parse_iso(report.iso)
        years = {d.iso for d in dated
                 if d.source != report.source and d.kind == report.kind
                 and parse_iso(d.iso)[1:] == (month, day)
                 and len(d.people & report.people) >= _EVENT_CAST}
        if len(years) == 1:
            return years.pop()
    return None


def date_basis(chunk: Chunk, iso: str | None) -> DateBasis | None:
    """Where `iso`, a full date of the passage `chunk` (or of its article's event), got its
    year: written with it («10 июля 2025 года»), the article's own anchor, or another report
    of the same event (`lend_event_years`). None for a year-less date."""
    if not iso or iso.startswith("--"):
        return None
    if iso in chunk.lent:
        return "event"
    year, month, day = parse_iso(iso)
    written = any((m.day, m.month, m.year) == (day, month, year) for m in find_dates(chunk.text))
    return "stated" if written else "article"


def article_kind(article: Article) -> EventKind | None:
    """The kind of the article's own event: its title's, else its lead's."""
    kind = event_kind(article.title)
    if kind is None:
        lead = article.text[:_LEAD_CHARS]
        spans = split_sentences(lead)[:_LEAD_SENTENCES]
        kind = event_kind(" ".join(lead[s:e] for s, e in spans))
    return kind


def question_people(names: NameTable, question: str) -> frozenset[str]:
    """The corpus people a question names, in either script."""
    out: set[str] = set()
    for word in re.findall(r"\w+", question):
        for lemma in names.match(word):
            if names.entries[lemma].kind in ("person", "name"):
                out.add(lemma)
    return frozenset(out)


def hit_event(
    chunk: Chunk,
    article: Article | None,
    names: NameTable,
    query: set[str],
    people: frozenset[str],
    prefer_dates: bool = False,
    sentence_index: int | None = None,
) -> HitEvent:
    """The event a passage reports for this question: the date in its answering sentence
    (`sentence_index`, else the one sharing most words) unless that date belongs to other
    people's event; otherwise the article's own event."""
    spans = list(chunk.sentences) or [(0, len(chunk.text))]
    mentions = chunk_mentions(chunk.text, chunk.dates)

    def has_date(span: tuple[int, int]) -> bool:
        return any(span[0] <= m[0] < span[1] for m in mentions)

    def score(i: int) -> tuple[int, int, int]:
        overlap = len(set(tokenize(chunk.text[spans[i][0]:spans[i][1]])) & query)
        return overlap, int(prefer_dates and has_date(spans[i])), -i

    if sentence_index is not None and 0 <= sentence_index < len(spans):
        best = spans[sentence_index]
    else:
        best = spans[max(range(len(spans)), key=score)]
    sentence = chunk.text[best[0]:best[1]]
    for start, _, iso in mentions:
        if not best[0] <= start < best[1]:
            continue
        named = _names_in(names, sentence)
        if _is_background(named, names.people_in(sentence), people):
            break
        kind = event_kind(sentence, start - best[0])
        if kind is None and article is not None:
            kind = event_kind(article.title)
        if not names.people_in(sentence) and article is not None:
            # «Их беседа состоялась 10 июля»: no one named, so the article's own people
            named = named | _names_in(names, article.title)
        return HitEvent(iso, kind, named, True, sentence, iso in chunk.lent)
    article_people = _names_in(names, article.title) if article else frozenset()
    # the passage names no date of its own: it is about its article's event, of that kind
    kind = article_kind(article) if article is not None else event_kind(sentence)
    return HitEvent(article.event_date if article else None, kind,
                    article_people | _names_in(names, sentence), False, sentence)


def compatible(a: HitEvent, b: HitEvent) -> bool:
    """Could these two passages report the same event? Different dates, kinds or casts: no."""
    if a.date and b.date and not same_day(a.date, b.date):
        return False
    if a.kind and b.kind and a.kind != b.kind:
        return False
    return not (a.people and b.people and not a.people & b.people)


def dates_disagree(a: HitEvent, b: HitEvent) -> bool:
    """Two reports of what looks like one event (same kind and people) a few days apart."""
    if not (a.date and b.date) or a.date == b.date or not (a.kind and a.kind == b.kind):
        return False
    if not (a.people and b.people and len(a.people & b.people) >= min(2, len(a.people))):
        return False
    da, db = as_date(a.date), as_date(b.date)
    return da is not None and db is not None and abs((da - db).days) <= DISAGREEMENT_DAYS


def numbers(text: str) -> list[tuple[str, str, str]]:
    """Numbers with the word they count: (unit stem, number, the words as written). Years and
    dates are left out: they are not quantities."""
    skip = [(m.start, m.end) for m in find_dates(text)]
    out = []
    for m in _NUMBER.finditer(text):
        if any(s <= m.start() < e for s, e in skip):
            continue
        unit = tokenize(m.group(2))
        if not unit or re.fullmatch(r"(19|20)\d\d", m.group(1)):
            continue
        out.append((unit[0], m.group(1).replace(",", "."), m.group()))
    return out


def number_disagreements(
    passages: Iterable[tuple[str, str]],
) -> list[tuple[tuple[str, tuple[str, ...]], ...]]:
    """Quantities that reports of one event give differently: for each unit counted with
    different numbers by different files, the numbers as written and the files that say them.
    `passages` are (file, text) pairs of one merged answer."""
    by_unit: dict[str, dict[str, tuple[str, list[str]]]] = {}
    for source, text in passages:
        for unit, value, written in numbers(text):
            entry = by_unit.setdefault(unit, {}).setdefault(value, (written, []))
            if source not in entry[1]:
                entry[1].append(source)
    out = []
    for values in by_unit.values():
        # a file that gives several numbers of one unit counts several things: no evidence
        counted = Counter(s for _, sources in values.values() for s in sources)
        clear = [(written, tuple(s for s in sources if counted[s] == 1))
                 for written, sources in values.values()]
        clear = [(written, sources) for written, sources in clear if sources]
        if len(clear) > 1:
            out.append(tuple(clear))
    return out
