"""Hybrid search: dense cosine plus the share of the question's words a passage holds.

Candidates come from both sides: the nearest passages by cosine and the best by BM25 over
Russian stems (names in either script and English words the bridge translates join the query as
stems: index/names.py, index/bridge.py). Each candidate is then scored as
cosine + keyword_weight × (the share of the question's distinct stems it holds). That share
depends on the passage and the question only: BM25's IDF and length norm, and any
normalisation by the best candidate, move whenever articles are added, and an answer must not
change because unrelated news arrived (tests/index/test_stability.py). An English question over
Russian text holds few stems, so it ranks by the dense model, which is what it can trust.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from index.store import CorpusIndex
from index.types import Hit

DEFAULT_KEYWORD_WEIGHT = 0.1


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

    # the best BM25 chunks, found without scoring every chunk a common word occurs in
    keyword_ids, keyword_best = index.keywords.top(query_tokens, params.candidates)
    top_keyword = float(keyword_best.max()) if keyword_ids.size else 0.0
    ids = np.union1d(dense_ids, keyword_ids) if top_keyword > 0 else np.unique(dense_ids)

    # exact cosine for every candidate, whichever side found it, and the share of the
    # question's stems it holds: BM25 finds candidates, but its IDF and length norm move when
    # articles are added, and an answer must not change because unrelated news arrived
    dense = index.vectors[ids] @ q
    keyword = index.keywords.matched_share(query_tokens, ids)
    fused = dense + params.keyword_weight * keyword
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
