"""The question's words that the articles never mention, as a sentence names them: in Russian
each after «о» in the prepositional case («о Париже и о погоде»), in English joined by "or"."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from bot.texts import text
from index.types import Lang

if TYPE_CHECKING:
    import pymorphy3

_CYRILLIC = re.compile(r"^[А-Яа-яЁё-]+$")
# «об» before a vowel sound (об Австрии, об Украине); е, ё, ю, я open with a «й»: «о Европе»
_OB_BEFORE = set("аоуэиыАОУЭИЫ")


def missing_terms(terms: Sequence[str], lang: Lang) -> str:
    """«о Женеве и о Хельсинки» / "Geneva or Helsinki"."""
    named = [about(term) for term in terms] if lang == "ru" else list(terms)
    if len(named) <= 1:
        return "".join(named)
    return ", ".join(named[:-1]) + text(lang, "last_of_terms") + named[-1]


def about(term: str) -> str:
    """«о» (or «об») and `term` in the prepositional case: погода → «о погоде»."""
    phrase = " ".join(_prepositional(word) for word in term.split())
    return ("об " if phrase[:1] in _OB_BEFORE else "о ") + phrase


@lru_cache(maxsize=4096)
def _prepositional(word: str) -> str:
    """A Russian word in the prepositional case, its capitals kept; any other word as it is
    (a Latin name, an abbreviation in capitals, a word the dictionary cannot inflect)."""
    if not _CYRILLIC.match(word) or (len(word) > 1 and word.isupper()):
        return word
    parse = _morph().parse(word)[0]
    if not {"NOUN", "ADJF", "PRTF", "NPRO"} & set(str(parse.tag).replace(" ", ",").split(",")):
        return word
    inflected = parse.inflect({"loct"})
    if inflected is None:
        return word
    out = str(inflected.word)
    return out[:1].upper() + out[1:] if word[:1].isupper() else out


@lru_cache(maxsize=1)
def _morph() -> pymorphy3.MorphAnalyzer:
    import pymorphy3  # (only when a term is missing: most answers never need it)

    return pymorphy3.MorphAnalyzer(lang="ru")
