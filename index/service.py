"""NewsIndex: the one object the CLI and the bot share to answer, rebuild and add articles.

Plain synchronous methods (the bot calls them through `asyncio.to_thread`). Answers are served
from an immutable in-memory snapshot; a rebuild makes a new one and swaps the reference only
when it is complete, so questions keep being answered from the old index meanwhile, and a
failed rebuild leaves it serving.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path

from index.answers import AnswerParams, answer_question
from index.building import BuildOptions, Progress, build_index
from index.embedders import Embedder, background_work
from index.errors import (
    BadSeedFile,
    EmbedderMismatch,
    IndexDamaged,
    IndexNotBuilt,
    RebuildCancelled,
    ReindexInProgress,
)
from index.language import as_russian
from index.ner import Recogniser, default_recogniser
from index.reader.scorer import Reader
from index.reading import decode_article
from index.store import CorpusIndex, load_index
from index.timeline import TimelineEvent, build_timeline
from index.types import Answer, Article, BuildReport, Chunk
from index.wordcache import load_words, save_words

logger = logging.getLogger(__name__)

_SAFE_NAME = re.compile(r"^[\w][\w .()\-]{0,150}\.txt$", re.UNICODE)
_MAX_NAME_BYTES = 200  # under the usual 255-byte limit, with room for temporary names
# questions are cut to this before searching (the bot cuts them earlier, to its setting)
MAX_QUESTION_CHARS = 2000


@dataclass(frozen=True, slots=True)
class AddResult:
    name: str
    replaced: bool
    report: BuildReport


class FileExists(BadSeedFile):
    """An article of that name is already in the corpus; adding again needs `overwrite=True`."""


class NewsIndex:
    def __init__(
        self,
        seeds_dir: Path,
        index_dir: Path,
        embedder: Embedder,
        params: AnswerParams | None = None,
        build_options: BuildOptions | None = None,
        recogniser: Recogniser | None = None,
        reader: Reader | None = None,
        reader_problem: str | None = None,
    ) -> None:
        self.seeds_dir = seeds_dir
        self.index_dir = index_dir
        self.embedder = embedder
        self.params = params or AnswerParams()
        self.build_options = build_options or BuildOptions()
        # names for short answers: natasha's tagger, loaded on the first question that needs it
        self.recogniser = recogniser or default_recogniser()
        # the trained reader decides the answer; without one (its file missing or broken,
        # `reader_problem` says why) the rule-based decision does
        self.reader = reader
        self.reader_problem = reader_problem
        if reader is not None and not self.build_options.reader:
            self.build_options = replace(self.build_options, reader=reader.name)
        self._index: CorpusIndex | None = None
        self._rebuild_lock = threading.Lock()
        # set by cancel_rebuild: the running rebuild's stop flag (None while none runs); it
        # changes together with the rebuild lock, under this one
        self._stop: threading.Event | None = None
        self._stop_lock = threading.Lock()
        # (bridge, its embedded_words) when the word-cache file was last read or written
        self._words_saved_at: tuple[int, int] = (0, 0)

    # -- loading and rebuilding -------------------------------------------------------------

    def load_or_build(self, progress: Progress | None = None) -> BuildReport | None:
        """Load the current index; build it when there is none or it is unusable.

        Returns the build report when a build happened, None when an index was loaded.
        """
        report = None
        try:
            self._index = load_index(self.index_dir, self.embedder.name)
            logger.info("loaded index %s: %d chunks", self._index.generation, self._index.size)
            if self._index.reader != self.build_options.reader:
                logger.info("the index was built for reader %r, this one is %r: rebuilding",
                            self._index.reader or "none", self.build_options.reader or "none")
                report = self.reindex(progress)
        except IndexNotBuilt:
            logger.info("no index in %s yet: building it from %s", self.index_dir,
                        self.seeds_dir)
            report = self.reindex(progress)
        except (IndexDamaged, EmbedderMismatch) as exc:
            logger.warning("%s Rebuilding automatically.", exc)
            report = self.reindex(progress)
        bridge = self.current.bridge
        if bridge is not None:
            load_words(self.index_dir, self.embedder.name, bridge)
        self._words_saved_at = self._word_state()
        return report

    def save_words(self) -> None:
        """Keep the English words questions have brought for the next process (a cache: a
        failure to write it is logged, not raised)."""
        bridge = self._index.bridge if self._index is not None else None
        if bridge is None or self._word_state() == self._words_saved_at:
            return
        try:
            save_words(self.index_dir, self.embedder.name, bridge)
            self._words_saved_at = self._word_state()
        except OSError as exc:
            logger.info("could not save the word cache in %s: %s", self.index_dir, exc)

    def _word_state(self) -> tuple[int, int]:
        bridge = self._index.bridge if self._index is not None else None
        return (id(bridge), bridge.embedded_words) if bridge is not None else (0, 0)

    def reindex(self, progress: Progress | None = None) -> BuildReport:
        """Rebuild from the corpus folder, reusing vectors of unchanged text.

        Raises ReindexInProgress if another rebuild is running; any other failure leaves the
        current index serving and propagates.
        """
        self._take_rebuild_lock(ReindexInProgress())
        try:
            return self._rebuild(progress)
        finally:
            self._release_rebuild_lock()

    def cancel_rebuild(self, wait: float | None = None) -> bool:
        """Ask a running rebuild (a reindex, or an upload's) to stop at its next safe point:
        between two pieces of embedding, or before the new generation is written. It then
        raises RebuildCancelled, and the generation that was serving keeps serving (an upload
        is taken back out of the corpus folder).

        With `wait`, waits up to that many seconds for it to stop. Returns whether no rebuild
        is running any more (True when none was).
        """
        with self._stop_lock:
            stop = self._stop
            if stop is None:
                return True
            stop.set()
        logger.info("stopping the running rebuild")
        if wait is not None and self._rebuild_lock.acquire(timeout=wait):
            self._rebuild_lock.release()
        return not self.reindexing

    def _take_rebuild_lock(self, refusal: ReindexInProgress) -> None:
        with self._stop_lock:
            if not self._rebuild_lock.acquire(blocking=False):
                raise refusal
            self._stop = threading.Event()

    def _release_rebuild_lock(self) -> None:
        with self._stop_lock:
            self._stop = None
            self._rebuild_lock.release()

    def _rebuild(self, progress: Progress | None = None) -> BuildReport:
        """The rebuild itself; the caller holds the rebuild lock."""
        stop = self._stop or threading.Event()

        def checked(done: int, total: int) -> None:
            if stop.is_set():  # (an embedder that has no safe points of its own)
                raise RebuildCancelled()
            if progress is not None:
                progress(done, total)

        try:
            with background_work(self.embedder, stop.is_set):
                index, report = build_index(
                    self.seeds_dir, self.index_dir, self.embedder, self._previous(),
                    self.build_options, checked, cancelled=stop.is_set,
                )
        except RebuildCancelled:
            logger.warning("rebuild stopped before it finished: the index is unchanged")
            raise
        previous = self._index
        if previous is not None and previous.bridge is not None and index.bridge is not None:
            index.bridge.adopt_words(previous.bridge)
        self._index = index  # one reference assignment: readers see old or new, whole
        return report

    def _previous(self) -> CorpusIndex | None:
        if self._index is not None:
            return self._index
        try:  # a damaged or mismatched index is no cache, but a sound one saves re-embedding
            return load_index(self.index_dir, self.embedder.name)
        except (IndexNotBuilt, IndexDamaged, EmbedderMismatch):
            return None

    @property
    def reindexing(self) -> bool:
        return self._rebuild_lock.locked()

    @property
    def current(self) -> CorpusIndex:
        if self._index is None:
            raise IndexNotBuilt(str(self.index_dir))
        return self._index

    # -- answering ----------------------------------------------------------------------

    def answer(self, question: str, limit: int | None = None) -> Answer:
        # The model reads a long text window by window, so a pasted book would cost minutes of
        # CPU; a question is a sentence or two. A lone surrogate (a broken client) cannot be
        # encoded for the model at all.
        question = question[:MAX_QUESTION_CHARS].encode("utf-8", "replace").decode("utf-8")
        # Russian typed in Latin letters is searched in Cyrillic; the answer keeps the user's text
        searched = as_russian(question)
        answer = answer_question(self.current, self.embedder, searched, self.params, limit,
                                 self.recogniser, self.reader)
        return answer if searched == question else replace(answer, question=question)

    def timeline(self, topic: str | None = None) -> list[TimelineEvent]:
        """The dated events of the corpus in date order, each with its sources; with a topic
        (names or words, either language), only the events about it."""
        index = self.current
        vector = None
        if topic and topic.strip():
            vector = self.embedder.embed_queries([topic])[0]  # for topics no event names
        return build_timeline(index, topic, vector)

    def chunk(self, chunk_id: int, generation: str | None = None) -> Chunk | None:
        """A chunk by id, or None when it is gone (another generation, or out of range)."""
        index = self.current
        if generation is not None and generation != index.generation:
            return None
        return index.chunks[chunk_id] if 0 <= chunk_id < index.size else None

    def articles(self) -> list[Article]:
        return sorted(self.current.articles.values(), key=lambda a: a.source)

    # -- adding articles ------------------------------------------------------------------

    def add_article(self, name: str, data: bytes, overwrite: bool = False) -> AddResult:
        """Check an uploaded article, write it into the corpus folder, and reindex.

        One transaction under the rebuild lock: nothing else rebuilds or uploads between the
        check for an existing file, the write and the rebuild. Raises BadSeedFile (or its
        FileExists) with the reason when the file is refused, ReindexInProgress while another
        rebuild runs; on any failure the corpus folder is left exactly as it was.
        """
        safe = safe_article_name(name)
        decode_article(data, self.build_options.max_file_bytes)  # raises with the reason
        self._take_rebuild_lock(ReindexInProgress(
            f"{safe} was not added: a rebuild is running (a reindex or another upload). "
            "Send it again when that has finished."))
        try:
            return self._add_locked(safe, data, overwrite)
        finally:
            self._release_rebuild_lock()

    def _add_locked(self, safe: str, data: bytes, overwrite: bool) -> AddResult:
        target = self.seeds_dir / safe
        if target.is_symlink():
            # writing over it and restoring on refusal would copy the link's target (perhaps a
            # file outside the corpus folder) into the corpus as a regular file
            raise BadSeedFile(f"{safe} is a symbolic link in the corpus folder; remove it first")
        replaced = target.exists()
        if replaced and not overwrite:
            raise FileExists(f"{safe} already exists in the corpus")
        backup = _set_aside(target) if replaced else None
        try:
            try:
                _write_atomic(target, data)
                report = self._rebuild()
            except BaseException:
                _put_back(target, backup)
                raise
            if safe not in report.indexed:
                reason = next((s.reason for s in report.skipped if s.name == safe),
                              "not indexed")
                _put_back(target, backup)
                self._rebuild()
                raise BadSeedFile(f"{safe}: {reason}")
        finally:
            if backup is not None:
                backup.unlink(missing_ok=True)
        return AddResult(safe, replaced, report)


def _write_atomic(target: Path, data: bytes) -> None:
    """Write `data` beside `target` (a hidden name no rebuild reads), then rename it into
    place: a reader sees the old file or the new one, whole."""
    tmp = target.with_name(f".upload-{time.time_ns()}.tmp")
    try:
        tmp.write_bytes(data)
        tmp.replace(target)
    except OSError as exc:
        raise BadSeedFile(f"{target.name} could not be written into the corpus folder "
                          f"({exc.strerror or exc}); nothing was changed") from exc
    finally:
        tmp.unlink(missing_ok=True)


def _set_aside(target: Path) -> Path:
    """A hidden second name for the file at `target` (the same file: its bytes, mode and
    times), to put back if the upload that replaces it fails."""
    aside = target.with_name(f".upload-{time.time_ns()}.orig")
    try:
        os.link(target, aside)
    except OSError:  # (a file system without hard links: a copy with its metadata)
        try:
            shutil.copy2(target, aside)
        except OSError as exc:
            aside.unlink(missing_ok=True)
            raise BadSeedFile(f"{target.name} could not be set aside to replace it "
                              f"({exc.strerror or exc}); nothing was changed") from exc
    return aside


def _put_back(target: Path, backup: Path | None) -> None:
    """Return the corpus folder to how it was before an upload: the file set aside back in
    place, or no file at all."""
    if backup is None:
        target.unlink(missing_ok=True)
    else:
        os.replace(backup, target)


def safe_article_name(name: str) -> str:
    """The bare file name to store an upload under, or BadSeedFile if it is not acceptable."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    if base != name.strip() or ".." in name:
        raise BadSeedFile(f"unsafe file name {name!r}: send a plain name such as article.txt")
    if not _SAFE_NAME.match(base) or base.startswith("."):
        raise BadSeedFile(
            f"unacceptable file name {name!r}: use letters, digits, spaces, '-', '_' and '.txt'"
        )
    if len(base.encode("utf-8")) > _MAX_NAME_BYTES:  # file systems count bytes, not letters
        raise BadSeedFile(f"file name too long ({len(base.encode('utf-8'))} bytes of UTF-8; "
                          f"the limit is {_MAX_NAME_BYTES}): send a shorter name")
    return base
