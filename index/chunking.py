"""Splitting an article into overlapping chunks of whole sentences, with exact character spans."""

from __future__ import annotations

from functools import lru_cache

from razdel import sentenize

from index.types import Article, Chunk

DEFAULT_MAX_CHARS = 550
DEFAULT_MAX_SENTENCES = 4
DEFAULT_OVERLAP = 1


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans of `text`; a line break always ends a sentence (paragraphs, list items)."""
    return list(_sentence_spans(text))


# chunking, the name table and the event dates all split every article, at every rebuild: razdel
# is slow, so each text is split once (a corpus of more articles than this re-splits them)
@lru_cache(maxsize=16_384)
def _sentence_spans(text: str) -> tuple[tuple[int, int], ...]:
    spans: list[tuple[int, int]] = []
    offset = 0
    for line in text.split("\n"):
        for sentence in sentenize(line):
            if sentence.text.strip():
                spans.append((offset + sentence.start, offset + sentence.stop))
        offset += len(line) + 1
    return tuple(spans)


def chunk_article(
    article: Article,
    max_chars: int = DEFAULT_MAX_CHARS,
    max_sentences: int = DEFAULT_MAX_SENTENCES,
    overlap: int = DEFAULT_OVERLAP,
) -> list[Chunk]:
    """Group consecutive sentences into chunks of at most `max_chars` (a longer single sentence
    is a chunk of its own); consecutive chunks share `overlap` sentences so that an answer
    spanning a chunk boundary is still whole in one of them."""
    spans = split_sentences(article.text)
    chunks: list[Chunk] = []
    i = 0
    while i < len(spans):
        j = i + 1
        while (
            j < len(spans)
            and j - i < max_sentences
            and spans[j][1] - spans[i][0] <= max_chars
        ):
            j += 1
        chunks.append(_make_chunk(article, spans[i:j]))
        if j >= len(spans):
            break
        i = max(j - overlap, i + 1)
    return chunks


def _make_chunk(article: Article, spans: list[tuple[int, int]]) -> Chunk:
    start, end = spans[0][0], spans[-1][1]
    return Chunk(
        source=article.source,
        start=start,
        end=end,
        text=article.text[start:end],
        sentences=tuple((s - start, e - start) for s, e in spans),
    )
