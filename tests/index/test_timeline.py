"""The timeline of the seed corpus: dated events in order, each with its sources."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.settings import Settings
from index.service import NewsIndex
from index.timeline import TimelineEvent, render_timeline_html, render_timeline_plain
from tests.conftest import SEEDS

MEETING = "004_b0d3fac15905dcbe.txt"


def test_seed_timeline_in_order(seed_news: NewsIndex) -> None:
    events = seed_news.timeline()
    assert [e.date for e in events] == ["2025-02-12", "2025-02-15", "2025-07-10"]
    trump_putin, call, meeting = events
    assert {"трамп", "путин"} <= set(trump_putin.people) and trump_putin.kind == "call"
    assert set(trump_putin.sources) == {"001_937c67591dbea8fc.txt", "002_80243a7568773db2.txt",
                                        "003_1e776d1f199686d9.txt"}
    assert {"рубио", "лавров"} <= set(call.people) and call.kind == "call"
    assert set(call.sources) == {"000_776e3a7b1538294f.txt", "001_937c67591dbea8fc.txt",
                                 "002_80243a7568773db2.txt", "003_1e776d1f199686d9.txt"}
    assert meeting.sources == (MEETING,) and meeting.kind == "meeting"
    assert "Куала-Лумпур" in meeting.description
    assert all(len(e.description) <= 220 for e in events)


@pytest.mark.parametrize(
    ("topic", "dates"),
    [
        ("Trump", ["2025-02-12"]),
        ("Путин", ["2025-02-12"]),
        ("Rubio Lavrov", ["2025-02-15", "2025-07-10"]),
        ("Kuala Lumpur", ["2025-07-10"]),
        ("встреча", ["2025-07-10"]),
    ],
)
def test_topic_filters_events(seed_news: NewsIndex, topic: str, dates: list[str]) -> None:
    assert [e.date for e in seed_news.timeline(topic)] == dates


def test_renderers(seed_news: NewsIndex) -> None:
    events = seed_news.timeline()
    plain = render_timeline_plain(events, "en")
    assert plain.index("12 February 2025") < plain.index("15 February 2025") \
        < plain.index("10 July 2025")
    assert MEETING in plain
    html = render_timeline_html(events, "ru", topic="Рубио <b>")
    assert "<b>10 июля 2025</b>" in html and "Рубио &lt;b&gt;" in html
    assert f"<code>{MEETING}</code>" in html
    assert render_timeline_plain([], "ru", "биткоин").startswith("В статьях не нашлось")


def test_html_fits_a_telegram_message() -> None:
    many = [TimelineEvent(f"2025-01-{d:02d}", "x" * 200, (f"{d}.txt",)) for d in range(1, 29)]
    html = render_timeline_html(many, "en", limit=1000)
    assert len(html) <= 1000 and "more event(s)" in html


def test_cli_timeline(index_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settings = Settings(seeds_dir=SEEDS, index_dir=index_copy, log_level="WARNING")
    assert main(["timeline"], settings=settings) == 0
    out = capsys.readouterr().out
    assert out.index("12 February 2025") < out.index("15 February 2025") \
        < out.index("10 July 2025")
    assert main(["timeline", "Куала-Лумпур"], settings=settings) == 0
    out = capsys.readouterr().out
    assert "10 июля 2025" in out and "12 февраля" not in out
