"""Dates found in Russian and English news text and resolved to full dates with their years."""

from __future__ import annotations

from datetime import date

import pytest

from bot.render.record import answer_to_dict
from index.dates import find_dates, nearest_date, resolve_corpus
from index.events import annotate_events
from index.names import NameTable
from index.service import NewsIndex
from index.types import Article, Chunk

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


def _annotated(texts: dict[str, str]) -> dict[str, tuple[str | None, tuple[str, ...],
                                                      tuple[str, ...]]]:
    """Each article's event date, its chunk's dates and those of them lent by another report."""
    articles = [Article(s, t.split("\n")[0], t) for s, t in texts.items()]
    chunks = [Chunk(a.source, 0, len(a.text), a.text) for a in articles]
    names = NameTable.build(texts.values())
    dated, dated_chunks = annotate_events(articles, {}, chunks, names)
    return {a.source: (a.event_date, c.dates, c.lent)
            for a, c in zip(dated, dated_chunks, strict=True)}


def test_one_event_one_date() -> None:
    texts = {
        "a.txt": "Путин и Трамп провели телефонный разговор\n"
                 "Телефонный разговор Путина и Трампа состоялся 12 февраля 2025 года.",
        "b.txt": "Трамп позвонил Путину\n12 февраля Трамп провел телефонный разговор с Путиным.",
        # the same day, but a meeting of other people: no year lent
        "c.txt": "Лавров встретился с Ван И\n12 февраля Лавров и Ван И встретились в Пекине.",
        # the same people and day, but a visit
        "d.txt": "Визит\n12 февраля Путин прибыл с визитом к Трампу.",
    }
    out = _annotated(texts)
    assert out["a.txt"] == ("2025-02-12", ("2025-02-12",), ())
    assert out["b.txt"] == ("2025-02-12", ("2025-02-12",), ("2025-02-12",))
    assert out["c.txt"] == ("--02-12", ("--02-12",), ())
    assert out["d.txt"] == ("--02-12", ("--02-12",), ())
    # reports that give the event different years lend none
    texts["e.txt"] = ("Путин и Трамп созвонились\n"
                      "Телефонный разговор Путина и Трампа прошел 12 февраля 2019 года.")
    assert _annotated(texts)["b.txt"] == ("--02-12", ("--02-12",), ())


def test_a_lent_year_dates_the_rest_of_the_article() -> None:
    texts = {
        "a.txt": "Лавров и Рубио созвонились\n"
                 "Телефонный разговор Лаврова и Рубио состоялся 15 февраля 2025 года.",
        # its call of 15 February takes 2025, and so its background call of 12 February
        "b.txt": "Лавров и Рубио поговорили по телефону\n15 февраля Лавров и Рубио провели "
                 "телефонный разговор. Ранее, 12 февраля, Путин и Трамп провели телефонный "
                 "разговор.",
        # which dates this article's report of that call
        "c.txt": "Путин и Трамп\n12 февраля Путин и Трамп провели телефонный разговор.",
    }
    out = _annotated(texts)
    assert out["b.txt"] == ("2025-02-15", ("2025-02-15", "2025-02-12"),
                            ("2025-02-15", "2025-02-12"))
    assert out["c.txt"] == ("2025-02-12", ("2025-02-12",), ("2025-02-12",))


def test_seed_chunks_carry_full_dates(seed_news: NewsIndex) -> None:
    index = seed_news.current
    by_source: dict[str, set[str]] = {}
    for chunk in index.chunks:
        by_source.setdefault(chunk.source, set()).update(chunk.dates)
    assert by_source["000_776e3a7b1538294f.txt"] == {"2025-02-15"}  # year from teaser lines
    # no year anywhere in these articles: their reports of the Rubio–Lavrov call of 15 February
    # take 000's year (one event, one date), and so do their other dates, the Trump–Putin call
    # of 12 February among them, which then dates 003's report of that call
    assert by_source["001_937c67591dbea8fc.txt"] == {"2025-02-15", "2025-02-12"}
    assert by_source["002_80243a7568773db2.txt"] == {"2025-02-15", "2025-02-12"}
    assert by_source["003_1e776d1f199686d9.txt"] == {"2025-02-12"}
    assert by_source[MEETING] == {"2025-07-10"}  # year from the photo caption


def test_seed_articles_event_dates(seed_news: NewsIndex) -> None:
    events = {a.source: a.event_date for a in seed_news.articles()}
    assert events == {
        "000_776e3a7b1538294f.txt": "2025-02-15",
        # no year in the article: the year of another report of the same call
        "001_937c67591dbea8fc.txt": "2025-02-15",
        "002_80243a7568773db2.txt": "2025-02-15",
        # its caption gone, its lead tells the Trump–Putin call of 12 February, which 001 and
        # 002 date to 2025
        "003_1e776d1f199686d9.txt": "2025-02-12",
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
    assert answer.date_basis == "article"  # «10 июля» dated by the article's photo caption
    text = str(answer_to_dict(answer)["text"])
    assert text.startswith(f"<b>{shown}")  # the short answer, in bold
    assert "Куала-Лумпур" in text and MEETING in text


@pytest.mark.parametrize(
    ("question", "iso", "shown"),
    [
        ("When did Rubio and Lavrov talk on the phone?", "2025-02-15", "15 February 2025"),
        ("Когда Лавров и Рубио говорили по телефону?", "2025-02-15", "15 февраля 2025"),
        # no report of this call writes its year, but 001 and 002, dated by 000's report of
        # the call of 15 February, date it to 2025 (before one event had one date, «12 February»)
        ("When did Trump and Putin talk?", "2025-02-12", "12 February 2025"),
        ("Когда Трамп разговаривал с Путиным?", "2025-02-12", "12 февраля 2025"),
    ],
)
def test_when_answer_for_the_calls(seed_news: NewsIndex, question: str, iso: str,
                                   shown: str) -> None:
    answer = seed_news.answer(question)
    assert answer.event_date == iso
    record = answer_to_dict(answer)
    assert str(record["text"]).startswith(f"<b>{shown}")
    # 000 dates the Rubio–Lavrov call itself; the Trump–Putin call's year is its siblings'
    assert record["date_basis"] == ("event" if iso == "2025-02-12" else "article")
    assert MEETING not in answer.items[0].sources


def test_other_questions_have_no_event_date(seed_news: NewsIndex) -> None:
    answer = seed_news.answer("What did Rubio say after the meeting with Lavrov?")
    assert answer.found and answer.event_date is None
