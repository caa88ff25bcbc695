"""The keyword side of search: BM25 over Snowball stems (bm25s + PyStemmer).

Stemming makes inflected forms meet (Лавров / Лаврова / Лавровым). Keywords cannot help a
question whose words the corpus does not contain (an English question over Russian text), so
the index also reports how much of a question it actually covers; fusion weighs BM25 by that.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import bm25s
import numpy as np
import numpy.typing as npt
import Stemmer
from bm25s.stopwords import STOPWORDS_EN, STOPWORDS_RUSSIAN

_WORD = re.compile(r"\w+", re.UNICODE)
_CYRILLIC = re.compile(r"[а-я]")
_STOPWORDS = frozenset(STOPWORDS_RUSSIAN) | frozenset(STOPWORDS_EN)
_VOCAB_FILE = "vocab_df.json"


@lru_cache(maxsize=2)
def _stemmer(language: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(language)


def words(text: str) -> list[str]:
    """Lower-cased word tokens, ё folded into е, stop words and one-letter words removed."""
    out = []
    for word in _WORD.findall(text.lower().replace("ё", "е")):
        if (len(word) > 1 or word.isdigit()) and word not in _STOPWORDS and word != "_":
            out.append(word)
    return out


def stem_words(tokens: list[str]) -> list[str]:
    ru = _stemmer("russian")
    en = _stemmer("english")
    return [
        ru.stemWord(t) if _CYRILLIC.search(t) else (t if t.isdigit() else en.stemWord(t))
        for t in tokens
    ]


def tokenize(text: str) -> list[str]:
    """The stems BM25 indexes and searches."""
    return stem_words(words(text))


class KeywordIndex:
    """BM25 over chunk texts, with the document frequency of every stem for coverage."""

    def __init__(self, bm25: bm25s.BM25, doc_freq: dict[str, int], size: int) -> None:
        self._bm25 = bm25
        self._doc_freq = doc_freq
        self._size = size

    @classmethod
    def build(cls, token_lists: list[list[str]]) -> KeywordIndex:
        bm25 = bm25s.BM25()
        doc_freq: dict[str, int] = {}
        for tokens in token_lists:
            for t in set(tokens):
                doc_freq[t] = doc_freq.get(t, 0) + 1
        # bm25s cannot index an empty corpus or empty documents; a placeholder keeps ids aligned
        bm25.index([t or ["\u2205"] for t in token_lists] or [["\u2205"]], show_progress=False)
        return cls(bm25, doc_freq, len(token_lists))

    @property
    def size(self) -> int:
        return self._size

    def coverage(self, query_tokens: list[str]) -> float:
        """Share of the question's informative stems that occur in the corpus (IDF-weighted)."""
        if not query_tokens or not self._size:
            return 0.0
        total = found = 0.0
        for t in set(query_tokens):
            df = self._doc_freq.get(t, 0)
            # an unseen word weighs as much as the rarest seen one: it is what we missed
            weight = float(np.log1p(self._size / max(df, 1)))
            total += weight
            if df:
                found += weight
        return found / total if total else 0.0

    def scores(self, query_tokens: list[str]) -> npt.NDArray[np.float32]:
        """BM25 score of every chunk (0 where no stem matches)."""
        known = [t for t in query_tokens if t in self._doc_freq]
        if not known or not self._size:
            return np.zeros(self._size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(known), dtype=np.float32)[: self._size]

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self._bm25.save(str(folder), show_progress=False)
        (folder / _VOCAB_FILE).write_text(
            json.dumps({"size": self._size, "doc_freq": self._doc_freq}, ensure_ascii=False),
            encoding="utf-8",
        )

    @classmethod
    def load(cls, folder: Path) -> KeywordIndex:
        bm25 = bm25s.BM25.load(str(folder), show_progress=False, mmap=False)
        meta = json.loads((folder / _VOCAB_FILE).read_text(encoding="utf-8"))
        return cls(bm25, {str(k): int(v) for k, v in meta["doc_freq"].items()}, int(meta["size"]))
