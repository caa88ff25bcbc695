"""Fetching and extracting pages from the local test site: real news pages, a cp1251 page,
and every fault that must end in a one-line reason (404, 5xx, timeout, binary, over the cap,
a login wall, redirects to private addresses, schemes other than http(s))."""

from __future__ import annotations

import re
import socket

import pytest

from index.links import fetching
from index.links.adding import fetch_article
from index.links.fetching import FetchOptions, LinkRefused, fetch
from tests.links.server import Site

LOCAL = FetchOptions(max_bytes=2_000_000, timeout=2.0, allow_private=True)


async def test_a_real_news_page_gives_its_story_and_metadata(site: Site) -> None:
    article = await fetch_article(site.url("/reuters"), LOCAL)
    assert article.title == "'Parasite' scores historic upset at SAG awards, boosting Oscar chances"
    assert article.outlet == "Reuters"
    assert article.author == "Jill Serjeant"
    assert article.published is not None and article.published.startswith(("2020-01", "2019"))
    assert article.url == "https://www.reuters.com/article/us-awards-sag-idUSKBN1ZI0EH"
    assert "Parasite" in article.text and article.words > 300
    assert "googletagmanager" not in article.text  # the page's scripts are not the story


@pytest.mark.parametrize("path", ["/russian", "/russian-meta"])
async def test_a_cp1251_page_reads_as_russian(site: Site, path: str) -> None:
    article = await fetch_article(site.url(path), LOCAL)
    assert article.title == "В Казани открыли новый мост через Волгу"
    assert article.outlet == "Казанский вестник"
    assert article.published == "2025-05-06"
    assert "автомобильный мост через Волгу" in article.text
    assert "Читайте также" not in article.text


async def test_redirects_are_followed(site: Site) -> None:
    page = await fetch(site.url("/redirect"), LOCAL)
    assert page.url == site.url("/reuters") and page.status == 200


@pytest.mark.parametrize(("path", "reason"), [
    ("/missing", "answered 404"),
    ("/error", "answered 503"),
    ("/slow", "did not answer within 2 s"),
    ("/binary", "not a web page (image/png)"),
    ("/binary-as-html", "binary content"),
    ("/big", "too large"),
    ("/big-chunked", "too large (over 2,000,000 bytes)"),
    ("/login", "no article text"),
    ("/loop", "too many redirects"),
])
async def test_a_page_that_is_no_article_gets_one_reason(site: Site, path: str,
                                                         reason: str) -> None:
    with pytest.raises(LinkRefused, match=re.escape(reason)) as refused:
        await fetch_article(site.url(path), LOCAL)
    assert "\n" not in str(refused.value)


@pytest.mark.parametrize("url", ["ftp://example.org/a", "file:///etc/passwd",
                                 "javascript:alert(1)", "http://"])
async def test_only_http_and_https_are_accepted(url: str) -> None:
    with pytest.raises(LinkRefused):
        await fetch(url, LOCAL)


async def test_a_private_address_is_refused_by_default(site: Site) -> None:
    with pytest.raises(LinkRefused, match="private or local address"):
        await fetch(site.url("/reuters"), FetchOptions(timeout=2.0))
    assert site.hits.get("/never", 0) == 0


async def test_a_redirect_to_a_private_address_is_refused(
        site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    # "localhost" stands for a public site here; 127.0.0.1, where it redirects, is private
    real = fetching.refusal
    monkeypatch.setattr(fetching, "refusal", lambda host, address: (
        None if host == "localhost" else real(host, address)))
    port = site.base.rsplit(":", 1)[1]
    before = site.hits.get("/reuters", 0)
    start = f"http://localhost:{port}/redirect-private?to={site.url('/reuters')}"
    with pytest.raises(LinkRefused, match=r"127\.0\.0\.1 is a private or local address"):
        await fetch(start, FetchOptions(timeout=2.0))
    assert site.hits["/redirect-private"] >= 1  # the public page was asked ...
    assert site.hits.get("/reuters", 0) == before  # ... the private one never


class StandInDNS:
    """The system's name lookup for `host` (socket.getaddrinfo, which aiohttp's resolver
    asks), answering from a list, one answer per lookup: a rebinding DNS server."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, host: str, answers: list[str]) -> None:
        self.host, self.answers, self.lookups = host, answers, 0
        real = socket.getaddrinfo

        def getaddrinfo(name: object, port: object, *args: object, **kwargs: object) -> object:
            if name != self.host:
                return real(name, port, *args, **kwargs)  # type: ignore[arg-type]
            address = self.answers[min(self.lookups, len(self.answers) - 1)]
            self.lookups += 1
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, int(str(port or 0))))]

        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


async def test_a_name_that_resolves_to_a_private_address_is_refused(
        site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    dns = StandInDNS(monkeypatch, "news.example", ["127.0.0.1"])
    port = site.base.rsplit(":", 1)[1]
    before = site.hits.get("/reuters", 0)
    with pytest.raises(LinkRefused, match=r"news\.example is a private or local address "
                                          r"\(127\.0\.0\.1\)"):
        await fetch(f"http://news.example:{port}/reuters", FetchOptions(timeout=2.0))
    assert dns.lookups == 1 and site.hits.get("/reuters", 0) == before
    # with ALLOW_PRIVATE_URLS the same name is fetched
    page = await fetch(f"http://news.example:{port}/reuters", LOCAL)
    assert page.status == 200 and site.hits["/reuters"] == before + 1


async def test_dns_rebinding_cannot_reach_a_private_address(
        site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    # public when checked, private when connected: a check apart from the connection's own
    # lookup would pass and then connect to 127.0.0.1; the check in that lookup cannot
    dns = StandInDNS(monkeypatch, "rebind.example", ["93.184.216.34", "127.0.0.1"])
    port = site.base.rsplit(":", 1)[1]
    before = site.hits.get("/reuters", 0)
    with pytest.raises(LinkRefused):  # (the public address is unreachable from the tests)
        await fetch(f"http://rebind.example:{port}/reuters", FetchOptions(timeout=1.0))
    assert dns.lookups == 1  # one lookup, the one the connection used
    assert site.hits.get("/reuters", 0) == before


@pytest.mark.parametrize("host", ["127.0.0.1", "[::1]", "[::ffff:127.0.0.1]", "10.1.2.3",
                                  "169.254.169.254", "0.0.0.0"])
async def test_a_private_address_written_out_is_refused(host: str) -> None:
    with pytest.raises(LinkRefused, match="private or local address"):
        await fetch(f"http://{host}/latest/meta-data", FetchOptions(timeout=1.0))


async def test_a_conditional_get_is_answered_304(site: Site) -> None:
    first = await fetch(site.url("/feed.rss"), LOCAL)
    assert first.status == 200 and first.etag == '"v1"'
    again = await fetch(site.url("/feed.rss"), LOCAL, etag=first.etag)
    assert again.not_modified and again.body == b""
