"""BM25 top-k (MaxScore with early stopping, lookups and scatters) agrees with scoring every
chunk, on random corpora whose word frequencies range from rare to nearly everywhere."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from index.keywords import KeywordIndex


def _corpus(seed: int, size: int, vocab: int) -> list[list[str]]:
    rng = np.random.default_rng(seed)
    # Zipf-like: word 0 is in most chunks, the last ones in a handful
    p = 1.0 / np.arange(1, vocab + 1) ** 1.1
    p /= p.sum()
    return [[f"w{w}" for w in rng.choice(vocab, size=rng.integers(0, 30), p=p)]
            for _ in range(size)]


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    size=st.integers(1, 3000),
    vocab=st.integers(2, 400),
    k=st.integers(1, 80),
    query=st.lists(st.integers(0, 420), min_size=1, max_size=12),
)
def test_top_matches_full_scoring(seed: int, size: int, vocab: int, k: int,
                                  query: list[int]) -> None:
    index = KeywordIndex.build(_corpus(seed, size, vocab))
    tokens = [f"w{w}" for w in query]
    full = index.scores(tokens)
    # another question first: the score buffer it leaves behind must not leak into this one
    index.top(["w0", "w1", f"w{vocab - 1}"], k)
    ids, scores = index.top(tokens, k)

    assert len(set(ids.tolist())) == len(ids)
    np.testing.assert_allclose(scores, full[ids], rtol=1e-5, atol=1e-6)
    expected = np.sort(full[full > 0])[::-1][:k]
    # the same scores as the best k (ties may pick different chunks of equal score)
    np.testing.assert_allclose(np.sort(scores)[::-1], expected, rtol=1e-5, atol=1e-6)


def test_top_of_unknown_words_is_empty() -> None:
    index = KeywordIndex.build([["a", "b"], ["b", "c"]])
    ids, scores = index.top(["zzz"], 5)
    assert ids.size == 0
    assert scores.size == 0
