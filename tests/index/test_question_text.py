"""Questions are read as articles are: invisible characters copied from web pages (soft
hyphens, zero-width spaces, direction marks) do not change what a question finds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.settings import Settings
from index.question_text import normalize_question
from index.service import NewsIndex
from tests.conftest import SEEDS

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
    index_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = Settings(_env_file=None, seeds_dir=SEEDS, index_dir=index_copy)
    assert main(["ask", "--json", PLAIN], settings) == 0
    assert main(["ask", "--json", HIDDEN], settings) == 0
    plain, hidden = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert plain["found"] is True
    assert hidden == plain


def test_the_index_finds_nothing_for_the_raw_question_but_the_same_once_normalized(
    seed_news: NewsIndex
) -> None:
    # why the bot and the CLI normalize: the index itself matches words as they come
    plain = seed_news.answer(PLAIN)
    assert plain.found
    assert not seed_news.answer(HIDDEN).found
    assert seed_news.answer(normalize_question(HIDDEN)) == plain
