"""The keyword side of search: BM25 over Snowball stems (PyStemmer).

Stemming makes inflected forms meet (Лавров / Лаврова / Лавровым). Keywords cannot help a
question whose words the corpus does not contain (an English question over Russian text), so
the index also reports how much of a question it actually covers; fusion weighs BM25 by that.

The BM25 scores and files are those of bm25s (Lucene variant, k1 = 1.5, b = 0.75), which this
module used to call: computing them with numpy keeps bm25s's scipy import (a few tenths of a
second) out of every start-up, and lets a question cost its stems' postings, not the corpus.
"""

from __future__ import annotations

import json
import re
import sys
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import Stemmer

from index.caches import BoundedCache, size_of_words
from index.stopwords import STOPWORDS_EN, STOPWORDS_RUSSIAN

_WORD = re.compile(r"\w+", re.UNICODE)
_CYRILLIC = re.compile(r"[а-я]")
_STOPWORDS = frozenset(STOPWORDS_RUSSIAN) | frozenset(STOPWORDS_EN)
_VOCAB_FILE = "vocab_df.json"
# bm25s's file layout, kept so that generations written before and after read alike
_PARAMS_FILE = "params.index.json"
_IDS_FILE = "vocab.index.json"
_ARRAY_FILE = "{}.csc.index.npy"
_K1 = 1.5
_B = 0.75
# bm25s could not index an empty document; its placeholder stem is kept so ids stay aligned
_EMPTY = "\u2205"


@lru_cache(maxsize=2)
def _stemmer(language: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(language)


def words(text: str) -> list[str]:
    """Lower-cased word tokens, ё folded into е, stop words and one-letter words removed."""
    return list(_word_cache.get(text, _words))


def _words(text: str) -> tuple[str, ...]:
    return tuple(
        sys.intern(word) for word in _WORD.findall(text.lower().replace("ё", "е"))
        if (len(word) > 1 or word.isdigit()) and word not in _STOPWORDS and word != "_"
    )


# Every rebuild reads every chunk (keywords, the bridge's vocabulary) and every word (names)
# again: each text is split once, into interned words shared by all the texts that use them.
# Questions pass through here too, so the cache is bounded by its size, not its entries (an
# estimate that counts every word of an entry: a chunk's text comes to about 6 KB, so some
# 5,000 chunks' texts are kept; a larger corpus splits the rest again, 30 µs a chunk).
WORDS_CACHE_BYTES = 32 * 2**20
_word_cache: BoundedCache[tuple[str, ...]] = BoundedCache(WORDS_CACHE_BYTES, size_of_words)


def stem_words(tokens: list[str]) -> list[str]:
    return [_stem(t) if len(t) <= STEM_CACHE_LETTERS else _stem_word(t) for t in tokens]


def _stem_word(word: str) -> str:
    if _CYRILLIC.search(word):
        return str(_stemmer("russian").stemWord(word))
    return word if word.isdigit() else str(_stemmer("english").stemWord(word))


# a corpus has tens of thousands of word forms and every rebuild stems all its text again: each
# form is stemmed once. Only words of up to 32 letters are kept (a longer one is a question's
# noise, or rare), so the cache holds at most 32,768 × ~360 bytes: 12 MB.
STEM_CACHE_LETTERS = 32
_stem = lru_cache(maxsize=32_768)(_stem_word)


def tokenize(text: str) -> list[str]:
    """The stems BM25 indexes and searches."""
    return stem_words(words(text))


class KeywordIndex:
    """BM25 over chunk texts, with the document frequency of every stem for coverage.

    Each stem's postings are kept together (CSC: `indptr[i]:indptr[i + 1]` spans the chunk ids
    in `indices` and their precomputed BM25 term scores in `data`), so scoring a question reads
    only its stems' postings.
    """

    def __init__(
        self,
        ids: dict[str, int],
        indptr: npt.NDArray[np.int64],
        indices: npt.NDArray[np.int32],
        data: npt.NDArray[np.float32],
        doc_freq: dict[str, int],
        size: int,
        sorted_postings: bool = True,
    ) -> None:
        self._ids = ids
        self._indptr = indptr
        self._indices = indices
        self._data = data
        self._doc_freq = doc_freq
        self._size = size
        # each stem's chunk ids ascending (so they can be looked up): true of every index built
        # here; bm25s, which wrote the older ones, did not promise it
        self._sorted = sorted_postings
        self._best: dict[int, float] = {}
        # one score array per searching thread, kept zeroed between questions: a fresh one
        # costs a page fault per 4 KiB it touches, a millisecond at a million chunks
        self._buffers = threading.local()

    @classmethod
    def build(cls, token_lists: list[list[str]]) -> KeywordIndex:
        doc_freq: dict[str, int] = {}
        for tokens in token_lists:
            for t in set(tokens):
                doc_freq[t] = doc_freq.get(t, 0) + 1
        docs = [t or [_EMPTY] for t in token_lists] or [[_EMPTY]]
        ids: dict[str, int] = {}
        lengths = np.fromiter((len(d) for d in docs), dtype=np.int64, count=len(docs))
        stems = np.fromiter((ids.setdefault(t, len(ids)) for d in docs for t in d),
                            dtype=np.int64, count=int(lengths.sum()))
        doc = np.repeat(np.arange(len(docs), dtype=np.int64), lengths)
        # one entry per (chunk, stem) with its term frequency, sorted by chunk then stem
        pairs, tf = np.unique(doc * len(ids) + stems, return_counts=True)
        doc, stems = np.divmod(pairs, len(ids))
        df = np.bincount(stems, minlength=len(ids))
        idf = np.log(1 + (len(docs) - df + 0.5) / (df + 0.5)).astype(np.float32)
        norm = _K1 * ((1 - _B) + _B * lengths[doc] / lengths.mean())
        tf32 = tf.astype(np.float32)
        weights = idf[stems] * (tf32 / (norm + tf32))
        order = np.argsort(stems, kind="stable")  # by stem; chunk ids stay ascending within
        indptr = np.zeros(len(ids) + 1, dtype=np.int64)
        np.cumsum(df, out=indptr[1:])
        return cls(ids, indptr, doc[order].astype(np.int32), weights[order].astype(np.float32),
                   doc_freq, len(token_lists))

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

    def matched_share(
        self, query_tokens: list[str], chunk_ids: npt.NDArray[np.int64]
    ) -> npt.NDArray[np.float32]:
        """For each of `chunk_ids`, the share of the question's distinct stems it contains. It
        depends on the chunk and the question only, so it does not move when articles are
        added (BM25's IDF and length norm do)."""
        unique = list(dict.fromkeys(query_tokens))
        out = np.zeros(len(chunk_ids), dtype=np.float32)
        if not unique:
            return out
        for ids, weights, _ in self._postings(unique):
            out += _lookup(ids, weights, chunk_ids) > 0
        return (out / len(unique)).astype(np.float32)

    def scores(self, query_tokens: list[str]) -> npt.NDArray[np.float32]:
        """BM25 score of every chunk (0 where no stem matches)."""
        out = np.zeros(self._size, dtype=np.float32)
        for chunk_ids, weights, _ in self._postings(query_tokens):
            np.add.at(out, chunk_ids, weights)
        return out

    def top(
        self, query_tokens: list[str], k: int
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]:
        """The (at most) `k` chunks with the best BM25 scores above 0, and those scores,
        unordered.

        Exact, without adding up every posting of a common stem (MaxScore): stems are scored
        rarest first, and once the most the remaining stems could add is less than the k-th
        best score so far, no other chunk can reach the top `k`; the remaining stems are then
        only looked up for the chunks that can still change places. A question with a word
        that half the corpus contains costs its rare words' postings, not the corpus.
        """
        terms = sorted(self._postings(query_tokens), key=lambda t: len(t[0]))
        empty = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        if k <= 0 or not terms:
            return empty
        if not self._sorted:  # an index bm25s wrote: no lookups, every stem in full
            full = self.scores(query_tokens)
            hits = np.flatnonzero(full)
            if hits.size > k:
                hits = hits[np.argpartition(-full[hits], k - 1)[:k]]
            return hits.astype(np.int64), full[hits]
        seen: list[npt.NDArray[np.int32]] = []  # every stem added to `scores`
        scores = self._scores_buffer()
        try:
            return self._max_score(scores, terms, k, seen)
        finally:
            if sum(ids.size for ids in seen) * 16 > self._size:
                scores.fill(0)
            else:
                for ids in seen:
                    scores[ids] = 0

    def _scores_buffer(self) -> npt.NDArray[np.float32]:
        buffer: npt.NDArray[np.float32] | None = getattr(self._buffers, "scores", None)
        if buffer is None or buffer.size != self._size:
            buffer = self._buffers.scores = np.zeros(self._size, dtype=np.float32)
        return buffer

    def _max_score(
        self, scores: npt.NDArray[np.float32],
        terms: list[tuple[npt.NDArray[np.int32], npt.NDArray[np.float32], float]],
        k: int, seen: list[npt.NDArray[np.int32]],
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]:
        """`top` for sorted postings, accumulating in the zeroed `scores`; every stem added
        to it is appended to `seen`."""
        remaining = float(sum(best for _, _, best in terms))
        listed = 0
        best_ids = np.zeros(0, dtype=np.int32)  # the best k chunks so far
        kth = 0.0
        done = 0
        while True:
            chunk_ids, weights, best = terms[done]
            np.add.at(scores, chunk_ids, weights)  # (numpy 2: faster than a[ids] += w)
            seen.append(chunk_ids)
            listed += chunk_ids.size
            remaining -= best
            done += 1
            # Only this stem's chunks gained: the best k are now among them and the best k
            # before, so the k-th best score is exact at the cost of this stem's postings
            others = best_ids[~_contains(chunk_ids, best_ids)]
            candidates = np.concatenate([chunk_ids, others]) if others.size else chunk_ids
            if candidates.size <= k:
                best_ids, kth = candidates, 0.0
            else:
                values = scores[candidates]
                pick = np.argpartition(-values, k - 1)[:k]
                best_ids, kth = candidates[pick], float(values[pick].min())
            if done == len(terms):
                return best_ids.astype(np.int64), scores[best_ids]  # (a copy)
            if remaining < kth:
                break
        # The stems left can add at most `remaining`: only chunks within that of the k-th best
        # can still change places (a margin for float rounding: a chunk too many is harmless)
        bar = max(kth - remaining * (1 + 1e-5), float(np.finfo(np.float32).tiny))
        found: npt.NDArray[Any]
        if listed * 8 > self._size:  # many listings: one pass over the scores is cheaper
            found = np.flatnonzero(scores >= bar)
        else:
            union = _union(seen)
            found = union[scores[union] >= bar]
        looked_up = np.zeros(found.size, dtype=np.float32)
        for chunk_ids, weights, _ in terms[done:]:
            # binary searches cost log(postings) per candidate, a scatter one step per
            # posting: many candidates against a common stem scatter
            if found.size * max(int(chunk_ids.size).bit_length(), 1) > 2 * chunk_ids.size:
                np.add.at(scores, chunk_ids, weights)  # (numpy 2: faster than a[ids] += w)
                seen.append(chunk_ids)
            else:
                looked_up += _lookup(chunk_ids, weights, found)
        partial = scores[found] + looked_up
        if found.size > k:
            best_k = np.argpartition(-partial, k - 1)[:k]
            found, partial = found[best_k], partial[best_k]
        return found.astype(np.int64), partial.astype(np.float32)

    def score_of(
        self, query_tokens: list[str], chunk_ids: npt.NDArray[np.int64]
    ) -> npt.NDArray[np.float32]:
        """BM25 scores of the chunks `chunk_ids` only (looked up, not a pass over postings)."""
        if not self._sorted:
            return self.scores(query_tokens)[chunk_ids]
        out = np.zeros(len(chunk_ids), dtype=np.float32)
        for ids, weights, _ in self._postings(query_tokens):
            out += _lookup(ids, weights, chunk_ids)
        return out

    def _postings(
        self, query_tokens: list[str]
    ) -> list[tuple[npt.NDArray[np.int32], npt.NDArray[np.float32], float]]:
        """(chunk ids, term scores, best term score) of each known stem, repeats included
        (a stem asked twice counts twice, as it did in bm25s)."""
        out = []
        for t in query_tokens:
            if t not in self._doc_freq:
                continue
            i = self._ids[t]
            start, end = int(self._indptr[i]), int(self._indptr[i + 1])
            weights = self._data[start:end]
            best = self._best.get(i)
            if best is None:  # computed once per stem (a dict write is atomic: threads are fine)
                best = self._best[i] = float(weights.max()) if end > start else 0.0
            out.append((self._indices[start:end], weights, best))
        return out

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        for name, array in (("indptr", self._indptr), ("indices", self._indices),
                            ("data", self._data)):
            np.save(folder / _ARRAY_FILE.format(name), array, allow_pickle=False)
        (folder / _IDS_FILE).write_text(json.dumps(self._ids, ensure_ascii=False),
                                        encoding="utf-8")
        params = {"k1": _K1, "b": _B, "delta": 0.5, "method": "lucene", "idf_method": "lucene",
                  "dtype": "float32", "int_dtype": "int32", "num_docs": max(self._size, 1),
                  "backend": "numpy", "sorted_postings": self._sorted}
        (folder / _PARAMS_FILE).write_text(json.dumps(params), encoding="utf-8")
        (folder / _VOCAB_FILE).write_text(
            json.dumps({"size": self._size, "doc_freq": self._doc_freq}, ensure_ascii=False),
            encoding="utf-8",
        )

    @classmethod
    def load(cls, folder: Path) -> KeywordIndex:
        params = json.loads((folder / _PARAMS_FILE).read_text(encoding="utf-8"))
        if params.get("method", "lucene") != "lucene" or params.get("k1", _K1) != _K1 or \
                params.get("b", _B) != _B:
            raise ValueError(f"unsupported BM25 parameters {params}")
        ids = json.loads((folder / _IDS_FILE).read_text(encoding="utf-8"))
        indptr = np.load(folder / _ARRAY_FILE.format("indptr"), allow_pickle=False)
        # read into memory, not mapped: a file truncated under a running process would kill
        # it with SIGBUS at the next question (index/store.py verifies what is read here)
        indices = np.load(folder / _ARRAY_FILE.format("indices"), allow_pickle=False)
        data = np.load(folder / _ARRAY_FILE.format("data"), allow_pickle=False)
        meta = json.loads((folder / _VOCAB_FILE).read_text(encoding="utf-8"))
        # (bm25s lists an empty stem without postings: one id more than offsets - 1)
        if len(indptr) < len(ids) or len(indices) != len(data) or \
                int(indptr[-1]) != len(indices):
            raise ValueError(f"keyword index arrays disagree: {len(ids)} stems, "
                             f"{len(indptr)} offsets, {len(indices)} ids, {len(data)} scores")
        return cls({str(k): int(v) for k, v in ids.items()}, indptr.astype(np.int64),
                   indices, data, {str(k): int(v) for k, v in meta["doc_freq"].items()},
                   int(meta["size"]), bool(params.get("sorted_postings", False)))


def _lookup(
    chunk_ids: npt.NDArray[np.int32], weights: npt.NDArray[np.float32],
    wanted: npt.NDArray[np.integer],
) -> npt.NDArray[np.float32]:
    """The term score of each of `wanted` in one stem's postings (0 where it does not occur)."""
    pos, found = _find(chunk_ids, wanted)
    if pos is None:
        return np.zeros(len(wanted), dtype=np.float32)
    return np.where(found, weights[pos], np.float32(0)).astype(np.float32)


def _contains(
    sorted_ids: npt.NDArray[np.int32], wanted: npt.NDArray[np.int32]
) -> npt.NDArray[np.bool_]:
    """Whether each of `wanted` is in the ascending array `sorted_ids`."""
    return _find(sorted_ids, wanted)[1]


def _find(
    sorted_ids: npt.NDArray[np.int32], wanted: npt.NDArray[np.integer]
) -> tuple[npt.NDArray[np.intp] | None, npt.NDArray[np.bool_]]:
    """Where each of `wanted` would sit in the ascending `sorted_ids` (None when either is
    empty), and whether it is there."""
    if not len(sorted_ids) or not len(wanted):
        return None, np.zeros(len(wanted), dtype=bool)
    pos = np.minimum(np.searchsorted(sorted_ids, wanted), len(sorted_ids) - 1)
    return pos, np.asarray(sorted_ids[pos] == wanted)


def _union(sorted_ids: list[npt.NDArray[np.int32]]) -> npt.NDArray[np.int32]:
    """The distinct ids of several ascending arrays, ascending (a merge: each is sorted)."""
    merged = np.sort(np.concatenate(sorted_ids), kind="stable")  # timsort merges the runs
    if merged.size < 2:
        return merged
    keep = np.empty(merged.size, dtype=bool)
    keep[0] = True
    np.not_equal(merged[1:], merged[:-1], out=keep[1:])
    return merged[keep]

