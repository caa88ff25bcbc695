"""Inline mode's results, built from the answer's items: one result per passage, each sending the
question, the event's date where the passage gives it, and the passage with its citation."""

from __future__ import annotations

from aiogram.types import InlineQueryResultArticle, InputTextMessageContent

from bot.render.answer import answer_html, item_block, not_found_lead
from bot.render.markup import TELEGRAM_LIMIT, clip, fit, shorten
from bot.render.short import short_answer_text
from bot.texts import EXAMPLES, Markup, escape, format_date, t, text
from index.types import Answer, AnswerItem, Lang

_TITLE_CHARS = 120
_DESCRIPTION_CHARS = 160
_INLINE_EXCERPT_CHARS = 3000
_QUESTION_CHARS = 300
# room kept for the citation beside the excerpt
_CITATION_ROOM = 600
_MIN_EXCERPT = 120


def inline_results(answer: Answer, tag: str) -> list[InlineQueryResultArticle]:
    """One result per item; when nothing answers, one that says so (naming the terms the
    articles lack), then the related reports, each marked as related."""
    if not answer.found:
        return [inline_nothing(answer),
                *(_result(answer, item, f"{tag}-r{item.chunk_id}", related=True)
                  for item in answer.related)]
    return [_result(answer, item, f"{tag}-{item.chunk_id}") for item in answer.items]


def _result(answer: Answer, item: AnswerItem, result_id: str, *,
            related: bool = False) -> InlineQueryResultArticle:
    lang = answer.lang
    head = t(lang, "inline_question", question=Markup(clip(answer.question, _QUESTION_CHARS)))
    if related:
        head += "\n" + not_found_lead(answer)
        if answer.confidence != "closest":
            head += "\n" + t(lang, "related")
    elif answer.event_date and answer.event_date in item.dates:
        head += "\n📅 " + escape(format_date(answer.event_date, lang))
    room = min(TELEGRAM_LIMIT - len(head) - 2, _INLINE_EXCERPT_CHARS)
    body = item_block(item, None, lang, max_excerpt=max(_MIN_EXCERPT, room - _CITATION_ROOM),
                      related=related)
    title = item.title or item.outlet or item.source
    if not related and answer.short is not None and item is answer.items[0]:
        title = short_answer_text(answer.short, lang)  # the answer itself, then its passage
    if related:
        title = text(lang, "inline_closest_title" if answer.confidence == "closest"
                     else "inline_related_title", title=title)
    return InlineQueryResultArticle(
        id=result_id,
        title=shorten(title, _TITLE_CHARS),
        description=shorten(_description(item, lang, related), _DESCRIPTION_CHARS),
        input_message_content=InputTextMessageContent(
            message_text=fit(f"{head}\n\n{body}"), parse_mode="HTML"
        ),
    )


def _description(item: AnswerItem, lang: Lang, related: bool) -> str:
    """Under the title: the outlet and date, then the start of the excerpt."""
    meta = [m for m in (item.outlet, None if related or not item.published
                        else format_date(item.published, lang)) if m]
    return " — ".join([", ".join(meta), item.excerpt] if meta else [item.excerpt])


def inline_hint(lang: Lang) -> InlineQueryResultArticle:
    """The single result shown for an empty inline query: how to ask, with an example."""
    example = EXAMPLES[lang][0]
    return InlineQueryResultArticle(
        id=f"hint-{lang}",
        title=text(lang, "inline_hint_title"),
        description=text(lang, "inline_hint_description", example=example),
        input_message_content=InputTextMessageContent(
            message_text=escape(example), parse_mode="HTML"
        ),
    )


def inline_nothing(answer: Answer) -> InlineQueryResultArticle:
    """The result that says the articles do not answer (and which terms they never mention)."""
    lang = answer.lang
    title = (text(lang, "inline_missing_title", terms=", ".join(answer.missing))
             if answer.missing else text(lang, "inline_nothing_title"))
    return InlineQueryResultArticle(
        id=f"nothing-{lang}",
        title=shorten(title, _TITLE_CHARS),
        description=text(lang, "inline_nothing_description"),
        input_message_content=InputTextMessageContent(
            message_text=answer_html(answer), parse_mode="HTML"
        ),
    )
