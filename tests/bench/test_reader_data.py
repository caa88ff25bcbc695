"""The reader's training questions (bench/newsqa/reader/) are well formed, their answers and
answering sentences are really in their articles, and the splits never share an article.
No model, no index: it reads the files only."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from bench import reader_data
from bench.reader_data import ReaderQuestion
from tests.bench.test_newsqa_data import STYLES, _norm

KINDS = {"answerable", "near_miss"}
ASKS = {"when", "where", "who", "how_many", "how_much", "how_long", "why", "said", "what",
        "yesno"}


def problems(rows: list[ReaderQuestion], texts: dict[str, str]) -> list[str]:
    """What is wrong with these rows, one line per fault."""
    found: list[str] = []
    ids = Counter(r.id for r in rows)
    found += [f"{i}: id used {n} times" for i, n in ids.items() if n > 1]
    for r in rows:
        if r.source not in texts:
            found.append(f"{r.id}: {r.source} is not a FactRuEval article")
            continue
        if r.style not in STYLES or r.kind not in KINDS or r.asks not in ASKS:
            found.append(f"{r.id}: style, kind or asks out of range")
        if r.lang not in {"ru", "en"} or not r.q.strip():
            found.append(f"{r.id}: bad lang or empty question")
        text = _norm(texts[r.source])
        if r.kind == "near_miss":
            if r.answer or r.sentences:
                found.append(f"{r.id}: a near miss has an answer")
            continue
        if not r.answer or _norm(r.answer) not in text:
            found.append(f"{r.id}: answer not in {r.source}")
        if not r.sentences or any(_norm(s) not in text for s in r.sentences):
            found.append(f"{r.id}: an answering sentence is not in {r.source}")
        elif not any(_norm(r.answer) in _norm(s) for s in r.sentences):
            found.append(f"{r.id}: no answering sentence holds the answer")
    return found


@pytest.fixture(scope="module")
def rows() -> list[ReaderQuestion]:
    return reader_data.load()


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in reader_data.FACTRU.glob("*.txt")}


def test_every_answer_is_in_its_article(rows: list[ReaderQuestion],
                                        texts: dict[str, str]) -> None:
    assert rows, "no training questions"
    assert problems(rows, texts) == []


def test_problems_finds_broken_rows(rows: list[ReaderQuestion], texts: dict[str, str]) -> None:
    from dataclasses import replace
    answerable = next(r for r in rows if r.kind == "answerable")
    broken = [replace(answerable, answer="ничего подобного тут нет"),
              replace(answerable, id="x", sentences=("Выдуманное предложение.",)),
              replace(answerable, id="y", kind="near_miss"),
              replace(answerable, id="z", source="001_seed.txt")]
    faulty = {line.split(':')[0] for line in problems(broken, texts)}
    assert faulty == {answerable.id, "x", "y", "z"}


def test_splits_go_by_article_and_hold_back_the_benchmarks_held_articles() -> None:
    splits = reader_data.article_splits()
    assert set(splits) == {p.name for p in reader_data.FACTRU.glob("*.txt")}
    held = reader_data.held_articles()
    assert held and all(splits[name] == "held" for name in held)
    counts = Counter(splits.values())
    assert counts["train"] > counts["dev"] > 0


def test_the_mix_is_as_documented(rows: list[ReaderQuestion]) -> None:
    kinds = Counter(r.kind for r in rows)
    assert kinds["near_miss"] >= len(rows) / 4
    styles = Counter(r.style for r in rows)
    assert set(styles) == STYLES
    assert {r.split for r in rows} == {"train", "dev", "held"}


def test_no_seed_is_used(rows: list[ReaderQuestion]) -> None:
    seeds = {p.name for p in (reader_data.REPO / "seeds").glob("*.txt")}
    assert not seeds & {r.source for r in rows}
    raw = [json.loads(line) for p in reader_data.READER_DIR.glob("questions_*.jsonl")
           for line in Path(p).read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(raw) == len(rows)
