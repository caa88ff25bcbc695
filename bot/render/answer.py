"""An answer as a message: Telegram HTML for the bot, plain text for a terminal.

A first page opens with the event's date for "when" questions, says how many passages it shows,
and notes where sources disagree; a later page says only which results it shows, since its
passages may be about other events. Each item is its excerpt (the answering sentence in bold)
and a citation a reader can follow: the article's title (a link when it has a URL), its outlet
and date, and the file names that cite it. An answer that is not found says so, names the terms
the articles never mention, and may offer related reports: marked as such, without bold and
without dates, since they do not answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit

from bot.render.markup import TELEGRAM_LIMIT, code, fit, link, shorten
from bot.render.short import short_answer_text
from bot.render.terms import missing_terms
from bot.texts import Markup, escape, format_date, t, text
from index.types import Answer, AnswerItem, Disagreement, Lang

# excerpts start this long and are shortened step by step until the message fits
_EXCERPT_CHARS = 600
_EXCERPT_STEP = 120
_MIN_EXCERPT = 120
_TITLE_CHARS = 120
# a longer URL is no link a reader follows (and would crowd the file names out of the message)
_MAX_URL = 1000


class Style(Protocol):
    """How a reply is marked up: Telegram HTML, or plain text for a terminal."""

    def t(self, lang: Lang, key: str, **values: object) -> str: ...
    def esc(self, text: str) -> str: ...
    def bold(self, rendered: str) -> str: ...
    def link(self, url: str, text: str) -> str: ...
    def code(self, text: str) -> str: ...


class Html:
    """Telegram HTML: values escaped, rendered pieces passed into templates as `Markup`."""

    def t(self, lang: Lang, key: str, **values: object) -> str:
        return t(lang, key, **values)

    def esc(self, text: str) -> str:
        return escape(text)

    def bold(self, rendered: str) -> str:
        return f"<b>{rendered}</b>" if rendered else ""

    def link(self, url: str, text: str) -> str:
        return link(url, text)

    def code(self, text: str) -> str:
        return code(text)


class Plain:
    """Plain text for a terminal: no markup, a link written as its text and URL."""

    def t(self, lang: Lang, key: str, **values: object) -> str:
        return text(lang, key, **values)

    def esc(self, text: str) -> str:
        return text

    def bold(self, rendered: str) -> str:
        return rendered

    def link(self, url: str, text: str) -> str:
        return f"{text} ({url})"

    def code(self, text: str) -> str:
        return text


HTML = Html()
PLAIN = Plain()


@dataclass(frozen=True, slots=True)
class Window:
    """Which part of an answer a message shows: its items start at `first_number`, and
    `has_more` says whether further items follow on another page."""

    first_number: int = 1
    has_more: bool = False


def answer_html(answer: Answer, window: Window = Window(), limit: int = TELEGRAM_LIMIT) -> str:
    """The Telegram message (parse_mode=HTML) for the items of `answer` shown in `window`."""
    if answer.unclear == "empty":
        return HTML.t(answer.lang, "empty")
    if not answer.found:
        return _not_found(answer, HTML, limit)
    excerpt = _EXCERPT_CHARS
    shown = len(answer.items)
    whole_answer = True
    while True:
        message = _found(answer, window, HTML, excerpt, shown, whole_answer)
        if len(message) <= limit:
            return message
        if excerpt > _MIN_EXCERPT:
            excerpt -= _EXCERPT_STEP
        elif shown > 1:
            shown -= 1  # (the heading then says which results are shown)
        elif whole_answer:
            whole_answer = False  # a single answering sentence longer than a message
        else:
            return fit(message, limit)


def answer_plain(answer: Answer, window: Window = Window()) -> str:
    """The same reply for a terminal: no markup, whole excerpts, links as URLs."""
    if answer.unclear == "empty":
        return PLAIN.t(answer.lang, "empty")
    if not answer.found:
        return _not_found(answer, PLAIN, None)
    return _found(answer, window, PLAIN, None, len(answer.items))


def item_block(item: AnswerItem, number: int | None, lang: Lang, style: Style = HTML,
               max_excerpt: int | None = _EXCERPT_CHARS, *, related: bool = False,
               whole_answer: bool = True) -> str:
    """One item: its excerpt (the answering sentence in bold) and its citation. A related item
    has no bold and no date: it does not answer. The excerpt is shortened to `max_excerpt`
    after its answering sentence (unless `whole_answer` is False: then anywhere)."""
    excerpt = item.excerpt
    start, end = (0, 0) if related or item.highlight is None else item.highlight
    # an excerpt that opens with the article's title: the citation names it already
    skip = _title_prefix(excerpt, item.title)
    if skip and (start >= skip or end <= start):
        excerpt = excerpt[skip:]
        start, end = max(0, start - skip), max(0, end - skip)
    if max_excerpt is not None and len(excerpt) > max_excerpt:
        # the answering sentence is kept whole: the text after it goes first
        keep = end + 1 if whole_answer else 0
        excerpt = shorten(excerpt, max(max_excerpt, keep), one_line=False)
        end = min(end, len(excerpt) - 1)
    answering = excerpt[start:end].rstrip()  # (its trailing space stays out of the bold)
    end = start + len(answering)
    body = (style.esc(excerpt[:start]) + style.bold(style.esc(answering))
            + style.esc(excerpt[max(start, end):]))
    prefix = f"{number}. " if number is not None else ""
    return f"{prefix}{body}\n{citation(item, lang, style, dated=not related)}"


def _title_prefix(excerpt: str, title: str) -> int:
    """How much of `excerpt` is its article's title at its start, with the space after it; 0
    when it does not open with the title, or is nothing more."""
    bare = title.rstrip(". ")
    if not bare or not excerpt.startswith(bare):
        return 0
    rest = excerpt[len(bare):]
    gap = len(rest) - len(rest.lstrip(".!?… \n"))
    if not rest[:1] or rest[:1] not in ".!?… \n" or not rest[gap:].strip():
        return 0
    return len(bare) + gap


def citation(item: AnswerItem, lang: Lang, style: Style = HTML, *, dated: bool = True) -> str:
    """Where an item comes from: «Источник: <title> — <outlet>, <date>», then its files (and
    how many sources report it, when several do)."""
    title = shorten(item.title, _TITLE_CHARS) if item.title else ""
    url = item.url if item.url and len(item.url) <= _MAX_URL else None
    named = title or item.outlet or (_domain(url) if url else "")
    what = ""
    if url and named:
        what = style.link(url, named)
    elif title:
        what = style.t(lang, "quoted", title=title)
    # the outlet, unless the link already shows it (an article with no headline: by outlet)
    details = [item.outlet] if item.outlet and not (url and named == item.outlet) else []
    if dated and item.published:
        details.append(format_date(item.published, lang))
    if details:
        extra = ", ".join(details)
        what = f"{what} — {style.esc(extra)}" if what else style.esc(extra)
    files = ", ".join(style.code(source) for source in item.sources)
    if item.also_in:
        files += " — " + style.t(lang, "reported_by", n=len(item.sources))
    if not what:
        return style.t(lang, "source", what=Markup(files))
    return style.t(lang, "source", what=Markup(what)) + "\n" + files


def heading(answer: Answer, window: Window, style: Style = HTML,
            shown: int | None = None) -> str:
    """What a page shows: on the first, the event's date, the count, disagreements and notes;
    on a later one, only the range of results (its passages may be about another event)."""
    lang = answer.lang
    shown = len(answer.items) if shown is None else shown
    total = None if window.has_more or shown < len(answer.items) \
        else window.first_number - 1 + shown
    if window.first_number > 1:
        return _range(lang, style, window.first_number, shown, total)
    lines = [_unclear(answer, style)] if answer.unclear else []
    if answer.short is not None:  # the answer itself, in bold (for "when": the event's date)
        lines.append(style.bold(style.esc(short_answer_text(answer.short, lang))))
    elif answer.event_date:
        lines.append(style.esc(format_date(answer.event_date, lang)))
    lines.append(style.t(lang, "found", n=shown) if total is not None
                 else _range(lang, style, 1, shown, None))
    lines.extend(_disagreement(d, lang, style) for d in answer.disagreements)
    if answer.missing:
        lines.append(style.t(lang, "not_mentioned_here", terms=_terms(answer.missing, lang)))
    if answer.asks == "when" and not answer.event_date:
        lines.append(style.t(lang, "no_date"))
    return "\n".join(lines)


def not_found_lead(answer: Answer, style: Style = HTML) -> str:
    """The sentence that says the articles do not answer: naming the missing terms if any (and
    asking what the reader wants to know, when the question is only a name or a date)."""
    lang = answer.lang
    if answer.missing:
        return style.t(lang, "not_mentioned", terms=_terms(answer.missing, lang))
    if answer.unclear == "empty":
        return style.t(lang, "empty")
    if answer.unclear:
        return _unclear(answer, style)
    if answer.confidence == "closest":
        return style.t(lang, "closest")
    return style.t(lang, "no_answer" if answer.related else "nothing")


def _unclear(answer: Answer, style: Style) -> str:
    """A question that is only a name or a date: what would the reader like to know?"""
    key = "unclear_date" if answer.unclear == "only_date" else "unclear_name"
    return style.t(answer.lang, key, question=shorten(answer.question.strip(" ?!."), 100))


def _found(answer: Answer, window: Window, style: Style, excerpt: int | None,
           shown: int, whole_answer: bool = True) -> str:
    # one numbering per item: a page of one item is named by its heading («Result 2 of 2:»)
    blocks = [
        item_block(item, window.first_number + i if shown > 1 else None, answer.lang, style,
                   excerpt, whole_answer=whole_answer)
        for i, item in enumerate(answer.items[:shown])
    ]
    return "\n\n".join([heading(answer, window, style, shown), *blocks])


def _not_found(answer: Answer, style: Style, limit: int | None) -> str:
    lead = not_found_lead(answer, style)
    if not answer.related:
        return lead
    excerpt: int | None = None if limit is None else _EXCERPT_CHARS
    shown = len(answer.related)
    while True:
        message = "\n\n".join([
            lead,
            *([] if answer.confidence == "closest" else [style.t(answer.lang, "related")]),
            *_related_blocks(answer.related[:shown], answer.lang, style, excerpt),
        ])
        if limit is None or len(message) <= limit:
            return message
        if excerpt is not None and excerpt > _MIN_EXCERPT:
            excerpt -= _EXCERPT_STEP
        elif shown > 1:
            shown -= 1
        else:
            return fit(message, limit)


def _related_blocks(items: Sequence[AnswerItem], lang: Lang, style: Style,
                    excerpt: int | None) -> list[str]:
    return [item_block(item, i if len(items) > 1 else None, lang, style, excerpt, related=True)
            for i, item in enumerate(items, start=1)]


def _range(lang: Lang, style: Style, first: int, shown: int, total: int | None) -> str:
    last = first + shown - 1
    key = "result" if shown == 1 else "results"
    return style.t(lang, key + ("_of" if total is not None else ""), first=first, last=last,
                   total=total)


def _disagreement(disagreement: Disagreement, lang: Lang, style: Style) -> str:
    """One line per disagreement: each version with the files that give it."""
    values = "; ".join(
        (format_date(value, lang) if disagreement.what == "date" else f"«{value}»")
        + f" ({', '.join(sources)})"
        for value, sources in disagreement.values
    )
    return style.t(lang, f"differ_{disagreement.what}", values=values)


def _terms(terms: Sequence[str], lang: Lang) -> str:
    """«о Женеве и о Хельсинки» / "Geneva or Helsinki"."""
    return missing_terms(terms, lang)


def _domain(url: str) -> str:
    host = urlsplit(url).hostname or url
    return host.removeprefix("www.")
