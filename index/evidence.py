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
OVERLAP_WEIGHT = 0.1
TYPE_FIT_WEIGHT = 0.1
# an answer often leans on the sentence before it ("Сумма сделки — 2,7 млрд долларов" after the
# one that names the deal): a sentence's cosine is blended with its predecessor's by this much
CONTEXT_WEIGHT = 0.4

_YEAR = re.compile(r"\b(?:1[89]|20)\d\d\b")
_NUMBER = re.compile(
    r"(?<![\w.,])\d[\d\s.,]*\d?(?![\w])|\b(?:один|одна|два|две|три|четыре|пять|шесть|семь|восемь|девять|десять|сот\w*|"
    r"тысяч\w*|миллион\w*|миллиард\w*|десятк\w*|дюжин\w*|половин\w*|one|two|three|four|five|"
    r"six|seven|eight|nine|ten|hundreds?|thousands?|millions?|billions?|dozens?)\b",
    re.IGNORECASE)
_DURATION = re.compile(
    r"\s*(?:[\w-]+\s+)?\b(?:лет|год\w*|месяц\w*|недел\w*|дн\w*|день|сут\w*|час\w*|минут\w*|"
    r"секунд\w*|век\w*|years?|months?|weeks?|days?|hours?|minutes?|seconds?|decades?)\b",
    re.IGNORECASE)
_PLACE = re.compile(r"\b(?:в|во|на|из|под|близ|около|in|at|near|from)\s+([A-ZА-ЯЁ][\w-]+)")
_PROPER = re.compile(r"(?<![\w-])(?:[A-Z][\w&-]*|[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?)")
_UNIT_ROOT = 4  # letters of a counted word's stem that its other forms share
_MONEY = re.compile(r"руб|долл|евро|франк|фунт|иен|юан|грив|\$|€|£|dollar|euro|pound|yen",
                    re.IGNORECASE)
# words someone said: a quotation, or a verb of saying
_SPEECH = re.compile(
    r"[«\"“„]|\b(?:сказал\w*|заявил\w*|говорит\w*|отметил\w*|подчеркнул\w*|"
    r"написал\w*|ответил\w*|по словам|said|says|told|stated|wrote|according to)\b",
    re.IGNORECASE)
_BECAUSE = re.compile(
    r"\b(?:причин\w*|из-за|потому|поскольку|так как|в связи|вследствие|благодаря|"
    r"объясни\w*|связан\w*|because|due to|owing to|reason\w*|since)\b", re.IGNORECASE)
_NAME_KINDS = {"who": ("person", "org", "name"), "where": ("place",)}


@dataclass(frozen=True, slots=True)
class Evidence:
    """The answering sentence of one passage: its position among the chunk's sentences, its
    score (what chose it), its cosine with the question, and whether it fits the question."""

    sentence: int
    score: float
    cosine: float
    fits: bool


def fits(
    index: CorpusIndex, sentence: str, asks: str | None, question: set[str],
    unit: str | None = None,
) -> bool:
    """Does the sentence hold the kind of thing the question asks for, and something the
    question does not already say? (A sentence that restates the question names its people,
    places and numbers too; the answer is what the question lacks.) `unit` is what a "how
    many" question counts (index/questions.py `counted`)."""
    if asks is None:
        return False
    if asks == "why":
        return bool(_BECAUSE.search(sentence))
    if asks == "said":
        return bool(_SPEECH.search(sentence))
    if asks == "when":
        return any(m.day and not _said(sentence[m.start:m.end], question)
                   for m in find_dates(sentence)) or any(
            not _said(y, question) for y in _YEAR.findall(sentence))
    if asks in ("how_many", "how_long"):
        numbers = [m.group() for m in _NUMBER.finditer(sentence)
                   if not _said(m.group(), question)]
        if not numbers:
            return False
        if asks == "how_long":  # a number of units: «около 50 минут», «два года»
            return any(_DURATION.match(sentence, m.end()) for m in _NUMBER.finditer(sentence)
                       if not _said(m.group(), question) and not _YEAR.fullmatch(m.group()))
        if unit == "money":
            return bool(_MONEY.search(sentence))
        # the number must count what the question counts («сколько журналистов»), named in
        # any form of the word's root («медвежат» / «медведя»)
        root = unit[:_UNIT_ROOT] if unit else None
        return root is None or any(t.startswith(root) for t in tokenize(sentence)) or (
            root.startswith(("проц", "perc")) and "%" in sentence)
    kinds = _NAME_KINDS.get(asks, ())
    for name in index.names.names_in(sentence):
        entry = index.names.entries[name]
        if entry.kind in kinds and not set(entry.stems) & question:
            return True
    if asks == "where":
        return any(not _said(m.group(1), question) for m in _PLACE.finditer(sentence))
    # who: a capitalised word inside the sentence, or a Latin one (AT&T, Volkswagen), that the
    # question does not name: names the table does not hold (short acronyms, brands) count too
    return any(not _said(m.group(), question) for m in _PROPER.finditer(sentence)
               if m.start() > 0 or m.group().isascii())


def _said(text: str, question: set[str]) -> bool:
    """Is this part of the sentence already in the question (by stems)?"""
    stems = set(tokenize(text))
    return bool(stems) and stems <= question


def sentence_evidence(
    index: CorpusIndex,
    hit: Hit,
    query_vector: npt.NDArray[np.float32],
    query_stems: set[str],
    asks: str | None,
    overlap_weight: float = OVERLAP_WEIGHT,
    type_fit_weight: float = TYPE_FIT_WEIGHT,
    unit: str | None = None,
) -> Evidence:
    """The sentence of `hit`'s chunk that answers best."""
    texts = chunk_sentence_texts(hit.chunk)
    cosines = index.sentences_of(hit.chunk_id) @ query_vector
    best: Evidence | None = None
    for i, text in enumerate(texts):
        if not text or i >= len(cosines):
            continue
        stems = set(tokenize(text))
        overlap = len(stems & query_stems) / len(query_stems) if query_stems else 0.0
        fit = fits(index, text, asks, query_stems, unit)
        cosine = float(cosines[i])
        before = float(cosines[i - 1]) if i > 0 else cosine
        score = ((cosine + CONTEXT_WEIGHT * before) / (1 + CONTEXT_WEIGHT)
                 + overlap_weight * overlap + (type_fit_weight if fit else 0.0))
        # a sentence of the asked type beats any that is not: "when" is answered by a date
        if best is None or (fit, score) > (best.fits, best.score):
            best = Evidence(i, score, cosine, fit)
    return best or Evidence(0, 0.0, 0.0, False)
