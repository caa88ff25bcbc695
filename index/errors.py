"""Domain errors. Each carries a sentence meant for a person, including what to do about it."""

from __future__ import annotations


class NewsIndexError(Exception):
    """Base class: `str(error)` is a complete, user-facing sentence."""


class IndexNotBuilt(NewsIndexError):
    def __init__(self, index_dir: str) -> None:
        super().__init__(
            f"No index in {index_dir}. Build it with: python -m bot reindex"
        )


class IndexDamaged(NewsIndexError):
    def __init__(self, index_dir: str, detail: str) -> None:
        super().__init__(
            f"The index in {index_dir} is damaged ({detail}). "
            "Rebuild it with: python -m bot reindex"
        )


class EmbedderMismatch(NewsIndexError):
    def __init__(self, built_with: str, configured: str) -> None:
        super().__init__(
            f"The index was built with embedder {built_with}, but {configured} is configured. "
            "Set EMBEDDER/EMBEDDING_MODEL back, or rebuild with: python -m bot reindex"
        )


class EmbedderUnavailable(NewsIndexError):
    """The configured embedding backend cannot be loaded (missing extra, missing model)."""


class ReindexInProgress(NewsIndexError):
    def __init__(self, message: str = "A reindex is already running; wait for it to finish.",
                 ) -> None:
        super().__init__(message)


class BadSeedFile(NewsIndexError):
    """A corpus file that cannot be used; the message says why."""


class RebuildCancelled(NewsIndexError):
    def __init__(self) -> None:
        super().__init__("The rebuild was stopped (the bot is shutting down); the index is "
                         "unchanged. Run it again with: python -m bot reindex")
