"""Building the services the CLI and the bot share, from settings."""

from __future__ import annotations

from bot.settings import Settings
from index.embedders import make_embedder
from index.service import NewsIndex


def build_news_index(settings: Settings) -> NewsIndex:
    """The configured embedder and index, not yet loaded (call `load_or_build`)."""
    return NewsIndex(
        seeds_dir=settings.seeds_dir,
        index_dir=settings.index_dir,
        embedder=make_embedder(settings.embedder, settings.embedding_model),
        params=settings.answer_params(),
        build_options=settings.build_options(),
    )
