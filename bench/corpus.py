"""Generated corpora for the speed benchmarks: realistic Russian news-like articles made by
recombining the sentences of the seed articles and of the XQuAD Russian paragraphs.

The text is real Russian prose (so cleaning, chunking, stemming and embedding cost what they
cost on news), only the order is shuffled. Deterministic for a given seed.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from index.chunking import split_sentences
from index.cleaning import clean_article
from index.types import Chunk

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
XQUAD_RU = REPO.parent / "shared" / "bench" / "xquad" / "xquad.ru.json"

# site furniture of the kind the seed pages carry: cleaning has to find and drop it
_BOILERPLATE = (
    "Поддержать редакцию",
    "Комментарии (12)",
    "Читайте также: новости дня",
    "Статьи\n\nСтрана\n21.02.2025\n19:36\n\nЕсли Америка нас оставит. Взгляд с фронта\n\n"
    "Все статьи",
    "Подпишитесь на наш канал",
)


@lru_cache(maxsize=1)
def sentence_pool() -> tuple[str, ...]:
    """Every sentence of the cleaned seed articles and of the XQuAD Russian paragraphs."""
    texts: list[str] = []
    for path in sorted(SEEDS.glob("*.txt")):
        texts.append(clean_article(path.read_text(encoding="utf-8")).text)
    if XQUAD_RU.exists():
        data = json.loads(XQUAD_RU.read_text(encoding="utf-8"))
        for article in data["data"]:
            for paragraph in article["paragraphs"]:
                texts.append(paragraph["context"].lstrip("\ufeff"))
    pool: list[str] = []
    for text in texts:
        for start, end in split_sentences(text):
            sentence = text[start:end].strip()
            if 20 <= len(sentence) <= 400:
                pool.append(sentence)
    return tuple(pool)


def make_article(rng: random.Random, number: int) -> str:
    """One scraped-looking page: a title line, 5–12 paragraphs, sometimes site furniture."""
    pool = sentence_pool()
    title = rng.choice(pool).rstrip(".")[:150]
    paragraphs = [
        " ".join(rng.choice(pool) for _ in range(rng.randint(1, 3)))
        for _ in range(rng.randint(5, 12))
    ]
    parts = [title, *paragraphs]
    if rng.random() < 0.5:
        parts.append(rng.choice(_BOILERPLATE))
    parts.append(f"Источник: https://news.example.org/{number}")
    return "\n\n".join(parts) + "\n"


def write_corpus(folder: Path, count: int, seed: int = 1, start: int = 0) -> list[Path]:
    """Write articles `start` … `start + count - 1` into `folder` (same text for the same
    number and seed, so a corpus can be grown one article at a time)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(start, start + count):
        rng = random.Random(f"{seed}:{number}")
        path = folder / f"gen_{number:06d}.txt"
        path.write_text(make_article(rng, number), encoding="utf-8")
        paths.append(path)
    return paths


@dataclass(frozen=True, slots=True)
class GeneratedChunk:
    chunk: Chunk
    title: str


def generate_chunks(count: int, seed: int = 1, per_article: int = 8) -> Iterator[GeneratedChunk]:
    """`count` chunks of 2–4 pool sentences (≤ 550 characters, like the real chunker's), grouped
    `per_article` to a source file. Skips razdel: the pool is split into sentences already."""
    pool = sentence_pool()
    rng = random.Random(seed)
    title = ""
    for i in range(count):
        if i % per_article == 0:
            title = rng.choice(pool).rstrip(".")[:150]
        sentences: list[str] = []
        size = 0
        for _ in range(rng.randint(2, 4)):
            s = rng.choice(pool)
            if sentences and size + 1 + len(s) > 550:
                break
            sentences.append(s)
            size += len(s) + (1 if size else 0)
        spans: list[tuple[int, int]] = []
        offset = 0
        for s in sentences:
            spans.append((offset, offset + len(s)))
            offset += len(s) + 1
        text = " ".join(sentences)
        source = f"gen_{i // per_article:07d}.txt"
        yield GeneratedChunk(Chunk(source, 0, len(text), text, tuple(spans)), title)
