"""Articles from the web in the corpus folder: the story as `NAME.txt` under a name that
follows from its URL, and what the page said of itself beside it in `NAME.meta.json`. Added
one at a time through the upload path, or many at once with one rebuild."""

from __future__ import annotations

import hashlib
import json
import logging
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from index.errors import BadSeedFile, ReindexInProgress
from index.links.extraction import Extracted
from index.reading import read_sidecar, sidecar_of
from index.service import AddResult, NewsIndex
from index.types import BuildReport

logger = logging.getLogger(__name__)

_TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|yclid|mc_cid|mc_eid|from|ref)$", re.I)
_SLUG = re.compile(r"[^a-z0-9.-]+")


def canonical_url(url: str) -> str:
    """The URL two links to one article share: lower-case scheme and host, no fragment, no
    tracking parameters, no default port, no trailing slash."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if parts.port and (parts.scheme, parts.port) not in (("http", 80), ("https", 443)):
        host = f"{host}:{parts.port}"
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                       if not _TRACKING.match(k)])
    return urlunsplit((parts.scheme.lower(), host, parts.path.rstrip("/") or "/", query, ""))


def content_hash(text: str) -> str:
    """The same story published under two URLs has the same hash (whitespace aside)."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


def article_name(extracted: Extracted) -> str:
    """A stable file name: the outlet's domain and a hash of the canonical URL (of the text,
    for a page with no URL), e.g. `reuters.com_1f3a9c0d2b4e5f60.txt`."""
    if extracted.url:
        host = (urlsplit(extracted.url).hostname or "web").removeprefix("www.")
        key = canonical_url(extracted.url)
    else:
        host, key = "page", content_hash(extracted.text)
    slug = _SLUG.sub("-", host.lower()).strip(".-")[:60] or "web"
    return f"{slug}_{hashlib.sha256(key.encode('utf-8')).hexdigest()[:16]}.txt"


def article_bytes(extracted: Extracted) -> bytes:
    """The article file: its title on the first line, a blank line, the story."""
    return f"{extracted.title}\n\n{extracted.text}\n".encode()


def sidecar_bytes(extracted: Extracted, fetched: datetime | None = None,
                  feed: str | None = None) -> bytes:
    meta = {"url": extracted.url, "title": extracted.title, "outlet": extracted.outlet,
            "author": extracted.author, "published": extracted.published,
            "fetched": (fetched or datetime.now(UTC)).isoformat(timespec="seconds"),
            "content_sha256": content_hash(extracted.text)}
    if feed:
        meta["feed"] = feed
    return (json.dumps({k: v for k, v in meta.items() if v}, ensure_ascii=False, indent=2)
            + "\n").encode()


@dataclass(frozen=True, slots=True)
class Stored:
    """An article added from the web: its file name and how much story it holds."""

    name: str
    title: str
    words: int
    replaced: bool


def add_extracted(news: NewsIndex, extracted: Extracted, feed: str | None = None) -> Stored:
    """Write the article and its metadata into the corpus folder and index it (the upload
    path: one transaction, nothing changed on refusal). The same URL again replaces it."""
    name = article_name(extracted)
    side = sidecar_of(news.seeds_dir / name)
    before = _read_or_none(side)
    write_atomic(side, sidecar_bytes(extracted, feed=feed))
    try:
        result: AddResult = news.add_article(name, article_bytes(extracted), overwrite=True)
    except BaseException:
        _restore(side, before)
        raise
    return Stored(result.name, extracted.title, extracted.words, result.replaced)


def add_many(news: NewsIndex, items: list[tuple[Extracted, str | None]]
             ) -> tuple[list[Stored], BuildReport | None]:
    """Write several articles (with the feed each came from) and rebuild once. Those the
    rebuild skips are taken out again. Raises ReindexInProgress (having written nothing that
    stays) while another rebuild runs."""
    if not items:
        return [], None
    written: dict[str, tuple[Extracted, bool]] = {}
    for extracted, feed in items:
        name = article_name(extracted)
        if name in written:
            continue
        target = news.seeds_dir / name
        replaced = target.exists()
        write_atomic(sidecar_of(target), sidecar_bytes(extracted, feed=feed))
        write_atomic(target, article_bytes(extracted))
        written[name] = (extracted, replaced)
    try:
        report = news.reindex()
    except ReindexInProgress:
        for name, (_, replaced) in written.items():
            if not replaced:
                _remove_files(news.seeds_dir / name)
        raise
    stored = []
    for name, (extracted, replaced) in written.items():
        if name in report.indexed:
            stored.append(Stored(name, extracted.title, extracted.words, replaced))
        elif not replaced:
            _remove_files(news.seeds_dir / name)
    return stored, report


def page_authors(seeds_dir: Path, names: Iterable[str]) -> dict[str, str]:
    """The author each named article's page gave, from the metadata beside it (the index
    keeps no authors: they answer no question, but a reader of /sources wants them)."""
    authors = {}
    for name in names:
        meta = read_sidecar(seeds_dir / name)
        if meta and meta.get("author"):
            authors[name] = meta["author"]
    return authors


def remove_article(news: NewsIndex, name: str) -> BuildReport:
    """Take an article (and its metadata) out of the corpus folder and rebuild without it.
    BadSeedFile when there is no such article; on a failed rebuild it is put back."""
    target = news.seeds_dir / name
    if "/" in name or "\\" in name or name.startswith(".") or not target.is_file():
        raise BadSeedFile(f"there is no article {name!r} in the corpus")
    stamp = time.time_ns()
    aside = [(path, path.with_name(f".removed-{stamp}-{path.name}"))
             for path in (target, sidecar_of(target)) if path.exists()]
    for path, hidden in aside:
        path.replace(hidden)
    try:
        report = news.reindex()
    except BaseException:
        for path, hidden in aside:
            hidden.replace(path)
        raise
    for _, hidden in aside:
        hidden.unlink(missing_ok=True)
    return report


def write_atomic(target: Path, data: bytes) -> None:
    """Write beside `target` under a hidden name (no rebuild reads it), then rename."""
    tmp = target.with_name(f".web-{time.time_ns()}.tmp")
    try:
        tmp.write_bytes(data)
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)


def _read_or_none(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def _restore(path: Path, data: bytes | None) -> None:
    if data is None:
        path.unlink(missing_ok=True)
    else:
        write_atomic(path, data)


def _remove_files(target: Path) -> None:
    target.unlink(missing_ok=True)
    sidecar_of(target).unlink(missing_ok=True)
