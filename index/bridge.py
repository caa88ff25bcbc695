"""Cross-lingual keyword bridge: English question words → the Russian corpus stems they mean.

BM25 over Russian stems cannot match an English question; the e5 model, though, places a
single English word next to its Russian translation when both are embedded as queries
("meet"/"встречи" 0.93, "fuel"/"топливо" 0.91, unrelated pairs 0.84–0.86). So at build time we
embed one representative surface form per corpus stem (the vocabulary), and at query time map
each Latin word the corpus lacks to its nearest Russian stem when that is both similar enough
and clearly nearer than the word's other neighbours (a "hub" word that is close to everything
is no translation). The bridged stems join the BM25 query and its coverage.
"""

from __future__ import annotations

import re
import threading
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from index.embedders import Embedder, Vectors
from index.keywords import stem_words, words

DEFAULT_MAX_VOCABULARY = 30_000  # most frequent stems; caps build time and memory
DEFAULT_MIN_SIMILARITY = 0.87
# the best Russian stem must beat the mean of the word's next neighbours by this much
DEFAULT_MIN_GAP = 0.01
# words embedded per question at most (each costs about half a question's embedding; cached
# words are free): the longest first, as they tend to carry the meaning
DEFAULT_MAX_NEW_WORDS = 4
GAP_NEIGHBOURS = 10
MIN_FORM_CHARS = 3  # short words (ров, пан) are close to anything and mean little
WORD_CACHE_SIZE = 8192  # English words; about 12 MB of vectors
EMBED_BATCH = 256

_CYRILLIC_WORD = re.compile(r"^[а-я]+$")
# English function words: they name no topic, so their nearest Russian stem is noise
# ("what" → это, "did" → деятельность), and embedding them costs time
_FUNCTION_WORDS = frozenset({
    "about", "above", "after", "again", "against", "all", "also", "am", "any", "around",
    "because", "been", "before", "being", "below", "between", "both", "can", "could", "did", "do",
    "does", "doing", "done", "down", "during", "each", "either", "else", "ever", "every", "few",
    "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers", "him",
    "himself", "his", "how", "however", "i", "its", "itself", "just", "least", "less", "many",
    "may", "me", "might", "more", "most", "much", "must", "my", "myself", "neither", "never",
    "nor", "now", "off", "once", "only", "other", "others", "our", "ours", "out", "over", "own",
    "per", "rather", "same", "shall", "she", "should", "since", "so", "some", "still", "than",
    "those", "though", "through", "thus", "too", "under", "until", "up", "upon", "us", "very",
    "was", "we", "were", "what", "whatever", "when", "whenever", "where", "whereas", "wherever",
    "whether", "which", "while", "who", "whoever", "whom", "whose", "why", "within", "without",
    "would", "yet", "you", "your", "yours",
})
_LATIN_WORD = re.compile(r"^[a-z]+$")


@dataclass(frozen=True, slots=True)
class BridgeParams:
    min_similarity: float = DEFAULT_MIN_SIMILARITY
    min_gap: float = DEFAULT_MIN_GAP
    # stems this close to the nearest one are taken too
    band: float = 0.01
    max_new_words: int = DEFAULT_MAX_NEW_WORDS


@dataclass(slots=True)
class Bridge:
    """The embedded vocabulary of one index, and a cache of question-word vectors."""

    stems: list[str]
    forms: list[str]  # the surface form that was embedded, one per stem
    # (len(stems), dim), L2-normalised query embeddings
    vectors: npt.NDArray[np.float32] = field(repr=False)
    params: BridgeParams = field(default_factory=BridgeParams)
    cache_size: int = WORD_CACHE_SIZE
    _cache: OrderedDict[str, npt.NDArray[np.float32]] = field(default_factory=OrderedDict,
                                                              repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    # words this bridge has embedded itself (not read or adopted): whether there is news to save
    embedded_words: int = field(default=0, repr=False)

    @property
    def size(self) -> int:
        return len(self.stems)

    def cached_words(self) -> tuple[list[str], npt.NDArray[np.float32]]:
        """The cached question words, least recently used first, and their vectors."""
        with self._lock:
            words = list(self._cache)
            vectors = [self._cache[w] for w in words]
        dim = self.vectors.shape[1]
        return words, (np.stack(vectors) if vectors else np.zeros((0, dim), dtype=np.float32))

    def remember_words(self, words: list[str], vectors: npt.NDArray[np.float32]) -> None:
        """Add question-word vectors embedded earlier (by the same model) to the cache."""
        if vectors.ndim != 2 or vectors.shape[1:] != self.vectors.shape[1:] or \
                len(words) != len(vectors):
            raise ValueError(f"{len(words)} words with vectors of shape {vectors.shape}; this "
                             f"bridge's are {self.vectors.shape[1]}-dimensional")
        with self._lock:
            for word, vector in zip(words[-self.cache_size :], vectors[-self.cache_size :],
                                    strict=True):
                self._cache.setdefault(word, np.asarray(vector, dtype=np.float32))

    def adopt_words(self, other: Bridge) -> None:
        """Take over `other`'s cached question-word vectors (an earlier generation's, from the
        same model: a word's vector does not depend on the corpus), so a rebuild does not make
        English questions pay for their words again."""
        if other is not self and other.vectors.shape[1:] == self.vectors.shape[1:]:
            self.remember_words(*other.cached_words())

    def translate(
        self, question: str, embedder: Embedder, known: Callable[[str], bool]
    ) -> list[str]:
        """Russian stems for the question's Latin words whose stems `known` rejects (the
        corpus lacks them, and no other expansion took care of them). One embedding call at
        most, for at most `max_new_words` words: the longest, whatever the cache holds, so
        that the same question gets the same answer in a fresh process and a warm one."""
        latin = [w for w in dict.fromkeys(words(question))
                 if _LATIN_WORD.match(w) and w not in _FUNCTION_WORDS]
        unknown = [w for w, s in zip(latin, stem_words(latin), strict=True) if not known(s)]
        if not unknown or not self.size:
            return []
        # ties broken by the word itself: the choice must not depend on anything else
        chosen = sorted(unknown, key=lambda w: (-len(w), w))[: self.params.max_new_words]
        sims = self._word_vectors(chosen, embedder) @ self.vectors.T
        return self._pick(sims)

    def near_words(
        self, words_: list[str], embedder: Embedder, min_similarity: float
    ) -> list[list[str]]:
        """For each word (embedded together, in one call), the corpus stems it stands for: a
        Latin word's translation (as `translate` picks it), or for a Cyrillic word the stems
        whose form is `min_similarity` near it, another form or spelling (Камчатка →
        камчатск), not just any related word."""
        if not self.size or not words_:
            return [[] for _ in words_]
        sims = self._word_vectors([w.lower() for w in words_], embedder) @ self.vectors.T
        out = []
        for word, row in zip(words_, sims, strict=True):
            if _LATIN_WORD.match(word.lower()):
                out.append(self._pick_row(row))
            else:
                out.append([self.stems[int(i)] for i in np.flatnonzero(row >= min_similarity)])
        return out

    def _pick(self, sims: npt.NDArray[np.float32]) -> list[str]:
        return list(dict.fromkeys(s for row in sims for s in self._pick_row(row)))

    def _pick_row(self, row: npt.NDArray[np.float32]) -> list[str]:
        """The stems one word translates to: the nearest, if similar enough and clearly nearer
        than the word's other neighbours, with the stems almost as near (американск beside
        америк: which of them is nearest depends on what else the vocabulary holds, so taking
        both keeps an answer from changing when unrelated articles are added)."""
        k = min(GAP_NEIGHBOURS + 1, len(row))
        top = np.argpartition(-row, k - 1)[:k]
        top = top[np.argsort(-row[top])]
        best = float(row[top[0]])
        rest = float(row[top[1:]].mean()) if k > 1 else 0.0
        if best < self.params.min_similarity or best - rest < self.params.min_gap:
            return []
        return [self.stems[int(i)] for i in top if float(row[i]) >= best - self.params.band]

    def _word_vectors(self, words_: list[str], embedder: Embedder) -> Vectors:
        with self._lock:
            missing = [w for w in words_ if w not in self._cache]
        if missing:
            fresh = embedder.embed_queries(missing)
        with self._lock:
            if missing:
                self.embedded_words += len(missing)
                for w, v in zip(missing, fresh, strict=True):
                    self._cache[w] = v
            rows = []
            for w in words_:
                self._cache.move_to_end(w)
                rows.append(self._cache[w])
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return np.stack(rows)


def vocabulary(texts: Iterable[str], max_size: int = DEFAULT_MAX_VOCABULARY) -> dict[str, str]:
    """Russian stem → its most frequent surface form, for the `max_size` most frequent stems."""
    pairs: Counter[tuple[str, str]] = Counter()
    for text in texts:
        tokens = [w for w in words(text) if _CYRILLIC_WORD.match(w)]
        pairs.update(zip(tokens, stem_words(tokens), strict=True))  # counted in C: it is fast
    forms: dict[str, Counter[str]] = defaultdict(Counter)
    for (word, stem), n in pairs.items():
        forms[stem][word] += n
    ranked = sorted(forms.items(), key=lambda kv: (-kv[1].total(), kv[0]))
    chosen: dict[str, str] = {}
    for stem, counter in ranked:
        # ties go to the shorter form: closer to the dictionary form, better translated
        form = min(counter.items(), key=lambda kv: (-kv[1], len(kv[0]), kv[0]))[0]
        if len(form) >= MIN_FORM_CHARS:
            chosen[stem] = form
        if len(chosen) >= max_size:
            break
    return dict(sorted(chosen.items()))


def build_bridge(
    texts: Iterable[str],
    embedder: Embedder,
    previous: Bridge | None = None,
    max_size: int = DEFAULT_MAX_VOCABULARY,
) -> tuple[Bridge, int]:
    """Embed the vocabulary of `texts`, reusing `previous` vectors for forms it already has
    (the caller passes it only when it was built by the same embedder). Returns the bridge and
    how many words were embedded."""
    vocab = vocabulary(texts, max_size)
    stems, forms = list(vocab), list(vocab.values())
    reuse = {f: previous.vectors[i] for i, f in enumerate(previous.forms)} if previous else {}
    vectors = np.zeros((len(forms), embedder.dim), dtype=np.float32)
    todo = [i for i, f in enumerate(forms) if f not in reuse]
    for i, f in enumerate(forms):
        if f in reuse:
            vectors[i] = reuse[f]
    for start in range(0, len(todo), EMBED_BATCH):
        batch = todo[start : start + EMBED_BATCH]
        vectors[batch] = embedder.embed_queries([forms[i] for i in batch])
    return Bridge(stems, forms, vectors), len(todo)
