"""Building the index from the corpus folder: read, clean, chunk, embed what is new, persist.

Vectors are reused by the hash of the exact text that was embedded, so an unchanged article (or
an unchanged chunk of an edited one) is never embedded twice.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.chunking import chunk_article
from index.cleaning import clean_article
from index.dense import DEFAULT_HNSW_THRESHOLD, DenseIndex
from index.embedders import Embedder, Vectors
from index.keywords import KeywordIndex, tokenize
from index.reading import DEFAULT_MAX_BYTES, RawFile, iter_corpus
from index.store import CorpusIndex, save_generation
from index.types import Article, BuildReport, Chunk, SkippedFile

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]  # (chunks embedded so far, chunks to embed)
EMBED_BATCH = 64


@dataclass(frozen=True, slots=True)
class BuildOptions:
    max_chars: int = 550
    max_sentences: int = 4
    overlap: int = 1
    max_file_bytes: int = DEFAULT_MAX_BYTES
    hnsw_threshold: int = DEFAULT_HNSW_THRESHOLD


def passage_text(chunk: Chunk, title: str) -> str:
    """What gets embedded: the chunk, preceded by its article's title unless it already opens it.

    The title carries who and what; a chunk from the middle of a story often names neither.
    """
    if title and not chunk.text.startswith(title[:40]):
        return f"{title}\n{chunk.text}"
    return chunk.text


def _key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def prepare_articles(
    raw_files: list[RawFile], options: BuildOptions
) -> tuple[list[Article], dict[str, str], list[SkippedFile]]:
    """Clean every file; a file with no story left after cleaning is skipped with the reason."""
    articles: list[Article] = []
    contexts: dict[str, str] = {}
    skipped: list[SkippedFile] = []
    for raw in raw_files:
        clean = clean_article(raw.text)
        if not clean.text.strip():
            skipped.append(SkippedFile(raw.name, "no article text left after removing boilerplate"))
            continue
        articles.append(Article(raw.name, clean.title, clean.text, clean.url, raw.sha256))
        contexts[raw.name] = clean.context
    return articles, contexts, skipped


def build_from_articles(
    articles: list[Article],
    contexts: dict[str, str],
    embedder: Embedder,
    previous: CorpusIndex | None = None,
    options: BuildOptions | None = None,
    progress: Progress | None = None,
) -> tuple[CorpusIndex, int]:
    """Chunk and embed `articles` into an in-memory index. Returns it and how many chunks
    were embedded (the rest were reused from `previous`)."""
    options = options or BuildOptions()
    chunks: list[Chunk] = []
    texts: list[str] = []
    for article in articles:
        for chunk in chunk_article(article, options.max_chars, options.max_sentences,
                                   options.overlap):
            chunks.append(chunk)
            texts.append(passage_text(chunk, article.title))

    cache = _vector_cache(previous, embedder)
    keys = [_key(t) for t in texts]
    todo = [i for i, k in enumerate(keys) if k not in cache]
    vectors = np.zeros((len(chunks), embedder.dim), dtype=np.float32)
    for i, k in enumerate(keys):
        if k in cache:
            vectors[i] = cache[k]
    if progress:
        progress(0, len(todo))
    for start in range(0, len(todo), EMBED_BATCH):
        batch = todo[start : start + EMBED_BATCH]
        vectors[batch] = embedder.embed_passages([texts[i] for i in batch])
        if progress:
            progress(min(start + EMBED_BATCH, len(todo)), len(todo))

    index = CorpusIndex(
        embedder=embedder.name,
        dim=embedder.dim,
        articles={a.source: a for a in articles},
        chunks=chunks,
        vectors=vectors,
        dense=DenseIndex.build(vectors, options.hnsw_threshold),
        keywords=KeywordIndex.build([tokenize(t) for t in texts]),
        contexts=contexts,
        built_at=time.time(),
    )
    return index, len(todo)


def _vector_cache(previous: CorpusIndex | None, embedder: Embedder) -> dict[str, Vectors]:
    if previous is None or previous.embedder != embedder.name or previous.dim != embedder.dim:
        return {}
    cache: dict[str, Vectors] = {}
    for i, chunk in enumerate(previous.chunks):
        article = previous.articles.get(chunk.source)
        title = article.title if article else ""
        cache[_key(passage_text(chunk, title))] = previous.vectors[i]
    return cache


def build_index(
    seeds_dir: Path,
    index_dir: Path,
    embedder: Embedder,
    previous: CorpusIndex | None = None,
    options: BuildOptions | None = None,
    progress: Progress | None = None,
) -> tuple[CorpusIndex, BuildReport]:
    """Rebuild from `seeds_dir` and make the result the current generation in `index_dir`."""
    options = options or BuildOptions()
    started = time.perf_counter()
    if not seeds_dir.is_dir():
        raise FileNotFoundError(f"The corpus folder {seeds_dir} does not exist.")
    raw_files: list[RawFile] = []
    skipped: list[SkippedFile] = []
    for item in iter_corpus(seeds_dir, options.max_file_bytes):
        (skipped if isinstance(item, SkippedFile) else raw_files).append(item)  # type: ignore[arg-type]
    articles, contexts, empty = prepare_articles(raw_files, options)
    skipped.extend(empty)

    index, embedded = build_from_articles(articles, contexts, embedder, previous, options,
                                          progress)
    index.skipped = skipped
    save_generation(index_dir, index)
    report = BuildReport(
        indexed=[a.source for a in articles],
        skipped=skipped,
        chunks=index.size,
        embedded=embedded,
        seconds=time.perf_counter() - started,
    )
    logger.info("index built: %d files, %d chunks (%d embedded), %d skipped, %.1f s",
                len(articles), index.size, embedded, len(skipped), report.seconds)
    return index, report
