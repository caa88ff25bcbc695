"""The answer itself, in one line: the value a typed question asks for, from the excerpt.

"When" is answered by the event's date, "where" by a place, "who" by a person or an
organisation, "how many" by a number with what it counts, "how long" by a duration. The value
is looked for in the answering sentence, then in the sentence after it and the one before, and
it must be something the question does not already say. Several values of the type in one
sentence: the one nearest the question's words wins; a tie, or a question whose type is unclear,
gives none (no short answer is better than a wrong one).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from razdel import sentenize

from index.dates import chunk_mentions, find_dates, parse_iso
from index.keywords import tokenize
from index.names import _morph, lemma_and_kind
from index.ner import Entity, NoEntities, Recogniser
from index.types import AnswerItem, ShortAnswer, ShortKind

Span = tuple[int, int]
# a candidate value: its span in the excerpt, its kind, and its normalised value
Candidate = tuple[int, int, ShortKind, str | None]

_QUALIFIER = (r"(?:(?:около|более|менее|почти|свыше|порядка|примерно|приблизительно|лишь|"
              r"всего|более чем|менее чем|about|over|nearly|almost|around|more than|less than|"
              r"some|only)\s+)?")
_NUMBER = (r"(?<![\w.,])(?:\d+(?:[\s\u00a0]\d{3})*(?:[.,]\d+)?|полтор\w+|"
           r"(?:один|одна|одну|два|две|три|четыре|пять|шесть|семь|восемь|девять|десять|"
           r"двенадцать|пятнадцать|двадцать|тридцать|сорок|пятьдесят|сто|one|two|three|four|"
           r"five|six|seven|eight|nine|ten|twelve|fifteen|twenty|thirty|forty|fifty|hundred)"
           r"(?![\w-]))")
_SCALE = (r"(?:[\s\u00a0]*(?:тыс\.|тысяч\w*|млн|миллион\w*|млрд|миллиард\w*|трлн|"
          r"триллион\w*|thousand|million|billion|trillion)(?![\w-]))?")
_DURATION_UNIT = (r"(?:лет|год\w*|месяц\w*|недел\w*|дн(?:я|ей|ям)|день|сут\w*|час\w*|минут\w*|"
                  r"секунд\w*|век\w*|десятилет\w*|years?|months?|weeks?|days?|hours?|minutes?|"
                  r"seconds?|decades?|км|километр\w*|метр\w*|миль|mile\w*|kilomet\w*)")
_DURATION = re.compile(rf"{_QUALIFIER}(?:{_NUMBER}{_SCALE}[\s\u00a0]+{_DURATION_UNIT}|"
                       r"полчаса|полгода|полдня|полминуты|half an hour|half a year)(?![\w-])",
                       re.IGNORECASE)
_COUNT = re.compile(rf"{_QUALIFIER}{_NUMBER}{_SCALE}", re.IGNORECASE)
# (an abbreviation's point only where the sentence goes on: «9 тыс. долларов», not «служащим.»)
_UNIT_WORD = re.compile(r"[\s\u00a0]*(%|[$€£]|[\w-]+(?:\.(?=[\s\u00a0]+[a-zа-яё0-9]))?)")
_MONEY = re.compile(r"^(?:руб|долл|евро|франк|фунт|иен|юан|грив|\$|€|£|dollar|euro|pound|yen)",
                    re.IGNORECASE)
# words after a number that are not what it counts
_NOT_UNIT = frozenset({"в", "во", "на", "и", "или", "с", "со", "к", "по", "из", "от", "до",
                       "за", "а", "но", "что", "как", "in", "on", "and", "or", "to", "of",
                       "from", "by", "at", "for", "the"})
_YEAR = re.compile(r"^(?:1[89]|20)\d\d$")
_PLACE = re.compile(r"(?<![\w-])(?:в|во|на|из|под|близ|около|in|at|near|from)\s+"
                    r"((?:[A-ZА-ЯЁ][\w-]+)(?:\s+[A-ZА-ЯЁ][\w-]+)*)")
_PROPER_RUN = re.compile(r"(?<![\w-])(?:[A-ZА-ЯЁ][\w&'-]*)(?:\s+[A-ZА-ЯЁ][\w&'-]*)*")
# "и" / "and" / a comma between two names of one answer: «Сергей Лавров и Марко Рубио»
_JOIN = re.compile(r"^(?:\s*,\s*|\s+и\s+|\s+and\s+)$")
_CYRILLIC = re.compile(r"[А-Яа-яЁё]")
_ASKS_YEAR = re.compile(r"\b(?:в каком году|какого года|с какого года|what year|which year|"
                        r"in what year)\b", re.IGNORECASE)
_YEAR_MENTION = re.compile(r"(?<![\w.,])(?:1[89]|20)\d\d(?:\s+(?:год\w*|г\.))?(?![\w-])")
# «в России» is where most of this news happens: it answers "where" only when a country is asked
_SETTING = frozenset({"Россия", "РФ", "Российская Федерация"})
_ASKS_COUNTRY = re.compile(r"\b(?:в какой стране|в какую страну|which country|what country)",
                           re.IGNORECASE)
# "who" is answered by a person unless the question asks for an organisation
_ASKS_ORG = re.compile(r"\b(?:как\w+ (?:компани|организаци|банк|ведомств|издани|партия|"
                       r"фирм|страна)\w*|which (?:company|organi[sz]ation|bank|agency)|"
                       r"what (?:company|organi[sz]ation|bank|agency))", re.IGNORECASE)
_WORD = re.compile(r"[\w-]+")
_UNIT_ROOT = 4
_WHO_KINDS: frozenset[ShortKind] = frozenset({"person", "org"})


def short_answer(
    item: AnswerItem,
    asked: str | None,
    question_stems: set[str],
    *,
    event_date: str | None = None,
    unit: str | None = None,
    recogniser: Recogniser | None = None,
    question: str = "",
) -> ShortAnswer | None:
    """The value `asked` for in `item`'s answering sentence or a neighbour of it, or None.
    `question_stems` are the question's search stems (English questions' include Russian
    translations); `unit` is what a "how many" question counts (index/questions.py); a
    `question` that asks for a year («в каком году») is answered by one."""
    if asked == "when" and _ASKS_YEAR.search(question):
        asked = "year"
    elif asked == "when":
        return _date(item, event_date)
    find = _FINDERS.get(asked or "")
    if find is None or not item.excerpt:
        return None
    recogniser = recogniser or NoEntities()
    for start, end in _sentences(item.excerpt, item.highlight):
        sentence = item.excerpt[start:end]
        found = [(s + start, e + start, kind, value)
                 for s, e, kind, value in find(sentence, recogniser, unit, question_stems)
                 if not (kind == "place" and value in _SETTING
                         and not _ASKS_COUNTRY.search(question))
                 and not (kind == "org" and not _ASKS_ORG.search(question))]
        if found:
            chosen = _nearest(sentence, start, found, question_stems)
            if chosen is None:
                return None
            s, e, kind, value = chosen
            return ShortAnswer(item.excerpt[s:e], kind, (s, e), value)
    return None


def _date(item: AnswerItem, event_date: str | None) -> ShortAnswer | None:
    """The event's date, at its mention in the excerpt where there is one."""
    if event_date is None:
        return None
    day = parse_iso(event_date)[1:]
    for start, end, iso in chunk_mentions(item.excerpt, (*item.dates, event_date)):
        if parse_iso(iso)[1:] == day:
            return ShortAnswer(item.excerpt[start:end], "date", (start, end), event_date)
    return ShortAnswer(event_date, "date", None, event_date)


def _sentences(excerpt: str, highlight: Span | None) -> list[Span]:
    """The answering sentence's span, then the next sentence's, then the previous one's."""
    spans = [(s.start, s.stop) for s in sentenize(excerpt)]
    if not spans:
        return []
    at = 0
    if highlight is not None:
        middle = (highlight[0] + highlight[1]) // 2
        at = next((i for i, (s, e) in enumerate(spans) if s <= middle < e), 0)
    order = [at, at + 1, at - 1]
    return [spans[i] for i in order if 0 <= i < len(spans)]


def _said(text: str, question: set[str]) -> bool:
    """Does the question already hold this value (all its stems)?"""
    stems = set(tokenize(text))
    return bool(stems) and stems <= question


def _named(text: str, question: set[str]) -> bool:
    """Does the question name this person, place or organisation (any word of it: «Рубио»
    names «Марко Рубио»)?"""
    return bool(set(tokenize(text)) & question)


def _nearest(sentence: str, offset: int, found: list[Candidate],
             question: set[str]) -> Candidate | None:
    """The candidate nearest the question's words in the sentence; None on a tie."""
    if len(found) == 1:
        return found[0]
    anchors = [(m.start() + offset, m.end() + offset) for m in _WORD.finditer(sentence)
               if set(tokenize(m.group())) & question]
    if not anchors:
        return None

    def distance(c: Candidate) -> int:
        return min(max(a - c[1], c[0] - b, 0) for a, b in anchors)

    ranked = sorted(found, key=distance)
    if distance(ranked[0]) == distance(ranked[1]):
        return None
    return ranked[0]


# -- the finders, one per asked type: candidates as spans within the sentence -----------------

def _years(sentence: str, recogniser: Recogniser, unit: str | None,
           question: set[str]) -> list[Candidate]:
    return [(m.start(), m.end(), "date", m.group()[:4]) for m in _YEAR_MENTION.finditer(sentence)
            if not _said(m.group()[:4], question)]


def _durations(sentence: str, recogniser: Recogniser, unit: str | None,
               question: set[str]) -> list[Candidate]:
    return [(m.start(), m.end(), "duration", None) for m in _DURATION.finditer(sentence)
            if not _YEAR.match(m.group().strip()) and not _said(m.group(), question)]


def _counts(sentence: str, recogniser: Recogniser, unit: str | None,
            question: set[str]) -> list[Candidate]:
    """Numbers with what they count («600 случаев», «2,7 млрд долларов», «85%»); not dates,
    not years. A counted unit (or money) the question names must follow the number."""
    dates = [(d.start, d.end) for d in find_dates(sentence)]
    out: list[Candidate] = []
    for m in _COUNT.finditer(sentence):
        number = m.group().strip()
        if _YEAR.match(number) or any(s <= m.start() < e or s < m.end() <= e for s, e in dates):
            continue
        end = _unit_end(sentence, m.end(), unit)
        if end is None or _said(sentence[m.start():end], question):
            continue
        out.append((m.start(), end, "number", None))
    return out


def _unit_end(sentence: str, at: int, unit: str | None) -> int | None:
    """Where the value that starts with a number ending at `at` ends: after the word it
    counts. None when the question counts something (or money) and no word of it follows."""
    words: list[tuple[str, int]] = []
    position = at
    for _ in range(3):
        m = _UNIT_WORD.match(sentence, position)
        if m is None:
            break
        word = m.group(1)
        if word.lower() in _NOT_UNIT:
            break
        words.append((word, m.end()))
        position = m.end()
        if word in "%$€£":
            break
    if unit is None:
        if not words:
            return at
        # «30 государственным служащим»: an adjective is not what is counted, the noun is
        if len(words) > 1 and _adjective(words[0][0]):
            return words[1][1]
        return words[0][1]
    for word, end in words:
        low = word.lower()
        if unit == "money" and (_MONEY.match(low) or low in "$€£"):
            return end
        if unit != "money" and (low.startswith(unit[:_UNIT_ROOT]) or (
                unit.startswith(("проц", "perc")) and (low == "%" or low.startswith("проц")))):
            return end
    return None


def _adjective(word: str) -> bool:
    parses = _morph().parse(word.lower()) if _CYRILLIC.search(word) else []
    return bool(parses) and "ADJF" in parses[0].tag and "Subx" not in parses[0].tag


def _places(sentence: str, recogniser: Recogniser, unit: str | None,
            question: set[str]) -> list[Candidate]:
    """Places: the recogniser's, else a capitalised name after «в», «на», "in", "at"."""
    entities = _entities(sentence, recogniser)
    if entities is not None:
        return [(e.start, e.end, "place", _dictionary_form(e.text))
                for e in entities if e.kind == "place" and not _named(e.text, question)]
    return [(m.start(1), m.end(1), "place", _dictionary_form(m.group(1)))
            for m in _PLACE.finditer(sentence) if not _named(m.group(1), question)]


def _agents(sentence: str, recogniser: Recogniser, unit: str | None,
            question: set[str]) -> list[Candidate]:
    """People and organisations (names joined by «и» / a comma are one answer); without a
    recogniser, runs of capitalised words inside the sentence, or Latin ones. Where there are
    people, organisations are left out («Госсекретарь США Марко Рубио»)."""
    entities = _entities(sentence, recogniser)
    if entities is not None:
        found: list[Candidate] = [(e.start, e.end, e.kind, None) for e in entities
                                  if e.kind in _WHO_KINDS]
    else:
        found = []
        for m in _PROPER_RUN.finditer(sentence):
            found.extend(_split_run(m.group(), m.start()))
    found = [c for c in found if not _named(sentence[c[0]:c[1]], question)]
    if any(c[2] == "person" for c in found):
        found = [c for c in found if c[2] == "person"]
    merged: list[Candidate] = []
    for candidate in found:
        if (merged and merged[-1][2] == candidate[2] == "person"
                and _JOIN.match(sentence[merged[-1][1]:candidate[0]])):
            merged[-1] = (merged[-1][0], candidate[1], "person", None)
        else:
            merged.append(candidate)
    return [(s, e, kind, _nominative(sentence[s:e]) if kind == "person" else None)
            for s, e, kind, _ in merged]


def _nominative(names: str) -> str | None:
    """People's names as the subject of a sentence: «Сергеем Лавровым» → «Сергей Лавров»,
    «Джоанны Стингрей» → «Джоанна Стингрей» (the gender kept); a word with no name reading
    stays as written. None when nothing changes."""
    out = []
    for word in re.split(r"(\s+)", names):
        out.append(_name_nominative(word) if _CYRILLIC.search(word) else word)
    joined = "".join(out)
    return joined if joined != names else None


def _name_nominative(word: str) -> str:
    names = [p for p in _morph().parse(word.lower())
             if any(tag in p.tag for tag in ("Name", "Surn", "Patr"))]
    # a form that may already be the nominative («Евгения», «Раймон») is left as it is, and so
    # is a prepositional reading: it is mostly a foreign name that does not decline («Саломе»)
    if any("nomn" in p.tag for p in names) or (names and "loct" in names[0].tag):
        return word
    for parse in names:
        if "sing" in parse.tag:
            form = parse.inflect({"nomn", "sing"})
            if form is None:
                return word
            nominative = str(form.word)
            if nominative[:3] != word.lower()[:3]:  # not a form of this word: keep it
                return word
            return "-".join(p.capitalize() if o[:1].isupper() else p
                            for p, o in zip(nominative.split("-"), word.split("-"), strict=False))
    return word


def _split_run(run: str, at: int) -> list[Candidate]:
    """A run of capitalised words split where the kind of name changes («России Сергей
    Лавров» → a place, left out, then a person); a sentence's first word is left out (it is
    capitalised anyway) unless it is Latin."""
    parts: list[tuple[int, int, str]] = []
    for m in re.finditer(r"\S+", run):
        start, end = at + m.start(), at + m.end()
        if start == 0 and not m.group().isascii():
            continue
        found = lemma_and_kind(m.group())[1] if _CYRILLIC.search(m.group()) else None
        kind = found or (parts[-1][2] if parts else "person")
        if parts and kind == parts[-1][2] and parts[-1][1] + 1 >= start:
            parts[-1] = (parts[-1][0], end, kind)
        else:
            parts.append((start, end, kind))
    return [(s, e, "org" if k == "org" else "person", None) for s, e, k in parts
            if k != "place"]


def _entities(sentence: str, recogniser: Recogniser) -> list[Entity] | None:
    """The recogniser's entities of a Russian sentence; None where it does not apply (no
    recogniser, or a sentence with no Cyrillic), so the patterns are used instead."""
    if isinstance(recogniser, NoEntities) or not _CYRILLIC.search(sentence):
        return None
    return recogniser.entities(sentence)


def _dictionary_form(name: str) -> str | None:
    """«Куала-Лумпуре» → «Куала-Лумпур», «Кронштадтском» → «Кронштадтский»: each capitalised
    Cyrillic word in its dictionary form, capitals kept; None for a Latin name (as written)."""
    if not _CYRILLIC.search(name):
        return None
    out = []
    for word in name.split():
        lemma = lemma_and_kind(word)[0] if _CYRILLIC.search(word) else word
        parts = lemma.split("-")
        originals = word.split("-")
        if len(parts) == len(originals):
            lemma = "-".join(p.capitalize() if o[:1].isupper() else p
                             for p, o in zip(parts, originals, strict=True))
        out.append(lemma)
    return " ".join(out)


_FINDERS: dict[str, Callable[[str, Recogniser, str | None, set[str]], list[Candidate]]] = {
    "how_long": _durations,
    "year": _years,
    "how_many": _counts,
    "where": _places,
    "who": _agents,
}
