"""What the bot says about itself and its articles: /start, /help and /sources."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.render.markup import code, link, shorten, split_messages
from bot.texts import EXAMPLES, Markup, escape, format_date, t
from index.types import Article, Lang

_HELP_TITLES = 5
_HELP_TITLE_CHARS = 100
_SOURCE_TITLE_CHARS = 150
_AUTHOR_CHARS = 80  # (a page may list a dozen authors)


def start_html(lang: Lang, username: str) -> str:
    return t(lang, "start", example=EXAMPLES[lang][0], username=username)


def help_html(articles: Sequence[Article], lang: Lang, username: str) -> str:
    """How to ask, with the number of articles and a few of their titles."""
    titles = "\n".join(f"• {escape(shorten(a.title or a.source, _HELP_TITLE_CHARS))}"
                       for a in articles[:_HELP_TITLES])
    examples = "\n".join(f"• <i>{escape(q)}</i>" for q in EXAMPLES[lang])
    return t(lang, "help", articles=len(articles), titles=Markup(titles),
             examples=Markup(examples), username=username)


def sources_html(articles: Sequence[Article], dates: Mapping[str, Sequence[str]],
                 lang: Lang, authors: Mapping[str, str] | None = None) -> list[str]:
    """The indexed articles, as few messages as fit: each one's title (a link when it has a
    URL), outlet, author (where its page named one), date, and file name. An article with no
    known publication date shows the span of the dates it mentions."""
    if not articles:
        return [t(lang, "sources_empty")]
    authors = authors or {}
    lines = [_source_line(n, article, dates.get(article.source, ()), lang,
                          authors.get(article.source))
             for n, article in enumerate(articles, start=1)]
    return split_messages(t(lang, "sources_header", n=len(articles)), lines)


def page_of(articles: Sequence[Article], page: int, per_page: int) -> Sequence[Article]:
    """The articles /sources page `page` shows (all of them when they fit on one)."""
    if len(articles) <= per_page:
        return articles
    return articles[page * per_page:(page + 1) * per_page]


def sources_page_html(articles: Sequence[Article], dates: Mapping[str, Sequence[str]],
                      lang: Lang, page: int, per_page: int,
                      authors: Mapping[str, str] | None = None) -> str:
    """One page of /sources: its articles numbered among all, and which ones it shows."""
    if len(articles) <= per_page:
        return "\n\n".join(sources_html(articles, dates, lang, authors))
    first = page * per_page
    shown = page_of(articles, page, per_page)
    authors = authors or {}
    lines = [_source_line(first + n, article, dates.get(article.source, ()), lang,
                          authors.get(article.source))
             for n, article in enumerate(shown, start=1)]
    return "\n".join([t(lang, "sources_header", n=len(articles)), *lines,
                      t(lang, "sources_page", first=first + 1, last=first + len(shown),
                        total=len(articles))])


def _source_line(number: int, article: Article, mentioned: Sequence[str], lang: Lang,
                 author: str | None = None) -> str:
    title = shorten(article.title, _SOURCE_TITLE_CHARS) if article.title else ""
    if article.url:
        named = link(article.url, title or article.outlet or article.url)
    else:
        named = escape(title)
    details = [article.outlet] if article.outlet and (title or not article.url) else []
    if author and author != article.outlet:
        details.append(shorten(author, _AUTHOR_CHARS))
    if article.published:
        details.append(format_date(article.published, lang))
    else:
        full = sorted(d for d in mentioned if not d.startswith("-"))
        if full:
            span = format_date(full[0], lang)
            if full[-1] != full[0]:
                span += f" – {format_date(full[-1], lang)}"
            details.append(span)
    described = named + (f" ({escape(', '.join(details))})" if details else "")
    if not described.strip():
        return f"{number}. {code(article.source)}"
    return f"{number}. {described.strip()} — {code(article.source)}"
