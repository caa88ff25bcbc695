"""The timeline of the seed corpus: dated events in order, each with its sources."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.render.timeline import timeline_html, timeline_plain
from bot.settings import Settings
from index.service import NewsIndex
from index.timeline import TimelineEvent
from tests.bot.html_check import check_telegram_html
from tests.conftest import SEEDS

MEETING = "004_b0d3fac15905dcbe.txt"


CALL_SOURCES = {"000_776e3a7b1538294f.txt", "001_937c67591dbea8fc.txt",
                "002_80243a7568773db2.txt"}


def _day(iso: str) -> str:
    """Month and day of an ISO date, with or without its year ('--02-15' when the article that
    reports it gives none)."""
    return iso[-5:]


def test_seed_timeline_in_order(seed_news: NewsIndex) -> None:
    events = seed_news.timeline()
    assert [e.date for e in events] == sorted(e.date for e in events)
    assert sorted({_day(e.date) for e in events}) == ["02-12", "02-15", "07-10"]
    # one event, one date: every report of each call has the year another report gives it
    [trump_putin] = [e for e in events if _day(e.date) == "02-12"]
    assert trump_putin.date == "2025-02-12"
    assert {"трамп", "путин"} <= set(trump_putin.people) and trump_putin.kind == "call"
    assert set(trump_putin.sources) == {"001_937c67591dbea8fc.txt", "002_80243a7568773db2.txt",
                                        "003_1e776d1f199686d9.txt"}
    [call] = [e for e in events if _day(e.date) == "02-15"]
    assert call.date == "2025-02-15"
    assert {"рубио", "лавров"} <= set(call.people) and call.kind == "call"
    assert set(call.sources) == CALL_SOURCES
    [meeting] = [e for e in events if e.date == "2025-07-10"]
    assert meeting.sources == (MEETING,) and meeting.kind == "meeting"
    assert "Куала-Лумпур" in meeting.description
    assert all("\n" not in e.description for e in events)  # whole sentences, on one line


@pytest.mark.parametrize(
    ("topic", "days"),
    [
        ("Trump", ["02-12"]),
        ("Путин", ["02-12"]),
        ("Rubio Lavrov", ["02-15", "07-10"]),
        ("Kuala Lumpur", ["07-10"]),
        ("встреча", ["07-10"]),
    ],
)
def test_topic_filters_events(seed_news: NewsIndex, topic: str, days: list[str]) -> None:
    assert sorted({_day(e.date) for e in seed_news.timeline(topic)}) == days


EVENTS = [
    TimelineEvent("--02-12", "Путин и Трамп провели телефонный разговор.", ("b.txt", "c.txt")),
    TimelineEvent("2025-02-15", "Рубио и Лавров <поговорили> по телефону.", ("a.txt",)),
    TimelineEvent("2025-07-10", "Рубио и Лавров встретились в Куала-Лумпуре.", (MEETING,)),
]


def test_renderers() -> None:
    plain = timeline_plain(EVENTS, "en")
    assert plain.startswith("Timeline: 3 dated events\n\n12 February — Путин")
    assert plain.index("12 February") < plain.index("15 February 2025") \
        < plain.index("10 July 2025")
    assert "Sources: b.txt, c.txt" in plain and f"Source: {MEETING}" in plain
    html = timeline_html(EVENTS, "ru", topic="Рубио <b>")
    check_telegram_html(html)
    assert html.startswith("Хронология по теме «Рубио &lt;b&gt;»: 3 события")
    assert "<b>10 июля 2025\u00a0г.</b> — Рубио" in html and "<b>12 февраля</b> — " in html
    assert "&lt;поговорили&gt;" in html
    assert f"Источник: <code>{MEETING}</code>" in html
    assert "Источники: <code>b.txt</code>, <code>c.txt</code>" in html
    assert timeline_plain([], "ru", "биткоин").startswith("В статьях не нашлось")
    assert timeline_plain(EVENTS[:1], "ru").startswith("Хронология: 1 событие")


def test_html_fits_a_telegram_message() -> None:
    many = [TimelineEvent(f"2025-01-{d:02d}", "x " * 200, (f"{d}.txt",)) for d in range(1, 29)]
    html = timeline_html(many, "en", limit=1000)
    assert len(html) <= 1000 and "more events." in html
    assert "x " * 120 not in html  # a long description is shortened to a line


def test_cli_timeline(index_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settings = Settings(seeds_dir=SEEDS, index_dir=index_copy, log_level="WARNING")
    assert main(["timeline"], settings=settings) == 0
    out = capsys.readouterr().out
    assert out.startswith("Timeline: ")
    assert (out.index("12 February 2025") < out.index("15 February 2025")
            < out.index("10 July 2025"))
    assert main(["timeline", "Куала-Лумпур"], settings=settings) == 0
    out = capsys.readouterr().out
    assert out.startswith("Хронология по теме «Куала-Лумпур»: 1 событие")
    assert "10 июля 2025" in out and "12 февраля" not in out
