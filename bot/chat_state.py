"""Per-chat state (aiogram's FSM storage), bounded: what the bot remembers of a conversation
(the question a follow-up is read with) expires, and only the most recent chats are kept.

aiogram's MemoryStorage keeps an entry for every chat and user it ever saw (even reading a
state creates one) and never forgets it, so memory grew with every new user.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

from aiogram.exceptions import DataNotDictLikeError
from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, StateType, StorageKey

from bot.cache import TtlLru

# a conversation is forgotten an hour after its last question; a follow-up comes in minutes
CHAT_STATE_TTL = 3600.0
# at most this many chats remembered at once, the least recently written forgotten first; a
# chat's state is a question of at most MAX_QUESTION_CHARS: 27 MB at most (measured)
MAX_CHATS = 10_000


class BoundedMemoryStorage(BaseStorage):
    """MemoryStorage with at most `max_chats` entries, each forgotten `ttl` seconds after it
    was last written. Reading never creates an entry, and an emptied one is dropped."""

    def __init__(self, max_chats: int | None = None, ttl: float = CHAT_STATE_TTL,
                 clock: Callable[[], float] = time.monotonic) -> None:
        # key -> (state, data)
        self._records: TtlLru[StorageKey, tuple[str | None, dict[str, Any]]] = TtlLru(
            max_chats or MAX_CHATS, ttl, clock)

    @property
    def chats(self) -> int:
        """How many keys have live state. (Not `__len__`: aiogram tests the storage for truth,
        and an empty one would be swapped for its own unbounded MemoryStorage.)"""
        return len(self._records)

    async def close(self) -> None:
        pass

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        _, data = self._records.get(key) or (None, {})
        self._write(key, state.state if isinstance(state, State) else state, data)

    async def get_state(self, key: StorageKey) -> str | None:
        record = self._records.get(key)
        return record[0] if record else None

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        if not isinstance(data, dict):
            raise DataNotDictLikeError(
                f"Data must be a dict or dict-like object, got {type(data).__name__}")
        state, _ = self._records.get(key) or (None, {})
        self._write(key, state, data.copy())

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        record = self._records.get(key)
        return record[1].copy() if record else {}

    def _write(self, key: StorageKey, state: str | None, data: dict[str, Any]) -> None:
        if state is None and not data:
            self._records.pop(key)
        else:
            self._records.put(key, (state, data))
