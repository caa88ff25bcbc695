"""A small bounded mapping whose entries expire: remembered questions, pending uploads, inline
answers and throttling times all need "keep the recent ones, forget the rest"."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class TtlLru(Generic[K, V]):
    """At most `maxsize` entries, each forgotten `ttl` seconds after it was last written.

    Reading does not refresh an entry: a remembered question should expire a fixed time after
    it was asked, however often its buttons are pressed. Not thread-safe: use it from the event
    loop only.
    """

    def __init__(self, maxsize: int, ttl: float, clock: Callable[[], float] = time.monotonic):
        if maxsize < 1:
            raise ValueError(f"maxsize must be at least 1, got {maxsize}")
        self.maxsize = maxsize
        self.ttl = ttl
        self._clock = clock
        self._data: OrderedDict[K, tuple[float, V]] = OrderedDict()

    def get(self, key: K) -> V | None:
        entry = self._data.get(key)
        if entry is None:
            return None
        written, value = entry
        if self._clock() - written > self.ttl:
            del self._data[key]
            return None
        return value

    def put(self, key: K, value: V) -> None:
        self._data[key] = (self._clock(), value)
        self._data.move_to_end(key)
        while len(self._data) > self.maxsize:
            self._data.popitem(last=False)

    def replace(self, key: K, value: V) -> None:
        """Change a live entry's value without renewing it (it expires when it would have)."""
        entry = self._data.get(key)
        if entry is not None:
            self._data[key] = (entry[0], value)

    def pop(self, key: K) -> V | None:
        value = self.get(key)
        self._data.pop(key, None)
        return value

    def items(self) -> Iterator[tuple[K, V]]:
        """The live entries, oldest first."""
        now = self._clock()
        for key, (written, value) in list(self._data.items()):
            if now - written <= self.ttl:
                yield key, value

    def __len__(self) -> int:
        return sum(1 for _ in self.items())

    def __contains__(self, key: object) -> bool:
        return self.get(key) is not None  # type: ignore[arg-type]
