"""The short answer as the reply's first line, in the reader's language.

A date is written as the reader's language writes dates; a place in its dictionary form
(«Куала-Лумпур», not «в Куала-Лумпуре») and people as the subject of a sentence («Сергей
Лавров», not «Сергеем Лавровым»); for an English reader, a Russian duration or amount
of money is put in English words («около 50 минут» → "about 50 minutes"). Anything else is
shown as the article writes it (a name is a name in either language).
"""

from __future__ import annotations

import re

from bot.texts import format_date
from index.types import Lang, ShortAnswer

# Russian words of durations, amounts and their qualifiers, by the start of the word
_ENGLISH = (
    ("более чем", "more than"), ("менее чем", "less than"), ("около", "about"),
    ("более", "more than"), ("менее", "less than"), ("почти", "nearly"), ("свыше", "over"),
    ("порядка", "about"), ("примерно", "about"), ("приблизительно", "about"),
    ("лишь", "only"), ("всего", "only"), ("полтора", "one and a half"),
    ("полчаса", "half an hour"), ("полгода", "half a year"),
    ("тыс.", "thousand"), ("тысяч", "thousand"), ("млн", "million"), ("миллион", "million"),
    ("млрд", "billion"), ("миллиард", "billion"), ("трлн", "trillion"),
    ("минут", "minutes"), ("час", "hours"), ("секунд", "seconds"), ("сут", "days"),
    ("дн", "days"), ("день", "days"), ("недел", "weeks"), ("месяц", "months"),
    ("лет", "years"), ("год", "years"), ("век", "centuries"), ("десятилет", "decades"),
    ("километр", "km"), ("км", "km"), ("метр", "metres"),
    ("долл", "dollars"), ("руб", "roubles"), ("евро", "euros"), ("процент", "per cent"),
    ("человек", "people"),
)
_WORD = re.compile(r"[А-Яа-яЁё.]+")


def short_answer_text(short: ShortAnswer, lang: Lang) -> str:
    """The line that opens the reply."""
    if short.kind == "date" and short.value:
        return format_date(short.value, lang)
    shown = short.value or short.text
    if lang == "en" and short.kind in ("duration", "number"):
        return _in_english(shown)
    return shown


def _in_english(text: str) -> str:
    """Russian words of a duration or amount in English, where all of them are known (else
    the text as written: a half-translated value reads worse than the original)."""
    for ru, en in _ENGLISH[:2]:
        text = text.replace(ru, en)

    def word(m: re.Match[str]) -> str:
        low = m.group().lower()
        return next((en for ru, en in _ENGLISH if low.startswith(ru.rstrip("."))), m.group())

    out = _WORD.sub(word, text)
    return out if not re.search(r"[А-Яа-яЁё]", out) else text
