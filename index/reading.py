"""Reading article files from the corpus folder, refusing anything that is not plain text."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from index.errors import BadSeedFile
from index.types import SkippedFile

logger = logging.getLogger(__name__)

ARTICLE_SUFFIXES = (".txt",)
# beside an article fetched from the web, `NAME.meta.json` keeps what its page said of itself
SIDECAR_SUFFIX = ".meta.json"
SIDECAR_FIELDS = ("url", "title", "outlet", "author", "published", "fetched")
# Unicode category Cc (C0 and C1 controls), but for tab, newlines and form feed
_CONTROLS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
DEFAULT_MAX_BYTES = 2_000_000


@dataclass(frozen=True, slots=True)
class RawFile:
    name: str
    text: str
    sha256: str
    # the page's own metadata (SIDECAR_FIELDS) from the article's sidecar, if it has one
    meta: dict[str, str] | None = None


def is_sidecar(name: str) -> bool:
    return name.lower().endswith(SIDECAR_SUFFIX)


def sidecar_of(path: Path) -> Path:
    """Where the metadata of the article at `path` lives: `NAME.meta.json` for `NAME.txt`."""
    return path.with_name(path.stem + SIDECAR_SUFFIX)


def read_sidecar(path: Path) -> dict[str, str] | None:
    """The metadata beside the article at `path`: its string fields, or None when it has no
    sidecar or an unreadable one (the article is then read as any other file)."""
    side = sidecar_of(path)
    try:
        data = json.loads(side.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        logger.warning("ignoring the metadata of %s: %s", path.name, exc)
        return None
    if not isinstance(data, dict):
        return None
    meta = {k: v.strip() for k, v in data.items()
            if k in SIDECAR_FIELDS and isinstance(v, str) and v.strip()}
    return meta or None


def decode_article(data: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Decode an article's bytes: UTF-8, UTF-16 (or UTF-32) with a byte-order mark, UTF-16
    that plainly is (every other byte NUL), else cp1251 or latin-1, whichever reads as words.

    Raises BadSeedFile with the reason when the bytes are not a usable text article.
    """
    if len(data) > max_bytes:
        raise BadSeedFile(f"too large ({len(data):,} bytes; the limit is {max_bytes:,})")
    if not data.strip():
        raise BadSeedFile("empty file")
    text = _decode_unicode(data)
    if text is None:
        text = _decode_single_byte(data)
    if not text.strip():
        raise BadSeedFile("empty file")
    if not _reads_as_text(text):
        raise BadSeedFile("binary or garbled content, not text")
    return text


def _decode_unicode(data: bytes) -> str | None:
    """The text of UTF-8 and UTF-16/32 bytes; None when the bytes are none of these."""
    for boms, codec in _BOMS:  # (UTF-32's mark first: it starts with UTF-16's)
        if data.startswith(boms):
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                raise BadSeedFile(f"starts with a {codec.upper()} byte-order mark, but is not "
                                  f"valid {codec.upper()} text") from None
    if b"\x00" in data:
        # NUL is never in a text file but for UTF-16's high bytes (Latin text, spaces)
        utf16 = _utf16_without_mark(data)
        text = _try_decode(data, utf16) if utf16 else None
        if text is None or not _reads_as_text(text):
            raise BadSeedFile("binary file (contains NUL bytes), not text")
        return text
    return _try_decode(data, "utf-8-sig")


_BOMS = (
    ((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"), "utf-32"),
    ((b"\xff\xfe", b"\xfe\xff"), "utf-16"),
)


def _utf16_without_mark(data: bytes) -> str | None:
    """'utf-16-le' or '-be' when NULs fill one byte of most pairs and never the other (the
    high byte of Latin text, spaces and punctuation); binary files have them anywhere."""
    if len(data) < 16 or len(data) % 2:
        return None
    sample = data[:20_000]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    pairs = len(sample) // 2
    if odd >= pairs * 0.1 and even == 0:
        return "utf-16-le"
    if even >= pairs * 0.1 and odd == 0:
        return "utf-16-be"
    return None


# a run of letters: in the cp1251 reading of a Western text, an accented letter becomes a
# Cyrillic one inside a Latin word ("café" → "cafй", "Müller" → "Mьller")
_WORDS = re.compile(r"[^\W\d_]{2,}")
_CYRILLIC = re.compile("[\u0400-\u04ff]")
_LATIN = re.compile("[A-Za-z]")


def _decode_single_byte(data: bytes) -> str:
    """cp1251 or latin-1 (as Windows-1252, its superset in practice), chosen by word shapes.

    Both read every byte of 0xC0-0xFF as a letter, so counting letters cannot tell them apart;
    the shape of words can. Read as cp1251, a Russian text has words all in Cyrillic, and a
    Western one has words mixing Latin letters with one or two Cyrillic ones. Whichever kind
    is more common decides. With no word to go by (an Italian text whose only accents are
    "è"), the share of Cyrillic among the letters does: most of them in Russian, a few percent
    in a Western text.
    """
    cyrillic = _try_decode(data, "cp1251")
    western = _try_decode(data, "cp1252") or _try_decode(data, "latin-1")
    candidates = [t for t in (cyrillic, western) if t is not None and _reads_as_text(t)]
    if not candidates:
        raise BadSeedFile("not UTF-8, UTF-16, cp1251 or latin-1 text (it does not read as "
                          "words in any of them): save it as UTF-8")
    if len(candidates) == 1 or cyrillic is None:
        return candidates[0]
    sample = cyrillic[:20_000]
    cyrillic_words = mixed_words = 0
    for word in _WORDS.findall(sample):
        if _CYRILLIC.search(word):
            if _LATIN.search(word):
                mixed_words += 1
            else:
                cyrillic_words += 1
    if cyrillic_words != mixed_words:
        return cyrillic if cyrillic_words > mixed_words else candidates[-1]
    letters = sum(map(str.isalpha, sample))
    return cyrillic if len(_CYRILLIC.findall(sample)) * 2 >= letters else candidates[-1]


def _try_decode(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        return None


def _reads_as_text(text: str) -> bool:
    """Mostly letters, digits, spaces and punctuation; control characters mean binary."""
    sample = text[:20_000]
    if not sample:
        return False
    # (counted in C: a loop over the characters in Python was a fifth of a rebuild's time)
    controls = len(_CONTROLS.findall(sample))
    letters = sum(map(str.isalpha, sample))
    return controls <= len(sample) * 0.001 and letters >= len(sample) * 0.3


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def iter_corpus(
    seeds_dir: Path, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[RawFile | SkippedFile]:
    """Yield each article file of `seeds_dir` (sorted by name), or the reason it was skipped."""
    root = seeds_dir.resolve()
    for path in sorted(seeds_dir.iterdir(), key=lambda p: p.name):
        name = path.name
        if name.startswith("."):
            continue  # editor and VCS droppings are not articles, and not worth a warning
        if is_sidecar(name):
            continue  # an article's metadata, read with the article
        if not _usable_name(name):
            # undecodable bytes cannot be written to the index or printed; control and
            # direction characters would garble or disguise the citation
            shown = _shown_name(name)
            logger.warning("skipping %s: unusable file name", shown)
            yield SkippedFile(shown, "the file name has undecodable, control or invisible "
                                     "characters; rename the file")
            continue
        try:
            yield _read_one(path, root, max_bytes)
        except BadSeedFile as exc:
            logger.warning("skipping %s: %s", name, exc)
            yield SkippedFile(name, str(exc))
        except OSError as exc:
            logger.warning("skipping %s: %s", name, exc)
            yield SkippedFile(name, f"cannot be read ({exc.strerror or exc})")


def _read_one(path: Path, root: Path, max_bytes: int) -> RawFile:
    if path.is_symlink():
        try:
            target = path.resolve()
        except RuntimeError:  # Python 3.11 reports a symlink loop this way
            raise BadSeedFile("symlink loop (the link points back to itself)") from None
        if not target.is_relative_to(root):
            raise BadSeedFile("symlink pointing outside the corpus folder")
    if path.is_dir():
        raise BadSeedFile("a folder, not a file")
    if not path.is_file():
        raise BadSeedFile("not a regular file")
    if path.suffix.lower() not in ARTICLE_SUFFIXES:
        raise BadSeedFile(f"not a {'/'.join(ARTICLE_SUFFIXES)} file (articles are plain text)")
    size = path.stat().st_size
    if size > max_bytes:
        raise BadSeedFile(f"too large ({size:,} bytes; the limit is {max_bytes:,})")
    data = path.read_bytes()
    return RawFile(path.name, decode_article(data, max_bytes), sha256_of(data),
                   read_sidecar(path))


def _usable_name(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # bytes that are not UTF-8, kept by os.listdir as surrogates
        return False
    return not any(unicodedata.category(ch) in {"Cc", "Cf"} for ch in name)


def listed_name(name: str) -> str:
    """The name under which a corpus file appears in an index: its own, or for an unusable
    name, the escaped form its skip is recorded under."""
    return name if _usable_name(name) else _shown_name(name)


def _shown_name(name: str) -> str:
    """`name` with every unusable character written as an escape: safe to print and store."""
    name = os.fsencode(name).decode("utf-8", "backslashreplace")  # undecodable bytes as \\xff
    return "".join(
        ch if _usable_name(ch) else ch.encode("unicode_escape").decode("ascii") for ch in name
    )
