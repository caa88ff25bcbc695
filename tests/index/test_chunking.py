"""Sentence-aware chunks with exact spans, on the cleaned seed articles."""

from __future__ import annotations

import itertools

import pytest

from index.chunking import chunk_article, split_sentences
from index.cleaning import clean_article
from index.types import Article
from tests.conftest import SEEDS


def _articles() -> list[Article]:
    out = []
    for path in sorted(SEEDS.glob("*.txt")):
        clean = clean_article(path.read_text(encoding="utf-8"))
        out.append(Article(path.name, clean.title, clean.text, clean.url))
    return out


@pytest.mark.parametrize("article", _articles(), ids=lambda a: a.source)
def test_spans_point_at_the_chunk_text_and_sentences_are_whole(article: Article) -> None:
    chunks = chunk_article(article, max_chars=550, max_sentences=4, overlap=1)
    assert chunks
    sentence_starts = {s for s, _ in split_sentences(article.text)}
    for chunk in chunks:
        assert chunk.source == article.source
        assert article.text[chunk.start : chunk.end] == chunk.text
        assert chunk.start in sentence_starts  # never starts mid-sentence
        assert len(chunk.sentences) <= 4
        for s, e in chunk.sentences:
            assert 0 <= s < e <= len(chunk.text)
    # together the chunks cover every sentence of the article
    covered = set()
    for chunk in chunks:
        covered.update(chunk.start + s for s, _ in chunk.sentences)
    assert covered == sentence_starts


def test_consecutive_chunks_overlap_by_one_sentence() -> None:
    text = " ".join(f"Это предложение номер {i} о встрече министров." for i in range(12))
    chunks = chunk_article(Article("a.txt", "", text), max_chars=200, max_sentences=3, overlap=1)
    assert len(chunks) > 3
    for first, second in itertools.pairwise(chunks):
        last_sentence = first.text[first.sentences[-1][0] : first.sentences[-1][1]]
        assert second.text.startswith(last_sentence)


def test_a_sentence_longer_than_the_limit_is_a_chunk_of_its_own() -> None:
    long = "Слово " * 200 + "конец."
    chunks = chunk_article(Article("a.txt", "", f"Короткое. {long} Ещё одно."), max_chars=100)
    assert any(c.text.startswith("Слово") and len(c.text) > 100 for c in chunks)


def test_initials_do_not_split_sentences() -> None:
    spans = split_sentences("С.В. Лавров и М. Рубио подтвердили готовность. Второе предложение.")
    assert len(spans) == 2


def test_empty_text_has_no_chunks() -> None:
    assert chunk_article(Article("a.txt", "", "")) == []
