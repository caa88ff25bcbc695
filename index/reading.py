"""Reading article files from the corpus folder, refusing anything that is not plain text."""

from __future__ import annotations

import hashlib
import logging
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from index.errors import BadSeedFile
from index.types import SkippedFile

logger = logging.getLogger(__name__)

ARTICLE_SUFFIXES = (".txt",)
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
    controls = sum(
        1 for ch in sample if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f"
    )
    letters = sum(1 for ch in sample if ch.isalpha())
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
        target = path.resolve()
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
