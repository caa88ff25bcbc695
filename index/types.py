"""Small value objects shared by the index, the answer service, the CLI and the bot."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Lang = Literal["ru", "en"]


@dataclass(frozen=True, slots=True)
class Article:
    """One cleaned article: what is left of a scraped page once the site's boilerplate is gone."""

    source: str  # the file name inside SEEDS_DIR: this is what answers cite
    title: str
    text: str
    url: str | None = None
    sha256: str = ""
    # the date (ISO) of the event the article reports, resolved at build time (index/events.py)
    event_date: str | None = None
    # when the article was published (ISO), from its own metadata, dateline or dated
    # mentions; None when the article gives no basis (index/dates.py)
    published: str | None = None
    # the outlet that published it where known: a domain, a byline, "пишет Reuters"
    outlet: str | None = None


@dataclass(frozen=True, slots=True)
class Chunk:
    """A few consecutive sentences of one article; `start`/`end` index into `Article.text`."""

    source: str
    start: int
    end: int
    text: str
    # character spans of the chunk's sentences, relative to `text`
    sentences: tuple[tuple[int, int], ...] = ()
    # ISO dates (YYYY-MM-DD) the chunk mentions, resolved against the article's own context
    dates: tuple[str, ...] = ()
    # those of `dates` whose year another report of the same event gave (index/events.py)
    lent: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SkippedFile:
    """A corpus file the build left out, and why (in words a person can act on)."""

    name: str
    reason: str


@dataclass(slots=True)
class BuildReport:
    """What a (re)build did: shown by `reindex`, `/reindex` and in the logs."""

    indexed: list[str] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)
    chunks: int = 0
    embedded: int = 0  # chunks whose vectors had to be computed (the rest were reused)
    seconds: float = 0.0

    def summary(self) -> str:
        lines = [
            f"Indexed {len(self.indexed)} file(s), {self.chunks} chunk(s) "
            f"({self.embedded} embedded, {self.chunks - self.embedded} reused) "
            f"in {self.seconds:.1f} s."
        ]
        if self.skipped:
            lines.append(f"Skipped {len(self.skipped)} file(s):")
            lines.extend(f"  - {s.name}: {s.reason}" for s in self.skipped)
        return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class Hit:
    """One chunk found for a question, with the scores that ranked it."""

    chunk_id: int
    chunk: Chunk
    score: float  # the fused score used for ranking
    dense: float  # cosine similarity with the question
    keyword: float = 0.0  # BM25, normalised to 0..1 within the question's candidates


@dataclass(frozen=True, slots=True)
class AnswerItem:
    """One cited passage: the excerpt, the file it comes from, and other files that say the same."""

    source: str
    excerpt: str
    score: float
    chunk_id: int
    title: str = ""
    url: str | None = None
    also_in: tuple[str, ...] = ()
    # span (relative to `excerpt`) of the sentence that answers best: shown in bold
    highlight: tuple[int, int] | None = None
    dates: tuple[str, ...] = ()
    # the article's publication date (ISO) and outlet, where known
    published: str | None = None
    outlet: str | None = None
    # the reader's probability that the bold sentence answers (None: no reader decided)
    probability: float | None = None

    @property
    def sources(self) -> tuple[str, ...]:
        return (self.source, *self.also_in)


@dataclass(frozen=True, slots=True)
class Disagreement:
    """Reports of one event that differ: on its date or on a number, and which file says what."""

    what: Literal["date", "number"]
    # (an ISO date, or the number with its word as written; the files that say so)
    values: tuple[tuple[str, tuple[str, ...]], ...]


ShortKind = Literal["date", "place", "person", "org", "number", "duration"]


@dataclass(frozen=True, slots=True)
class ShortAnswer:
    """The value a typed question asks for, taken from the first item's excerpt: a date, a
    place, a person or organisation, a number with its unit, a duration."""

    text: str  # as written in the excerpt («в Куала-Лумпуре» → «Куала-Лумпуре»)
    kind: ShortKind
    # where `text` is in the first item's excerpt; None for an event date that a merged
    # report's other file states
    span: tuple[int, int] | None
    # normalised where that is known: an ISO date, a place's dictionary form («Куала-Лумпур»)
    value: str | None = None


@dataclass(frozen=True, slots=True)
class Answer:
    """Everything found for one question."""

    question: str
    lang: Lang
    items: tuple[AnswerItem, ...]
    # the resolved date of the event, for "when" questions (ISO YYYY-MM-DD)
    event_date: str | None = None
    disagreements: tuple[Disagreement, ...] = ()
    # key terms of the question (names, places, rare words) that no article holds, or that
    # the best report does not: the articles cannot answer, whatever scores well
    missing: tuple[str, ...] = ()
    # the closest reports when the answer is not found: offered as related, never as the answer
    related: tuple[AnswerItem, ...] = ()
    # what the question asks for: "when", "where", "who", "how_many", "how_long" or None
    asks: str | None = None
    # a question that is not one yet: "empty" (only stop words or signs), "only_name" (a name
    # and nothing asked about it), "only_date" (a date alone); the reply says what to add
    unclear: Literal["empty", "only_name", "only_date"] | None = None
    # the asked value in one line, for typed questions (index/short_answer.py); None when the
    # answering sentences hold none of its type, or several equally near the question's words
    short: ShortAnswer | None = None
    # where `event_date`'s year came from: "stated" (written with it), "article" (the article's
    # own anchor) or "event" (another report of the same event); None without a full date
    date_basis: Literal["stated", "article", "event"] | None = None
    # the reader read the closest passages and judged that none answers: they come in
    # `related`, shown as possibly not answering
    closest: bool = False

    @property
    def found(self) -> bool:
        return bool(self.items)

    @property
    def confidence(self) -> Literal["answer", "closest", "none"]:
        """An answer; the closest passages, which may not answer; or not in the articles."""
        if self.items:
            return "answer"
        return "closest" if self.closest and self.related else "none"
