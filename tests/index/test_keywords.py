"""BM25 top-k (MaxScore with early stopping, lookups and scatters) agrees with scoring every
chunk, on random corpora whose word frequencies range from rare to nearly everywhere; the word
and stem caches stay bounded however many distinct questions pass through them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.caches import BoundedCache, size_of_words
from index.keywords import KeywordIndex


def _corpus(seed: int, size: int, vocab: int) -> list[list[str]]:
    rng = np.random.default_rng(seed)
    # Zipf-like: word 0 is in most chunks, the last ones in a handful
    p = 1.0 / np.arange(1, vocab + 1) ** 1.1
    p /= p.sum()
    return [[f"w{w}" for w in rng.choice(vocab, size=rng.integers(0, 30), p=p)]
            for _ in range(size)]


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    size=st.integers(1, 3000),
    vocab=st.integers(2, 400),
    k=st.integers(1, 80),
    query=st.lists(st.integers(0, 420), min_size=1, max_size=12),
)
def test_top_matches_full_scoring(seed: int, size: int, vocab: int, k: int,
                                  query: list[int]) -> None:
    index = KeywordIndex.build(_corpus(seed, size, vocab))
    tokens = [f"w{w}" for w in query]
    full = index.scores(tokens)
    # another question first: the score buffer it leaves behind must not leak into this one
    index.top(["w0", "w1", f"w{vocab - 1}"], k)
    ids, scores = index.top(tokens, k)

    assert len(set(ids.tolist())) == len(ids)
    np.testing.assert_allclose(scores, full[ids], rtol=1e-5, atol=1e-6)
    expected = np.sort(full[full > 0])[::-1][:k]
    # the same scores as the best k (ties may pick different chunks of equal score)
    np.testing.assert_allclose(np.sort(scores)[::-1], expected, rtol=1e-5, atol=1e-6)


def test_top_of_unknown_words_is_empty() -> None:
    index = KeywordIndex.build([["a", "b"], ["b", "c"]])
    ids, scores = index.top(["zzz"], 5)
    assert ids.size == 0
    assert scores.size == 0


# -- bounded memory (issue 11, item 4) ---------------------------------------------------------

# Distinct 1,000-character questions of made-up words, tokenized as every question is: the
# process's resident memory before and after (a fresh process: the session's caches are full).
_MANY_QUESTIONS = """
import gc, random, sys
from pathlib import Path
from index.keywords import tokenize

def rss() -> int:
    return int(Path("/proc/self/statm").read_text().split()[1]) * 4096

rng = random.Random(0)
letters = "абвгдежзиклмнопрстуфхцчшщэюяabcdefghijklmnopqrstuvwxyz"

def question() -> str:
    words = [""]
    while sum(map(len, words)) < 1000:
        words.append("".join(rng.choice(letters) for _ in range(rng.randint(3, 9))))
    return " ".join(words)[1:1001]

tokenize(question())
gc.collect()
before = rss()
for _ in range(int(sys.argv[1])):
    tokenize(question())
gc.collect()
print((rss() - before) / 2**20)
"""


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="reads Linux's /proc")
def test_memory_for_distinct_questions_levels_off() -> None:
    """Each distinct question used to stay in the word and stem caches (131,072 texts and
    262,144 words): about 36 KB a question here, with no plateau until 131,072 questions."""
    grown = []
    for count in (2_500, 5_000):
        run = subprocess.run([sys.executable, "-c", _MANY_QUESTIONS, str(count)],
                             capture_output=True, text=True, timeout=300, check=True,
                             cwd=Path(__file__).resolve().parents[2])
        grown.append(float(run.stdout))
    # the caches hold at most WORDS_CACHE_BYTES (32 MB, estimated) and 32,768 stems (12 MB)
    assert grown[1] < 90, grown
    assert grown[1] - grown[0] < 20, grown  # full by the first run: no further growth


def test_bounded_cache_keeps_the_most_recent_within_its_budget() -> None:
    cache: BoundedCache[tuple[str, ...]] = BoundedCache(100_000, size_of_words)
    computed = []

    def split(text: str) -> tuple[str, ...]:
        computed.append(text)
        return tuple(text.split())

    texts = [f"текст номер {i} " * 20 for i in range(400)]
    for text in texts:
        assert cache.get(text, split) == tuple(text.split())
    assert 0 < cache.bytes <= 100_000 and len(cache) < 400
    computed.clear()
    cache.get(texts[-1], split)  # the most recent is kept
    assert computed == []
    cache.get(texts[0], split)  # the oldest was dropped
    assert computed == [texts[0]]
    huge = "слово " * 5_000  # over a sixteenth of the budget: computed, not kept
    cache.get(huge, split)
    cache.get(huge, split)
    assert computed == [texts[0], huge, huge] and cache.bytes <= 100_000
