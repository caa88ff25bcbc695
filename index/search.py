"""Hybrid search: dense cosine plus BM25, fused so keywords only speak when they can.

Fused score = cosine + keyword_weight × coverage × BM25/max(BM25). `coverage` is the
IDF-weighted share of the question's stems that the corpus contains at all: close to 1 for a
Russian question about the corpus, close to 0 for an English question over Russian text, so
such a question ranks by the dense model, which is what it can trust. Its names (index/names.py)
and the words the cross-lingual bridge translates (index/bridge.py) join the query as Russian
stems and raise its coverage (to about 0.4 on XQuAD), so keywords get a say in proportion to
what they actually match. Naive reciprocal-rank fusion gives BM25's noise for English questions
a full vote (R@1 0.22 against 0.82 for dense alone), and a fixed weight without coverage can
only trade Russian gains for English losses (see BENCHMARKS.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from index.store import CorpusIndex
from index.types import Hit

DEFAULT_KEYWORD_WEIGHT = 0.15


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
