"""What a question asks for, and the terms it cannot be answered without.

An answer must be of the type the question asks for (a date for "when", a place for "where"),
and it must be about what the question names: a question about a meeting in Geneva is not
answered by a report of a meeting in Kuala Lumpur, however alike their vectors are. So a
question's key terms (names, places, organisations, years, Latin words in a Russian question)
are looked up in the corpus, across scripts and word forms: a term that no article holds means
the articles cannot answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.keywords import stem_words, tokenize, words
from index.names import _morph, lemma_and_kind

Asks = str  # "when", "where", "who", "how_many", "how_long"

# the order matters: "how long" before "how many", "в каком году" before "в каком"
_ASKS: tuple[tuple[Asks, re.Pattern[str]], ...] = (
    ("how_long", re.compile(
        r"\b(как долго|сколько (?:времени|лет|дней|часов|минут|месяцев|недель|длил\w*|"
        r"продолжал\w*|шл[аои]|ид[её]т)|how long)\b",
        re.IGNORECASE)),
    ("when", re.compile(
        r"\b(когда|в какой день|какого числа|в каком году|в каком месяце|какая дата|"
        r"с какого времени|до какого времени|when|what date|which day|what day|what year|"
        r"which year|what month)\b", re.IGNORECASE)),
    ("how_many", re.compile(
        r"\b(сколько|скока|скольк\w*|каков\w* (?:число|количество|размер|сумма)|how many|"
        r"how much|what number|what percentage)\b", re.IGNORECASE)),
    ("where", re.compile(
        r"\b(где|куда|откуда|в каком (?:городе|месте|регионе|районе|здании)|в какой стране|"
        r"в какую страну|where|in which city|in what city|which country|what country)\b",
        re.IGNORECASE)),
    ("who", re.compile(
        r"(?<![\w-])(кто|кого|кому|кем|ком|чей|чья|чьё|чье|чьи|who|whom|whose|"
        r"какая (?:компания|организация)|какой (?:банк|человек)|which company|"
        r"which organi[sz]ation)(?![\w-])", re.IGNORECASE)),
)

# English words a question may open with or capitalise that name nothing
_EN_PLAIN = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "by", "can", "could", "did", "do", "does", "for",
    "from", "had", "has", "have", "how", "i", "if", "in", "is", "it", "its", "of", "on", "or",
    "tell", "the", "to", "was", "were", "what", "when", "where", "which", "who", "whom", "whose",
    "why", "will", "with", "would", "please", "me", "explain", "give", "show", "list", "say",
    "said", "mr", "mrs", "ms", "dr",
})
_LATIN = re.compile(r"^[A-Za-z][A-Za-z'-]*$")
_CYRILLIC = re.compile(r"[А-Яа-яЁё]")
_YEAR = re.compile(r"^(?:1[89]|20)\d\d$")
_WORD = re.compile(r"[\w'-]+", re.UNICODE)
_NAME_TAGS = ("Name", "Surn", "Geox", "Orgn")


def asks(question: str) -> Asks | None:
    """What the question asks for: "when", "where", "who", "how_many", "how_long" or None."""
    for kind, pattern in _ASKS:
        if pattern.search(question):
            return kind
    return None


@dataclass(frozen=True, slots=True)
class KeyTerm:
    """A term the answer must be about: as written in the question, and the stems it is
    looked for under (its own, and its corpus names' in either script)."""

    text: str
    stems: tuple[str, ...]
    kind: str  # "name", "year" or "latin"


def key_terms(question: str) -> list[KeyTerm]:
    """The names, places, organisations and years a question mentions.

    A capitalised word counts unless it opens the question as an ordinary word; a word
    pymorphy3 tags as a name, place or organisation counts in any case (people type
    «лавров» too); consecutive capitalised words are one term (Марко Рубио, Kuala Lumpur).
    """
    tokens = [(m.group(), m.start()) for m in _WORD.finditer(question)]
    terms: list[list[str]] = []
    kinds: list[str] = []
    previous_end = -2
    for i, (word, start) in enumerate(tokens):
        clean = word.strip("'-")
        if not clean or (clean.isdigit() and not _YEAR.match(clean)):
            previous_end = -2
            continue
        kind = _term_kind(clean, first=i == 0)
        if kind is None:
            previous_end = -2
            continue
        adjacent = question[previous_end:start].strip() == "" and previous_end >= 0
        if adjacent and kinds and kinds[-1] == kind == "name":
            terms[-1].append(clean)
        else:
            terms.append([clean])
            kinds.append(kind)
        previous_end = start + len(word)
    out = []
    for parts, kind in zip(terms, kinds, strict=True):
        stems = tuple(dict.fromkeys(s for p in parts for s in stem_words(words(p)) or [p.lower()]))
        out.append(KeyTerm(" ".join(parts), stems, kind))
    return out


def _term_kind(word: str, first: bool) -> str | None:
    if _YEAR.match(word):
        return "year"
    if _LATIN.match(word):
        low = word.lower()
        if low in _EN_PLAIN or len(low) < 2:
            return None
        if word[0].isupper() and (not first or word.isupper()):
            return "name" if not word.isupper() or len(word) > 1 else None
        return None
    if not _CYRILLIC.search(word) or len(word) < 3 or not words(word):
        return None
    if word[0].isupper():
        if not first or lemma_and_kind(word)[1] is not None:
            return "name"
        return None
    # lower case: a name only in its likeliest reading («лавров», «женеве»; not «любовь»)
    parses = _morph().parse(word.lower())
    if parses and any(tag in parses[0].tag for tag in _NAME_TAGS):
        return "name"
    return None


def content_stems(question: str) -> set[str]:
    """The question's stems, for sentence overlap."""
    return set(tokenize(question))
