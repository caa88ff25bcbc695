"""Dates in news text: find them (Russian and English forms) and resolve them to full ISO dates.

News rarely writes the year: "15 февраля", "в субботу, 15 февраля", "12 February". The year
comes from the article itself, never from unrelated articles (a corpus spans years: another
article's 15 February may be 1945 or 2014; only a report of the same event lends one,
index/events.py): its own context first (a dated photo caption or
teaser line that cleaning set aside, a full date in the text), then the weekday checked
against the years the article names. A news story mostly reports what has happened, so among
equally near years the past one wins. With no basis the year stays unknown: "--02-15".
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Literal

# what a date's year was taken from; "none": the article gives no basis, the year stays unknown;
# "event": another report of the same event gave it (index/events.py, lend_event_years)
Basis = Literal["explicit", "article", "weekday", "event", "none"]

# each month's Russian stem, in calendar order (questions.py finds months by them too)
RU_MONTH_STEMS = ("январ", "феврал", "март", "апрел", "ма", "июн", "июл", "август", "сентябр",
                  "октябр", "ноябр", "декабр")
_EN_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_RU_WEEKDAYS = ("понедельник", "вторник", "сред", "четверг", "пятниц", "суббот", "воскресень")
_EN_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

_RU_MONTH = (r"(?P<month>января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября"
             r"|ноября|декабря)")
_RU_WD = r"(?:понедельник|вторник|сред[ау]|четверг|пятниц[ау]|суббот[ау]|воскресенье)"
_EN_MONTH = (r"(?P<month>January|February|March|April|May|June|July|August|September|October"
             r"|November|December|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?"
             r"|Oct\.?|Nov\.?|Dec\.?)")
_EN_WD = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_YEAR = r"(?P<year>(?:19|20)\d{2})"
# a year the article names ("в 2015 году", "in 2016"): the era a weekday is checked against
_NAMED_YEAR = re.compile(r"(?<![\d.,:-])((?:19|20)\d{2})(?![\d.,:]\d)")

_PATTERNS = (
    # (в) субботу, 15 февраля 2025 года / 15 февраля, в субботу / 15-16 февраля
    re.compile(
        rf"(?:(?:\bв|\bво)?\s*(?P<wd>{_RU_WD})\s*,?\s*)?"
        rf"\b(?P<day>\d{{1,2}})(?:\s*[-–—]\s*\d{{1,2}})?(?:-?го)?\s+{_RU_MONTH}"
        rf"(?:\s+{_YEAR}(?:\s*(?:года|г\.))?)?"
        rf"(?:\s*,\s*(?:в|во)\s+(?P<wd2>{_RU_WD})|\s*\(\s*(?P<wd3>{_RU_WD})\s*\))?",
        re.IGNORECASE,
    ),
    # (Saturday,) 15 February 2025 / 15th of February
    re.compile(
        rf"(?:(?P<wd>{_EN_WD}),?\s+)?(?:the\s+)?\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?"
        rf"(?:\s+of)?\s+{_EN_MONTH}(?![a-z])(?:,?\s+{_YEAR})?"
    ),
    # (Saturday,) February 15(th), 2025
    re.compile(
        rf"(?:(?P<wd>{_EN_WD}),?\s+)?\b{_EN_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b"
        rf"(?:,?\s+{_YEAR})?"
    ),
    # 21.02.2025, 21.02.25
    re.compile(r"\b(?P<day>\d{1,2})\.(?P<nmonth>\d{1,2})\.(?P<nyear>\d{4}|\d{2})\b"),
    # 2025-02-21
    re.compile(r"\b(?P<nyear>(?:19|20)\d{2})-(?P<nmonth>\d{2})-(?P<day>\d{2})\b"),
)
# a weekday alone ("в субботу", "on Saturday"): resolvable only against a dated context
_WEEKDAY_ONLY = re.compile(
    rf"\b(?:в|во)\s+(?P<wd>{_RU_WD})\b|\bon\s+(?P<wd2>{_EN_WD})\b", re.IGNORECASE
)
_YEAR_WINDOW = 1  # the years either side of a reference date that a bare day and month may mean


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date as written: `day` 0 means a weekday alone; `year` None means not written."""

    start: int
    end: int
    day: int
    month: int
    year: int | None = None
    weekday: int | None = None  # Monday = 0


@dataclass(frozen=True, slots=True)
class ResolvedDate:
    """A mention with its full date and what the year was taken from."""

    start: int
    end: int
    iso: str
    basis: Basis


@dataclass(frozen=True, slots=True)
class ArticleDates:
    """The resolved dates of one article, in text order, and its publication date (ISO), if
    the article vouches for one; `lent`: its dates whose year another report of the same
    event gave."""

    mentions: tuple[ResolvedDate, ...]
    published: str | None = None
    lent: tuple[str, ...] = ()

    def in_span(self, start: int, end: int) -> tuple[str, ...]:
        """ISO dates mentioned within text[start:end], first mention order, no repeats."""
        return tuple(dict.fromkeys(m.iso for m in self.mentions
                                   if m.start >= start and m.end <= end))


def _weekday(name: str | None) -> int | None:
    if not name:
        return None
    low = name.lower()
    for i, (ru, en) in enumerate(zip(_RU_WEEKDAYS, _EN_WEEKDAYS, strict=True)):
        if low.startswith(ru) or low == en:
            return i
    return None


def _month(name: str) -> int:
    low = name.lower()
    for i, (ru, en) in enumerate(zip(RU_MONTH_STEMS, _EN_MONTHS, strict=True)):
        if low.startswith(ru) or low.startswith(en):
            return i + 1
    raise ValueError(name)


def find_dates(text: str) -> list[DateMention]:
    """Every date written in `text` (day and month at least, or a weekday alone), in order."""
    return list(_find_dates(text))


# every rebuild looks for the dates of every article: each text is searched once (the patterns
# are costly; a corpus of more articles than this is searched again)
@lru_cache(maxsize=16_384)
def _find_dates(text: str) -> tuple[DateMention, ...]:
    found: list[DateMention] = []
    for pattern in _PATTERNS:
        for m in pattern.finditer(text):
            groups = m.groupdict()
            day = int(groups["day"])
            if groups.get("nmonth"):
                month = int(groups["nmonth"])
                year: int | None = int(groups["nyear"])
                if year is not None and year < 100:
                    year += 2000
            else:
                month = _month(groups["month"])
                year = int(groups["year"]) if groups.get("year") else None
            if not _valid(day, month, year):
                continue
            weekday = _weekday(groups.get("wd") or groups.get("wd2") or groups.get("wd3"))
            start = m.start() + len(m.group()) - len(m.group().lstrip())
            found.append(DateMention(start, m.end(), day, month, year, weekday))
    for m in _WEEKDAY_ONLY.finditer(text):
        found.append(DateMention(m.start(), m.end(), 0, 0, None, _weekday(m.group("wd")
                                                                           or m.group("wd2"))))
    return tuple(_without_overlaps(found))


def _valid(day: int, month: int, year: int | None) -> bool:
    if not 1 <= month <= 12:
        return False
    try:
        date(year or 2024, month, day)  # 2024: a leap year, so 29 February is possible
    except ValueError:
        return False
    return True


def _without_overlaps(found: list[DateMention]) -> list[DateMention]:
    """Where matches overlap keep the longest (a full date over the weekday alone inside it)."""
    found.sort(key=lambda d: (d.start, -(d.end - d.start)))
    out: list[DateMention] = []
    for mention in found:
        if out and mention.start < out[-1].end:
            if mention.end - mention.start > out[-1].end - out[-1].start:
                out[-1] = mention
            continue
        out.append(mention)
    return out


def nearest_date(month: int, day: int, reference: date, weekday: int | None = None,
                 window: int = _YEAR_WINDOW, future: bool = False) -> date | None:
    """The date with this day and month nearest to `reference` (a future one counts double:
    news mostly reports what has happened; a past one when the sentence is about the future),
    matching `weekday` if given."""
    best: tuple[int, date] | None = None
    for year in range(reference.year - window, reference.year + window + 1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if weekday is not None and candidate.weekday() != weekday:
            continue
        delta = (candidate - reference).days
        if future:  # what a sentence says will happen lies ahead of the article
            cost = delta if delta >= 0 else 10 * -delta
        else:
            cost = -delta if delta <= 0 else 2 * delta
        if best is None or cost < best[0]:
            best = (cost, candidate)
    return best[1] if best else None


def _explicit(mention: DateMention) -> date | None:
    if mention.year is None or mention.day == 0:
        return None
    return date(mention.year, mention.month, mention.day)


def _anchor(text_mentions: list[DateMention], context_mentions: list[DateMention]) -> date | None:
    """The date an article's own context points to: its most repeated full date, the latest
    on a tie (teaser lines list the days around the story; a caption dates the event)."""
    best = _votes(text_mentions, context_mentions).most_common()
    return max(best, key=lambda kv: (kv[1], kv[0]))[0] if best else None


def _published(
    text_mentions: list[DateMention], context_mentions: list[DateMention]
) -> date | None:
    """The article's own date, when something vouches for it: a full date in the story, or a
    caption or dateline that repeats it. Teaser lines that each give another story's day
    say when the page was around, not when this story was written."""
    votes = _votes(text_mentions, context_mentions)
    ranked = sorted(votes.items(), key=lambda kv: (kv[1], kv[0]), reverse=True)
    return ranked[0][0] if ranked and ranked[0][1] >= 2 else None


def _iso_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _votes(text_mentions: list[DateMention], context_mentions: list[DateMention]) -> Counter[date]:
    votes: Counter[date] = Counter()
    for mention in context_mentions:
        if (d := _explicit(mention)) is not None:
            votes[d] += 1
    for mention in text_mentions:
        if (d := _explicit(mention)) is not None:
            votes[d] += 2  # a full date in the story itself outweighs a teaser line
    return votes


def resolve_corpus(
    texts: Mapping[str, str], contexts: Mapping[str, str],
    published: Mapping[str, str] | None = None,
) -> dict[str, ArticleDates]:
    """Resolve every date of every article (`texts`: source → article text), each from its
    own article only: adding or removing other articles never changes an article's dates.
    `published` (source → ISO date) gives the publication dates articles' pages stated."""
    published = published or {}
    return {source: resolve_article(text, contexts.get(source, ""), published.get(source))
            for source, text in texts.items()}


def resolve_article(text: str, context: str = "", published_on: str | None = None
                    ) -> ArticleDates:
    """The dates of one article, from what the article itself says.

    Its anchor (a caption, dateline or full date in the text) dates the rest, each to the
    nearest year that fits its weekday, if it has one, and its tense (a date in a sentence
    about the future lies ahead). Failing an anchor, a weekday pins a date when exactly one
    year beside the years the article names fits it, and that date dates the rest. Otherwise
    a date keeps no year ("--02-15"): a guess would be shown as a fact. A publication date
    the article's page stated (`published_on`) is its anchor and its date.
    """
    mentions = find_dates(text)
    context_mentions = find_dates(context)
    anchor = _anchor(mentions, context_mentions)
    published = _published(mentions, context_mentions)
    stated = _iso_date(published_on)
    if stated is not None:  # the page's own date: what year-less dates in it belong to
        anchor = published = stated
    years = {int(y) for y in _NAMED_YEAR.findall(f"{text}\n{context}")}
    basis: Basis = "article"
    if anchor is None:
        for mention in mentions:
            if mention.day and mention.weekday is not None and mention.year is None:
                year = _weekday_year(mention, years)
                if year is not None:
                    anchor, basis = date(year, mention.month, mention.day), "weekday"
                    break
    out: list[ResolvedDate] = []
    for mention in mentions:
        resolved = _resolve_one(mention, anchor, years, _in_future(text, mention.start))
        if resolved is not None:
            d, how = resolved
            iso = d.isoformat() if d else f"--{mention.month:02d}-{mention.day:02d}"
            out.append(ResolvedDate(mention.start, mention.end, iso,
                                    basis if how == "article" else how))
    return ArticleDates(tuple(out), published.isoformat() if published else None)


def _weekday_year(mention: DateMention, years: set[int]) -> int | None:
    """The one year, beside a year the article names, whose calendar fits the weekday."""
    candidates = {y + d for y in years for d in (-1, 0, 1)}
    fits = [y for y in sorted(candidates) if _weekday_fits(y, mention)]
    return fits[0] if len(fits) == 1 else None


def _weekday_fits(year: int, mention: DateMention) -> bool:
    try:
        return date(year, mention.month, mention.day).weekday() == mention.weekday
    except ValueError:
        return False


def _in_future(text: str, at: int) -> bool:
    """Is the sentence around position `at` about the future (a verb in the future tense:
    «состоятся 22 апреля», «заработает с 1 апреля»)?"""
    start = max(text.rfind(".", 0, at), text.rfind("\n", 0, at)) + 1
    end_dot = text.find(".", at)
    sentence = text[start: end_dot if end_dot != -1 else len(text)]
    from index.names import _morph  # (the analyser loads once, when a date needs it)

    morph = _morph()
    return any("futr" in morph.parse(word)[0].tag
               for word in re.findall(r"[а-яё]{4,}", sentence.lower()))


def _resolve_one(
    mention: DateMention, anchor: date | None, years: set[int], future: bool
) -> tuple[date | None, Basis] | None:
    """A mention's date and what its year rests on; a None date keeps no year. None for a
    weekday alone that nothing dates."""
    if (d := _explicit(mention)) is not None:
        return d, "explicit"
    if mention.day == 0:  # a weekday alone: the latest such day up to the anchor
        if mention.weekday is None or anchor is None:
            return None
        return anchor - timedelta(days=(anchor.weekday() - mention.weekday) % 7), "article"
    if anchor is None:
        return None, "none"
    found = nearest_date(mention.month, mention.day, anchor, mention.weekday, future=future)
    if found is None and mention.weekday is not None:
        # the weekday fits no year near the anchor: the anchor is some other event's date
        year = _weekday_year(mention, years)
        return (date(year, mention.month, mention.day), "weekday") if year else (None, "none")
    if found is None:
        found = nearest_date(mention.month, mention.day, anchor, future=future)
    return (found, "article") if found else (None, "none")


def parse_iso(iso: str) -> tuple[int | None, int, int]:
    """(year or None, month, day) of a full ISO date or a year-less one ("--02-15")."""
    if iso.startswith("--"):
        return None, int(iso[2:4]), int(iso[5:7])
    return int(iso[:4]), int(iso[5:7]), int(iso[8:10])


def as_date(iso: str | None) -> date | None:
    """The date of a full ISO date; None for a year-less one (or None)."""
    if not iso or iso.startswith("--"):
        return None
    return date.fromisoformat(iso)


def same_day(a: str, b: str) -> bool:
    """Could these two dates be one day? A year-less date matches any year's same day."""
    ya, ma, da = parse_iso(a)
    yb, mb, db = parse_iso(b)
    return (ma, da) == (mb, db) and (ya is None or yb is None or ya == yb)


def chunk_mentions(text: str, dates: tuple[str, ...]) -> list[tuple[int, int, str]]:
    """The date mentions of a chunk's `text` with their resolved ISO dates (the chunk's
    `dates`, matched by day and month), as (start, end, iso) within `text`."""
    by_day = {parse_iso(iso)[1:]: iso for iso in dates}
    out: list[tuple[int, int, str]] = []
    for mention in find_dates(text):
        if mention.day == 0:
            continue
        iso = (date(mention.year, mention.month, mention.day).isoformat()
               if mention.year is not None else by_day.get((mention.month, mention.day)))
        if iso is not None:
            out.append((mention.start, mention.end, iso))
    return out
