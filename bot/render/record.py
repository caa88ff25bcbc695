"""The `ask --json` record of an answer: stable keys, file names as the citations, and `text`,
exactly the message the bot sends for the answer's first page."""

from __future__ import annotations

from bot.render.answer import Window, answer_html
from bot.render.short import short_answer_text
from index.types import Answer, AnswerItem, ShortAnswer


def answer_to_dict(answer: Answer, has_more: bool = False) -> dict[str, object]:
    return {
        "question": answer.question,
        "lang": answer.lang,
        "found": answer.found,
        # answer | closest (passages shown as possibly not answering, in `related`) | none
        "confidence": answer.confidence,
        "asks": answer.asks,
        "event_date": answer.event_date,
        # where the event date's year came from: stated | article | event (a sibling report)
        "date_basis": answer.date_basis,
        "short_answer": short_answer_record(answer.short, answer),
        "missing": list(answer.missing),
        "disagreements": [
            {"what": d.what, "values": [[value, list(sources)] for value, sources in d.values]}
            for d in answer.disagreements
        ],
        "answers": [item_record(item) for item in answer.items],
        "related": [item_record(item) for item in answer.related],
        "text": answer_html(answer, Window(has_more=has_more)),
        "parse_mode": "HTML",
    }


def item_record(item: AnswerItem) -> dict[str, object]:
    return {
        "source": item.source,
        "excerpt": item.excerpt,
        "score": item.score,
        "also_in": list(item.also_in),
        "title": item.title,
        "url": item.url,
        "outlet": item.outlet,
        "published": item.published,
        "dates": list(item.dates),
        # the reader's probability that the bold sentence answers (null without a reader)
        "probability": None if item.probability is None else round(item.probability, 4),
    }


def short_answer_record(short: ShortAnswer | None, answer: Answer) -> dict[str, object] | None:
    """`short_answer`: the line shown on top (`text`), its kind, what the excerpt of the first
    answer says (`quote`, at `span`), and its normalised `value` (ISO date, place name)."""
    if short is None:
        return None
    return {
        "text": short_answer_text(short, answer.lang),
        "type": short.kind,
        "quote": short.text,
        "span": list(short.span) if short.span else None,
        "value": short.value,
    }
