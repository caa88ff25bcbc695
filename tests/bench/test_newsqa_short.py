"""The News QA short-answer score: right holds the gold answer, wrong does not, none is none."""

from __future__ import annotations

from bench.newsqa import Result, short_outcome, short_rows
from index.types import Answer, AnswerItem, ShortAnswer

ITEM = AnswerItem("a.txt", "Встреча прошла в Куала-Лумпуре 10 июля.", 1.0, 0)


def answer(short: ShortAnswer | None) -> Answer:
    return Answer("где?", "ru", (ITEM,), asks="where", short=short)


def test_right_wrong_and_none() -> None:
    place = ShortAnswer("Куала-Лумпуре", "place", (17, 30), "Куала-Лумпур")
    assert short_outcome(place, answer(place), "Куала-Лумпур") == "right"
    assert short_outcome(place, answer(place), "Куала-Лумпуре") == "right"  # as written
    assert short_outcome(place, answer(place), "Малайзия") == "wrong"
    assert short_outcome(None, answer(None), "Куала-Лумпур") == "none"
    date = ShortAnswer("10 июля", "date", (31, 38), "2025-07-10")
    assert short_outcome(date, answer(date), "10 июля") == "right"


def test_rows_count_typed_answerable_questions_only() -> None:
    def result(asks: str | None, outcome: str | None) -> Result:
        return Result(id="s1", q="?", lang="ru", style="direct", kind="answerable", split="dev",
                      corpus="seeds", gold_sources=[], gold_answer="", gold_date=None,
                      seconds=0.0, found=True, asks=asks, short_outcome=outcome,
                      short_patterns_outcome="none" if asks in ("who", "where") else None)

    rows = {r["label"]: r for r in short_rows(
        [result("where", "right"), result("where", "none"), result("when", "wrong"),
         result("why", None)])}
    assert rows["all typed"]["n"] == 3
    assert rows["where"]["right"] == 0.5 and rows["when"]["wrong"] == 1.0
    assert rows["who + where, patterns only"]["none"] == 1.0
