"""Adding articles from links and saved pages into a corpus with its index: the story and its
sidecar under a stable name, the page's metadata winning over the text's, the same link again
replacing rather than duplicating, removal, and the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.settings import Settings
from index.errors import BadSeedFile
from index.links.adding import fetch_article
from index.links.fetching import FetchOptions
from index.links.storing import add_extracted, article_name, remove_article
from index.service import NewsIndex
from tests.links.server import RUSSIAN, Site

LOCAL = FetchOptions(timeout=5.0, allow_private=True)


def corpus(news: NewsIndex) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in news.seeds_dir.iterdir()}


async def test_a_link_becomes_an_answerable_article_with_its_metadata(
        site: Site, writable_news: NewsIndex) -> None:
    extracted = await fetch_article(site.url("/reuters"), LOCAL)
    stored = add_extracted(writable_news, extracted)
    assert stored.name == article_name(extracted) and stored.name.startswith("reuters.com_")
    assert stored.name.endswith(".txt") and not stored.replaced

    sidecar = json.loads((writable_news.seeds_dir / stored.name.replace(".txt", ".meta.json"))
                         .read_text(encoding="utf-8"))
    assert sidecar["url"] == "https://www.reuters.com/article/us-awards-sag-idUSKBN1ZI0EH"
    assert sidecar["outlet"] == "Reuters" and sidecar["author"] == "Jill Serjeant"
    assert {"title", "published", "fetched", "content_sha256"} <= set(sidecar)

    article = writable_news.current.articles[stored.name]
    assert article.title == extracted.title and article.outlet == "Reuters"
    assert article.url == sidecar["url"] and article.published == sidecar["published"]
    answer = writable_news.answer("Who won at the SAG awards?")
    assert answer.items and answer.items[0].source == stored.name

    again = add_extracted(writable_news, extracted)  # the same link: replaced, not doubled
    assert again.name == stored.name and again.replaced
    assert sum(1 for n in corpus(writable_news) if n.startswith("reuters.com_")) == 2


async def test_the_pages_date_dates_the_year_less_dates_in_it(
        site: Site, writable_news: NewsIndex) -> None:
    stored = add_extracted(writable_news, await fetch_article(site.url("/russian"), LOCAL))
    article = writable_news.current.articles[stored.name]
    assert article.published == "2025-05-06"
    assert article.outlet == "Казанский вестник"
    # «5 мая» has no year in the text: the page's date gives it one
    dates = {d for c in writable_news.current.chunks if c.source == stored.name for d in c.dates}
    assert "2025-05-05" in dates


def test_a_sidecar_wins_over_what_cleaning_reads_and_files_without_keep_theirs(
        writable_news: NewsIndex) -> None:
    before = {a.source: a for a in writable_news.articles()}
    seed = next(iter(before))
    (writable_news.seeds_dir / seed.replace(".txt", ".meta.json")).write_text(json.dumps(
        {"title": "A title the page gave", "outlet": "Example Times",
         "published": "2025-02-16T10:00:00Z", "url": "https://example.org/a"}))
    writable_news.reindex()
    after = {a.source: a for a in writable_news.articles()}
    assert set(after) == set(before)  # the sidecar is no article of its own
    assert after[seed].title == "A title the page gave"
    assert (after[seed].outlet, after[seed].published, after[seed].url) == (
        "Example Times", "2025-02-16", "https://example.org/a")
    for name in set(before) - {seed}:
        assert after[name] == before[name]


async def test_removing_an_article_takes_it_and_its_sidecar_out(
        site: Site, writable_news: NewsIndex) -> None:
    before = corpus(writable_news)
    stored = add_extracted(writable_news, await fetch_article(site.url("/dw"), LOCAL))
    report = remove_article(writable_news, stored.name)
    assert stored.name not in report.indexed
    assert stored.name not in writable_news.current.articles
    assert corpus(writable_news) == before
    with pytest.raises(BadSeedFile, match="no article"):
        remove_article(writable_news, "../etc/passwd")


def test_the_command_line_adds_a_link_a_saved_page_and_removes(
        site: Site, writable_news: NewsIndex, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    settings = Settings(_env_file=None, seeds_dir=writable_news.seeds_dir,
                        index_dir=writable_news.index_dir, allow_private_urls=True)
    assert main(["add", site.url("/reuters")], settings) == 0
    out = capsys.readouterr().out.strip()
    assert out.startswith("added reuters.com_") and "«'Parasite' scores historic" in out
    assert out.count("\n") == 0

    page = tmp_path / "kazan.html"
    page.write_bytes(RUSSIAN)
    assert main(["add", str(page)], settings) == 0
    added = capsys.readouterr().out
    assert "«В Казани открыли новый мост через Волгу»" in added
    name = added.split()[1].rstrip(":")

    assert main(["remove", name], settings) == 0
    assert name not in {p.name for p in writable_news.seeds_dir.iterdir()}

    assert main(["add", site.url("/missing")], settings) == 1
    assert "404" in capsys.readouterr().err
