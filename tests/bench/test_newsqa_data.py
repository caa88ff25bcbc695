"""The news QA question set (bench/newsqa/questions.jsonl) is well formed and its gold answers
are really in its gold articles. No model, no index: it reads the files only.

`problems()` checks one set of rows against the article texts; the tests below run it on the
real file, and on broken copies to show that it does find what it is meant to find.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
QUESTIONS = REPO / "bench" / "newsqa" / "questions.jsonl"
SEEDS = REPO / "seeds"
FACTRU = REPO / "bench" / "newsqa" / "factru"

FIELDS = {"id", "q", "lang", "style", "kind", "sources", "answer", "date", "split"}
STYLES = {"paraphrase", "colloquial", "typo", "translit", "english", "deep", "direct"}
KINDS = {"answerable", "absent", "near_miss"}
MONTHS = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
          "сентября", "октября", "ноября", "декабря")
_PLAIN = str.maketrans({c: '"' for c in "«»„“”"} | {c: "'" for c in "‘’"}
                       | {c: "-" for c in "‐‑‒–—―−"} | {"ё": "е", "Ё": "е"})


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.translate(_PLAIN)).strip().lower()


def load_rows(path: Path = QUESTIONS) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def load_texts() -> dict[str, str]:
    """Every article of both corpora by file name, as the benchmark indexes them together."""
    texts = {p.name: p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))}
    for p in sorted(FACTRU.glob("*.txt")):
        assert p.name not in texts, f"{p.name} is in both corpora"
        texts[p.name] = p.read_text(encoding="utf-8")
    return texts


def _row_problems(row: dict[str, Any], texts: dict[str, str]) -> list[str]:
    rid = row.get("id", "?")
    if set(row) != FIELDS:
        return [f"{rid}: fields {sorted(set(row) ^ FIELDS)} missing or unknown"]
    out = []
    if not isinstance(rid, str) or not re.fullmatch(r"[sf]\d{3}", rid):
        out.append(f"{rid}: id must be s### (seeds) or f### (FactRuEval)")
    if not isinstance(row["q"], str) or len(row["q"].strip()) < 5:
        out.append(f"{rid}: no question")
    if row["lang"] not in ("ru", "en"):
        out.append(f"{rid}: lang {row['lang']!r}")
    if row["style"] not in STYLES:
        out.append(f"{rid}: style {row['style']!r}")
    elif (row["style"] == "english") != (row["lang"] == "en"):
        out.append(f"{rid}: English questions are lang en and style english, and only they")
    if row["split"] not in ("dev", "held"):
        out.append(f"{rid}: split {row['split']!r}")
    if row["kind"] not in KINDS:
        return [*out, f"{rid}: kind {row['kind']!r}"]
    sources, answer, day = row["sources"], row["answer"], row["date"]
    if row["kind"] != "answerable":
        if sources or answer or day is not None:
            out.append(f"{rid}: a question that is not answerable has no sources, answer, date")
        return out
    if not isinstance(sources, list) or not sources or len(set(sources)) != len(sources):
        return [*out, f"{rid}: an answerable question needs distinct gold sources"]
    for name in sources:
        if name not in texts:
            out.append(f"{rid}: source {name} does not exist")
        elif (name.startswith("book_")) != (rid[:1] == "f"):
            out.append(f"{rid}: source {name} is not in the corpus the id names")
    if not isinstance(answer, str) or not answer.strip():
        return [*out, f"{rid}: no answer"]
    if not any(_norm(answer) in _norm(texts.get(name, "")) for name in sources):
        out.append(f"{rid}: answer {answer!r} is in none of {sources}")
    if day is not None:
        try:
            parsed = date.fromisoformat(day)
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", day):
                raise ValueError(day)
        except (TypeError, ValueError):
            return [*out, f"{rid}: date {day!r} is not a full ISO date"]
        # the gold answer is the date as the article writes it: its day and month at least
        said = _norm(answer)
        if MONTHS[parsed.month - 1] not in said or not re.search(rf"\b{parsed.day}\b", said):
            out.append(f"{rid}: answer {answer!r} does not write the day and month of {day}")
    return out


def problems(rows: list[dict[str, Any]], texts: dict[str, str]) -> list[str]:
    """Everything wrong with a question set, or [] when it is sound."""
    out = [p for row in rows for p in _row_problems(row, texts)]
    ids = Counter(row.get("id") for row in rows)
    out += [f"id {i} is used {n} times" for i, n in ids.items() if n > 1]
    asked = Counter(_norm(str(row.get("q", ""))) for row in rows)
    out += [f"question {q!r} is asked {n} times" for q, n in asked.items() if n > 1]
    kinds = Counter(row.get("kind") for row in rows)
    negatives = kinds["absent"] + kinds["near_miss"]
    if len(rows) < 150:
        out.append(f"only {len(rows)} questions, want 150 at least")
    if negatives < 40 or kinds["near_miss"] < 20 or kinds["absent"] < 15:
        out.append(f"{negatives} negatives ({kinds['near_miss']} near misses, "
                   f"{kinds['absent']} absent); want 40, 20 and 15 at least")
    factru = {s for row in rows for s in row.get("sources", []) if str(s).startswith("book_")}
    if len(factru) < 50:
        out.append(f"the questions cite {len(factru)} FactRuEval articles, want 50 at least")
    if sum(1 for row in rows if str(row.get("id", "")).startswith("s")) < 30:
        out.append("fewer than 30 questions about the seeds")
    if sum(1 for row in rows if row.get("date")) < 20:
        out.append("fewer than 20 questions with a gold date")
    if sum(1 for row in rows if row.get("style") == "direct") > len(rows) / 4:
        out.append("more than a quarter of the questions are direct")
    held = [row for row in rows if row.get("split") == "held"]
    if rows and not 0.28 <= len(held) / len(rows) <= 0.4:
        out.append(f"{len(held)} of {len(rows)} questions are held out; want about a third")
    # the held split spans every kind, both languages and both corpora
    for key, values in (("kind", KINDS), ("lang", {"ru", "en"})):
        for value in values:
            if not any(row.get(key) == value for row in held):
                out.append(f"no held question with {key} {value}")
    for prefix in "sf":
        if not any(str(row.get("id", "")).startswith(prefix) for row in held):
            out.append(f"no held question with an id starting {prefix}")
    return out


@pytest.fixture(scope="module")
def rows() -> list[dict[str, Any]]:
    return load_rows()


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    return load_texts()


def test_the_question_set_is_sound(rows: list[dict[str, Any]], texts: dict[str, str]) -> None:
    assert problems(rows, texts) == []


def test_both_corpora_are_there(texts: dict[str, str]) -> None:
    assert sum(name.startswith("book_") for name in texts) == 122
    assert sum(not name.startswith("book_") for name in texts) == 5


def test_the_benchmark_reads_the_same_questions(rows: list[dict[str, Any]]) -> None:
    from bench.newsqa import load_questions

    questions = load_questions()
    assert [q.id for q in questions] == [row["id"] for row in rows]
    assert {q.corpus for q in load_questions(corpus="seeds")} == {"seeds"}
    assert {q.split for q in load_questions(split="held")} == {"held"}


def _broken(rows: list[dict[str, Any]], rid: str, **changes: Any) -> list[dict[str, Any]]:
    return [{**row, **changes} if row["id"] == rid else row for row in rows]


def _first(rows: list[dict[str, Any]], kind: str, dated: bool = False) -> str:
    return next(str(r["id"]) for r in rows if r["kind"] == kind and bool(r["date"]) == dated)


@pytest.mark.parametrize(("kind", "dated", "changes", "expect"), [
    ("answerable", False, {"answer": "в Антарктиде"}, "is in none of"),
    ("answerable", False, {"sources": ["book_99999.txt"]}, "does not exist"),
    ("answerable", False, {"sources": []}, "needs distinct gold sources"),
    ("answerable", False, {"answer": ""}, "no answer"),
    ("answerable", False, {"style": "sarcastic"}, "style"),
    ("answerable", True, {"date": "2011-13-01"}, "not a full ISO date"),
    ("answerable", True, {"date": "2011-1-1"}, "not a full ISO date"),
    ("answerable", True, {"date": "1999-12-31"}, "does not write the day and month"),
    ("near_miss", False, {"sources": ["book_100.txt"]}, "not answerable has no sources"),
    ("absent", False, {"answer": "что-то"}, "not answerable has no sources"),
    ("absent", False, {"kind": "unanswerable"}, "kind"),
    ("absent", False, {"split": "test"}, "split"),
])
def test_problems_are_found(rows: list[dict[str, Any]], texts: dict[str, str], kind: str,
                            dated: bool, changes: dict[str, Any], expect: str) -> None:
    found = problems(_broken(rows, _first(rows, kind, dated), **changes), texts)
    assert any(expect in p for p in found), found


def test_set_level_problems_are_found(rows: list[dict[str, Any]],
                                      texts: dict[str, str]) -> None:
    def finds(broken: list[dict[str, Any]], expect: str) -> bool:
        return any(expect in p for p in problems(broken, texts))

    assert finds([*rows, rows[0]], "is used 2 times")
    assert finds([*rows, {**rows[0], "id": "s999"}], "is asked 2 times")
    assert finds(rows[:100], "want 150 at least")
    assert finds([r for r in rows if r["kind"] != "near_miss"], "negatives")
    assert finds([{**r, "split": "dev"} for r in rows], "held out")
    assert finds([{k: v for k, v in row.items() if k != "date"} for row in rows], "fields")
