"""Names across scripts and word forms: an alias table built from the corpus itself.

Every name-like word of the corpus (capitalised where a sentence does not force a capital, or
tagged as a name by pymorphy3) is filed under its lemma with the Snowball stems of all the forms
the corpus uses and a Latin transliteration. A question word then reaches the corpus stems:
"Lavrov" → лавр/лавров (a fuzzy match on the Latin forms, so "Trump" finds Трамп via "tramp"),
and "Лавров" → лавров too (Snowball stems "Лавров" and "Лавровым" differently; the lemma joins
them). Nothing here is a hand list of names.
"""

from __future__ import annotations

import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal

from index.chunking import split_sentences
from index.keywords import stem_words, words

if TYPE_CHECKING:
    import pymorphy3

NameKind = Literal["person", "place", "org", "name"]

# BGN/PCGN-like, plus the Ukrainian and Belarusian letters that appear in news about the region
_TRANSLIT = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya", "і": "i",
    "ї": "yi", "є": "ye", "ґ": "g", "ў": "u",
}
# spelling variants that transliteration systems and English usage disagree on
_SKELETON_RULES = (
    (re.compile(r"dzh"), "j"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"ck"), "k"),
    (re.compile(r"c(?!h)"), "k"),
    (re.compile(r"q"), "k"),
    (re.compile(r"x"), "ks"),
    (re.compile(r"w"), "v"),
    (re.compile(r"kh"), "h"),
    (re.compile(r"ts"), "c"),
    (re.compile(r"y"), "i"),
    (re.compile(r"(.)\1+"), r"\1"),
)
_WORD = re.compile(r"[A-Za-zА-Яа-яЁёІіЇїЄєҐґЎў]+")
_CYRILLIC = re.compile(r"[А-Яа-яЁёІіЇїЄєҐґЎў]")
_LATIN_WORD = re.compile(r"[a-z]+")
_NAME_TAGS: dict[str, NameKind] = {
    "Name": "person", "Surn": "person", "Patr": "person", "Geox": "place", "Orgn": "org",
}
# an all-capitals word shorter than this is an abbreviation (МИД, США), not a name to spell out
_MIN_ACRONYM = 4
_MIN_NAME = 3
_OPENERS = set(':"«„“(-–—')


def transliterate(text: str) -> str:
    """Cyrillic → Latin, lower-case: 'Куала-Лумпуре' → 'kuala-lumpure'."""
    return "".join(_TRANSLIT.get(ch, ch) for ch in text.lower().replace("ё", "е"))


def skeleton(latin: str) -> str:
    """A Latin spelling with the usual variants folded: 'Sergei'/'Sergey', 'Marco'/'Marko'."""
    out = re.sub(r"[^a-z]", "", latin.lower())
    for pattern, repl in _SKELETON_RULES:
        out = pattern.sub(repl, out)
    return out


def edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, or `limit + 1` as soon as it is certain to exceed `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1,
                               previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def _allowed_distance(length: int) -> int:
    # one letter for a short name (Trump/tramp), two for a long one; none below 4 letters
    if length < 4:
        return 0
    return 1 if length < 8 else 2


@lru_cache(maxsize=1)
def _morph() -> pymorphy3.MorphAnalyzer:
    import pymorphy3  # (imported when first needed: most questions never need it)

    return pymorphy3.MorphAnalyzer(lang="ru")


@lru_cache(maxsize=65536)
def lemma_and_kind(word: str) -> tuple[str, NameKind | None]:
    """The lemma of a Cyrillic word, preferring a reading as a name, and what kind of name."""
    word = word.lower().replace("ё", "е")
    if not _CYRILLIC.search(word):
        return word, None
    parses = _morph().parse(word)
    for parse in parses:
        for tag, kind in _NAME_TAGS.items():
            if tag in parse.tag:
                return str(parse.normal_form).replace("ё", "е"), kind
    return (str(parses[0].normal_form).replace("ё", "е") if parses else word), None


@dataclass(frozen=True, slots=True)
class NameEntry:
    """One name of the corpus: its lemma, the stems its forms index under, its surface forms."""

    lemma: str
    kind: NameKind
    stems: tuple[str, ...]
    forms: tuple[str, ...]


@dataclass(slots=True)
class _Counts:
    capital_inside: int = 0  # capitalised where the sentence does not force it
    capital_initial: int = 0
    lower: int = 0
    forms: set[str] = field(default_factory=set)


# every rebuild reads every article for names: each text is read once (a corpus of more
# articles than this is read again)
@lru_cache(maxsize=8192)
def _scan(
    text: str,
) -> tuple[tuple[tuple[str, str, bool, NameKind | None], ...], tuple[str, ...]]:
    """The capitalised words of `text` in order, as (lemma, form, sentence-initial, kind), and
    its lower-case word forms (stop words and one-letter words left out)."""
    capitalised: list[tuple[str, str, bool, NameKind | None]] = []
    lower: list[str] = []
    for start, end in split_sentences(text):
        sentence = text[start:end]
        previous: NameKind | None = None
        for i, match in enumerate(_WORD.finditer(sentence)):
            word = match.group()
            # a capital after a colon or an opening quote is forced, like a sentence's
            initial = i == 0 or sentence[: match.start()].rstrip()[-1:] in _OPENERS
            form = sys.intern(word.lower().replace("ё", "е"))
            after, previous = previous, None
            if len(word) < 2 or not words(form):
                continue  # one letter (initials) or a stop word
            if word[0].islower():
                lower.append(form)
                continue
            if word.isupper() and len(word) < _MIN_ACRONYM:
                continue
            lemma, kind = lemma_and_kind(form)
            # an untagged capitalised word right after a first name is a surname (Рубио)
            if kind is None and after == "person" and _CYRILLIC.search(form):
                kind = "person"
            previous = kind
            capitalised.append((lemma, form, initial, kind))
    return tuple(capitalised), tuple(lower)


class NameTable:
    """Lemma → name entry, with lookups by surface form and by Latin spelling."""

    def __init__(self, entries: Iterable[NameEntry] = ()) -> None:
        self.entries: dict[str, NameEntry] = {e.lemma: e for e in entries}
        self._by_form: dict[str, str] = {}
        # Latin spellings of the Cyrillic names, bucketed by first letter to keep lookups short
        self._latin: dict[str, list[tuple[str, str]]] = defaultdict(list)
        self._cyrillic_by_latin: dict[str, list[tuple[str, str]]] = defaultdict(list)
        # a word whose stem no name has cannot be one of its forms: such words (most of a
        # question) skip the morphological analyser, whose dictionaries take 0.2 s to load
        self._stems = frozenset(s for entry in self.entries.values() for s in entry.stems)
        for entry in self.entries.values():
            for form in entry.forms:
                self._by_form[form] = entry.lemma
            if _CYRILLIC.search(entry.lemma):
                spellings = {skeleton(transliterate(f)) for f in (entry.lemma, *entry.forms)}
                for spelling in spellings:
                    if spelling:
                        self._latin[spelling[0]].append((spelling, entry.lemma))
            else:
                key = skeleton(entry.lemma)
                if key:
                    self._cyrillic_by_latin[key[0]].append((key, entry.lemma))

    def __len__(self) -> int:
        return len(self.entries)

    # -- building and persistence -------------------------------------------------------

    @classmethod
    def build(cls, texts: Iterable[str]) -> NameTable:
        """The names of `texts` (article titles and bodies)."""
        by_lemma: dict[str, _Counts] = defaultdict(_Counts)
        kinds: dict[str, NameKind] = {}
        lower_forms: Counter[str] = Counter()
        for text in texts:
            capitalised, lower = _scan(text)
            lower_forms.update(lower)
            for lemma, form, initial, kind in capitalised:
                counts = by_lemma[lemma]
                counts.forms.add(form)
                if initial:
                    counts.capital_initial += 1
                else:
                    counts.capital_inside += 1
                if kind is not None:
                    kinds[lemma] = kind
        for form, n in lower_forms.items():
            lemma, _ = lemma_and_kind(form)
            if lemma in by_lemma:
                by_lemma[lemma].lower += n
        entries = []
        for lemma, counts in by_lemma.items():
            kind = kinds.get(lemma)
            inside = counts.capital_inside >= 1 and counts.capital_inside >= counts.lower
            initial_only = counts.capital_initial >= 1 and counts.lower == 0 and kind is not None
            if len(lemma) < _MIN_NAME or not (inside or initial_only):
                continue
            forms = tuple(sorted(counts.forms))
            stems = tuple(sorted(set(stem_words([*forms, lemma]))))
            entries.append(NameEntry(lemma, kind or "name", stems, forms))
        return cls(entries)

    def to_json(self) -> dict[str, Any]:
        return {"entries": [[e.lemma, e.kind, list(e.stems), list(e.forms)]
                            for e in sorted(self.entries.values(), key=lambda e: e.lemma)]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> NameTable:
        return cls(NameEntry(str(lemma), kind, tuple(stems), tuple(forms))
                   for lemma, kind, stems, forms in data["entries"])

    # -- lookups --------------------------------------------------------------------------

    def lemma_of(self, word: str) -> str | None:
        """The lemma of a corpus name this word is a form of, in its own script."""
        form = word.lower().replace("ё", "е")
        if form in self._by_form:
            return self._by_form[form]
        if stem_words([form])[0] not in self._stems:
            return None
        lemma, _ = lemma_and_kind(form)
        return lemma if lemma in self.entries else None

    def match(self, word: str) -> list[str]:
        """Lemmas of the corpus names `word` stands for, in either script (best matches only)."""
        form = word.lower().replace("ё", "е")
        found: list[str] = []
        own = self.lemma_of(form)
        if own is not None:
            found.append(own)
        if _CYRILLIC.search(form):
            key, buckets = skeleton(transliterate(form)), self._cyrillic_by_latin
        else:
            key, buckets = skeleton(form), self._latin
        if len(key) >= _MIN_NAME:
            found.extend(x for x in _closest(key, buckets.get(key[0], [])) if x not in found)
        return found

    def names_in(self, text: str) -> frozenset[str]:
        """Lemmas of the corpus names mentioned in `text`."""
        out = set()
        for match in _WORD.finditer(text):
            word = match.group()
            if word[0].isupper() and (lemma := self.lemma_of(word)) is not None:
                out.add(lemma)
        return frozenset(out)

    def people_in(self, text: str) -> frozenset[str]:
        """Names in `text` known to be people's (first names, surnames)."""
        return frozenset(n for n in self.names_in(text) if self.entries[n].kind == "person")

    def expand(self, question: str, tokens: list[str]) -> list[str]:
        """`tokens` (the question's stems) with every name replaced by the corpus stems of it.

        A Latin word that matched a Cyrillic name is dropped: the corpus does not contain it, and
        keyword coverage would count it as a miss.
        """
        extra: list[str] = []
        drop: set[str] = set()
        for word in words(question):
            lemmas = self.match(word)
            for lemma in lemmas:
                extra.extend(self.entries[lemma].stems)
            cross_script = any(_CYRILLIC.search(lemma) for lemma in lemmas)
            if cross_script and _LATIN_WORD.fullmatch(word):
                drop.update(stem_words([word]))
        out = [t for t in tokens if t not in drop]
        for stem in extra:
            if stem not in out:
                out.append(stem)
        return out


def _closest(key: str, candidates: list[tuple[str, str]]) -> list[str]:
    """Lemmas whose spelling is nearest to `key`, within the allowed distance."""
    limit = _allowed_distance(len(key))
    best = limit + 1
    lemmas: list[str] = []
    for spelling, lemma in candidates:
        d = edit_distance(key, spelling, min(limit, best))
        # Russian case endings: a corpus form that only adds an ending to the name matches too
        suffix = len(spelling) - len(key)
        if d > limit and len(key) >= 5 and spelling.startswith(key) and suffix <= 2:
            d = limit
        if d < best:
            best, lemmas = d, [lemma]
        elif d == best and d <= limit and lemma not in lemmas:
            lemmas.append(lemma)
    return lemmas if best <= limit else []
