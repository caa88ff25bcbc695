"""The timeline (`/timeline [topic]`, `python -m bot timeline`): each dated event on one line,
date first, with the files that report it."""

from __future__ import annotations

from collections.abc import Sequence

from bot.render.answer import HTML, PLAIN, Style
from bot.render.markup import TELEGRAM_LIMIT, fit, shorten
from bot.texts import Markup, format_date
from index.timeline import TimelineEvent
from index.types import Lang

_DESCRIPTION_CHARS = 220


def timeline_html(events: Sequence[TimelineEvent], lang: Lang, topic: str | None = None,
                  limit: int = TELEGRAM_LIMIT) -> str:
    """The timeline as a Telegram message (parse_mode=HTML), within `limit` characters: the
    latest events are left out (and counted) if it does not fit."""
    header = _header(events, lang, topic, HTML)
    blocks = [_event(event, lang, HTML) for event in events]
    shown = len(blocks)
    message = "\n\n".join([header, *blocks])
    while len(message) > limit and shown > 1:
        shown -= 1
        more = HTML.t(lang, "timeline_more", n=len(blocks) - shown)
        message = "\n\n".join([header, *blocks[:shown], more])
    return fit(message, limit)


def timeline_plain(events: Sequence[TimelineEvent], lang: Lang,
                   topic: str | None = None) -> str:
    """The timeline for a terminal: one block per event, date first, then its sources."""
    return "\n\n".join([_header(events, lang, topic, PLAIN),
                        *(_event(event, lang, PLAIN) for event in events)])


def _header(events: Sequence[TimelineEvent], lang: Lang, topic: str | None,
            style: Style) -> str:
    if not events:
        return (style.t(lang, "timeline_empty_topic", topic=topic) if topic
                else style.t(lang, "timeline_empty"))
    if topic:
        return style.t(lang, "timeline_topic", topic=topic, n=len(events))
    return style.t(lang, "timeline", n=len(events))


def _event(event: TimelineEvent, lang: Lang, style: Style) -> str:
    files = Markup(", ".join(style.code(source) for source in event.sources))
    label = "timeline_sources" if len(event.sources) > 1 else "timeline_source"
    description = shorten(event.description, _DESCRIPTION_CHARS)
    return (f"{style.bold(style.esc(format_date(event.date, lang)))} — "
            f"{style.esc(description)}\n{style.t(lang, label, files=files)}")
