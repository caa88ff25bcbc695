"""The index on disk: one folder per generation, and a `current` link swapped atomically.

    INDEX_DIR/current -> gen-<time>-<pid>/      (a relative symlink, replaced with os.replace)
    INDEX_DIR/gen-…/manifest.json                embedder, dimension, articles, counts
    INDEX_DIR/gen-…/chunks.jsonl                 one chunk per line, ids are line numbers
    INDEX_DIR/gen-…/vectors.npy                  chunk vectors (reused by incremental builds)
INDEX_DIR/gen-…/sentences.npy                one vector per sentence of each chunk, in order
    INDEX_DIR/gen-…/dense.faiss                  the FAISS index over those vectors
    INDEX_DIR/gen-…/keywords/                    the BM25 index
    INDEX_DIR/gen-…/names.json                   the name alias table (index/names.py)
    INDEX_DIR/gen-…/bridge.npy, bridge.json      the embedded vocabulary (index/bridge.py)

A generation is written completely, fsynced, and only then pointed at, so a crash or a full
disk mid-build leaves the previous generation serving. Readers resolve `current` once.

The manifest records the size and SHA-256 of every other file of its generation, and loading
checks them all: a file changed or cut short on disk is damage (IndexDamaged, which
`NewsIndex.load_or_build` rebuilds), never vectors trusted. Arrays are read into memory, not
memory-mapped: a loaded index does not change when its files do, and a file truncated under a
running process cannot kill it with SIGBUS.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import time
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from index.bridge import Bridge
from index.dense import DenseIndex
from index.errors import EmbedderMismatch, IndexDamaged, IndexNotBuilt
from index.keywords import KeywordIndex
from index.names import NameTable
from index.types import Article, Chunk, SkippedFile

logger = logging.getLogger(__name__)

FORMAT_VERSION = 2  # 2: sentence vectors, per-article dates
CURRENT = "current"
GEN_PREFIX = "gen-"
MANIFEST = "manifest.json"
CHUNKS = "chunks.jsonl"
VECTORS = "vectors.npy"
SENTENCES = "sentences.npy"
DENSE = "dense.faiss"
KEYWORDS = "keywords"
NAMES = "names.json"
BRIDGE_VECTORS = "bridge.npy"
BRIDGE_WORDS = "bridge.json"
KEEP_GENERATIONS = 2  # the current one and the one before it


@dataclass(slots=True)
class CorpusIndex:
    """Everything search needs, in memory."""

    embedder: str
    dim: int
    articles: dict[str, Article]
    chunks: list[Chunk]
    vectors: npt.NDArray[np.float32]
    dense: DenseIndex
    keywords: KeywordIndex
    skipped: list[SkippedFile] = field(default_factory=list)
    # dropped boilerplate lines with dates, per article: context for resolving years
    contexts: dict[str, str] = field(default_factory=dict)
    built_at: float = 0.0
    generation: str = ""
    # names across scripts and word forms, for query expansion (index/names.py)
    names: NameTable = field(default_factory=NameTable)
    # the corpus vocabulary, embedded: English question words → Russian stems (index/bridge.py)
    bridge: Bridge | None = None
    # what made the chunks (building.pipeline_fingerprint): a build by the same pipeline
    # reuses the cleaned articles and chunks of unchanged files
    pipeline: str = ""
    # the reader the index was built for (its name holds its file's SHA-256): a new reader
    # means a rebuild, so an index never outlives the model that answers from it
    reader: str = ""
    # one vector per sentence of each chunk, chunk after chunk (`Chunk.sentences` order);
    # the sentences of chunk i are rows sentence_starts[i]:sentence_starts[i + 1]
    sentence_vectors: npt.NDArray[np.float32] = field(
        default_factory=lambda: np.zeros((0, 0), dtype=np.float32))
    sentence_starts: npt.NDArray[np.int64] = field(
        default_factory=lambda: np.zeros(1, dtype=np.int64))
    # each article's stems, filled as questions need them (index/query.py): owned by the
    # generation, so it is bounded by the corpus and goes with it
    article_stems: dict[str, frozenset[str]] = field(default_factory=dict)
    # the stems of every article's captions and datelines (not searched, but what they name
    # is in the articles), filled when first needed
    context_stems: frozenset[str] | None = None

    @property
    def size(self) -> int:
        return len(self.chunks)

    def sentences_of(self, chunk_id: int) -> npt.NDArray[np.float32]:
        """The vectors of chunk `chunk_id`'s sentences, one row per `Chunk.sentences` span."""
        return self.sentence_vectors[self.sentence_starts[chunk_id]:
                                     self.sentence_starts[chunk_id + 1]]


def sentence_starts(chunks: list[Chunk]) -> npt.NDArray[np.int64]:
    """Where each chunk's sentence vectors begin (a chunk with no spans counts as one)."""
    counts = [len(c.sentences) or 1 for c in chunks]
    return np.concatenate([[0], np.cumsum(counts, dtype=np.int64)]).astype(np.int64)


def chunk_sentence_texts(chunk: Chunk) -> list[str]:
    """The texts of a chunk's sentences as embedded (the whole chunk when it has no spans)."""
    spans = chunk.sentences or ((0, len(chunk.text)),)
    return [chunk.text[s:e].strip() for s, e in spans]


def save_generation(index_dir: Path, index: CorpusIndex) -> Path:
    """Write `index` as a new generation and make it current. Returns the generation folder."""
    index_dir.mkdir(parents=True, exist_ok=True)
    name = f"{GEN_PREFIX}{time.strftime('%Y%m%dT%H%M%S')}-{time.time_ns() % 10**9:09d}"
    tmp = index_dir / f".tmp-{name}"
    try:
        tmp.mkdir()
        _write_files(tmp, index)
        _fsync_tree(tmp)
        final = index_dir / name
        os.replace(tmp, final)
        _point_current(index_dir, name)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    index.generation = name
    _prune(index_dir, keep=name)
    return final


def _write_files(folder: Path, index: CorpusIndex) -> None:
    manifest: dict[str, Any] = {
        "format": FORMAT_VERSION,
        "embedder": index.embedder,
        "dim": index.dim,
        "chunks": len(index.chunks),
        "dense_kind": index.dense.kind,
        "built_at": index.built_at,
        "pipeline": index.pipeline,
        "reader": index.reader,
        "articles": [_as_dict(a) | {"context": index.contexts.get(a.source, "")}
                     for a in index.articles.values()],
        "skipped": [_as_dict(s) for s in index.skipped],
    }
    with (folder / CHUNKS).open("w", encoding="utf-8") as fh:
        for c in index.chunks:
            fh.write(json.dumps(_as_dict(c), ensure_ascii=False) + "\n")
    np.save(folder / VECTORS, index.vectors, allow_pickle=False)
    np.save(folder / SENTENCES, index.sentence_vectors, allow_pickle=False)
    index.dense.save(folder / DENSE)
    index.keywords.save(folder / KEYWORDS)
    (folder / NAMES).write_text(json.dumps(index.names.to_json(), ensure_ascii=False),
                                encoding="utf-8")
    if index.bridge is not None:
        np.save(folder / BRIDGE_VECTORS, index.bridge.vectors, allow_pickle=False)
        (folder / BRIDGE_WORDS).write_text(
            json.dumps({"stems": index.bridge.stems, "forms": index.bridge.forms},
                       ensure_ascii=False),
            encoding="utf-8",
        )
    # the manifest goes last: a folder without one was never finished; it vouches for every
    # file written before it
    manifest["files"] = _checksums(folder)
    (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")


def _checksums(folder: Path) -> dict[str, dict[str, Any]]:
    """Size and SHA-256 of every file in a generation folder but the manifest, by path."""
    return {path.relative_to(folder).as_posix(): {"bytes": path.stat().st_size,
                                                   "sha256": _sha256(path)}
            for path in sorted(folder.rglob("*"))
            if path.is_file() and path.relative_to(folder).as_posix() != MANIFEST}


def _sha256(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def verify_files(folder: Path, manifest: dict[str, Any]) -> None:
    """Check every file the manifest lists against its recorded size and SHA-256 (about
    1.4 GB/s here); raises ValueError naming the first that differs."""
    files = manifest.get("files")
    if not isinstance(files, dict) or not files:
        raise ValueError("the manifest records no checksums")
    for name, entry in files.items():  # sizes first: a truncated file costs no hashing
        path = folder / name
        if ".." in Path(name).parts or not path.is_file():
            raise ValueError(f"{name} is missing")
        size = path.stat().st_size
        if size != entry["bytes"]:
            raise ValueError(f"{name} has {size} bytes, {entry['bytes']} were written")
    for name, entry in files.items():
        if _sha256(folder / name) != entry["sha256"]:
            raise ValueError(f"{name} does not match the checksum it was written with")


def _as_dict(obj: Article | Chunk | SkippedFile) -> dict[str, Any]:
    """The fields of a flat value object, for JSON (dataclasses.asdict deep-copies every
    nested tuple: a third of the time of saving a corpus)."""
    return {name: getattr(obj, name) for name in _FIELDS[type(obj)]}


_FIELDS = {cls: tuple(f.name for f in fields(cls)) for cls in (Article, Chunk, SkippedFile)}


def _fsync(path: Path) -> None:
    """Flush one file or folder to disk (a folder's entry list is what a rename changes)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(folder: Path) -> None:
    for path in [*folder.rglob("*"), folder]:
        _fsync(path)


def _point_current(index_dir: Path, name: str) -> None:
    link = index_dir / f".{CURRENT}-{os.getpid()}"
    if link.is_symlink() or link.exists():
        link.unlink()
    os.symlink(name, link)
    os.replace(link, index_dir / CURRENT)
    _fsync(index_dir)


def _prune(index_dir: Path, keep: str) -> None:
    """Delete old generations and leftovers of interrupted builds, keeping the newest few."""
    gens = sorted(p for p in index_dir.glob(f"{GEN_PREFIX}*") if p.is_dir())
    old = [p for p in gens if p.name != keep][: max(0, len(gens) - KEEP_GENERATIONS)]
    for path in [*old, *index_dir.glob(".tmp-*")]:
        shutil.rmtree(path, ignore_errors=True)


def current_generation(index_dir: Path) -> Path | None:
    link = index_dir / CURRENT
    if not link.is_symlink() and not link.exists():
        return None
    return index_dir / os.readlink(link) if link.is_symlink() else link


def load_index(index_dir: Path, embedder: str | None = None) -> CorpusIndex:
    """Load the current generation. Raises IndexNotBuilt, IndexDamaged or EmbedderMismatch."""
    folder = current_generation(index_dir)
    if folder is None:
        raise IndexNotBuilt(str(index_dir))
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        if manifest.get("format") != FORMAT_VERSION:
            raise IndexDamaged(str(index_dir), f"unknown format {manifest.get('format')!r}")
        if embedder is not None and manifest["embedder"] != embedder:
            raise EmbedderMismatch(manifest["embedder"], embedder)
        try:
            verify_files(folder, manifest)
        except ValueError as exc:
            raise IndexDamaged(str(index_dir), str(exc)) from exc
        chunks = [_chunk_from_json(line) for line in
                  (folder / CHUNKS).read_text(encoding="utf-8").splitlines() if line]
        # read into memory, not mapped: what was verified is what is searched and reused
        vectors = np.load(folder / VECTORS, allow_pickle=False).astype(np.float32, copy=False)
        dense = DenseIndex.load(folder / DENSE, vectors)
        keywords = KeywordIndex.load(folder / KEYWORDS)
        articles: dict[str, Article] = {}
        contexts: dict[str, str] = {}
        for a in manifest["articles"]:
            contexts[a["source"]] = a.pop("context", "")
            articles[a["source"]] = Article(**a)
        skipped = [SkippedFile(**s) for s in manifest.get("skipped", [])]
        names = _load_names(folder)
        bridge = _load_bridge(folder)
        sentence_vectors = np.load(folder / SENTENCES, allow_pickle=False).astype(
            np.float32, copy=False)
    except (IndexDamaged, EmbedderMismatch):
        raise
    except (OSError, ValueError, KeyError, TypeError, RuntimeError, EOFError) as exc:
        # RuntimeError: FAISS reports unreadable files that way
        raise IndexDamaged(str(index_dir), f"{type(exc).__name__}: {_first_line(exc)}") from exc
    n = len(chunks)
    sizes = {
        "manifest": manifest["chunks"],
        "vectors": vectors.shape[0] if vectors.ndim == 2 else -1,
        "faiss": dense.size,
        "keywords": keywords.size,
    }
    if any(v != n for v in sizes.values()) or (n and vectors.shape[1] != manifest["dim"]):
        raise IndexDamaged(str(index_dir), f"{n} chunks but sizes {sizes}")
    starts = sentence_starts(chunks)
    if sentence_vectors.shape[0] != starts[-1] or (
            n and sentence_vectors.shape[1] != manifest["dim"]):
        raise IndexDamaged(str(index_dir), f"{starts[-1]} sentences but "
                           f"{sentence_vectors.shape[0]} sentence vectors")
    return CorpusIndex(
        embedder=manifest["embedder"],
        dim=int(manifest["dim"]),
        articles=articles,
        chunks=chunks,
        vectors=vectors,
        dense=dense,
        keywords=keywords,
        skipped=skipped,
        contexts=contexts,
        built_at=float(manifest.get("built_at", 0.0)),
        pipeline=str(manifest.get("pipeline", "")),
        reader=str(manifest.get("reader", "")),
        generation=folder.name,
        names=names,
        bridge=bridge,
        sentence_vectors=sentence_vectors,
        sentence_starts=starts,
    )


def _load_names(folder: Path) -> NameTable:
    """The persisted name table (every generation of this format has one; building it takes
    0.5-1.5 s per hundred articles on two cores, which is why it is persisted)."""
    return NameTable.from_json(json.loads((folder / NAMES).read_text(encoding="utf-8")))


def _load_bridge(folder: Path) -> Bridge | None:
    """The embedded vocabulary; a generation written before there was one has none (English
    questions then rank by the dense model alone, as they did then)."""
    if not (folder / BRIDGE_WORDS).exists():
        return None
    meta = json.loads((folder / BRIDGE_WORDS).read_text(encoding="utf-8"))
    vectors = np.load(folder / BRIDGE_VECTORS, allow_pickle=False).astype(np.float32, copy=False)
    stems, forms = [str(s) for s in meta["stems"]], [str(f) for f in meta["forms"]]
    if not (len(stems) == len(forms) == vectors.shape[0]):
        raise ValueError(f"bridge has {len(stems)} stems, {len(forms)} forms and "
                         f"{vectors.shape[0]} vectors")
    return Bridge(stems, forms, vectors)


def _chunk_from_json(line: str) -> Chunk:
    d = json.loads(line)
    return Chunk(
        source=d["source"],
        start=int(d["start"]),
        end=int(d["end"]),
        text=d["text"],
        sentences=tuple((int(s), int(e)) for s, e in d.get("sentences", [])),
        dates=tuple(d.get("dates", [])),
        lent=tuple(d.get("lent", [])),
    )


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else ""
