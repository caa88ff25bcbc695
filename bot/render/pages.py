"""One page of an answer as the bot sends it, with its notes, and an item's whole passage."""

from __future__ import annotations

from bot.answering import Page, Passage
from bot.render.answer import Window, answer_html
from bot.render.markup import TELEGRAM_LIMIT, clip, code, link, shorten
from bot.texts import Markup, escape, foreign_script, t
from index.headlines import is_headline
from index.types import Lang

_TITLE_CHARS = 300


def page_html(page: Page, updated_since: bool = False) -> str:
    """The message for one page of an answer, with a note if the question was cut or the
    index changed since the question was asked."""
    notes = []
    if foreign_script(page.answer.question):
        notes.append(t(page.answer.lang, "foreign_script"))
    if page.cut_to is not None:
        notes.append(t(page.answer.lang, "cut", n=page.cut_to))
    if updated_since:
        notes.append(t(page.answer.lang, "updated_since"))
    tail = "".join("\n\n" + note for note in notes)
    window = Window(first_number=page.first_number, has_more=page.has_more)
    return answer_html(page.answer, window, limit=TELEGRAM_LIMIT - len(tail)) + tail


def passage_html(passage: Passage, lang: Lang) -> str:
    """A whole chunk under its article's title (a link when the article has a URL), with the
    file it comes from. A chunk that opens with the title does not repeat it."""
    article = passage.article
    text = passage.chunk.text
    # (a first sentence standing in for a title is the passage's own start: not repeated)
    title = article.title if article and is_headline(article) else ""
    head = ""
    if title:
        title = shorten(title, _TITLE_CHARS)
        shown = link(article.url, title) if article and article.url else escape(title)
        head = f"<b>{shown}</b>"
        text = _without_title(text, article.title if article else "")
    cite = t(lang, "passage_source", files=Markup(code(passage.chunk.source)))
    if article and article.url and not title:
        cite += "\n" + link(article.url, article.url)
    room = TELEGRAM_LIMIT - len(head) - len(cite) - 4
    return "\n\n".join(part for part in (head, clip(text, room), cite) if part)


def _without_title(text: str, title: str) -> str:
    """`text` less a leading line or sentence that is the title itself."""
    stripped = text.lstrip()
    bare = title.rstrip(". ")
    if stripped.startswith(bare):
        rest = stripped[len(bare):]
        if not rest or rest[0] in "\n .!?…":
            return rest.lstrip(".!?… \n") or text
    return text
