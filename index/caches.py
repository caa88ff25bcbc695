"""A cache bounded by the memory it holds, not by its number of entries.

Texts are split into words at every rebuild and for every question. Keeping each text's words
saves a rebuild the work for unchanged chunks, but a cache bounded by entries grows with the
length of what it is given: questions of a thousand characters made the old one (131,072
texts) grow by about 50–86 KB per distinct question, with no plateau (+758 MB after 40,000).
This one drops the least recently used entries once its estimate of their size passes a budget.
"""

from __future__ import annotations

import sys
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

V = TypeVar("V")

# an OrderedDict entry (its dict slot and list links) and the (value, size) pair held in it
ENTRY_OVERHEAD = 200


class BoundedCache(Generic[V]):
    """`compute(key)` for string keys, least recently used first out, bounded by bytes.

    `size_of(key, value)` estimates what an entry holds, its key included; an entry larger
    than a sixteenth of the budget is computed but not kept. Safe to share between threads.
    """

    def __init__(self, max_bytes: int, size_of: Callable[[str, V], int]) -> None:
        self.max_bytes = max_bytes
        self._size_of = size_of
        self._entries: OrderedDict[str, tuple[V, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: str, compute: Callable[[str], V]) -> V:
        with self._lock:
            hit = self._entries.get(key)
            if hit is not None:
                self._entries.move_to_end(key)
                return hit[0]
        value = compute(key)
        size = self._size_of(key, value) + ENTRY_OVERHEAD
        if size * 16 > self.max_bytes:
            return value
        with self._lock:
            if key not in self._entries:
                self._entries[key] = (value, size)
                self._bytes += size
                while self._bytes > self.max_bytes:
                    _, (_, dropped) = self._entries.popitem(last=False)
                    self._bytes -= dropped
        return value

    @property
    def bytes(self) -> int:
        """The estimated size of what the cache holds now."""
        return self._bytes

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0


def size_of_words(key: str, value: tuple[str, ...]) -> int:
    """A text and its words. Every word is counted, though many are shared (interned) with
    other entries: the estimate errs on the large side."""
    return sys.getsizeof(key) + sys.getsizeof(value) + sum(sys.getsizeof(w) for w in value)
