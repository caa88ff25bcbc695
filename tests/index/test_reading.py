"""Reading the corpus folder: good files in, bad files skipped with a reason a person can act on."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from index.errors import BadSeedFile
from index.reading import RawFile, decode_article, iter_corpus
from index.types import SkippedFile

STORY = "Госсекретарь США Марко Рубио встретился с Сергеем Лавровым в Куала-Лумпуре.\n"


def _read(folder: Path) -> tuple[dict[str, RawFile], dict[str, str]]:
    good: dict[str, RawFile] = {}
    bad: dict[str, str] = {}
    for item in iter_corpus(folder, max_bytes=10_000):
        if isinstance(item, SkippedFile):
            bad[item.name] = item.reason
        else:
            good[item.name] = item
    return good, bad


def test_bad_files_are_named_with_reasons_and_good_ones_read(tmp_path: Path) -> None:
    folder = tmp_path / "seeds"
    folder.mkdir()
    (folder / "good.txt").write_text(STORY, encoding="utf-8")
    (folder / "cp1251.txt").write_bytes(STORY.encode("cp1251"))
    (folder / "bom.txt").write_bytes(b"\xef\xbb\xbf" + STORY.encode("utf-8"))
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.txt").write_text("  \n\n ", encoding="utf-8")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (folder / "huge.txt").write_text(STORY * 200, encoding="utf-8")
    (folder / "notes.pdf").write_bytes(b"%PDF-1.4")
    (folder / "sub").mkdir()
    (folder / ".hidden.txt").write_text(STORY, encoding="utf-8")
    outside = tmp_path / "secret.txt"
    outside.write_text(STORY, encoding="utf-8")
    os.symlink(outside, folder / "link.txt")
    os.symlink(folder / "good.txt", folder / "inside-link.txt")

    good, bad = _read(folder)

    assert set(good) == {"good.txt", "cp1251.txt", "bom.txt", "inside-link.txt"}
    assert good["cp1251.txt"].text == STORY
    assert good["bom.txt"].text == STORY
    assert "empty" in bad["empty.txt"] and "empty" in bad["blank.txt"]
    assert "binary" in bad["binary.txt"]
    assert "too large" in bad["huge.txt"]
    assert ".txt" in bad["notes.pdf"]
    assert "folder" in bad["sub"]
    assert "outside" in bad["link.txt"]
    assert ".hidden.txt" not in bad and ".hidden.txt" not in good


def test_same_bytes_same_hash(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(STORY, encoding="utf-8")
    (tmp_path / "b.txt").write_text(STORY, encoding="utf-8")
    good, _ = _read(tmp_path)
    assert good["a.txt"].sha256 == good["b.txt"].sha256


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\x00\x01\x02text", "NUL"),
        (bytes([0x98, 0x98, 0x98]) * 10, "cp1251"),
        (b"\x01\x02\x03\x04\x05\x06\x07\x08" * 50 + b"abc", "text"),
    ],
)
def test_decode_refuses_non_text(data: bytes, reason: str) -> None:
    with pytest.raises(BadSeedFile, match=reason):
        decode_article(data)
