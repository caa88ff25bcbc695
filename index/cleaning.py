"""Turning a scraped news page into an article: title, source URL, outlet and the story's text.

Scraped pages carry the site around the story: donation banners, section labels, numbered lists
of other headlines, teaser blocks of other articles with their date and time lines, photo
captions, bylines and datelines, lines that promote other articles, comment counters. Left in,
they make the bot "answer" questions about headlines the article never discusses, or quote a
caption as the answer, so they go. Attribution that is part of the story («Дословно МИД РФ: …»,
«…, пишет Reuters») stays. Dated lines that are dropped are kept aside as `context`: the date
resolver uses them to find the year of "15 февраля".

The outlet is the page's own domain when it names its URL, else an agency's byline or dateline
(«РИА Новости», «МОСКВА, 15 фев — РИА Новости.»), else the first attribution of the story to a
news outlet («пишет Reuters», «сообщает ТАСС», "according to Reuters").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

from index.chunking import split_sentences

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
# a sentence that sends the reader to another article: «О … читайте в статье Частного
# корреспондента «…»», «Подробнее — в материале …», "Read more: …"
_PROMO = re.compile(
    r"\b(читайте|смотрите|слушайте)\s+(также|ещё|еще|в\s+(нашей\s+|нашем\s+)?(стать[еи]|материале"
    r"|интервью|колонке|репортаже|блоге|обзоре|рубрике|спецпроекте))\b"
    r"|^(подробнее|подробности|больше)\s+(читайте\s+)?(—|-|–|:|в\s+(стать|материал|нашем))"
    r"|^(read more|read also|see also|related)\s*[:—-]",
    re.IGNORECASE,
)
_PROMO_HINT = re.compile(r"читайте|смотрите|слушайте|подробн|больше|read more|read also|see also"
                         r"|related", re.IGNORECASE)
_SOURCE_URL = re.compile(
    r"^(источник|оригинал|ссылка|source|original|url)\s*:\s*(https?://\S+)\s*$", re.IGNORECASE
)
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
# a caption without a credit: who is where in the picture
_CAPTION_MARK = re.compile(
    r"\((слева|справа|в центре|на фото|на снимке|left|right|center|centre|pictured)\)"
    r"|^(на фото|на снимке|pictured)\b", re.IGNORECASE)
_MAX_CAPTION_CHARS = 300
# a line that only signs the article: «Автор: …», «Текст: …», "By Jane Smith", «© ТАСС»
_SIGNATURE = re.compile(
    r"^(автор|авторы|текст|подготовил[аи]?|корреспондент|редактор|author|text|written by)\s*[:—-]"
    r"\s*\S.{0,60}$|^by\s+[A-Z][\w.'-]+(\s+[A-Z][\w.'-]+){0,3}$|^©\s*\S.{0,40}$",
    re.IGNORECASE,
)
_PUNCT_ONLY = re.compile(r"^[\W_]+$")
_SENTENCE_END = re.compile(r"[.!?…:;»\"”)]$")
# a caption left after its credit is stripped is kept only when it is a real sentence
_MAX_TITLE_CHARS = 200

# news outlets that bylines, datelines and attributions name (as they are written in Russian
# and English news); an attribution to anything else is a person or a ministry, not an outlet
_OUTLETS = (
    "РИА Новости", "РИА «Новости»", "ИТАР-ТАСС", "ТАСС", "Интерфакс-Украина", "Интерфакс",
    "РБК", "Коммерсантъ", "Ведомости", "Известия", "Газета.ru", "Газета.Ру", "Лента.ру",
    "Lenta.ru", "NEWSru.com", "Новая газета", "Российская газета", "Эхо Москвы", "Медуза",
    "Meduza", "Фонтанка", "Новый Регион", "Голос Америки", "Радио Свобода", "Би-би-си",
    "Русская служба Би-би-си", "Украинская правда", "Европейская правда", "УНИАН", "Укринформ",
    "БелТА", "Зеркало", "Reuters", "Рейтер", "Рейтерс", "Associated Press", "Ассошиэйтед Пресс",
    "AP", "Agence France-Presse", "Франс Пресс", "AFP", "Bloomberg", "Блумберг", "BBC", "CNN",
    "Си-эн-эн", "The New York Times", "New York Times", "Нью-Йорк таймс", "The Washington Post",
    "Washington Post", "The Guardian", "Guardian", "The Independent", "Financial Times",
    "The Wall Street Journal", "Wall Street Journal", "Axios", "Politico", "Al Jazeera",
    "Аль-Джазира", "Deutsche Welle", "Euronews", "Синьхуа", "Xinhua", "Kyodo", "Киодо",
    "Yonhap", "Ёнхап", "Sky News", "Fox News", "NBC", "CBS", "Der Spiegel", "Le Monde",
)
_OUTLET_NAME = "|".join(re.escape(o) for o in sorted(_OUTLETS, key=len, reverse=True))
# (a photo credit names whoever took the picture, not the publisher: it is a caption)
_OUTLET_LINE = re.compile(rf"^(©\s*|источник\s*:\s*)?(?P<outlet>{_OUTLET_NAME})\.?$",
                          re.IGNORECASE)
# «МОСКВА, 15 фев — РИА Новости.», «МОСКВА, 15 февраля. /ТАСС/.», "MOSCOW (Reuters) -"
_DATELINE = re.compile(
    rf"^(?P<head>[A-ZА-ЯЁ][A-ZА-ЯЁ .\-]{{1,40}}(,\s*\d{{1,2}}\s+[а-яёa-z]+\.?(\s+\d{{4}})?)?"
    rf"\s*(?:[—–-]\s*|\.\s*/|\(|/)(?P<outlet>{_OUTLET_NAME})(?:/|\))?\s*[.—–-]*)\s+(?=\S)",
)
# the verbs and phrases that attribute a report to an outlet, before or after its name
_ATTRIBUTING = (
    r"(?:пишет|пишут|сообщает|сообщают|сообщил[аи]?|передает|передаёт|передают|цитирует|"
    r"отмечает|по данным|по сообщению|со ссылкой на|как сообщается на сайте|reports?|reported|"
    r"according to|said)"
)
_MEDIA_NOUN = r"(?:газета|газеты|агентство|агентства|издание|издания|телеканал|сайт|портал|радио)"
_QUOTED = r"«(?P<quoted>[^«»]{2,40})»|\"(?P<dquoted>[^\"]{2,40})\""
_ATTRIBUTION = re.compile(
    rf"{_ATTRIBUTING}\s+(?:{_MEDIA_NOUN}\s+)?(?:(?P<named>{_OUTLET_NAME})\b|{_QUOTED}"
    r"|(?P<domain>[\w-]+\.(?:ru|com|ua|by|net|org|io|info|kz)))"
    rf"|\b(?P<before>{_OUTLET_NAME})\s+(?:reports?|reported|сообщает|пишет|передает)\b",
    re.IGNORECASE,
)
# a title that ends with the site's name: "… | Lenta.ru", "… - РИА Новости"
_TITLE_SUFFIX = re.compile(
    rf"\s+[|—–-]\s+(?P<outlet>{_OUTLET_NAME}|[\w-]+\.(?:ru|com|ua|by|net|org|io))\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class CleanText:
    title: str
    text: str
    url: str | None
    context: str  # dropped lines that carry dates (captions, teaser dates, datelines)
    # the outlet that published the page where known: its domain, an agency's byline or
    # dateline, or the outlet the story attributes itself to ("пишет Reuters")
    outlet: str | None = None


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
    bylines: list[str] = []  # outlets that sign the page (bylines, datelines)
    # dropped lines that belong to the story's page, not to the site around it (captions,
    # bylines): a short line beside them is a headline, not a section label
    own = [False] * len(lines)

    _mark_teaser_blocks(lines, drop, context)
    _mark_numbered_runs(lines, drop)
    for i, line in enumerate(lines):
        if drop[i] or not line:
            continue
        if m := _SOURCE_URL.match(line):
            url = url or m.group(2)
            drop[i] = True
        elif m := _OUTLET_LINE.match(line):
            bylines.append(m.group("outlet"))
            drop[i] = own[i] = True
        elif (
            _BANNER.match(line)
            or _COMMENTS.match(line)
            or _READ_ALSO.match(line)
            or _PUNCT_ONLY.match(line)
        ):
            drop[i] = True
        elif _SIGNATURE.match(line):
            drop[i] = own[i] = True
        elif _DATE_LINE.match(line) or _TIME_LINE.match(line):
            context.append(line)
            drop[i] = True
        elif _is_caption(line):
            context.append(line)
            drop[i] = own[i] = True
        else:
            story = line
            if m := _DATELINE.match(line):
                context.append(m.group("head"))
                bylines.append(m.group("outlet"))
                story = line[m.end():]
            lines[i] = _without_promotion(_PHOTO_CREDIT.sub(" ", story).strip(" |"))
            drop[i] = not lines[i]
    _mark_section_labels(lines, drop, own)

    kept = [line for line, dropped in zip(lines, drop, strict=True) if line and not dropped]
    title, signed = _title(kept)
    if signed and kept:  # "… | Lenta.ru": the site's name goes from the headline line too
        kept[0] = _TITLE_SUFFIX.sub("", kept[0])
    text = "\n".join(kept)
    outlet = (_domain(url) if url else None) or next(iter(bylines), None) or signed \
        or _attributed(text)
    return CleanText(title=title, text=text, url=url, context="\n".join(context),
                     outlet=_canonical(outlet) if outlet else None)


def _is_caption(line: str) -> bool:
    """A photo's caption: a short line that credits a photo ("Фото: МИД РФ") or says who is
    where in it ("Лавров (слева) и …"). A long paragraph that merely ends with a credit is
    story (its credit is cut out)."""
    if not (_PHOTO_CREDIT.search(line) or _CAPTION_MARK.search(line)):
        return False
    rest = _PHOTO_CREDIT.sub(" ", line).strip(" |")
    return len(rest) <= _MAX_CAPTION_CHARS and len(split_sentences(rest)) <= 2


def _without_promotion(line: str) -> str:
    """The line less its sentences that send the reader to other articles."""
    if not _PROMO_HINT.search(line):
        return line
    spans = split_sentences(line)
    kept = [line[s:e] for s, e in spans if not _PROMO.search(line[s:e])]
    return " ".join(part.strip() for part in kept if part.strip())


def _attributed(text: str) -> str | None:
    """The first outlet the story attributes itself to: «пишет Reuters», «сообщает газета
    «Ведомости»», "according to Reuters", «как сообщается на сайте Roem.ru»."""
    for m in _ATTRIBUTION.finditer(text):
        for group in ("named", "before", "domain", "quoted", "dquoted"):
            name = m.group(group)
            if name and (group not in ("quoted", "dquoted") or name[0].isupper()):
                return name.strip()
    return None


def _canonical(outlet: str) -> str:
    """An outlet as it is usually written ("reuters" → "Reuters"): names are matched ignoring
    case."""
    return next((o for o in _OUTLETS if o.lower() == outlet.lower()), outlet)


def _domain(url: str) -> str | None:
    host = urlsplit(url).hostname
    return host.removeprefix("www.") if host else None


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
        # a list of headlines: items that do not end as sentences do (a story's own list of
        # points is written in sentences, and stays)
        headlines = sum(not _SENTENCE_END.search(lines[k]) for k in numbered)
        if len(numbered) >= min_run and 2 * headlines > len(numbered):
            for k in numbered:
                drop[k] = True
        i = j


def _mark_section_labels(lines: list[str], drop: list[bool], own: list[bool]) -> None:
    """Drop short label lines ("Беларусы на войне") that sit right against dropped boilerplate
    (the story's own captions and bylines are looked past: a headline sits beside them)."""
    for i, line in enumerate(lines):
        if drop[i] or not line or len(line.split()) > 4 or _SENTENCE_END.search(line):
            continue
        prev_dropped = _neighbour_dropped(lines, drop, own, i, -1)
        next_dropped = _neighbour_dropped(lines, drop, own, i, +1)
        if prev_dropped and next_dropped:
            drop[i] = True


def _neighbour_dropped(lines: list[str], drop: list[bool], own: list[bool], i: int,
                       step: int) -> bool:
    j = i + step
    while 0 <= j < len(lines) and (not lines[j] or own[j]):
        j += step
    if not 0 <= j < len(lines):
        return True  # the page edge counts as boilerplate: labels sit at the top
    return drop[j]


def _title(kept: list[str]) -> tuple[str, str | None]:
    """The headline (its first line, or first sentence), without a trailing full stop or the
    site's name after it ("… | Lenta.ru": returned as the outlet that signs it)."""
    if not kept:
        return "", None
    first = kept[0]
    if len(first) > _MAX_TITLE_CHARS or first.endswith("."):
        start, end = next(iter(split_sentences(first)), (0, len(first)))
        first = first[start:end]
        if len(first) > _MAX_TITLE_CHARS:
            first = first[: _MAX_TITLE_CHARS - 1].rsplit(" ", 1)[0] + "…"
    signed = None
    if m := _TITLE_SUFFIX.search(first):
        signed, first = m.group("outlet"), first[: m.start()]
    if first.endswith(".") and not first.endswith(".."):
        first = first[:-1]
    return first.strip(), signed
