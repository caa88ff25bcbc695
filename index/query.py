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


def term_stems(
    index: CorpusIndex, term: KeyTerm, embedder: Embedder | None = None,
    budget: list[int] | None = None,
) -> tuple[frozenset[str], ...]:
    """For each word of a key term of the question, the corpus stems it stands for: its own,
    its corpus names' in either script and word form (Lavrov → лавров), and for a Latin word
    the Russian stems the bridge translates it to. Empty where no article holds the word.
    `budget` (a one-item list) counts down the words that may still be embedded; a word past
    it is looked up by its stems and names only."""
    if index.context_stems is None:
        index.context_stems = frozenset(tokenize("\n".join(index.contexts.values())))
    captions = index.context_stems

    def held(stem: str) -> bool:
        return index.keywords.coverage([stem]) > 0 or stem in captions

    if term.kind == "month":  # one stem, whatever the question's language
        return (frozenset(s for s in term.stems if held(s)),)
    out: list[frozenset[str]] = []
    for word in words(term.text) or [term.text.lower()]:
        found = {s for s in stem_words([word]) if held(s)}
        for lemma in index.names.match(word):
            found.update(s for s in index.names.entries[lemma].stems if held(s))
        if not found and embedder is not None and index.bridge is not None and (
                budget is None or budget[0] > 0):
            if budget is not None:
                budget[0] -= 1  # one word embedded (or read from the cache)
            found.update(index.bridge.translate_word(word, embedder) if word.isascii() else
                         index.bridge.near_stems(word, embedder, NEAR_FORM_SIMILARITY))
        out.append(frozenset(found))
    return tuple(out)


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
