"""A question as the index reads articles: the invisible characters stripped from articles at
build time (soft hyphens, zero-width and direction marks) go from questions too."""

from __future__ import annotations

from index.cleaning import normalize


def normalize_question(text: str) -> str:
    """`text` in NFC, without invisible characters, on one line with single spaces.

    «Лав\\u00adров» (a soft hyphen, as copied from a web page) becomes «Лавров», which the
    articles hold; otherwise it would be two unknown halves of a word and find nothing.
    """
    return " ".join(normalize(text).split())
