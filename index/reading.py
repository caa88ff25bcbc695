"""Reading article files from the corpus folder, refusing anything that is not plain text."""

from __future__ import annotations

import hashlib
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
# Unicode category Cc (C0 and C1 controls), but for tab, newlines and form feed
_CONTROLS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
DEFAULT_MAX_BYTES = 2_000_000


@dataclass(frozen=True, slots=True)
class RawFile:
    name: str
    text: str
    sha256: str


def decode_article(data: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Decode an article's bytes as UTF-8, or as cp1251 when that reads as clean text.

    Raises BadSeedFile with the reason when the bytes are not a usable text article.
    """
    if len(data) > max_bytes:
        raise BadSeedFile(f"too large ({len(data):,} bytes; the limit is {max_bytes:,})")
    if not data.strip():
        raise BadSeedFile("empty file")
    if b"\x00" in data:
        raise BadSeedFile("binary file (contains NUL bytes), not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = _decode_cp1251(data)
    if not _reads_as_text(text):
        raise BadSeedFile("binary or garbled content, not text")
    return text


def _decode_cp1251(data: bytes) -> str:
    try:
        text = data.decode("cp1251")
    except UnicodeDecodeError:
        raise BadSeedFile("not UTF-8 and not cp1251 text") from None
    if not _reads_as_text(text):
        raise BadSeedFile("not UTF-8, and does not read as cp1251 text either")
    return text


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
    return RawFile(path.name, decode_article(data, max_bytes), sha256_of(data))


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
