"""Building the index from the corpus folder: read, clean, chunk, embed what is new, persist.

Vectors are reused by the hash of the exact text that was embedded, so an unchanged article (or
an unchanged chunk of an edited one) is never embedded twice.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index import chunking, cleaning, reading
from index.bridge import DEFAULT_MAX_VOCABULARY, build_bridge
from index.chunking import chunk_article
from index.cleaning import clean_article
from index.dense import DEFAULT_EXACT_LIMIT, DenseIndex
from index.embedders import Embedder, Vectors
from index.errors import RebuildCancelled
from index.events import annotate_events
from index.keywords import KeywordIndex, tokenize
from index.names import NameTable
from index.reading import DEFAULT_MAX_BYTES, RawFile, iter_corpus
from index.store import CorpusIndex, chunk_sentence_texts, save_generation, sentence_starts
from index.types import Article, BuildReport, Chunk, SkippedFile

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]  # (chunks embedded so far, chunks to embed)
EMBED_BATCH = 64


@dataclass(frozen=True, slots=True)
class BuildOptions:
    max_chars: int = chunking.DEFAULT_MAX_CHARS
    max_sentences: int = chunking.DEFAULT_MAX_SENTENCES
    overlap: int = chunking.DEFAULT_OVERLAP
    max_file_bytes: int = DEFAULT_MAX_BYTES
    exact_limit: int = DEFAULT_EXACT_LIMIT
    # stems embedded for the cross-lingual keyword bridge (index/bridge.py); 0 turns it off
    bridge_vocabulary: int = DEFAULT_MAX_VOCABULARY
    # the reader that will answer from the index (its name, with its file's SHA-256; "" for
    # the rule-based decision): recorded in the manifest
    reader: str = ""


def passage_text(chunk: Chunk, title: str) -> str:
    """What gets embedded: the chunk, preceded by its article's title unless it already opens it.

    The title carries who and what; a chunk from the middle of a story often names neither.
    """
    if title and not chunk.text.startswith(title[:40]):
        return f"{title}\n{chunk.text}"
    return chunk.text


def _key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def pipeline_fingerprint(options: BuildOptions) -> str:
    """Names what turns a file into chunks: the code that reads, cleans and chunks it, and the
    chunking options. A build reuses the cleaned articles and chunks of a previous index made
    by the same pipeline for every file whose bytes are unchanged."""
    digest = hashlib.sha256(repr((options.max_chars, options.max_sentences,
                                  options.overlap)).encode())
    for module in (reading, cleaning, chunking):
        digest.update(Path(str(module.__file__)).read_bytes())
    return digest.hexdigest()[:16]


def _reusable(
    previous: CorpusIndex | None, options: BuildOptions
) -> dict[str, tuple[Article, list[Chunk]]]:
    """The previous index's articles and their chunks, by source, when they can be reused."""
    if previous is None or previous.pipeline != pipeline_fingerprint(options):
        return {}
    chunks: dict[str, list[Chunk]] = defaultdict(list)
    for chunk in previous.chunks:
        chunks[chunk.source].append(chunk)
    return {s: (a, chunks[s]) for s, a in previous.articles.items() if a.sha256 and chunks[s]}


def prepare_articles(
    raw_files: list[RawFile], options: BuildOptions, previous: CorpusIndex | None = None
) -> tuple[list[Article], dict[str, str], list[SkippedFile]]:
    """Clean every file; a file with no story left after cleaning is skipped with the reason.
    A file `previous` holds with the same bytes keeps its cleaned article."""
    articles: list[Article] = []
    contexts: dict[str, str] = {}
    skipped: list[SkippedFile] = []
    reuse = _reusable(previous, options)
    for raw in raw_files:
        old = reuse.get(raw.name)
        if (previous is not None and old is not None and old[0].sha256 == raw.sha256
                and meta_kept(old[0], raw.meta)):
            articles.append(old[0])
            contexts[raw.name] = previous.contexts.get(raw.name, "")
            continue
        clean = clean_article(raw.text)
        if not clean.text.strip():
            skipped.append(SkippedFile(raw.name, "no article text left after removing boilerplate"))
            continue
        meta = raw.meta or {}
        # the page's own metadata is better evidence than what cleaning reads from the text
        articles.append(Article(raw.name, meta.get("title") or clean.title, clean.text,
                                meta.get("url") or clean.url, raw.sha256,
                                published=_iso_day(meta.get("published")),
                                outlet=meta.get("outlet") or clean.outlet))
        contexts[raw.name] = clean.context
    return articles, contexts, skipped


def meta_kept(article: Article, meta: dict[str, str] | None) -> bool:
    """Whether an indexed article still carries what its sidecar says (a sidecar edited on
    its own, the text unchanged, must be read again)."""
    if meta is None:
        return True
    return ((meta.get("title") or article.title) == article.title
            and (meta.get("url") or article.url) == article.url
            and (meta.get("outlet") or article.outlet) == article.outlet
            and _iso_day(meta.get("published")) in (None, article.published))


def _iso_day(value: str | None) -> str | None:
    """The date part of an ISO date or timestamp ("2025-07-10T08:00:00Z" → "2025-07-10")."""
    if not value or not re.match(r"^\d{4}-\d{2}-\d{2}", value):
        return None
    return value[:10]


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
    reuse = _reusable(previous, options)
    for article in articles:
        old = reuse.get(article.source)
        same = old is not None and bool(article.sha256) and old[0].sha256 == article.sha256
        for chunk in old[1] if old is not None and same else chunk_article(
                article, options.max_chars, options.max_sentences, options.overlap):
            chunks.append(chunk)
            texts.append(passage_text(chunk, article.title))
    # names across scripts, then dates: each chunk's ISO dates and each article's event date
    # captions name people and places too ("Марко Рубио и Сергей Лавров. … Малайзия")
    names = NameTable.build(f"{a.text}\n{contexts.get(a.source, '')}" for a in articles)
    articles, chunks = annotate_events(articles, contexts, chunks, names)

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
    sentence_vectors, sentences_embedded = _embed_sentences(chunks, embedder, previous, progress)
    bridge = None
    if options.bridge_vocabulary:
        reusable = (previous.bridge if previous is not None and previous.embedder == embedder.name
                    and previous.dim == embedder.dim else None)
        bridge, words_embedded = build_bridge(texts, embedder, reusable,
                                              options.bridge_vocabulary)
        logger.info("bridge vocabulary: %d stems (%d embedded)", bridge.size, words_embedded)

    index = CorpusIndex(
        embedder=embedder.name,
        dim=embedder.dim,
        articles={a.source: a for a in articles},
        chunks=chunks,
        vectors=vectors,
        dense=DenseIndex.build(vectors, options.exact_limit),
        keywords=KeywordIndex.build([tokenize(t) for t in texts]),
        contexts=contexts,
        built_at=time.time(),
        pipeline=pipeline_fingerprint(options),
        reader=options.reader,
        names=names,
        bridge=bridge,
        sentence_vectors=sentence_vectors,
        sentence_starts=sentence_starts(chunks),
    )
    logger.info("sentences: %d (%d embedded)", len(sentence_vectors), sentences_embedded)
    return index, len(todo)


def _embed_sentences(
    chunks: list[Chunk], embedder: Embedder, previous: CorpusIndex | None,
    progress: Progress | None,
) -> tuple[Vectors, int]:
    """One vector per sentence of every chunk: the answering sentence is chosen by meaning.
    A sentence's vector is reused by the hash of its text (chunks overlap, and an unchanged
    article keeps its sentences), so each distinct sentence is embedded once."""
    texts = [t for chunk in chunks for t in chunk_sentence_texts(chunk)]
    cache: dict[str, Vectors] = {}
    if previous is not None and previous.embedder == embedder.name and previous.dim == embedder.dim:
        old = [t for chunk in previous.chunks for t in chunk_sentence_texts(chunk)]
        if len(old) == len(previous.sentence_vectors):
            cache = {_key(t): previous.sentence_vectors[i] for i, t in enumerate(old)}
    keys = [_key(t) for t in texts]
    todo: dict[str, str] = {}
    for key, text in zip(keys, texts, strict=True):
        if key not in cache:
            todo.setdefault(key, text)
    pending = list(todo.items())
    for start in range(0, len(pending), EMBED_BATCH):
        batch = pending[start : start + EMBED_BATCH]
        for (key, _), vector in zip(
                batch, embedder.embed_passages([t for _, t in batch]), strict=True):
            cache[key] = vector
        if progress:
            progress(min(start + EMBED_BATCH, len(pending)), len(pending))
    vectors = np.zeros((len(texts), embedder.dim), dtype=np.float32)
    for i, key in enumerate(keys):
        vectors[i] = cache[key]
    return vectors, len(pending)


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
    cancelled: Callable[[], bool] | None = None,
) -> tuple[CorpusIndex, BuildReport]:
    """Rebuild from `seeds_dir` and make the result the current generation in `index_dir`.
    When `cancelled` says so before the generation is written, raises RebuildCancelled."""
    options = options or BuildOptions()
    started = time.perf_counter()
    if not seeds_dir.is_dir():
        raise FileNotFoundError(f"The corpus folder {seeds_dir} does not exist.")
    raw_files: list[RawFile] = []
    skipped: list[SkippedFile] = []
    for item in iter_corpus(seeds_dir, options.max_file_bytes):
        (skipped if isinstance(item, SkippedFile) else raw_files).append(item)  # type: ignore[arg-type]
    articles, contexts, empty = prepare_articles(raw_files, options, previous)
    skipped.extend(empty)

    index, embedded = build_from_articles(articles, contexts, embedder, previous, options,
                                          progress)
    index.skipped = skipped
    if cancelled is not None and cancelled():  # the last safe point: nothing is written yet
        raise RebuildCancelled()
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
