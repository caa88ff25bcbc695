"""Hybrid search: dense cosine plus BM25, fused so keywords only speak when they can.

Fused score = cosine + keyword_weight × coverage × BM25/max(BM25). `coverage` is the
IDF-weighted share of the question's stems that the corpus contains at all: close to 1 for a
Russian question about the corpus, close to 0 for an English question over Russian text (only
names survive), so an English question ranks by the dense model, which is what it can trust.
Naive reciprocal-rank fusion gives BM25's noise for such questions a full vote (see
BENCHMARKS.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from index.store import CorpusIndex
from index.types import Hit

DEFAULT_KEYWORD_WEIGHT = 0.08


@dataclass(frozen=True, slots=True)
class SearchParams:
    candidates: int = 64  # from each side, before fusion
    keyword_weight: float = DEFAULT_KEYWORD_WEIGHT


def search(
    index: CorpusIndex,
    query_vector: npt.NDArray[np.float32],
    query_tokens: list[str],
    params: SearchParams | None = None,
) -> list[Hit]:
    """Chunks ranked by fused score, best first (at most 2 × `candidates`)."""
    params = params or SearchParams()
    if index.size == 0:
        return []
    q = np.asarray(query_vector, dtype=np.float32).reshape(-1)
    _, dense_ids = index.dense.search(q, params.candidates)

    keyword_scores = index.keywords.scores(query_tokens)
    coverage = index.keywords.coverage(query_tokens)
    top_keyword = float(keyword_scores.max()) if keyword_scores.size else 0.0
    if top_keyword > 0:
        k = min(params.candidates, keyword_scores.size)
        keyword_ids = np.argpartition(-keyword_scores, k - 1)[:k]
        keyword_ids = keyword_ids[keyword_scores[keyword_ids] > 0]
        ids = np.union1d(dense_ids, keyword_ids)
    else:
        ids = np.unique(dense_ids)

    # exact cosine for every candidate, whichever side found it
    dense = index.vectors[ids] @ q
    keyword = keyword_scores[ids] / top_keyword if top_keyword > 0 else np.zeros(len(ids))
    fused = dense + params.keyword_weight * coverage * keyword
    order = np.argsort(-fused, kind="stable")
    return [
        Hit(
            chunk_id=int(ids[i]),
            chunk=index.chunks[int(ids[i])],
            score=float(fused[i]),
            dense=float(dense[i]),
            keyword=float(keyword[i]),
        )
        for i in order
    ]
