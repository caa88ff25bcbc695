"""What a question becomes before search: its stems, plus any expansions the index can offer."""

from __future__ import annotations

from index.keywords import tokenize
from index.store import CorpusIndex


def query_tokens(index: CorpusIndex, question: str) -> list[str]:
    """BM25 query stems for `question` against `index`."""
    del index  # expansions (name aliases, cross-lingual terms) read the index
    return tokenize(question)
