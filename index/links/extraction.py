"""The story and metadata of a news page, extracted with trafilatura: main text, title, date,
author and site name. A page with no main text is not an article (LinkRefused)."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from index.links.fetching import LinkRefused, Page

logger = logging.getLogger(__name__)

MIN_WORDS = 30  # less main text than this is a login wall, an index page or a stub
_HTML_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True, slots=True)
class Extracted:
    url: str | None
    title: str
    text: str
    outlet: str | None
    author: str | None
    published: str | None  # ISO date

    @property
    def words(self) -> int:
        return len(self.text.split())


def extract_page(page: Page) -> Extracted:
    """The article on a fetched page; LinkRefused when the page holds none."""
    content_type = page.content_type.lower()
    if content_type not in _HTML_TYPES:
        raise LinkRefused(f"not a web page ({content_type}), so not an article")
    if b"\x00" in page.body[:4096]:
        raise LinkRefused("binary content, not a web page")
    # a charset the server declares wins; without one trafilatura reads the page's own <meta>
    source: str | bytes = page.text() if page.charset else page.body
    return extract_html(source, page.url)


def extract_html(source: str | bytes, url: str | None) -> Extracted:
    import trafilatura  # (its import takes a second: only when a page arrives)

    document = trafilatura.bare_extraction(source, url=url, with_metadata=True,
                                           include_comments=False, include_tables=False,
                                           date_extraction_params={"original_date": True})
    fields: dict[str, Any] = ({} if document is None else
                              document if isinstance(document, dict) else document.as_dict())
    text = _field(fields, "text") or ""
    if len(text.split()) < MIN_WORDS:
        raise LinkRefused("no article text on the page (an index page, a login wall or a "
                          "stub?)")
    page_url = _field(fields, "url") or url
    published = _field(fields, "date")
    return Extracted(
        url=page_url,
        title=_field(fields, "title") or text.split("\n", 1)[0][:200],
        text=text,
        outlet=_field(fields, "sitename") or _domain(page_url),
        author=_field(fields, "author"),
        published=published if published and _ISO_DATE.match(published) else None,
    )


def _field(fields: dict[str, Any], name: str) -> str | None:
    value = fields.get(name)
    return value.strip() or None if isinstance(value, str) else None


def _domain(url: str | None) -> str | None:
    host = urlsplit(url).hostname if url else None
    return host.removeprefix("www.") if host else None
