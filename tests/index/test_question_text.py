"""Questions are read as articles are: invisible characters copied from web pages (soft
hyphens, zero-width spaces, direction marks) do not change what a question finds."""

from __future__ import annotations

import io
import json

import pytest

from bot.cli import _ask
from index.formatting import answer_to_dict
from index.question_text import normalize_question
from index.service import NewsIndex

PLAIN = "Когда Лавров встретился с Рубио?"
HIDDEN = "Когда Лав\u00adров встретился с Ру\u200bбио?\u200e"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Лав\u00adров", "Лавров"),
        ("Ру\u200bбио\u200c и\u2060 Лавров\ufeff", "Рубио и Лавров"),
        ("\u202eЛавров\u202c", "Лавров"),
        ("  when did\n\n they\tmeet?\r\n", "when did they meet?"),
        ("е\u0308ж", "ёж"),  # NFC: a letter and its combining mark become one letter
        ("\u00ad\u200b", ""),
        ("plain question", "plain question"),
    ],
)
def test_invisible_characters_and_spacing_go(text: str, expected: str) -> None:
    assert normalize_question(text) == expected


def test_a_lone_surrogate_survives_normalizing() -> None:
    assert normalize_question("Лавров \ud800?") == "Лавров \ud800?"


def test_the_cli_answers_a_hidden_character_question_as_the_plain_one(
    seed_news: NewsIndex
) -> None:
    def asked(question: str) -> dict[str, object]:
        out = io.StringIO()
        assert _ask(seed_news, [question], as_json=True, out=out) == 0
        answer: dict[str, object] = json.loads(out.getvalue())
        return answer

    plain, hidden = asked(PLAIN), asked(HIDDEN)
    assert plain["found"] is True
    assert hidden == plain


def test_the_index_finds_nothing_for_the_raw_question_but_the_same_once_normalized(
    seed_news: NewsIndex
) -> None:
    # why the bot and the CLI normalize: the index itself matches words as they come
    plain = answer_to_dict(seed_news.answer(PLAIN))
    assert plain["found"] is True
    assert answer_to_dict(seed_news.answer(normalize_question(HIDDEN))) == plain
