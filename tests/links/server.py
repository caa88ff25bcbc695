"""A local web server for the link and feed tests (127.0.0.1, in its own thread so that both
async handler tests and the synchronous CLI can reach it): real news pages, a cp1251 page,
an RSS feed with ETag support, and the faults a fetcher must survive."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import web

PAGES = Path(__file__).parent / "pages"
FEEDS = Path(__file__).parent.parent / "feeds" / "resources"
REUTERS = (PAGES / "reuters.com.parasite.html").read_bytes()
DW = (PAGES / "dw.com.uncork.html").read_bytes()

RUSSIAN = """<!DOCTYPE html>
<html lang="ru"><head>
<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">
<title>В Казани открыли новый мост через Волгу — Казанский вестник</title>
<meta property="og:title" content="В Казани открыли новый мост через Волгу">
<meta property="og:site_name" content="Казанский вестник">
<meta property="article:published_time" content="2025-05-06T09:30:00+03:00">
<meta name="author" content="Ирина Соколова">
</head><body>
<header><nav><a href="/">Главная</a> | <a href="/news">Новости</a></nav></header>
<article>
<h1>В Казани открыли новый мост через Волгу</h1>
<p class="lead">Новый автомобильный мост через Волгу открыли в Казани 5 мая. Его длина составляет
три километра, движение по нему будет круглосуточным, сообщили в мэрии города.</p>
<p>Строительство моста заняло четыре года и обошлось в 21 миллиард рублей. По словам мэра,
мост разгрузит центр города и сократит дорогу до аэропорта на двадцать минут.</p>
<p>Первыми по мосту проехали автобусы городских маршрутов. В ближайшие недели на нём
откроют велосипедную дорожку и пешеходные тротуары с обеих сторон.</p>
</article>
<aside><h3>Читайте также</h3><ul><li><a href="/n/2">В Казани выпал первый снег</a></li></ul></aside>
<footer>© 2025 Казанский вестник</footer>
</body></html>
""".encode("cp1251")

LOGIN_WALL = b"""<html><head><title>Sign in</title></head><body><form action="/login">
<input name="user"><input type="password" name="pass"><button>Sign in</button></form>
</body></html>"""


@dataclass
class Site:
    base: str
    hits: dict[str, int] = field(default_factory=dict)
    feed_items: list[str] = field(default_factory=lambda: ["/reuters", "/dw", "/russian"])

    def url(self, path: str) -> str:
        return self.base + path

    def rss(self, paths: list[str] | None = None) -> bytes:
        items = "".join(
            f"""
 <item>
  <title>Entry {i}</title>
  <description>Here is some text containing an interesting description.</description>
  <link>{self.base}{path}</link>
  <guid isPermaLink="true">{self.base}{path}</guid>
  <pubDate>Sun, 06 Sep 2009 16:20:00 +0000</pubDate>
 </item>""" for i, path in enumerate(self.feed_items if paths is None else paths))
        return f"""<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0">
<channel>
 <title>Local news</title>
 <description>The news the tests follow</description>
 <link>{self.base}/</link>
 <lastBuildDate>Mon, 06 Sep 2010 00:01:00 +0000 </lastBuildDate>{items}
</channel>
</rss>
""".encode()


def _app(site: Site) -> web.Application:
    def counted(path: str) -> None:
        site.hits[path] = site.hits.get(path, 0) + 1

    async def handle(request: web.Request) -> web.StreamResponse:
        path = request.path
        counted(path)
        html = "text/html"
        if path == "/reuters":
            return web.Response(body=REUTERS, content_type=html, charset="utf-8")
        if path == "/dw":
            return web.Response(body=DW, content_type=html, charset="utf-8")
        if path == "/russian":  # charset in the header
            return web.Response(body=RUSSIAN, content_type=html, charset="windows-1251")
        if path == "/russian-meta":  # charset only in the page's <meta>
            return web.Response(body=RUSSIAN, content_type=html)
        if path == "/login":
            return web.Response(body=LOGIN_WALL, content_type=html)
        if path == "/binary":
            return web.Response(body=bytes(range(256)) * 64, content_type="image/png")
        if path == "/binary-as-html":
            return web.Response(body=b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256)) * 64,
                                content_type=html)
        if path == "/big":
            return web.Response(body=b"<html><body>" + b"<p>word " * 400_000,
                                content_type=html)
        if path == "/big-chunked":  # no Content-Length: the cap must stop the reading
            response = web.StreamResponse(headers={"Content-Type": html})
            response.enable_chunked_encoding()
            await response.prepare(request)
            for _ in range(400):
                await response.write(b"<p>word word word word word</p>" * 256)
            await response.write_eof()
            return response
        if path == "/slow":
            await asyncio.sleep(5)
            return web.Response(body=REUTERS, content_type=html)
        if path == "/error":
            return web.Response(status=503, text="down")
        if path == "/redirect":
            raise web.HTTPFound(site.url("/reuters"))
        if path == "/redirect-private":
            raise web.HTTPFound(request.query["to"])
        if path == "/loop":
            raise web.HTTPFound("/loop")
        if path == "/feed.rss":
            etag = '"v1"'
            if request.headers.get("If-None-Match") == etag:
                return web.Response(status=304, headers={"ETag": etag})
            return web.Response(body=site.rss(), content_type="application/rss+xml",
                                headers={"ETag": etag,
                                         "Last-Modified": "Mon, 06 Sep 2010 00:01:00 GMT"})
        if path == "/flaky.rss":  # an entry whose site is down now, one that is gone
            etag = '"f1"'
            if request.headers.get("If-None-Match") == etag:
                return web.Response(status=304, headers={"ETag": etag})
            return web.Response(body=site.rss(["/error", "/missing", "/dw"]),
                                content_type="application/rss+xml", headers={"ETag": etag})
        if path == "/dups.rss":  # one story under two links
            return web.Response(body=site.rss(["/russian", "/russian-meta"]),
                                content_type="application/rss+xml")
        if path == "/feed1.atom":
            return web.Response(body=(FEEDS / "feed1.atom").read_bytes(),
                                content_type="application/atom+xml")
        return web.Response(status=404, text="not found")

    app = web.Application()
    app.router.add_route("GET", "/{tail:.*}", handle)
    return app


@contextmanager
def serve() -> Iterator[Site]:
    """Serve the test site on 127.0.0.1 from a thread of its own until the block ends."""
    loop = asyncio.new_event_loop()
    started = threading.Event()
    holder: dict[str, object] = {}

    async def start() -> None:
        site = Site("")
        runner = web.AppRunner(_app(site))
        await runner.setup()
        tcp = web.TCPSite(runner, "127.0.0.1", 0)
        await tcp.start()
        port = runner.addresses[0][1]
        site.base = f"http://127.0.0.1:{port}"
        holder["site"], holder["runner"] = site, runner
        started.set()

    thread = threading.Thread(target=lambda: (loop.run_until_complete(start()),
                                              loop.run_forever()), daemon=True)
    thread.start()
    started.wait(10)
    try:
        site = holder["site"]
        assert isinstance(site, Site)
        yield site
    finally:
        runner = holder["runner"]
        assert isinstance(runner, web.AppRunner)
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()
