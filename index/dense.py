"""The dense side of search: inner product over L2-normalised vectors (= cosine).

Up to `hnsw_threshold` vectors the search is exact, a numpy product over the chunk vectors the
index already holds (no second copy, and no FAISS import for a small corpus); above it, a FAISS
HNSW graph keeps search in milliseconds at a million chunks for a small loss of recall (see
BENCHMARKS.md). Either way `dense.faiss` is a FAISS file.
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    import faiss

# exact search reads every vector (about 0.2 ms per thousand chunks here): up to 20,000 chunks
# it stays within a few milliseconds; above, the HNSW graph is faster (bench.scale)
DEFAULT_HNSW_THRESHOLD = 20_000
# graph degree and build breadth: on vectors as spread as e5's, M 32 / efConstruction 80 could
# not reach recall@10 0.95 at any affordable efSearch (BENCHMARKS.md)
HNSW_M = 48
HNSW_EF_CONSTRUCTION = 200
HNSW_EF_SEARCH = 96

# rows per matrix-vector product in exact search: below OpenBLAS's cut-off for using threads,
# whose wake-ups cost more than they save on one query (a 10k-chunk search: p95 1.1 ms instead
# of 12 ms on a busy 2-core machine)
_BLOCK = 1024
# FAISS's file header of a flat inner-product index: fourcc, d, ntotal, 2 × dummy, is_trained,
# metric, then the number of floats that follow
_FLAT_FOURCC = b"IxFI"
_FLAT_HEADER = struct.Struct("<4siqqqbiQ")


class DenseIndex:
    def __init__(
        self,
        vectors: npt.NDArray[np.float32],
        graph: faiss.IndexHNSW | None = None,
        ef_search: int = HNSW_EF_SEARCH,
    ) -> None:
        self._vectors = vectors
        self._graph = graph
        if graph is not None:
            graph.hnsw.efSearch = ef_search

    @classmethod
    def build(
        cls,
        vectors: npt.NDArray[np.float32],
        hnsw_threshold: int = DEFAULT_HNSW_THRESHOLD,
        ef_search: int = HNSW_EF_SEARCH,
    ) -> DenseIndex:
        n, dim = vectors.shape
        if n <= hnsw_threshold:
            return cls(vectors)
        import faiss

        graph = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        graph.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        graph.add(np.ascontiguousarray(vectors, dtype=np.float32))
        return cls(vectors, graph, ef_search)

    @property
    def kind(self) -> str:
        return "flat" if self._graph is None else "hnsw"

    @property
    def size(self) -> int:
        return len(self._vectors) if self._graph is None else int(self._graph.ntotal)

    @property
    def ef_search(self) -> int | None:
        """HNSW's breadth of search (recall against speed); None for exact search."""
        return None if self._graph is None else int(self._graph.hnsw.efSearch)

    @ef_search.setter
    def ef_search(self, value: int) -> None:
        if self._graph is not None:
            self._graph.hnsw.efSearch = value

    @property
    def dim(self) -> int:
        return int(self._vectors.shape[1]) if self._graph is None else int(self._graph.d)

    def search(
        self, query: npt.NDArray[np.float32], k: int
    ) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.int64]]:
        """Top-`k` (capped at the index size) cosine scores and chunk ids for one query vector,
        best first."""
        k = min(k, self.size)
        if k <= 0:
            return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)
        q = np.asarray(query, dtype=np.float32).reshape(-1)
        if self._graph is None:
            scores = np.empty(len(self._vectors), dtype=np.float32)
            for start in range(0, len(scores), _BLOCK):
                np.dot(self._vectors[start : start + _BLOCK], q, out=scores[start : start + _BLOCK])
            ids = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(k)
            ids = ids[np.argsort(-scores[ids], kind="stable")]
            return scores[ids].astype(np.float32), ids.astype(np.int64)
        found, ids = self._graph.search(q.reshape(1, -1), k)
        keep = ids[0] >= 0
        return found[0][keep], ids[0][keep].astype(np.int64)

    def save(self, path: Path) -> None:
        import faiss

        if self._graph is not None:
            faiss.write_index(self._graph, str(path))
            return
        flat = faiss.IndexFlatIP(self._vectors.shape[1])  # for any reader of the file
        flat.add(np.ascontiguousarray(self._vectors, dtype=np.float32))
        faiss.write_index(flat, str(path))

    @classmethod
    def load(
        cls, path: Path, vectors: npt.NDArray[np.float32], ef_search: int = HNSW_EF_SEARCH
    ) -> DenseIndex:
        """The index in `path` over `vectors` (the chunk vectors, loaded already). A flat index
        is only checked, not read: searching it needs nothing but `vectors`."""
        with path.open("rb") as fh:
            head = fh.read(_FLAT_HEADER.size)
        if head[:4] != _FLAT_FOURCC:
            import faiss

            graph = faiss.read_index(str(path))
            if not isinstance(graph, faiss.IndexHNSW):
                raise ValueError(f"{path.name} holds an unsupported {type(graph).__name__}")
            return cls(vectors, graph, ef_search)
        if len(head) < _FLAT_HEADER.size:
            raise ValueError(f"{path.name} is truncated")
        _, dim, total, _, _, _, _, floats = _FLAT_HEADER.unpack(head)
        expected = _FLAT_HEADER.size + 4 * floats
        if floats != dim * total or path.stat().st_size != expected or \
                vectors.shape != (total, dim):
            raise ValueError(f"{path.name} holds {total}×{dim} vectors in "
                             f"{path.stat().st_size} bytes; expected {expected} bytes and "
                             f"the {vectors.shape[0]}×{vectors.shape[1]} of vectors.npy")
        return cls(vectors)
