"""Building the services the CLI and the bot share, from settings."""

from __future__ import annotations

import logging

from bot.settings import Settings
from index.embedders import make_embedder
from index.reader.files import DEFAULT_DELTA, ReaderFileError
from index.reader.scorer import TrainedReader, load_reader
from index.service import NewsIndex

logger = logging.getLogger(__name__)


def build_news_index(settings: Settings) -> NewsIndex:
    """The configured embedder, reader and index, not yet loaded (call `load_or_build`)."""
    reader, problem = open_reader(settings)
    return NewsIndex(
        seeds_dir=settings.seeds_dir,
        index_dir=settings.index_dir,
        embedder=make_embedder(settings.embedder, settings.embedding_model),
        params=settings.answer_params(),
        build_options=settings.build_options(),
        reader=reader,
        reader_problem=problem,
    )


def open_reader(settings: Settings) -> tuple[TrainedReader | None, str | None]:
    """The trained reader, or None and why: a missing, truncated or mismatched file is named
    in the log, and the rule-based decision answers instead (never a crash)."""
    if not settings.reader_enabled:
        return None, "READER_ENABLED=false"
    path = settings.reader_path or DEFAULT_DELTA
    try:
        return load_reader(path, settings.index_dir / "reader",
                           threads=settings.search_threads), None
    except ReaderFileError as exc:
        logger.warning("reader unavailable: %s; answering with the rule-based decision", exc)
        return None, str(exc)
