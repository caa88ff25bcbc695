"""Follow-up questions read with the previous question's context."""

from __future__ import annotations

import pytest

from bot.render.record import answer_to_dict
from index.followups import FollowUp, contextualize, follow, is_followup
from index.service import NewsIndex

MEETING = "004_b0d3fac15905dcbe.txt"
MET_EN = "When did Rubio and Lavrov meet in person?"
MET_RU = "Когда Рубио и Лавров встретились лично?"


@pytest.mark.parametrize(
    ("previous", "question", "expected"),
    [
        (MET_EN, "and where?", "Where did Rubio and Lavrov meet in person?"),
        (MET_EN, "Where?", "Where did Rubio and Lavrov meet in person?"),
        (MET_RU, "а где?", "Где Рубио и Лавров встретились лично?"),
        (MET_RU, "and where?", "Где Рубио и Лавров встретились лично?"),
        (MET_RU, "а что сказал Рубио?", "что сказал Рубио? (Рубио и Лавров встретились лично)"),
        (MET_EN, "what did they discuss?",
         "what did they discuss? (Rubio and Lavrov meet in person)"),
        (MET_RU, "о чем говорили?", "о чем говорили? (Рубио и Лавров встретились лично)"),
    ],
)
def test_followups_take_the_previous_context(previous: str, question: str,
                                             expected: str) -> None:
    assert contextualize(question, previous) == expected


@pytest.mark.parametrize(
    "question",
    ["What did Trump say about Ukraine?", "Когда Трамп говорил с Путиным?",
     "Что обсуждали стороны на встрече в Малайзии?"],
)
def test_questions_that_stand_alone_are_unchanged(question: str) -> None:
    assert not is_followup(question)
    assert contextualize(question, MET_RU) == question


def test_without_a_previous_question() -> None:
    assert contextualize("  and where? ", None) == "and where?"
    assert contextualize("а где?", "") == "а где?"


def test_followup_never_turns_into_a_when_question() -> None:
    # the previous question's "when" must not make the follow-up ask for a date
    assert "Когда" not in contextualize("а что сказал Рубио?", MET_RU)


def test_followup_answers_where_they_met(seed_news: NewsIndex) -> None:
    first = seed_news.answer(MET_EN)
    assert first.items[0].source == MEETING
    answer = seed_news.answer(contextualize("and where?", MET_EN))
    assert answer.items[0].source == MEETING
    assert "Куала-Лумпур" in str(answer_to_dict(answer)["text"])


def test_followup_about_what_rubio_said(seed_news: NewsIndex) -> None:
    answer = seed_news.answer(contextualize("а что сказал Рубио?", MET_RU))
    assert answer.items[0].source == MEETING
    assert "сказал Рубио" in answer.items[0].excerpt
    assert answer.event_date is None


FOLLOW_UPS = ("а что сказал Рубио?", "а где?", "о чем говорили?")


def test_a_chain_of_follow_ups_is_read_with_the_original_question_only() -> None:
    original: str | None = None
    searched = []
    for question in (MET_RU, *FOLLOW_UPS * 33):  # the 99th follow-up, as in the issue
        step = follow(question, original)
        searched.append(step.searched)
        original = step.original
    assert original == MET_RU
    assert searched[1:4] == ["что сказал Рубио? (Рубио и Лавров встретились лично)",
                             "Где Рубио и Лавров встретились лично?",
                             "о чем говорили? (Рубио и Лавров встретились лично)"]
    assert searched[1:] == searched[1:4] * 33  # no nesting: the 99th reads like the 3rd
    assert max(map(len, searched)) < len(MET_RU) + max(map(len, FOLLOW_UPS))


def test_a_question_of_its_own_starts_a_new_conversation() -> None:
    step = follow("Когда Трамп говорил с Путиным?", MET_RU)
    assert step == FollowUp("Когда Трамп говорил с Путиным?", "Когда Трамп говорил с Путиным?")
    assert follow("а где?", step.original).searched == "Где Трамп говорил с Путиным?"
    # with nothing before it, a follow-up is read as it is and remembered as it is
    assert follow(" а где? ", None) == FollowUp("а где?", "а где?")
