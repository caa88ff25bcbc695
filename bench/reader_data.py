"""The reader's training questions (bench/newsqa/reader/questions_*.jsonl): loading them, and
the split of their articles into train, dev and held.

The split goes by article, so that no article of dev or held is ever trained on:
- **held** is every FactRuEval article that the news QA benchmark holds back
  (bench/newsqa/questions.jsonl, split `held`), so the reader's held figures and the
  benchmark's are on the same unseen articles;
- **dev** is every fifth of the remaining articles, ordered by a hash of the file name (stable,
  chosen before any result was seen); calibration and early stopping look at it;
- **train** is the rest.

The seeds are in no split: no question is written over them, and training never reads them.

    .venv/bin/python -m bench.reader_data      # counts per split, kind, style and asks
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

REPO = Path(__file__).resolve().parent.parent
READER_DIR = REPO / "bench" / "newsqa" / "reader"
FACTRU = REPO / "bench" / "newsqa" / "factru"
BENCH_QUESTIONS = REPO / "bench" / "newsqa" / "questions.jsonl"

Split = Literal["train", "dev", "held"]
# one article in this many of those not held back goes to dev
DEV_EVERY = 5


@dataclass(frozen=True, slots=True)
class ReaderQuestion:
    """One question over one FactRuEval article, with every sentence of it that answers."""

    id: str
    q: str
    lang: str
    style: str
    kind: str  # answerable | near_miss
    source: str
    answer: str
    sentences: tuple[str, ...]
    asks: str
    split: Split


def held_articles(path: Path = BENCH_QUESTIONS) -> frozenset[str]:
    """FactRuEval articles the news QA benchmark asks held-back questions about."""
    held: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            if row["split"] == "held":
                held.update(s for s in row["sources"] if s.startswith("book_"))
    return frozenset(held)


def article_splits() -> dict[str, Split]:
    """Every FactRuEval article's split."""
    held = held_articles()
    rest = sorted((p.name for p in FACTRU.glob("*.txt") if p.name not in held),
                  key=lambda name: hashlib.sha256(name.encode()).hexdigest())
    splits: dict[str, Split] = {name: "held" for name in held}
    for i, name in enumerate(rest):
        splits[name] = "dev" if i % DEV_EVERY == 0 else "train"
    return splits


def load(directory: Path = READER_DIR) -> list[ReaderQuestion]:
    """All training questions, each with its article's split."""
    splits = article_splits()
    rows: list[ReaderQuestion] = []
    for path in sorted(directory.glob("questions_*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            r = json.loads(line)
            rows.append(ReaderQuestion(
                id=r["id"], q=r["q"], lang=r["lang"], style=r["style"], kind=r["kind"],
                source=r["source"], answer=r["answer"], sentences=tuple(r["sentences"]),
                asks=r["asks"], split=splits[r["source"]],
            ))
    return rows


def main() -> None:
    rows = load()
    print(f"{len(rows)} questions over {len({r.source for r in rows})} articles")
    for field in ("split", "kind", "style", "lang", "asks"):
        counts = Counter(getattr(r, field) for r in rows)
        print(f"{field:>6}: " + ", ".join(f"{k} {v}" for k, v in counts.most_common()))
    by_split = Counter(article_splits().values())
    print("articles: " + ", ".join(f"{k} {v}" for k, v in sorted(by_split.items())))


if __name__ == "__main__":
    main()
