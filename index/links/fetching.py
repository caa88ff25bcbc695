"""Fetching a web page for the corpus: http(s) only, a time limit, a size cap, a bounded
number of redirects, and no private, loopback, link-local or reserved address unless the
settings allow them: checked in the very lookup aiohttp connects with, at every redirect."""

from __future__ import annotations

import ipaddress
import logging
import socket
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import ThreadedResolver

from index.errors import NewsIndexError

logger = logging.getLogger(__name__)

USER_AGENT = "news-answers-bot/1.0 (+https://github.com/; fetches articles an admin shared)"
MAX_REDIRECTS = 5


class LinkRefused(NewsIndexError):
    """A link that gave no article: the message says why, in one line; nothing was written.
    `transient` when trying again later may work (a timeout, a 5xx, a lost connection)."""

    def __init__(self, reason: str, transient: bool = False) -> None:
        super().__init__(reason)
        self.transient = transient


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


def refusal(host: str, address: str) -> str | None:
    """Why the bot must not connect to `address` (found for `host`): it is loopback, private,
    link-local, reserved or multicast; None for a public address. (A seam: a test lets a
    local host stand for a public one.)"""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is loopback too
    if ip.is_global and not ip.is_multicast:
        return None
    return f"{host} is a private or local address ({ip}); the bot fetches only public pages"


class PublicResolver(AbstractResolver):
    """aiohttp's name lookup, refusing any host with a non-public address. The check sits in
    the lookup aiohttp connects with, so the address checked is the address connected to: a
    name that answers differently the second time (DNS rebinding) cannot slip past it."""

    def __init__(self) -> None:
        self._lookup = ThreadedResolver()

    async def resolve(self, host: str, port: int = 0,
                      family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
        try:
            found = await self._lookup.resolve(host, port, family)
        except OSError as exc:
            raise LinkRefused(f"the host {host} could not be found "
                              f"({exc.strerror or exc})") from None
        for result in found:
            reason = refusal(host, result["host"])
            if reason:
                raise LinkRefused(reason)
        return found

    async def close(self) -> None:
        await self._lookup.close()


def check_literal(url: str, allow_private: bool) -> None:
    """LinkRefused for a URL whose host is a non-public IP address written out: aiohttp
    connects to those without a lookup, so the resolver never sees them."""
    host = urlsplit(url).hostname or ""
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return  # a name: PublicResolver checks what it resolves to
    reason = None if allow_private else refusal(host, host)
    if reason:
        raise LinkRefused(reason)


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
    # no DNS cache: every connection is looked up, and checked, afresh
    connector = (aiohttp.TCPConnector() if options.allow_private else
                 aiohttp.TCPConnector(resolver=PublicResolver(), use_dns_cache=False))
    try:
        async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
            for _ in range(options.max_redirects + 1):
                check_literal(url, options.allow_private)
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
        raise LinkRefused(f"the site did not answer within {options.timeout:g} s",
                          transient=True) from None
    except aiohttp.ClientError as exc:
        raise LinkRefused(f"the page could not be fetched ({type(exc).__name__}: "
                          f"{exc})", transient=True) from None


async def _read(url: str, response: aiohttp.ClientResponse, max_bytes: int) -> Page:
    etag = response.headers.get("ETag")
    last_modified = response.headers.get("Last-Modified")
    content_type = response.content_type or ""
    if response.status == 304:
        return Page(url, 304, b"", content_type, None, etag, last_modified)
    if not 200 <= response.status < 300:
        raise LinkRefused(f"the site answered {response.status} {response.reason or ''}"
                          .rstrip() + f" for {url}",
                          transient=response.status >= 500 or response.status in (408, 429))
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
