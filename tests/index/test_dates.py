"""Dates found in Russian and English news text and resolved to full dates with their years."""

from __future__ import annotations

from datetime import date

import pytest

from bot.render.record import answer_to_dict
from index.dates import find_dates, nearest_date, resolve_corpus
from index.service import NewsIndex

MEETING = "004_b0d3fac15905dcbe.txt"


@pytest.mark.parametrize(
    ("text", "day", "month", "year", "weekday"),
    [
        ("По инициативе американской стороны 15 февраля состоялся", 15, 2, None, None),
        ("Марко Рубио и Сергей Лавров. 10 июля 2025 года, Малайзия.", 10, 7, 2025, None),
        ("В субботу, 15 февраля, министр", 15, 2, None, 5),
        ("15 февраля, в субботу, министр", 15, 2, None, 5),
        ("Trump called Putin on 12 February.", 12, 2, None, None),
        ("They met on July 10, 2025 in Kuala Lumpur.", 10, 7, 2025, None),
        ("on Saturday, February 15th the ministers spoke", 15, 2, None, 5),
        ("21.02.2025", 21, 2, 2025, None),
        ("Опубликовано 2025-07-11", 11, 7, 2025, None),
    ],
)
def test_finds_dates_in_both_languages(
    text: str, day: int, month: int, year: int | None, weekday: int | None
) -> None:
    [mention] = find_dates(text)
    assert (mention.day, mention.month, mention.year, mention.weekday) == (day, month, year,
                                                                           weekday)
    assert text[mention.start:mention.end].strip()


def test_not_dates() -> None:
    assert find_dates("около 50 минут, 16 стран, в 2016 году, 31 февраля, 12.45") == []


def test_weekday_pins_the_year_only_among_the_years_the_article_names() -> None:
    # 15 February was a Saturday in 2014, 2020, 2025 and 2031
    assert nearest_date(2, 15, date(2025, 6, 1), weekday=5, window=11) == date(2025, 2, 15)
    resolved = resolve_corpus({"a.txt": "В субботу, 15 февраля, Лавров говорил с Рубио. "
                                        "Прошлый раз они виделись в 2024 году."}, {})
    assert [m.iso for m in resolved["a.txt"].mentions] == ["2025-02-15"]
    assert resolved["a.txt"].mentions[0].basis == "weekday"
    # with no year named, Saturday 15 February could be any of them: the year stays unknown
    alone = resolve_corpus({"a.txt": "В субботу, 15 февраля, Лавров говорил с Рубио."}, {})
    assert [m.iso for m in alone["a.txt"].mentions] == ["--02-15"]


def test_year_comes_from_the_article_context_across_new_year() -> None:
    texts = {"a.txt": "28 декабря стороны договорились, 3 января встретятся."}
    resolved = resolve_corpus(texts, {"a.txt": "05.01.2025\n04.01.2025"})
    assert [m.iso for m in resolved["a.txt"].mentions] == ["2024-12-28", "2025-01-03"]
    # two teaser lines, each another day: they date the page, not this story
    assert resolved["a.txt"].published is None
    captioned = resolve_corpus(texts, {"a.txt": "Фото: 05.01.2025\nФото: 05.01.2025"})
    assert captioned["a.txt"].published == "2025-01-05"


def test_other_articles_never_lend_a_year() -> None:
    texts = {"a.txt": "Встреча прошла 10 июля 2025 года.", "b.txt": "12 февраля они созвонились.",
             "c.txt": "Ялтинская конференция открылась 4 февраля 1945 года, 11 февраля "
                      "закончилась."}
    resolved = resolve_corpus(texts, {})
    assert [m.iso for m in resolved["b.txt"].mentions] == ["--02-12"]
    assert resolved["b.txt"].mentions[0].basis == "none"
    alone = resolve_corpus({"b.txt": texts["b.txt"]}, {})
    assert alone["b.txt"] == resolved["b.txt"]
    assert [m.iso for m in resolved["c.txt"].mentions] == ["1945-02-04", "1945-02-11"]


def test_seed_chunks_carry_full_dates(seed_news: NewsIndex) -> None:
    index = seed_news.current
    by_source: dict[str, set[str]] = {}
    for chunk in index.chunks:
        by_source.setdefault(chunk.source, set()).update(chunk.dates)
    assert by_source["000_776e3a7b1538294f.txt"] == {"2025-02-15"}  # year from teaser lines
    # no year anywhere in the article: the year stays unknown rather than borrowed
    assert by_source["001_937c67591dbea8fc.txt"] == {"--02-15", "--02-12"}
    # Saturday 15 February: 2014, 2020 or 2025; the article names only 2016, which none fits
    assert by_source["002_80243a7568773db2.txt"] == {"--02-15", "--02-12"}
    assert by_source["003_1e776d1f199686d9.txt"] == {"--02-12"}
    assert by_source[MEETING] == {"2025-07-10"}  # year from the photo caption


def test_seed_articles_event_dates(seed_news: NewsIndex) -> None:
    events = {a.source: a.event_date for a in seed_news.articles()}
    assert events == {
        "000_776e3a7b1538294f.txt": "2025-02-15",
        # no year in the article: day and month only
        "001_937c67591dbea8fc.txt": "--02-15",
        "002_80243a7568773db2.txt": "--02-15",
        # its caption gone, its lead tells the Trump–Putin call of 12 February (no year given)
        "003_1e776d1f199686d9.txt": "--02-12",
        MEETING: "2025-07-10",
    }


@pytest.mark.parametrize(
    ("question", "shown"),
    [
        ("When did Rubio and Lavrov meet in person?", "10 July 2025"),
        ("Когда Рубио и Лавров встретились лично?", "10 июля 2025"),
        ("What date did Rubio and Lavrov meet?", "10 July 2025"),
    ],
)
def test_when_answer_opens_with_the_meeting_date(
    seed_news: NewsIndex, question: str, shown: str
) -> None:
    answer = seed_news.answer(question)
    assert answer.event_date == "2025-07-10"
    assert answer.items[0].source == MEETING
    text = str(answer_to_dict(answer)["text"])
    assert text.startswith(f"<b>{shown}")  # the short answer, in bold
    assert "Куала-Лумпур" in text and MEETING in text


@pytest.mark.parametrize(
    ("question", "iso", "shown"),
    [
        ("When did Rubio and Lavrov talk on the phone?", "2025-02-15", "15 February 2025"),
        ("Когда Лавров и Рубио говорили по телефону?", "2025-02-15", "15 февраля 2025"),
        # no article gives this call's year: it is shown without one
        ("When did Trump and Putin talk?", "--02-12", "12 February"),
        ("Когда Трамп разговаривал с Путиным?", "--02-12", "12 февраля"),
    ],
)
def test_when_answer_for_the_calls(seed_news: NewsIndex, question: str, iso: str,
                                   shown: str) -> None:
    answer = seed_news.answer(question)
    assert answer.event_date == iso
    assert str(answer_to_dict(answer)["text"]).startswith(f"<b>{shown}")
    assert MEETING not in answer.items[0].sources


def test_other_questions_have_no_event_date(seed_news: NewsIndex) -> None:
    answer = seed_news.answer("What did Rubio say after the meeting with Lavrov?")
    assert answer.found and answer.event_date is None
