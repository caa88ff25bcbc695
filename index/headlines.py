"""Whether an article's title is a headline, or only its first sentence standing in for one.

A page with no title line gets its first sentence as its title (index/cleaning.py), so that
search still has who and what beside every passage. A citation needs a real headline: a
sentence that breaks off mid-word («… со своим американским…») names nothing a reader can
look up, and the outlet and date say more.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from index.types import Answer, AnswerItem, Article

_ENDS = ".!?… "
_SITE_SEPARATORS = "|—–-/·"


def is_headline(article: Article) -> bool:
    """True when the title stands on a line of its own at the top of the text, or comes from
    elsewhere (the page's metadata); False when it is the start of the text's first paragraph,
    which goes on after it on the same line."""
    title = article.title.strip().rstrip("…").rstrip(_ENDS)
    if not title:
        return False
    first = article.text.lstrip().split("\n", 1)[0].strip()
    if not first.startswith(title):
        return True  # not taken from the text: a title of its own
    rest = first[len(title):].strip(_ENDS)
    # nothing after it, or the site's name ("… | Lenta.ru"): a title line
    return not rest or rest[0] in _SITE_SEPARATORS


def cited_by_headline(answer: Answer, articles: Mapping[str, Article]) -> Answer:
    """`answer` with the titles that are no headline left out of its items (the citation then
    names the outlet and date instead)."""

    def cited(item: AnswerItem) -> AnswerItem:
        article = articles.get(item.source)
        if not item.title or article is None or is_headline(article):
            return item
        return replace(item, title="")

    return replace(answer, items=tuple(map(cited, answer.items)),
                   related=tuple(map(cited, answer.related)))
