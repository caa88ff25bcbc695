"""What a question becomes before search: its stems, plus any expansions the index can offer."""

from __future__ import annotations

from index.embedders import Embedder
from index.keywords import stem_words, tokenize, words
from index.questions import KeyTerm
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


# a corpus word this close to a question word (as embedded single words) is a form or spelling
# of it: Камчатка / камчатский 0.95, but Хельсинки / хелмбрехт 0.89, Наполеон / Неаполь 0.92
NEAR_FORM_SIMILARITY = 0.94


def terms_stems(
    index: CorpusIndex, terms: list[KeyTerm], embedder: Embedder | None = None,
    max_embedded: int = 4,
) -> list[tuple[frozenset[str], ...]]:
    """For each word of each key term of the question, the corpus stems it stands for: its
    own, its corpus names' in either script and word form (Lavrov → лавров), and for a word
    neither finds, the stems its embedding is near (the bridge's translation of a Latin word,
    a near spelling of a Cyrillic one). Empty where no article holds the word. At most
    `max_embedded` words are embedded, in one call."""
    if index.context_stems is None:
        index.context_stems = frozenset(tokenize("\n".join(index.contexts.values())))
    captions = index.context_stems

    def held(stem: str) -> bool:
        return index.keywords.coverage([stem]) > 0 or stem in captions

    found: list[list[set[str]]] = []
    unmatched: list[tuple[int, int, str]] = []  # (term, word, the word) that need embedding
    for t, term in enumerate(terms):
        if term.kind == "month":  # one stem, whatever the question's language
            found.append([{s for s in term.stems if held(s)}])
            continue
        parts: list[set[str]] = []
        for w, word in enumerate(words(term.text) or [term.text.lower()]):
            own = {s for s in stem_words([word]) if held(s)}
            for lemma in index.names.match(word):
                own.update(s for s in index.names.entries[lemma].stems if held(s))
            if not own:
                unmatched.append((t, w, word))
            parts.append(own)
        found.append(parts)
    bridge = index.bridge
    chosen = unmatched[:max_embedded]
    if chosen and embedder is not None and bridge is not None:
        near = bridge.near_words([word for _, _, word in chosen], embedder,
                                 NEAR_FORM_SIMILARITY)
        for (t, w, _), near_stems in zip(chosen, near, strict=True):
            found[t][w].update(near_stems)
    return [tuple(frozenset(p) for p in parts) for parts in found]


def article_stems(index: CorpusIndex, source: str) -> frozenset[str]:
    """Every stem of an article (title, text, and the captions and datelines cleaning set
    aside: "Марко Рубио и Сергей Лавров. 10 июля 2025 года, Малайзия"), kept with the index
    generation."""
    stems = index.article_stems.get(source)
    if stems is None:
        article = index.articles.get(source)
        context = index.contexts.get(source, "")
        text = f"{article.title}\n{article.text}\n{context}" if article else ""
        stems = frozenset(tokenize(text))
        index.article_stems[source] = stems
    return stems
