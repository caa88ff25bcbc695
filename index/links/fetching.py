"""Fetching a web page for the corpus: http(s) only, a time limit, a size cap, a bounded
number of redirects, and no private, loopback, link-local or reserved address (checked again
at every redirect) unless the settings allow them."""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import aiohttp

from index.errors import NewsIndexError

logger = logging.getLogger(__name__)

USER_AGENT = "news-answers-bot/1.0 (+https://github.com/; fetches articles an admin shared)"
MAX_REDIRECTS = 5


class LinkRefused(NewsIndexError):
    """A link that gave no article: the message says why, in one line; nothing was written."""


@dataclass(frozen=True, slots=True)
class FetchOptions:
    max_bytes: int = 2_000_000
    timeout: float = 15.0
    allow_private: bool = False
    max_redirects: int = MAX_REDIRECTS


@dataclass(frozen=True, slots=True)
class Page:
    url: str  # where it was finally found, after redirects
    status: int
    body: bytes
    content_type: str
    charset: str | None
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    def text(self) -> str:
        """The body as text, in the charset the server declared (else UTF-8, else cp1251)."""
        for codec in (self.charset, "utf-8", "cp1251"):
            if not codec:
                continue
            try:
                return self.body.decode(codec)
            except (UnicodeDecodeError, LookupError):
                continue
        return self.body.decode("utf-8", "replace")


def check_url(url: str) -> str:
    """The URL, stripped, if its scheme is http or https and it names a host; else LinkRefused."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        raise LinkRefused(f"only http and https links are accepted, not {url!r}")
    if not parts.hostname:
        raise LinkRefused(f"{url!r} names no host")
    return url


async def resolve(host: str) -> list[str]:
    """The addresses `host` resolves to (a seam: tests give a host a public address)."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


async def check_address(url: str, allow_private: bool) -> None:
    """LinkRefused when the URL's host resolves to an address the bot must not reach:
    loopback, private, link-local, reserved or multicast."""
    if allow_private:
        return
    host = urlsplit(url).hostname or ""
    try:
        addresses = await resolve(host)
    except OSError as exc:
        raise LinkRefused(f"the host {host} could not be found ({exc.strerror or exc})") from None
    for text in addresses:
        address = ipaddress.ip_address(text.split("%", 1)[0])
        if not address.is_global or address.is_multicast:
            raise LinkRefused(f"{host} is a private or local address ({address}); the bot "
                              "fetches only public pages")


async def fetch(url: str, options: FetchOptions, etag: str | None = None,
                last_modified: str | None = None) -> Page:
    """GET `url`, following redirects one by one (each target is checked like the first).

    A 304 to a conditional request comes back as a Page with no body; any other status that
    is not 2xx, a timeout, a connection failure or a body over the cap raises LinkRefused.
    """
    url = check_url(url)
    headers = {"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml,"
               "application/rss+xml,application/atom+xml,application/xml;q=0.9,*/*;q=0.5"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    timeout = aiohttp.ClientTimeout(total=options.timeout)
    try:
        async with aiohttp.ClientSession(timeout=timeout) as session:
            for _ in range(options.max_redirects + 1):
                await check_address(url, options.allow_private)
                async with session.get(url, headers=headers, allow_redirects=False) as response:
                    if response.status in (301, 302, 303, 307, 308):
                        location = response.headers.get("Location")
                        if not location:
                            raise LinkRefused(f"{url} redirects nowhere (no Location)")
                        url = check_url(urljoin(url, location))
                        continue
                    return await _read(url, response, options.max_bytes)
            raise LinkRefused(f"too many redirects (more than {options.max_redirects})")
    except TimeoutError:
        raise LinkRefused(f"the site did not answer within {options.timeout:g} s") from None
    except aiohttp.ClientError as exc:
        raise LinkRefused(f"the page could not be fetched ({type(exc).__name__}: "
                          f"{exc})") from None


async def _read(url: str, response: aiohttp.ClientResponse, max_bytes: int) -> Page:
    etag = response.headers.get("ETag")
    last_modified = response.headers.get("Last-Modified")
    content_type = response.content_type or ""
    if response.status == 304:
        return Page(url, 304, b"", content_type, None, etag, last_modified)
    if not 200 <= response.status < 300:
        raise LinkRefused(f"the site answered {response.status} {response.reason or ''}"
                          .rstrip() + f" for {url}")
    declared = response.content_length
    if declared is not None and declared > max_bytes:
        raise LinkRefused(f"the page is too large ({declared:,} bytes; the limit is "
                          f"{max_bytes:,})")
    body = bytearray()
    async for block in response.content.iter_chunked(65_536):
        body += block
        if len(body) > max_bytes:
            raise LinkRefused(f"the page is too large (over {max_bytes:,} bytes)")
    return Page(url, response.status, bytes(body), content_type, response.charset, etag,
                last_modified)
