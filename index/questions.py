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

from index.dates import RU_MONTH_STEMS
from index.keywords import stem_words, tokenize, words
from index.names import _morph, lemma_and_kind

Asks = str  # "when", "where", "who", "why", "said", "how_many", "how_long"

# the order matters: "how long" before "how many", "в каком году" before "в каком"
_ASKS: tuple[tuple[Asks, re.Pattern[str]], ...] = (
    ("how_long", re.compile(
        r"\b(как долго|сколько (?:времени|лет|дней|часов|минут|месяцев|недель|длил\w*|"
        r"продолжал\w*|шл[аои]|ид[её]т)|how long)\b",
        re.IGNORECASE)),
    ("when", re.compile(
        r"\b(когда|в какой день|какого числа|в каком году|в каком месяце|какая дата|"
        r"с какого (?:времени|дня|числа|момента|года|месяца)|до какого (?:времени|дня|числа)|"
        r"с какой даты|какой датой|в какую дату|кагда|када|когды|"
        r"when|what date|which day|what day|what year|which year|what month|since when|"
        r"from what date|on what date)\b", re.IGNORECASE)),
    ("how_many", re.compile(
        r"\b(сколько|скока|скольк\w*|каков\w* (?:число|количество|размер|сумма)|how many|"
        r"how much|what number|what percentage)\b", re.IGNORECASE)),
    ("where", re.compile(
        r"\b(где|куда|откуда|в каком (?:городе|месте|регионе|районе|здании)|в какой стране|"
        r"в какую страну|where|in which city|in what city|which country|what country)\b",
        re.IGNORECASE)),
    ("said", re.compile(
        r"\b(что (?:\w+ )?(?:сказал|заявил|говорил|ответил|написал|пообещал|сообщил)\w*|"
        r"как (?:\w+ )?(?:прокомментировал|оценил|назвал|описал)\w*|"
        r"what did (?:\w+ ){1,4}(?:say|tell|write|announce|promise)|how did (?:\w+ ){1,4}"
        r"(?:describe|call|comment)|what was said)\b", re.IGNORECASE)),
    ("why", re.compile(r"\b(почему|зачем|отчего|по какой причине|из-за чего|за что|why|"
                       r"for what reason)\b", re.IGNORECASE)),
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
    "said", "mr", "mrs", "ms", "dr", "january", "february", "march", "april", "june", "july",
    "august", "september", "october", "november", "december", "monday", "tuesday", "wednesday",
    "thursday", "friday", "saturday", "sunday",
    # titles and generic words of institutions: capitalised in English, but no name
    "secretary", "state", "states", "minister", "ministry", "president", "department",
    "foreign", "prime", "general", "office", "council", "house", "union", "united",
    "republic", "federation", "government", "party", "army", "court", "committee",
})
_LATIN = re.compile(r"^[A-Za-z][A-Za-z'-]*$")
_CYRILLIC = re.compile(r"[А-Яа-яЁё]")
_YEAR = re.compile(r"^(?:1[89]|20)\d\d$")
_WORD = re.compile(r"[\w'-]+", re.UNICODE)
_NAME_TAGS = ("Name", "Surn", "Geox", "Orgn")
_NAME_WORDS = 4
# a month the question names ("в марте", "in March") bounds the answer: the report must
# mention it. Each month's Russian stem, found from its Russian or English word
_MONTH_STEMS = RU_MONTH_STEMS
_MONTH = re.compile(
    r"(?<![\w-])(январ[а-я]*|феврал[а-я]*|март[а-я]?|апрел[а-я]*|ма[йяе]|июн[а-я]*|июл[а-я]*"
    r"|август[а-я]*|сентябр[а-я]*|октябр[а-я]*|ноябр[а-я]*|декабр[а-я]*|january|february"
    r"|march|april|may|june|july|august|september|october|november|december)(?![\w-])",
    re.IGNORECASE)
_EN_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
              "september", "october", "november", "december")


def asks(question: str) -> Asks | None:
    """What the question asks for: "when", "where", "who", "why", "said" (words someone
    said), "how_many", "how_long" or None."""
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
    kind: str  # "name", "year" or "month"


def key_terms(question: str) -> list[KeyTerm]:
    """The names, places, organisations and years a question mentions.

    A capitalised word counts unless it opens the question as an ordinary word; a word
    pymorphy3 tags as a name, place or organisation counts in any case (people type
    «лавров» too); consecutive capitalised words are one term (Марко Рубио, Kuala Lumpur).
    """
    tokens = [(m.group(), m.start()) for m in _WORD.finditer(question)]
    # a Latin word in a Russian question is a name as written (Facebook, fb.com, HP)
    russian = len(_CYRILLIC.findall(question)) > len(re.findall(r"[A-Za-z]", question))
    terms: list[list[str]] = []
    kinds: list[str] = []
    previous_end = -2
    for i, (word, start) in enumerate(tokens):
        clean = word.strip("'-")
        if not clean or (clean.isdigit() and not _YEAR.match(clean)):
            previous_end = -2
            continue
        # a capital after a sentence's end is forced, like the question's first word's
        initial = i == 0 or question[:start].rstrip()[-1:] in ".!?…:;\"«("
        kind = _term_kind(clean, first=initial, russian=russian)
        if kind is None:
            previous_end = -2
            continue
        adjacent = question[previous_end:start].strip() == "" and previous_end >= 0
        # a name has a few words at most (Аун Сан Су Чжи): a longer run is several names
        if adjacent and kinds and kinds[-1] == kind == "name" and len(terms[-1]) < _NAME_WORDS:
            terms[-1].append(clean)
        else:
            terms.append([clean])
            kinds.append(kind)
        previous_end = start + len(word)
    out = [KeyTerm(m.group(), (_month_stem(m.group()),), "month")
           for m in _MONTH.finditer(question)
           # "May" opens English questions as a verb too
           if not (m.group().lower() == "may" and m.group()[0].isupper() and m.start() == 0)]
    for parts, kind in zip(terms, kinds, strict=True):
        stems = tuple(dict.fromkeys(s for p in parts for s in stem_words(words(p)) or [p.lower()]))
        out.append(KeyTerm(" ".join(parts), stems, kind))
    unique: dict[str, KeyTerm] = {}  # a term asked twice is looked up once
    for term in out:
        unique.setdefault(term.text.lower(), term)
    return list(unique.values())


def _month_stem(word: str) -> str:
    low = word.lower()
    if low in _EN_MONTHS:
        return _MONTH_STEMS[_EN_MONTHS.index(low)]
    return next(stem for stem in sorted(_MONTH_STEMS, key=len, reverse=True)
                if low.startswith(stem))


def _term_kind(word: str, first: bool, russian: bool = False) -> str | None:
    if _YEAR.match(word):
        return "year"
    if _LATIN.match(word):
        low = word.lower()
        if low in _EN_PLAIN or len(low) < 2:
            return None
        if russian:  # a Latin name in a Russian question (Facebook, HP, fb.com), not markup
            return "name" if word[0].isupper() or not word.isalpha() else None
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


_HOW_MANY = re.compile(r"\b(?:сколько|скока|how many|how much)\s+([\w-]+)", re.IGNORECASE)
_MONEY_WORDS = re.compile(
    r"^(?:сто\w+|денег|деньги|заплатил\w*|потратил\w*|выделил\w*|заработал\w*|cost\w*|"
    r"money|pay|paid|spent|did|does|do|is|was|will)$", re.IGNORECASE)


def counted(question: str) -> str | None:
    """What a "how many" question counts: "money", or the stem of the counted noun
    («сколько журналистов» → журналист), or None when it does not say."""
    m = _HOW_MANY.search(question)
    if m is None:
        return None
    word = m.group(1)
    if re.search(r"\bза\s+(?:сколько|скока)\b", question, re.IGNORECASE):
        return "money"  # «за сколько купили»: a price
    if word.isascii() and not m.group().lower().startswith("how"):
        return None  # a Latin name after «сколько» (HP, Facebook) is not what is counted
    if _MONEY_WORDS.match(word) and (not word.isascii() or "much" in m.group().lower()
                                     or word.lower().startswith(("cost", "pa", "spen", "mon"))):
        return "money"
    if word.isascii():
        stems = stem_words(words(word))
        return stems[0] if stems else None
    parses = _morph().parse(word.lower())
    if parses and "NOUN" in parses[0].tag and "Name" not in parses[0].tag:
        stems = stem_words(words(word))
        return stems[0] if stems else None
    return None
