"""Turning an Answer into the message the bot sends (Telegram HTML) or a terminal reads.

Every piece of article or user text is escaped; the answering sentence is bold; a message never
exceeds Telegram's 4,096 characters (excerpts are shortened, then items dropped, to fit).
"""

from __future__ import annotations

import html
import re
from datetime import date

from index.types import Answer, AnswerItem, Disagreement, Lang

TELEGRAM_LIMIT = 4096

_MONTHS = {
    "ru": ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
           "сентября", "октября", "ноября", "декабря"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"],
}

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "lead": "Found in {n} passage(s):",
        "lead_date": "{date}. Found in {n} passage(s):",
        "nothing": "Nothing found in the articles I have on that. "
                   "Try rephrasing, or name the people, places or events involved.",
        "source": "Source",
        "sources": "Sources",
        "reported_by": "reported by {n} sources",
        "differ_date": "Sources differ on the date: {values}.",
        "differ_number": "Sources differ on a number: {values}.",
        "empty": "Ask a question about the news, for example: "
                 "When did Rubio and Lavrov meet in person?",
    },
    "ru": {
        "lead": "Нашлось в {n} фрагмент(ах):",
        "lead_date": "{date}. Нашлось в {n} фрагмент(ах):",
        "nothing": "В моих статьях об этом ничего не нашлось. "
                   "Попробуйте переформулировать вопрос или назовите людей, места или события.",
        "source": "Источник",
        "sources": "Источники",
        "reported_by": "сообщают {n} источника",
        "differ_date": "Источники расходятся в дате: {values}.",
        "differ_number": "Источники расходятся в цифрах: {values}.",
        "empty": "Задайте вопрос о новостях, например: Когда Рубио и Лавров встретились лично?",
    },
}


def text_for(lang: Lang, key: str, **kwargs: object) -> str:
    return TEXTS[lang][key].format(**kwargs)


def format_date(iso: str, lang: Lang) -> str:
    """'2025-07-10' -> '10 July 2025' / '10 июля 2025'; a year-less '--02-15' (the article
    gives no year) -> '15 February' / '15 февраля'."""
    if re.fullmatch(r"--\d\d-\d\d", iso):
        return f"{int(iso[5:7])} {_MONTHS[lang][int(iso[2:4]) - 1]}"
    try:
        d = date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{d.day} {_MONTHS[lang][d.month - 1]} {d.year}"


def render_html(answer: Answer, limit: int = TELEGRAM_LIMIT, first_number: int = 1) -> str:
    """The Telegram message (parse_mode=HTML) for an answer."""
    if not answer.found:
        return html.escape(text_for(answer.lang, "nothing"))
    lead = _lead(answer)
    budget_excerpt = 600
    while True:
        blocks = [
            _item_html(item, first_number + i, answer.lang, budget_excerpt)
            for i, item in enumerate(answer.items)
        ]
        message = "\n\n".join([html.escape(lead), *blocks])
        if len(message) <= limit or budget_excerpt <= 120:
            break
        budget_excerpt -= 120
    while len(message) > limit and len(blocks) > 1:
        blocks.pop()
        message = "\n\n".join([html.escape(lead), *blocks])
    return _cut_markup(message, limit) if len(message) > limit else message


# a tag, an entity, or a run of plain text: the units a cut must not split
_MARKUP_TOKEN = re.compile(r"<[^>]*>|&[^;\s]*;|[^<&]+")


def _cut_markup(message: str, limit: int) -> str:
    """The longest start of `message` that fits in `limit` with every tag it opened closed.

    One item can be over the limit on its own (dozens of outlets citing one report, a very long
    URL); a plain slice would cut a tag or an entity in half, and Telegram refuses the message.
    """
    out: list[str] = []
    open_tags: list[str] = []
    used = 0

    def closing() -> int:
        return sum(len(tag) + 3 for tag in open_tags)

    for token in _MARKUP_TOKEN.findall(message):
        if token.startswith("</"):
            if open_tags:
                open_tags.pop()
                out.append(token)
                used += len(token)
            continue
        if token.startswith("<"):
            tag = token[1:-1].split(" ", 1)[0]
            if used + len(token) + closing() + len(tag) + 3 > limit:
                break
            open_tags.append(tag)
        elif used + len(token) + closing() > limit:
            room = limit - used - closing()
            if not token.startswith("&") and room > 1:
                out.append(token[: room - 1] + "…")
            break
        out.append(token)
        used += len(token)
    out.extend(f"</{tag}>" for tag in reversed(open_tags))
    return "".join(out)

def render_plain(answer: Answer) -> str:
    """The same reply for a terminal: no markup."""
    if not answer.found:
        return text_for(answer.lang, "nothing")
    lines = [_lead(answer)]
    for i, item in enumerate(answer.items, start=1):
        lines.append("")
        lines.append(f"{i}. {item.excerpt}")
        lines.append(f"   {_sources_label(item, answer.lang)}: {', '.join(item.sources)}"
                     + (f" ({item.url})" if item.url else ""))
    return "\n".join(lines)


def _lead(answer: Answer) -> str:
    n = len(answer.items)
    if answer.event_date:
        lead = text_for(answer.lang, "lead_date",
                        date=format_date(answer.event_date, answer.lang), n=n)
    else:
        lead = text_for(answer.lang, "lead", n=n)
    return "\n".join([lead, *(_disagreement(d, answer.lang) for d in answer.disagreements)])


def _disagreement(disagreement: Disagreement, lang: Lang) -> str:
    """One line per disagreement: each version with the files that give it."""
    values = "; ".join(
        (format_date(value, lang) if disagreement.what == "date" else f"«{value}»")
        + f" ({', '.join(sources)})"
        for value, sources in disagreement.values
    )
    return text_for(lang, f"differ_{disagreement.what}", values=values)


def _sources_label(item: AnswerItem, lang: Lang) -> str:
    return text_for(lang, "sources" if item.also_in else "source")


def _item_html(item: AnswerItem, number: int, lang: Lang, max_excerpt: int) -> str:
    excerpt = item.excerpt
    start, end = item.highlight or (0, 0)
    if len(excerpt) > max_excerpt:
        excerpt = excerpt[: max_excerpt - 1].rsplit(" ", 1)[0] + "…"
        end = min(end, len(excerpt))
    body = (
        html.escape(excerpt[:start])
        + (f"<b>{html.escape(excerpt[start:end])}</b>" if end > start else "")
        + html.escape(excerpt[end:])
    )
    files = ", ".join(f"<code>{html.escape(s)}</code>" for s in item.sources)
    cite = f"{_sources_label(item, lang)}: {files}"
    if item.also_in:
        cite += f" ({html.escape(text_for(lang, 'reported_by', n=len(item.sources)))})"
    if item.url:
        cite += f'\n<a href="{html.escape(item.url, quote=True)}">{html.escape(item.url)}</a>'
    return f"{number}. {body}\n{cite}"


def answer_to_dict(answer: Answer) -> dict[str, object]:
    """The `ask --json` record: stable keys, file names as sources, `text` as the bot sends it."""
    return {
        "question": answer.question,
        "lang": answer.lang,
        "found": answer.found,
        "event_date": answer.event_date,
        "disagreements": [
            {"what": d.what, "values": [[value, list(sources)] for value, sources in d.values]}
            for d in answer.disagreements
        ],
        "answers": [
            {
                "source": item.source,
                "excerpt": item.excerpt,
                "score": item.score,
                "also_in": list(item.also_in),
                "title": item.title,
                "url": item.url,
                "dates": list(item.dates),
            }
            for item in answer.items
        ],
        "text": render_html(answer),
        "parse_mode": "HTML",
    }
