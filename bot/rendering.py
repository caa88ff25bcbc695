"""Telegram HTML for what the bot sends besides answers themselves (those come from
`index.formatting.render_html`): pages with notes, whole passages, inline results, the list of
sources, statistics and reindex summaries. Every piece of article or user text is escaped and
no message exceeds Telegram's 4,096 characters.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import replace

from aiogram.types import InlineQueryResultArticle, InputTextMessageContent

from bot.answering import Page, Passage
from bot.stats import BotStats
from bot.texts import EXAMPLES, Markup, t
from index.formatting import TELEGRAM_LIMIT, format_date, render_html
from index.types import Answer, AnswerItem, Article, BuildReport, Lang

_TITLE_CHARS = 120
_DESCRIPTION_CHARS = 160
_INLINE_EXCERPT_CHARS = 3000


def page_html(page: Page, updated_since: bool = False) -> str:
    """The message for one page of an answer, with a note if the question was cut."""
    notes = []
    if page.cut_to is not None:
        notes.append(t(page.answer.lang, "cut", n=page.cut_to))
    if updated_since:
        notes.append(t(page.answer.lang, "updated_since"))
    tail = "".join("\n\n" + note for note in notes)
    body = render_html(page.answer, limit=TELEGRAM_LIMIT - len(tail),
                       first_number=page.first_number)
    return body + tail


def _files(sources: Iterable[str]) -> Markup:
    return Markup(", ".join(f"<code>{html.escape(s)}</code>" for s in sources))


def _link(url: str | None) -> str:
    if not url:
        return ""
    return f'\n<a href="{html.escape(url, quote=True)}">{html.escape(url)}</a>'


def passage_html(passage: Passage, lang: Lang) -> str:
    """A whole chunk, under its article's title, with the file it comes from."""
    article = passage.article
    head = f"<b>{html.escape(article.title)}</b>\n\n" if article and article.title else ""
    cite = "\n\n" + t(lang, "passage_source", files=_files([passage.chunk.source]))
    cite += _link(article.url if article else None)
    room = TELEGRAM_LIMIT - len(head) - len(cite)
    return head + _clip_escaped(passage.chunk.text, room) + cite


def _clip_escaped(text: str, limit: int) -> str:
    """`text` escaped, shortened on a word boundary so that the escaped form fits in `limit`."""
    escaped = html.escape(text)
    if len(escaped) <= limit:
        return escaped
    cut = text
    while cut and len(html.escape(cut)) + 1 > limit:
        cut = cut[: len(cut) - max(1, len(html.escape(cut)) + 1 - limit)]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return html.escape(cut) + "…"


def inline_results(answer: Answer, tag: str) -> list[InlineQueryResultArticle]:
    """One result per answer item: the message it sends is the cited excerpt."""
    return [_inline_item(answer, item, tag) for item in answer.items]


def _inline_item(answer: Answer, item: AnswerItem, tag: str) -> InlineQueryResultArticle:
    lang = answer.lang
    head = t(lang, "inline_question", question=Markup(_clip_escaped(answer.question, 300)))
    if answer.event_date:
        head += "\n📅 " + html.escape(format_date(answer.event_date, lang))
    single = replace(answer, items=(item,), event_date=None)
    body = render_html(single, limit=min(TELEGRAM_LIMIT - len(head) - 2, _INLINE_EXCERPT_CHARS))
    # the lead ("Found in 1 passage") and the number mean nothing for a single passage
    body = body.split("\n\n", 1)[-1].removeprefix("1. ")
    title = f"{item.source} — {item.title}" if item.title else item.source
    return InlineQueryResultArticle(
        id=f"{tag}-{item.chunk_id}",
        title=shorten(title, _TITLE_CHARS),
        description=shorten(item.excerpt, _DESCRIPTION_CHARS),
        input_message_content=InputTextMessageContent(message_text=f"{head}\n\n{body}",
                                                      parse_mode="HTML"),
    )


def inline_hint(lang: Lang) -> InlineQueryResultArticle:
    """The single result shown for an empty inline query: how to ask, with an example."""
    example = EXAMPLES[lang][0]
    return InlineQueryResultArticle(
        id=f"hint-{lang}",
        title=t(lang, "inline_hint_title"),
        description=html.unescape(t(lang, "inline_hint_description", example=example)),
        input_message_content=InputTextMessageContent(
            message_text=html.escape(example), parse_mode="HTML"
        ),
    )


def inline_nothing(answer: Answer) -> InlineQueryResultArticle:
    lang = answer.lang
    return InlineQueryResultArticle(
        id=f"nothing-{lang}",
        title=t(lang, "inline_nothing_title"),
        description=t(lang, "inline_nothing_description"),
        input_message_content=InputTextMessageContent(
            message_text=render_html(answer), parse_mode="HTML"
        ),
    )


def shorten(text: str, limit: int) -> str:
    """`text` on one line, cut on a word boundary to at most `limit` characters."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def source_lines(articles: list[Article], dates: dict[str, tuple[str, ...]],
                 lang: Lang) -> list[str]:
    """One line per article: file name, title, and the dates it mentions (first – last)."""
    lines = []
    for n, article in enumerate(articles, start=1):
        line = f"{n}. <code>{html.escape(article.source)}</code>"
        if article.title:
            line += f" — {html.escape(shorten(article.title, 150))}"
        mentioned = sorted(dates.get(article.source, ()))
        if mentioned:
            span = format_date(mentioned[0], lang)
            if mentioned[-1] != mentioned[0]:
                span += f" – {format_date(mentioned[-1], lang)}"
            line += f" ({html.escape(span)})"
        lines.append(line)
    return lines


def split_messages(header: str, lines: list[str], limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Lines packed into as few messages as fit; the header opens the first one."""
    messages: list[str] = []
    current = header
    for line in lines:
        if len(current) + 1 + len(line) > limit:
            messages.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    if current:
        messages.append(current)
    return messages


def stats_html(stats: BotStats, articles: int, chunks: int, generation: str,
               reindexing: bool, lang: Lang) -> str:
    median = stats.median_seconds
    return t(
        lang,
        "stats",
        articles=articles,
        chunks=chunks,
        questions=stats.questions,
        found=stats.found,
        inline=stats.inline_queries,
        median="—" if median is None else f"{median * 1000:.0f} ms",
        uptime=_duration(stats.uptime_seconds),
        generation=generation,
        reindexing=Markup(t(lang, "stats_reindexing") if reindexing else ""),
    )


def _duration(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    clock = f"{hours:d}:{minutes:02d}:{secs:02d}"
    return f"{days}d {clock}" if days else clock


def report_html(report: BuildReport, lang: Lang) -> str:
    """A build report as the reindex summary: counts, then each skipped file and why."""
    text = t(
        lang,
        "reindex_done",
        seconds=f"{report.seconds:.1f}",
        indexed=len(report.indexed),
        chunks=report.chunks,
        embedded=report.embedded,
        reused=report.chunks - report.embedded,
    )
    if report.skipped:
        lines = [f"• <code>{html.escape(s.name)}</code>: {html.escape(s.reason)}"
                 for s in report.skipped]
        text = split_messages(text + "\n" + t(lang, "reindex_skipped", n=len(report.skipped)),
                              lines)[0]
    return text
