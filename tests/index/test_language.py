"""Which language a question is in, and Russian typed in Latin letters read back as Russian."""

from __future__ import annotations

import re

import pytest

from bench.translit import SCHEMES, transliterate
from index.chunking import split_sentences
from index.cleaning import clean_article
from index.language import as_russian, detect_language, is_transliterated, to_cyrillic
from index.service import NewsIndex
from tests.conftest import SEEDS


@pytest.mark.parametrize(
    ("question", "cyrillic"),
    [
        ("o chem govorili lavrov i rubio po telefonu", "о чем говорили лавров и рубио по телефону"),
        ("Kogda Rubio i Lavrov vstretilis' lichno?", "Когда Рубио и Лавров встретились лично?"),
        ("gde ministry videlis lichno", "где министры виделись лично"),
        ("skolko dlilas vstrecha", "сколько длилась встреча"),  # chat: no soft signs
        ("Ministr inostrannykh del Sergei Lavrov", "Министр иностранных дел Сергей Лавров"),
        ("kakoj novyj zakon prinyali", "какой новый закон приняли"),  # GOST
        ("Chto skazal Rubio posle vstrechi?", "Что сказал Рубио после встречи?"),
    ],
)
def test_transliterated_russian_is_read_back(question: str, cyrillic: str) -> None:
    assert is_transliterated(question)
    assert detect_language(question) == "ru"
    assert to_cyrillic(question) == cyrillic
    assert as_russian(question) == cyrillic


@pytest.mark.parametrize(
    "question",
    [
        "When did Rubio and Lavrov meet in person?",
        "What did Rubio and Lavrov discuss on the phone?",
        "Lavrov Rubio",  # names alone say nothing of the language
        "Who is the president of the bank?",
        "Когда встретились Rubio и Lavrov?",
    ],
)
def test_english_and_cyrillic_questions_are_left_alone(question: str) -> None:
    assert not is_transliterated(question)
    assert as_russian(question) == question


def test_measured_on_the_seed_articles() -> None:
    """Every sentence of the seeds in four Latin spellings: nearly all are taken for Russian,
    and most words come back as written (the misses are foreign names and soft signs)."""
    sentences = [s for path in sorted(SEEDS.glob("*.txt"))
                 for text in [clean_article(path.read_text("utf-8")).text]
                 for start, end in split_sentences(text)
                 if len((s := text[start:end]).split()) >= 4][:120]
    for name, scheme in SCHEMES.items():
        recognised = right = total = 0
        for sentence in sentences:
            latin = transliterate(sentence, scheme)
            recognised += is_transliterated(latin)
            back = re.findall(r"[а-яё]+", to_cyrillic(latin).lower().replace("ё", "е"))
            words = re.findall(r"[а-яё]+", sentence.lower().replace("ё", "е"))
            total += len(words)
            right += sum(a == b for a, b in zip(back, words, strict=False))
        assert recognised / len(sentences) >= 0.95, name
        assert right / total >= 0.8, (name, right / total)


def test_a_transliterated_question_is_answered_in_russian(seed_news: NewsIndex) -> None:
    question = "o chem govorili lavrov i rubio po telefonu"
    answer = seed_news.answer(question)
    assert answer.lang == "ru" and answer.question == question
    assert answer.found
