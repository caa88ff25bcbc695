"""The dense side of search: inner product over L2-normalised vectors (= cosine).

Up to `exact_limit` vectors the search is exact, a numpy product over the chunk vectors the
index already holds (no second copy, and no FAISS import for a small corpus). Above it, a FAISS
inverted file (IVF) with 8-bit codes reads only the lists nearest the question and the
candidates are re-scored exactly from the chunk vectors: at a million chunks a few milliseconds
and recall@10 0.96 against exact search (BENCHMARKS.md). Either way `dense.faiss` is a FAISS
file.
"""

from __future__ import annotations

import math
import struct
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    import faiss

# exact search reads every vector (about 0.2 ms per thousand chunks here): up to 20,000 chunks
# it stays within a few milliseconds; above, the inverted file is faster (bench.scale)
DEFAULT_EXACT_LIMIT = 20_000
# lists: about 4 × √n, FAISS's rule of thumb (4,096 at a million chunks), trained on 40 vectors
# a list. Probes: 96 of 4,096 lists gave recall@10 0.965 at a million chunks; a smaller corpus
# needs a larger share (64 of 1,024: 0.961 at 100k). An HNSW graph (M 48) took an hour to build
# at a million chunks on this machine and keeps a second copy of the vectors (BENCHMARKS.md)
_POINTS_PER_LIST = 40
PROBE_SHARE = 96 / 4096
_MIN_PROBES = 64

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
        ivf: faiss.IndexIVF | None = None,
        probes: int | None = None,
    ) -> None:
        self._vectors = vectors
        self._ivf = ivf
        if ivf is not None:
            ivf.nprobe = probes or default_probes(int(ivf.nlist))

    @classmethod
    def build(
        cls,
        vectors: npt.NDArray[np.float32],
        exact_limit: int = DEFAULT_EXACT_LIMIT,
        probes: int | None = None,
    ) -> DenseIndex:
        n, dim = vectors.shape
        if n <= exact_limit:
            return cls(vectors)
        import faiss

        lists = list_count(n)
        ivf = faiss.IndexIVFScalarQuantizer(faiss.IndexFlatIP(dim), dim, lists,
                                            faiss.ScalarQuantizer.QT_8bit,
                                            faiss.METRIC_INNER_PRODUCT)
        # a fixed sample, spread over the whole corpus: the same corpus trains the same lists
        sample = np.random.default_rng(0).choice(n, min(n, lists * _POINTS_PER_LIST),
                                                 replace=False)
        ivf.train(np.ascontiguousarray(vectors[np.sort(sample)], dtype=np.float32))
        for start in range(0, n, 100_000):  # in blocks: `vectors` may be memory-mapped
            ivf.add(np.ascontiguousarray(vectors[start : start + 100_000], dtype=np.float32))
        return cls(vectors, ivf, probes)

    @property
    def kind(self) -> str:
        return "flat" if self._ivf is None else "ivf"

    @property
    def size(self) -> int:
        return len(self._vectors)

    @property
    def probes(self) -> int | None:
        """How many inverted lists a question reads (recall against speed); None for exact
        search."""
        return None if self._ivf is None else int(self._ivf.nprobe)

    @probes.setter
    def probes(self, value: int) -> None:
        if self._ivf is not None:
            self._ivf.nprobe = value

    @property
    def dim(self) -> int:
        return int(self._vectors.shape[1])

    def search(
        self, query: npt.NDArray[np.float32], k: int
    ) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.int64]]:
        """Top-`k` (capped at the index size) cosine scores and chunk ids for one query vector,
        best first."""
        k = min(k, self.size)
        if k <= 0:
            return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)
        q = np.asarray(query, dtype=np.float32).reshape(-1)
        if self._ivf is None:
            scores = np.empty(len(self._vectors), dtype=np.float32)
            for start in range(0, len(scores), _BLOCK):
                np.dot(self._vectors[start : start + _BLOCK], q, out=scores[start : start + _BLOCK])
            ids = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(k)
            ids = ids[np.argsort(-scores[ids], kind="stable")]
            return scores[ids].astype(np.float32), ids.astype(np.int64)
        # the 8-bit codes blur close scores: twice the candidates, re-scored exactly
        _, found = self._ivf.search(q.reshape(1, -1), min(2 * k, self.size))
        ids = np.sort(found[0][found[0] >= 0]).astype(np.int64)  # sorted: rows read in order
        scores = np.asarray(self._vectors[ids] @ q, dtype=np.float32)
        order = np.argsort(-scores, kind="stable")[:k]
        return scores[order], ids[order]

    def save(self, path: Path) -> None:
        import faiss

        if self._ivf is not None:
            faiss.write_index(self._ivf, str(path))
            return
        flat = faiss.IndexFlatIP(self._vectors.shape[1])  # for any reader of the file
        flat.add(np.ascontiguousarray(self._vectors, dtype=np.float32))
        faiss.write_index(flat, str(path))

    @classmethod
    def load(
        cls, path: Path, vectors: npt.NDArray[np.float32], probes: int | None = None
    ) -> DenseIndex:
        """The index in `path` over `vectors` (the chunk vectors, loaded already). A flat index
        is only checked, not read: searching it needs nothing but `vectors`."""
        with path.open("rb") as fh:
            head = fh.read(_FLAT_HEADER.size)
        if head[:4] != _FLAT_FOURCC:
            import faiss

            ivf = faiss.read_index(str(path))
            if not isinstance(ivf, faiss.IndexIVF):
                raise ValueError(f"{path.name} holds an unsupported {type(ivf).__name__}")
            if ivf.ntotal != len(vectors) or ivf.d != vectors.shape[1]:
                raise ValueError(f"{path.name} holds {ivf.ntotal}×{ivf.d} vectors; vectors.npy "
                                 f"{vectors.shape[0]}×{vectors.shape[1]}")
            return cls(vectors, ivf, probes)
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


def list_count(n: int) -> int:
    """Inverted lists for `n` vectors: the power of two nearest 4 × √n."""
    return int(2 ** round(math.log2(max(4 * math.sqrt(n), 1))))


def default_probes(lists: int) -> int:
    return min(lists, max(_MIN_PROBES, math.ceil(lists * PROBE_SHARE)))
