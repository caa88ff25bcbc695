"""Follow-up questions: "and where?", "а что сказал Рубио?" read with the previous question.

A pure function of the two questions (the bot keeps the previous one per private chat). A short
follow-up that is only a question word takes the previous question with that word swapped in
("When did Rubio and Lavrov meet?" + "and where?" → "Where did Rubio and Lavrov meet?"); any
other follow-up keeps its own words and carries the previous question's subject after them.
A question that stands on its own (it names its own subject and is not phrased as a
continuation) is left as it is.

In a conversation (`follow`), every follow-up is read with the last question that stood on
its own, never with the follow-up before it: a chain of follow-ups does not nest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# question words, with the same question in the other language (for a swap across languages)
_WH = {
    "when": "когда", "where": "где", "who": "кто", "why": "почему", "how": "как",
    "what": "что", "which": "какой", "whom": "кого",
    "когда": "when", "где": "where", "кто": "who", "почему": "why", "зачем": "why",
    "как": "how", "что": "what", "какой": "which", "какая": "which", "какие": "which",
    "куда": "where", "откуда": "where", "сколько": "how many", "чем": "what",
}
_WH_PHRASES = (
    "how many", "how much", "how long", "what date", "which day", "what day", "what year",
    "в какой день", "какого числа", "в каком году", "в каком городе", "с кем", "о чем", "о чём",
)
_CONTINUATION = re.compile(
    r"^\s*(?:а|и|ну а|а вот|а еще|а ещё|еще|ещё|тогда|and|but|also|so|then|what about|how about)"
    r"\b[\s,]*",
    re.IGNORECASE,
)
_PRONOUNS = re.compile(
    r"\b(?:they|them|their|he|him|his|she|her|it|there|that|these|those|они|их|им|ими|он|его|ему"
    r"|она|ее|её|ей|там|этом|это|эта|этот|эти|тот|та|те)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[\w-]+", re.UNICODE)
_SHORT = 3  # words: shorter than this a question cannot carry its own subject
_FOLLOWUP_MAX = 7  # words: longer than this, a question without names is still its own
_NAMELESS_MAX = 4  # words: a question this short that names nobody leans on the one before


def _is_english(text: str) -> bool:
    return len(re.findall(r"[A-Za-z]", text)) > len(re.findall(r"[А-Яа-яЁё]", text))


def _names(text: str) -> list[str]:
    """Capitalised words, the first one only if it is not a question or function word."""
    found = []
    for i, m in enumerate(_WORD.finditer(text)):
        word = m.group()
        if not word[0].isupper():
            continue
        if i == 0 and (word.lower() in _WH or word.lower() in _FUNCTION_WORDS):
            continue
        found.append(word)
    return found


_FUNCTION_WORDS = frozenset((
    "did", "does", "do", "is", "are", "was", "were", "has", "have", "had", "will", "would",
    "can", "could", "should", "a", "an", "the", "in", "on", "at", "to", "of", "for", "about",
    "with", "and", "or", "but", "also", "so", "then", "в", "во", "на", "о", "об", "с", "со",
    "у", "к", "по", "за", "из", "от", "до", "и", "а", "но", "ли", "же", "ну", "тогда", "еще",
    "ещё",
))


def _core(question: str) -> str:
    return _CONTINUATION.sub("", question).strip()


def _only_wh(core: str) -> str | None:
    """The question word if that is all the follow-up says ("where?", "а когда?")."""
    text = re.sub(r"[?!.…\s]+$", "", core).strip().lower()
    if text in _WH or text in _WH_PHRASES:
        return text
    return None


def _swap_wh(previous: str, wh: str) -> str | None:
    """The previous question with its question word (phrase) replaced by `wh`."""
    prev_english = _is_english(previous)
    target = wh
    if _is_english(wh) != prev_english:  # "and where?" after a Russian question: где
        target = _WH.get(wh, wh)
    phrases = sorted([*_WH_PHRASES, *_WH], key=len, reverse=True)
    pattern = re.compile(r"^\s*(?:" + "|".join(re.escape(p) for p in phrases) + r")\b",
                         re.IGNORECASE)
    if not pattern.search(previous):
        return None
    swapped = pattern.sub(target, previous.strip(), count=1)
    return swapped[:1].upper() + swapped[1:]


def is_followup(question: str) -> bool:
    """Does `question` lean on the one before it?"""
    words = _WORD.findall(question)
    if not words:
        return False
    if _CONTINUATION.match(question) and len(words) <= _FOLLOWUP_MAX + 1:
        return True
    if len(words) < _SHORT:
        return True
    if _names(question):
        return False
    # no names: a short question, or one that points back ("they", "там"), has no subject
    return len(words) <= _NAMELESS_MAX or (len(words) <= _FOLLOWUP_MAX
                                           and bool(_PRONOUNS.search(question)))


def contextualize(question: str, previous_question: str | None) -> str:
    """`question` as it should be searched, given the question asked just before it.

    "and where?" after "When did Rubio and Lavrov meet in person?" → "Where did Rubio and
    Lavrov meet in person?"; "а что сказал Рубио?" after "Когда Рубио и Лавров встретились
    лично?" → "что сказал Рубио? (Рубио и Лавров встретились лично)". A question that
    stands on its own, or one with no previous question, is returned unchanged (stripped).
    """
    question = question.strip()
    previous = (previous_question or "").strip()
    if not previous or not question or not is_followup(question):
        return question
    core = _core(question) or question
    wh = _only_wh(core)
    if wh is not None and (swapped := _swap_wh(previous, wh)) is not None:
        return swapped
    subject = _subject(previous)
    if not subject or subject.lower() in core.lower():
        return core
    return f"{core} ({subject})"


def _subject(previous: str) -> str:
    """The previous question without its question word and auxiliaries: what it was about
    (so that "Когда…" does not turn a "what" follow-up into a "when" question)."""
    words = _WORD.findall(previous)
    i = 0
    while i < len(words) and (words[i].lower() in _WH or words[i].lower() in _FUNCTION_WORDS):
        i += 1
    if i >= len(words):
        return ""
    start = previous.find(words[i])
    return re.sub(r"[?!.…\s]+$", "", previous[start:]).strip()


@dataclass(frozen=True, slots=True)
class FollowUp:
    searched: str  # the question to search
    original: str  # the question the next one is read with


def follow(question: str, original: str | None) -> FollowUp:
    """`question` in a conversation whose last question that stood on its own is `original`.

    A follow-up is read with `original` and keeps it for the next one; any other question
    becomes the new original. So the 99th "and where?" in a row is read with the same
    question as the first, instead of with the 98 before it ("Где сказал Рубио? (говорили?
    (сказал Рубио? (…)))", until the question limit cut it).
    """
    question = question.strip()
    searched = contextualize(question, original)
    if original and searched != question:
        return FollowUp(searched, original.strip())
    return FollowUp(searched, question)
