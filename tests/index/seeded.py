"""A stand-in embedder for tests where only the mechanics matter: seeded random vectors."""

from __future__ import annotations

import hashlib

import numpy as np

from index.embedders import Vectors, normalize_rows

DIM = 16


class SeededEmbedder:
    """Deterministic random unit vectors per text, with chosen vectors for some words;
    counts calls so tests can see what was embedded."""

    def __init__(self, fixed: dict[str, Vectors] | None = None) -> None:
        self.fixed = fixed or {}
        self.calls: list[list[str]] = []

    @property
    def name(self) -> str:
        return "seeded"

    @property
    def dim(self) -> int:
        return DIM

    def _vector(self, text: str) -> Vectors:
        if text in self.fixed:
            return self.fixed[text]
        seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "little")
        return np.random.default_rng(seed).standard_normal(DIM).astype(np.float32)

    def embed_queries(self, texts: list[str]) -> Vectors:
        self.calls.append(list(texts))
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        return normalize_rows(np.stack([self._vector(t) for t in texts]))

    def embed_passages(self, texts: list[str]) -> Vectors:
        return self.embed_queries(texts)
