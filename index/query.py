"""What a question becomes before search: its stems, plus any expansions the index can offer."""

from __future__ import annotations

from index.embedders import Embedder
from index.keywords import tokenize
from index.store import CorpusIndex


def query_tokens(
    index: CorpusIndex, question: str, embedder: Embedder | None = None
) -> list[str]:
    """BM25 query stems for `question` against `index`. With the `embedder`, English words the
    corpus lacks also bring the Russian stems they translate to."""
    tokens = tokenize(question)
    # names across scripts and word forms: Lavrov / Лавров / Лавровым → the corpus's stems
    tokens = index.names.expand(question, tokens)
    tokens = _bridged(index, question, tokens, embedder)
    return tokens


def _bridged(
    index: CorpusIndex, question: str, tokens: list[str], embedder: Embedder | None
) -> list[str]:
    """Add the Russian stems of the question's unknown English words (index/bridge.py)."""
    if embedder is None or index.bridge is None:
        return tokens
    keywords = index.keywords

    def handled(stem: str) -> bool:
        # BM25 matches a stem the corpus has (a Latin name, an acronym) directly; a stem no
        # longer among the tokens was a name that an expansion above already translated
        return stem not in tokens or keywords.coverage([stem]) > 0

    extra = index.bridge.translate(question, embedder, handled)
    return tokens + [t for t in extra if t not in tokens]
