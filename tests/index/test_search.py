"""Hybrid search: keywords speak only as far as the question's words are in the corpus; and
the seed questions that must, or must not, find something."""

from __future__ import annotations

import numpy as np
import pytest

from index.building import BuildOptions, build_from_articles
from index.embedders import Vectors, normalize_rows
from index.keywords import KeywordIndex, tokenize
from index.search import SearchParams, search
from index.service import NewsIndex
from index.store import CorpusIndex
from index.types import Article
from tests.index.seeded import DIM, SeededEmbedder

MEETING = "004_b0d3fac15905dcbe.txt"

TEXTS = {
    "a.txt": "Министры встретились в Куала-Лумпуре. Встреча длилась пятьдесят минут.",
    "b.txt": "Цена топлива в Беларуси растет. Бензин подорожал на два процента.",
    "c.txt": "Погода в Минске будет теплой. Завтра ожидается дождь.",
}


@pytest.fixture(scope="module")
def small_index() -> CorpusIndex:
    """Three tiny articles with seeded random vectors: only the mechanics are real."""
    articles = [Article(name, "", text) for name, text in TEXTS.items()]
    index, _ = build_from_articles(articles, {}, SeededEmbedder(), None,
                                   BuildOptions(bridge_vocabulary=0))
    return index


def _query(seed: int) -> Vectors:
    return normalize_rows(np.random.default_rng(seed).standard_normal(DIM)).reshape(-1)


def test_without_corpus_words_the_ranking_is_dense(small_index: CorpusIndex) -> None:
    q = _query(1)
    hits = search(small_index, q, tokenize("How warm will it be tomorrow?"))
    assert [h.score for h in hits] == pytest.approx([h.dense for h in hits])
    assert [h.chunk_id for h in hits] == list(np.argsort(-(small_index.vectors @ q)))


def test_covered_keywords_add_their_share(small_index: CorpusIndex) -> None:
    params = SearchParams(keyword_weight=0.5)
    hits = search(small_index, _query(2), tokenize("Цена топлива"), params)
    for h in hits:
        assert h.score == pytest.approx(h.dense + 0.5 * h.keyword)
    # with no dense signal at all, the keyword match decides
    blind = search(small_index, np.zeros(DIM, dtype=np.float32), tokenize("Цена топлива"), params)
    assert blind[0].chunk.source == "b.txt"
    assert max(h.keyword for h in hits) == pytest.approx(1.0)  # a chunk holds both words


def test_partly_covered_questions_get_a_partial_keyword_vote(small_index: CorpusIndex) -> None:
    tokens = tokenize("топлива bitcoin")  # the corpus has one of the two words
    hits = search(small_index, _query(3), tokens, SearchParams(keyword_weight=0.5))
    for h in hits:
        assert h.keyword in (0.0, 0.5)
        assert h.score == pytest.approx(h.dense + 0.5 * h.keyword)
    assert any(h.keyword == 0.5 for h in hits)


def test_the_keyword_share_does_not_move_when_other_chunks_are_added(
    small_index: CorpusIndex,
) -> None:
    tokens = tokenize("топлива")
    ids = np.arange(small_index.size, dtype=np.int64)
    share = small_index.keywords.matched_share(tokens, ids)
    bigger = KeywordIndex.build([tokenize(c.text) for c in small_index.chunks]
                                + [tokenize("топливо подорожало снова")] * 5)
    assert np.array_equal(bigger.matched_share(tokens, ids), share)


def test_candidates_are_capped_by_the_index(small_index: CorpusIndex) -> None:
    hits = search(small_index, _query(4), [], SearchParams(candidates=1000))
    assert sorted(h.chunk_id for h in hits) == list(range(small_index.size))


# -- the real model on the seed articles ----------------------------------------------------

@pytest.mark.parametrize("question", [
    "What is the price of bitcoin?",
    "Погода в Минске завтра",
    "Why is fuel getting more expensive in Belarus?",
    "Кто такой Тихановский?",
])
def test_off_topic_questions_find_nothing(seed_news: NewsIndex, question: str) -> None:
    assert not seed_news.answer(question).found


@pytest.mark.parametrize(("question", "first"), [
    ("How long did the meeting in Kuala Lumpur last?", MEETING),
    ("Когда Рубио и Лавров встретились лично?", MEETING),
    ("When did Rubio and Lavrov meet in person?", MEETING),
    ("What did Trump say after his call with Putin?", None),
])
def test_on_topic_questions_are_answered(seed_news: NewsIndex, question: str,
                                         first: str | None) -> None:
    answer = seed_news.answer(question)
    assert answer.found
    if first is not None:
        assert first in answer.items[0].sources
