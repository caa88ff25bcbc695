"""The bridge's question-word vectors, kept across restarts (INDEX_DIR/word-cache.npz).

A word's vector depends only on the model, so the file sits beside the generations, not in one,
and names the model it came from. A fresh process that loads it does not embed again the
English words earlier questions brought (each one costs about 40% of a question's own
embedding). The file is a cache: one that cannot be read, or from another model, is ignored.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path

import numpy as np

from index.bridge import Bridge

logger = logging.getLogger(__name__)

FILE = "word-cache.npz"


def load_words(index_dir: Path, embedder: str, bridge: Bridge) -> int:
    """Fill `bridge`'s word cache from the file; the number of words read (0: none)."""
    path = index_dir / FILE
    if not path.exists():
        return 0
    try:
        with np.load(path, allow_pickle=False) as data:
            if str(data["embedder"]) != embedder:
                return 0
            words = [str(w) for w in json.loads(str(data["words"]))]
            bridge.remember_words(words, np.asarray(data["vectors"], dtype=np.float32))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        logger.warning("ignoring %s (%s): the words will be embedded again", path, exc)
        return 0
    return len(words)


def save_words(index_dir: Path, embedder: str, bridge: Bridge) -> int:
    """Write `bridge`'s word cache to the file, atomically; the number of words written."""
    words, vectors = bridge.cached_words()
    index_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".word-cache-", suffix=".npz", dir=index_dir)
    try:
        with os.fdopen(fd, "wb") as fh:
            np.savez(fh, embedder=np.array(embedder), vectors=vectors,
                     words=np.array(json.dumps(words, ensure_ascii=False)))
        os.replace(tmp, index_dir / FILE)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return len(words)
