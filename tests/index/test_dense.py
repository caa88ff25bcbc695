"""Dense search: exact up to the limit, a FAISS inverted file above it, both persisted."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from index.dense import DenseIndex, default_probes, list_count


def _unit_vectors(
    n: int, dim: int = 48, topics: int = 40, seed: int = 0
) -> npt.NDArray[np.float32]:
    """Vectors around a few dozen topics, as text embeddings cluster."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((topics, dim))
    x = centres[rng.integers(0, topics, n)] + 0.6 * rng.standard_normal((n, dim))
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def _exact_top(vectors: npt.NDArray[np.float32], q: npt.NDArray[np.float32], k: int) -> set[int]:
    return set(np.argsort(-(vectors @ q))[:k].tolist())


def test_small_corpus_is_searched_exactly() -> None:
    vectors = _unit_vectors(500)
    dense = DenseIndex.build(vectors, exact_limit=1000)
    assert dense.kind == "flat"
    assert dense.probes is None
    for q in _unit_vectors(20, seed=1):
        scores, ids = dense.search(q, 10)
        assert set(ids.tolist()) == _exact_top(vectors, q, 10)
        np.testing.assert_allclose(scores, vectors[ids] @ q, rtol=1e-5)
        assert list(scores) == sorted(scores, reverse=True)


def test_large_corpus_uses_an_inverted_file_with_high_recall(tmp_path: Path) -> None:
    vectors = _unit_vectors(6000)
    dense = DenseIndex.build(vectors, exact_limit=1000)
    assert dense.kind == "ivf"
    assert dense.probes == default_probes(list_count(6000))
    queries = _unit_vectors(50, seed=2)
    recall = []
    for q in queries:
        scores, ids = dense.search(q, 10)
        # scores are exact cosines (re-scored from the vectors), best first
        np.testing.assert_allclose(scores, vectors[ids] @ q, rtol=1e-5)
        assert list(scores) == sorted(scores, reverse=True)
        recall.append(len(set(ids.tolist()) & _exact_top(vectors, q, 10)) / 10)
    assert np.mean(recall) >= 0.95

    path = tmp_path / "dense.faiss"
    dense.save(path)
    loaded = DenseIndex.load(path, vectors)
    assert loaded.kind == "ivf"
    assert loaded.size == 6000
    for q in queries[:5]:
        np.testing.assert_array_equal(loaded.search(q, 10)[1], dense.search(q, 10)[1])
    # more probes read more lists: never worse than fewer
    loaded.probes = list_count(6000)
    exhaustive = [len(set(loaded.search(q, 10)[1].tolist()) & _exact_top(vectors, q, 10)) / 10
                  for q in queries]
    assert np.mean(exhaustive) >= np.mean(recall)


def test_inverted_file_over_other_vectors_is_refused(tmp_path: Path) -> None:
    vectors = _unit_vectors(3000)
    path = tmp_path / "dense.faiss"
    DenseIndex.build(vectors, exact_limit=100).save(path)
    with pytest.raises(ValueError, match="vectors"):
        DenseIndex.load(path, vectors[:2000])


def test_list_count_follows_the_square_root() -> None:
    assert list_count(1_000_000) == 4096
    assert list_count(100_000) == 1024
    assert default_probes(4096) == 96
    assert default_probes(1024) == 64
    assert default_probes(16) == 16
