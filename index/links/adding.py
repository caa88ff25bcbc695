"""Adding an article from a link or a local file: the one sequence the CLI and the bot share
(fetch, extract, store and index), each step a plain call the caller can report on."""

from __future__ import annotations

import asyncio
from pathlib import Path

from index.errors import BadSeedFile
from index.links.extraction import Extracted, extract_html, extract_page
from index.links.fetching import FetchOptions, fetch
from index.links.storing import Stored, add_extracted
from index.service import NewsIndex

HTML_SUFFIXES = (".html", ".htm")


async def fetch_article(url: str, options: FetchOptions) -> Extracted:
    """The article at `url`, fetched and extracted; LinkRefused with the reason otherwise."""
    page = await fetch(url, options)
    return await asyncio.to_thread(extract_page, page)


def extract_file(name: str, data: bytes, max_bytes: int) -> Extracted:
    """The article in a saved `.html` page (an upload, or a file named on the command line)."""
    if len(data) > max_bytes:
        raise BadSeedFile(f"too large ({len(data):,} bytes; the limit is {max_bytes:,})")
    if b"\x00" in data[:4096]:
        raise BadSeedFile(f"{name} is binary, not a web page")
    return extract_html(data, None)


def add_path(news: NewsIndex, path: Path, max_bytes: int) -> Stored:
    """Add a local `.txt` article as it is, or the article of a saved `.html` page."""
    data = path.read_bytes()
    if path.suffix.lower() in HTML_SUFFIXES:
        return add_extracted(news, extract_file(path.name, data, max_bytes))
    result = news.add_article(path.name, data, overwrite=True)
    article = news.current.articles.get(result.name)
    return Stored(result.name, article.title if article else "",
                  len(article.text.split()) if article else 0, result.replaced)
