"""Sentence-level evidence: which sentence of a passage answers, and how well.

A passage's vector blends its three or four sentences and its article's title, so sibling
passages of one article score alike, and the sentence that shares most words with the question
is often not the one that answers it. Each sentence has its own vector (embedded at build
time); the answering sentence is the one nearest the question in meaning, helped by the words
it shares with the question and by holding the kind of thing the question asks for: a date for
"when", a place for "where", a number for "how many".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from index.dates import find_dates
from index.keywords import tokenize
from index.store import CorpusIndex, chunk_sentence_texts
from index.types import Hit

# weights of the sentence score: cosine + OVERLAP × share of the question's stems it holds
# + TYPE_FIT when it holds what the question asks for (calibrated on the news QA dev split,
# BENCHMARKS.md)
OVERLAP_WEIGHT = 0.04
TYPE_FIT_WEIGHT = 0.02

_YEAR = re.compile(r"\b(?:1[89]|20)\d\d\b")
_NUMBER = re.compile(
    r"\d|\b(?:один|одна|два|две|три|четыре|пять|шесть|семь|восемь|девять|десять|сот\w*|"
    r"тысяч\w*|миллион\w*|миллиард\w*|десятк\w*|дюжин\w*|половин\w*|one|two|three|four|five|"
    r"six|seven|eight|nine|ten|hundreds?|thousands?|millions?|billions?|dozens?)\b",
    re.IGNORECASE)
_DURATION = re.compile(
    r"\b(?:лет|год\w*|месяц\w*|недел\w*|дн\w*|день|сут\w*|час\w*|минут\w*|секунд\w*|век\w*|"
    r"years?|months?|weeks?|days?|hours?|minutes?|seconds?|decades?)\b", re.IGNORECASE)
_PLACE = re.compile(r"\b(?:в|во|на|из|под|близ|около|in|at|near|from)\s+[A-ZА-ЯЁ][\w-]+")
_NAME_KINDS = {"who": ("person", "org", "name"), "where": ("place",)}


@dataclass(frozen=True, slots=True)
class Evidence:
    """The answering sentence of one passage: its position among the chunk's sentences, its
    score (what chose it), its cosine with the question, and whether it fits the question."""

    sentence: int
    score: float
    cosine: float
    fits: bool


def fits(index: CorpusIndex, sentence: str, asks: str | None) -> bool:
    """Does the sentence hold the kind of thing the question asks for?"""
    if asks is None:
        return False
    if asks == "when":
        return any(m.day for m in find_dates(sentence)) or bool(_YEAR.search(sentence))
    if asks == "how_many":
        return bool(_NUMBER.search(sentence))
    if asks == "how_long":
        return bool(_NUMBER.search(sentence)) and bool(_DURATION.search(sentence))
    kinds = _NAME_KINDS.get(asks, ())
    if any(index.names.entries[n].kind in kinds for n in index.names.names_in(sentence)):
        return True
    return asks == "where" and bool(_PLACE.search(sentence))


def sentence_evidence(
    index: CorpusIndex,
    hit: Hit,
    query_vector: npt.NDArray[np.float32],
    query_stems: set[str],
    asks: str | None,
) -> Evidence:
    """The sentence of `hit`'s chunk that answers best."""
    texts = chunk_sentence_texts(hit.chunk)
    cosines = index.sentences_of(hit.chunk_id) @ query_vector
    best: Evidence | None = None
    for i, text in enumerate(texts):
        if not text:
            continue
        stems = set(tokenize(text))
        overlap = len(stems & query_stems) / len(query_stems) if query_stems else 0.0
        fit = fits(index, text, asks)
        cosine = float(cosines[i]) if i < len(cosines) else 0.0
        score = cosine + OVERLAP_WEIGHT * overlap + (TYPE_FIT_WEIGHT if fit else 0.0)
        if best is None or score > best.score:
            best = Evidence(i, score, cosine, fit)
    return best or Evidence(0, 0.0, 0.0, False)
