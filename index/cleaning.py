"""Turning a scraped news page into an article: title, source URL and the story's own text.

Scraped pages carry the site around the story: donation banners, section labels, numbered lists
of other headlines, teaser blocks of other articles with their date and time lines, repeated
photo captions, comment counters. Left in, they make the bot "answer" questions about headlines
the article never discusses, so they go. Dated lines that are dropped are kept aside as
`context`: the date resolver uses them to find the year of "15 февраля".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# zero-width and bidirectional control characters: invisible, and they break matching
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")

_BANNER = re.compile(
    r"^(поддержать (команду|проект|редакцию)|поддержите (нас|редакцию)|support (us|our)"
    r"|подпишитесь на|subscribe to|реклама$|advertisement$)",
    re.IGNORECASE,
)
_COMMENTS = re.compile(r"^(комментари[йияев]*|comments?)\s*\(\d+\)$", re.IGNORECASE)
_READ_ALSO = re.compile(r"^(читайте также|читайте еще|смотрите также|read also|see also)\b", re.I)
_SOURCE_URL = re.compile(r"^(источник|source)\s*:\s*(https?://\S+)\s*$", re.IGNORECASE)
_TEASER_START = re.compile(
    r"^(статьи|новости|другие новости|related articles|more stories|читайте также)$", re.I
)
_TEASER_END = re.compile(r"^(все статьи|все новости|all articles|all news|more news)$", re.I)
_DATE_LINE = re.compile(r"^\d{1,2}[./]\d{1,2}[./]\d{2,4}$")
_TIME_LINE = re.compile(r"^\d{1,2}:\d{2}$")
_NUMBERED = re.compile(r"^\d{1,2}[.)]\s+\S")
_PHOTO_CREDIT = re.compile(
    r"\(?\s*(фото|photo|коллаж|иллюстрация|скриншот)\s*:[^)|]*\)?\s*\|?", re.IGNORECASE
)
_PUNCT_ONLY = re.compile(r"^[\W_]+$")
_SENTENCE_END = re.compile(r"[.!?…:;»\"”)]$")
# a caption left after its credit is stripped is kept only when it is a real sentence
_MIN_CAPTION_CHARS = 60
_MAX_TITLE_CHARS = 200


@dataclass(frozen=True, slots=True)
class CleanText:
    title: str
    text: str
    url: str | None
    context: str  # dropped lines that carry dates (captions, teaser dates)


def normalize(text: str) -> str:
    """Unicode NFC, no invisible characters, single spaces, unix newlines."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE.sub("", text)
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))


def clean_article(raw: str) -> CleanText:
    """Strip a scraped page down to its story. Never raises; may return empty text."""
    lines = normalize(raw).split("\n")
    drop = [False] * len(lines)
    context: list[str] = []
    url: str | None = None

    _mark_teaser_blocks(lines, drop, context)
    _mark_numbered_runs(lines, drop)
    seen_captions: set[str] = set()
    for i, line in enumerate(lines):
        if drop[i] or not line:
            continue
        if m := _SOURCE_URL.match(line):
            url = url or m.group(2)
            drop[i] = True
        elif (
            _BANNER.match(line)
            or _COMMENTS.match(line)
            or _READ_ALSO.match(line)
            or _PUNCT_ONLY.match(line)
        ):
            drop[i] = True
        elif _DATE_LINE.match(line) or _TIME_LINE.match(line):
            context.append(line)
            drop[i] = True
        elif _PHOTO_CREDIT.search(line):
            context.append(line)
            caption = _PHOTO_CREDIT.sub("", line).strip(" |,;")
            key = re.sub(r"\W+", " ", caption).strip().lower()
            if len(caption) >= _MIN_CAPTION_CHARS and key not in seen_captions:
                lines[i] = caption
            else:
                drop[i] = True
            seen_captions.add(key)
    _mark_section_labels(lines, drop)

    kept = [line for line, dropped in zip(lines, drop, strict=True) if line and not dropped]
    text = "\n".join(kept)
    return CleanText(title=_title(kept), text=text, url=url, context="\n".join(context))


def _mark_teaser_blocks(lines: list[str], drop: list[bool], context: list[str]) -> None:
    """Drop 'Статьи … Все статьи' blocks: other articles' teasers with their dates."""
    i = 0
    while i < len(lines):
        if _TEASER_START.match(lines[i]) and _has_date_line_soon(lines, i + 1):
            end = next(
                (j for j in range(i + 1, len(lines)) if _TEASER_END.match(lines[j])),
                len(lines) - 1,
            )
            for j in range(i, end + 1):
                drop[j] = True
                if _DATE_LINE.match(lines[j]):
                    context.append(lines[j])
            i = end + 1
        elif _TEASER_END.match(lines[i]):
            drop[i] = True
            i += 1
        else:
            i += 1


def _has_date_line_soon(lines: list[str], start: int) -> bool:
    window = [line for line in lines[start : start + 6] if line]
    return any(_DATE_LINE.match(line) or _TIME_LINE.match(line) for line in window)


def _mark_numbered_runs(lines: list[str], drop: list[bool], min_run: int = 3) -> None:
    """Drop runs of numbered one-line items: lists of other headlines, not the story."""
    i = 0
    while i < len(lines):
        if not _NUMBERED.match(lines[i]):
            i += 1
            continue
        j = i
        numbered: list[int] = []
        while j < len(lines) and (not lines[j] or _NUMBERED.match(lines[j])):
            if lines[j]:
                numbered.append(j)
            j += 1
        if len(numbered) >= min_run:
            for k in numbered:
                drop[k] = True
        i = j


def _mark_section_labels(lines: list[str], drop: list[bool]) -> None:
    """Drop short label lines ("Беларусы на войне") that sit right against dropped boilerplate."""
    for i, line in enumerate(lines):
        if drop[i] or not line or len(line.split()) > 4 or _SENTENCE_END.search(line):
            continue
        prev_dropped = _neighbour_dropped(lines, drop, i, -1)
        next_dropped = _neighbour_dropped(lines, drop, i, +1)
        if prev_dropped and next_dropped:
            drop[i] = True


def _neighbour_dropped(lines: list[str], drop: list[bool], i: int, step: int) -> bool:
    j = i + step
    while 0 <= j < len(lines) and not lines[j]:
        j += step
    if not 0 <= j < len(lines):
        return True  # the page edge counts as boilerplate: labels sit at the top
    return drop[j]


def _title(kept: list[str]) -> str:
    if not kept:
        return ""
    first = kept[0]
    if len(first) <= _MAX_TITLE_CHARS and not first.endswith("."):
        return first
    sentence = re.split(r"(?<=[.!?])\s", first, maxsplit=1)[0]
    if len(sentence) > _MAX_TITLE_CHARS:
        sentence = sentence[: _MAX_TITLE_CHARS - 1].rsplit(" ", 1)[0] + "…"
    return sentence
