"""Which language a question is in, and Russian typed in Latin letters read back as Russian.

People without a Russian keyboard write «o chem govorili lavrov i rubio po telefonu»: that is a
Russian question, to be searched in Cyrillic and answered in Russian. `to_cyrillic` undoes the
usual spellings (passport ICAO, GOST 7.79, BGN/PCGN as the press writes names, and chat
spelling): each word's readings are tried cheapest first and the first that pymorphy3's
dictionary knows wins. `bench/translit.py` measures it.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from index.types import Lang

_CYRILLIC = re.compile(r"[А-Яа-яЁё]")
_LATIN = re.compile(r"[A-Za-z]")
# a Latin word, with the apostrophes and backquotes some systems write for ь and ъ
_LATIN_WORD = re.compile(r"[A-Za-z]+(?:['`][A-Za-z]*)*")

# Latin spelling → Cyrillic readings, the likelier first; a reading's rank is its cost
_READINGS: dict[str, tuple[str, ...]] = {
    "shch": ("щ",), "shh": ("щ",), "sch": ("щ", "сх"),
    "zh": ("ж", "жь"), "kh": ("х", "кх"), "ch": ("ч", "чь"), "sh": ("ш", "шь"),
    "ts": ("ц", "тс"), "tc": ("ц", "тц"), "tz": ("ц",), "cz": ("ц",),
    "yo": ("е", "йо"), "jo": ("е", "йо"), "io": ("ио", "е"),
    "yu": ("ю",), "ju": ("ю",), "iu": ("ю", "иу"),
    "ya": ("я",), "ja": ("я",), "ia": ("ия", "я"),
    "ye": ("е", "ье"), "je": ("е", "ье"), "ie": ("ие", "ье", "ъе", "е"),
    "yy": ("ый",), "yj": ("ый",), "iy": ("ий", "ый"), "ij": ("ий",), "ii": ("ии", "ий"),
    "y'": ("ы",), "e'": ("э",), "e`": ("э",), "``": ("ъ",), "''": ("ъ",),
    "'": ("ь",), "`": ("ь",),
    "a": ("а",), "b": ("б",), "c": ("ц", "к", "с"), "d": ("д", "дь"), "e": ("е", "э"),
    "f": ("ф",), "g": ("г",), "h": ("х",), "i": ("и", "й"), "j": ("й", "ж"), "k": ("к",),
    "l": ("л", "ль"), "m": ("м", "мь"), "n": ("н", "нь"), "o": ("о",), "p": ("п",),
    "q": ("к",), "r": ("р", "рь"), "s": ("с", "сь"), "t": ("т", "ть"), "u": ("у",),
    "v": ("в", "вь"), "w": ("в", "ш"), "x": ("кс", "х"), "y": ("ы", "й", "и"),
    "z": ("з", "зь"),
}
# after a vowel, i and y are likelier й: "Sergei", "voina", "kakoy" (not "Сергеи", "воина")
_AFTER_VOWEL: dict[str, tuple[str, ...]] = {"i": ("й", "и"), "y": ("й", "ы", "и")}
_VOWELS = frozenset("aeiouy")
# chat spelling leaves out the soft sign ("skolko", "dlilas"): the second reading of a
# consonant above puts it back, so a word the dictionary knows only with it is still found
_LONGEST = max(map(len, _READINGS))
# search steps per word, at most (a word of 24 letters takes a few hundred)
_MAX_STEPS = 20_000
_MAX_WORD = 24
# how much dearer a standard reading may be than a distorted one and still be preferred
_DISTORTED_GRACE = 2

# English words that are common in questions: a text full of them is English, whatever their
# letters would spell in Cyrillic ("on" → он, "do" → до, "person" → персон)
_ENGLISH = frozenset((
    "a", "about", "after", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be",
    "been", "before", "between", "but", "by", "can", "could", "did", "do", "does", "done",
    "during", "each", "for", "from", "had", "has", "have", "he", "her", "his", "how", "i", "if",
    "in", "into", "is", "it", "its", "last", "many", "may", "meet", "met", "more", "most", "much",
    "must", "new", "no", "not", "now", "of", "on", "one", "or", "other", "our", "out", "over",
    "said", "say", "says", "she", "should", "so", "some", "such", "than", "that", "the", "their",
    "them", "then", "there", "these", "they", "this", "those", "to", "two", "up", "us", "was",
    "we", "were", "what", "when", "where", "which", "while", "who", "whom", "whose", "why", "will",
    "with", "would", "year", "years", "you", "your",
))
# Latin words that spell a Russian word but say too little on their own (a letter, "da")
_TOO_SHORT = 2
# the words a text is judged by: its start says which language it is in
_SAMPLE_WORDS = 40


def detect_language(text: str, default: Lang = "ru") -> Lang:
    """Russian when Cyrillic letters are at least as many as Latin ones, or when the Latin
    words are Russian ones transliterated; English otherwise; `default` for a question with
    no letters at all."""
    cyr = len(_CYRILLIC.findall(text))
    lat = len(_LATIN.findall(text))
    if cyr == 0 and lat == 0:
        return default
    if cyr >= lat:
        return "ru"
    return "ru" if is_transliterated(text) else "en"


def script_language(text: str) -> Lang | None:
    """The language of a text written in Cyrillic or Latin letters (`detect_language`); None
    for a text with no such letters (digits and signs only, or another script: Arabic, Chinese)."""
    if not _CYRILLIC.search(text) and not _LATIN.search(text):
        return None
    return detect_language(text)


def corpus_language(texts: Iterable[str], sample: int = 400) -> Lang:
    """The language most of `texts` are written in, judged by the start of each (Russian when
    there are none, or as many Russian as English)."""
    counts = {"ru": 0, "en": 0}
    for text in texts:
        counts[detect_language(text[:sample])] += 1
    return "en" if counts["en"] > counts["ru"] else "ru"


def is_transliterated(text: str) -> bool:
    """Whether a Latin-script text is Russian written in Latin letters.

    Its words are read back into Cyrillic: it is Russian when at least two of them, and more
    than half of those that are not names, are words of the Russian dictionary, and they
    outnumber twice over the common English words among them.
    """
    if _CYRILLIC.search(text):
        return False
    latin = [w.lower() for w in _LATIN_WORD.findall(text)][:_SAMPLE_WORDS]
    if not latin:
        return False
    english = sum(w in _ENGLISH for w in latin)
    russian = sum(
        1 for w in latin
        if w not in _ENGLISH and len(w) >= _TOO_SHORT and _reading(w)[1]
    )
    return russian >= 2 and russian > 2 * english and 2 * russian >= len(latin) - english


def as_russian(question: str) -> str:
    """The question as it is searched: in Cyrillic when it is transliterated Russian."""
    return to_cyrillic(question) if is_transliterated(question) else question


def to_cyrillic(text: str) -> str:
    """Every Latin word of `text` in Cyrillic, read as transliterated Russian; the rest of the
    text (punctuation, digits, Cyrillic) as it is. Capitalised words stay capitalised."""
    return _LATIN_WORD.sub(lambda m: _recase(m.group(), _reading(m.group().lower())[0]), text)


def _recase(latin: str, cyrillic: str) -> str:
    if latin.isupper() and len(latin) > 1:
        return cyrillic.upper()
    if latin[0].isupper():
        return cyrillic[:1].upper() + cyrillic[1:]
    return cyrillic


@lru_cache(maxsize=8192)
def _reading(word: str) -> tuple[str, bool]:
    """The likeliest Cyrillic reading of a lower-case Latin word, and whether the Russian
    dictionary knows it.

    A uniform-cost search over the spellings of `_READINGS`, walking pymorphy3's dictionary
    (a DAWG) as it goes, so that only readings that can still become a Russian word are
    extended. A standard form beats a distorted one ("этот", not "етот"); of the cheapest,
    the longer wins ("которые", not the town "Которе"). A word the dictionary lacks (a
    foreign name) gets the first reading of each spelling.
    """
    if len(word) > _MAX_WORD:
        return _greedy(word), False
    from index.names import _morph  # pymorphy3, loaded once and shared with the name table

    morph = _morph()
    dawg = morph.dictionary.words.dct
    queue: list[tuple[int, int, str, tuple[int, ...]]] = [(0, 0, "", (dawg.ROOT,))]
    found: list[tuple[bool, int, int, int, str]] = []  # standard, -cost, length, -order
    stop_after: int | None = None  # the cost past which no better reading is looked for
    steps = 0
    while queue and steps < _MAX_STEPS:
        cost, pos, prefix, nodes = heapq.heappop(queue)
        steps += 1
        if stop_after is not None and cost > stop_after:
            break
        if pos == len(word):
            if morph.word_is_known(prefix):
                standard = _standard(morph, prefix)
                found.append((standard, -cost, len(prefix), -len(found), prefix))
                # a distorted form ("етот") is taken only if no standard one costs a little
                # more ("этот")
                limit = cost if standard else cost + _DISTORTED_GRACE
                stop_after = limit if stop_after is None else min(stop_after, limit)
            continue
        for size in range(min(_LONGEST, len(word) - pos), 0, -1):
            for rank, letters in enumerate(_readings(word, pos, size)):
                following = _follow(dawg, nodes, letters)
                if following:
                    heapq.heappush(queue, (cost + rank, pos + size, prefix + letters,
                                           following))
    if not found:
        return _greedy(word), False
    return max(found)[-1], True


def _readings(word: str, pos: int, size: int) -> tuple[str, ...]:
    spelling = word[pos : pos + size]
    if size == 1 and pos > 0 and word[pos - 1] in _VOWELS and spelling in _AFTER_VOWEL:
        return _AFTER_VOWEL[spelling]
    return _READINGS.get(spelling, ())


def _follow(dawg: Any, nodes: tuple[int, ...], letters: str) -> tuple[int, ...]:
    """The dictionary's states after `letters`, from each of `nodes` (е may be written ё)."""
    for letter in letters:
        variants = ("е", "ё") if letter == "е" else (letter,)
        nodes = tuple(
            after for node in nodes for v in variants
            if (after := dawg.follow_bytes(v.encode("utf-8"), node)) is not None
        )
        if not nodes:
            break
    return nodes


def _standard(morph: Any, word: str) -> bool:
    """Whether a reading of the word is a standard form (not marked distorted or erroneous)."""
    return any(not ({"Dist", "Erro", "Infr"} & set(p.tag.grammemes)) for p in morph.parse(word))


def _greedy(word: str) -> str:
    """The first reading of the longest spelling at each point: for words too long to search."""
    out = []
    pos = 0
    while pos < len(word):
        for size in range(min(_LONGEST, len(word) - pos), 0, -1):
            readings = _READINGS.get(word[pos : pos + size])
            if readings:
                out.append(readings[0])
                pos += size
                break
        else:
            out.append(word[pos])
            pos += 1
    return "".join(out)
