"""The dense side of search: FAISS inner product over L2-normalised vectors (= cosine).

Exact search (IndexFlatIP) up to `hnsw_threshold` vectors; above it, an HNSW graph, which keeps
search in milliseconds at a million chunks for a small loss of recall (see BENCHMARKS.md).
"""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np
import numpy.typing as npt

DEFAULT_HNSW_THRESHOLD = 200_000
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 96


class DenseIndex:
    def __init__(self, index: faiss.Index, ef_search: int = HNSW_EF_SEARCH) -> None:
        self._index = index
        if isinstance(index, faiss.IndexHNSW):
            index.hnsw.efSearch = ef_search

    @classmethod
    def build(
        cls,
        vectors: npt.NDArray[np.float32],
        hnsw_threshold: int = DEFAULT_HNSW_THRESHOLD,
        ef_search: int = HNSW_EF_SEARCH,
    ) -> DenseIndex:
        n, dim = vectors.shape
        index: faiss.Index
        if n > hnsw_threshold:
            index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        else:
            index = faiss.IndexFlatIP(dim)
        if n:
            index.add(np.ascontiguousarray(vectors, dtype=np.float32))
        return cls(index, ef_search)

    @property
    def kind(self) -> str:
        return "hnsw" if isinstance(self._index, faiss.IndexHNSW) else "flat"

    @property
    def size(self) -> int:
        return int(self._index.ntotal)

    @property
    def dim(self) -> int:
        return int(self._index.d)

    def search(
        self, query: npt.NDArray[np.float32], k: int
    ) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.int64]]:
        """Top-`k` (capped at the index size) cosine scores and chunk ids for one query vector."""
        k = min(k, self.size)
        if k <= 0:
            return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)
        scores, ids = self._index.search(query.reshape(1, -1).astype(np.float32), k)
        keep = ids[0] >= 0
        return scores[0][keep], ids[0][keep].astype(np.int64)

    def save(self, path: Path) -> None:
        faiss.write_index(self._index, str(path))

    @classmethod
    def load(cls, path: Path, ef_search: int = HNSW_EF_SEARCH) -> DenseIndex:
        return cls(faiss.read_index(str(path)), ef_search)
