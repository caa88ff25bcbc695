"""Which language a question is in, so the bot's own words can follow it."""

from __future__ import annotations

import re

from index.types import Lang

_CYRILLIC = re.compile(r"[А-Яа-яЁё]")
_LATIN = re.compile(r"[A-Za-z]")


def detect_language(text: str, default: Lang = "ru") -> Lang:
    """Russian when Cyrillic letters are at least as many as Latin ones; English when Latin
    letters dominate; `default` for a question with no letters at all."""
    cyr = len(_CYRILLIC.findall(text))
    lat = len(_LATIN.findall(text))
    if cyr == 0 and lat == 0:
        return default
    return "ru" if cyr >= lat else "en"
