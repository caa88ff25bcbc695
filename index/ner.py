"""Named entities in Russian text (people, places, organisations) behind one small seam.

The default recogniser is natasha's slovnet tagger, whose model ships inside its wheel (no
download, offline); it is loaded once, on first use (about 0.7 s), and tags a sentence in about
a millisecond. `NoEntities` stands in where natasha is not installed.
"""

from __future__ import annotations

import importlib.util
import logging
import threading
from dataclasses import dataclass
from typing import Any, Literal, Protocol

logger = logging.getLogger(__name__)

EntityKind = Literal["person", "place", "org"]
_KINDS: dict[str, EntityKind] = {"PER": "person", "LOC": "place", "ORG": "org"}


@dataclass(frozen=True, slots=True)
class Entity:
    """A name as written in the text, with its span and kind."""

    start: int
    end: int
    kind: EntityKind
    text: str


class Recogniser(Protocol):
    def entities(self, text: str) -> list[Entity]: ...


class NoEntities:
    """A recogniser that finds nothing: the short answer then falls back on its patterns."""

    def entities(self, text: str) -> list[Entity]:
        return []


class NatashaRecogniser:
    """natasha's NER tagger (slovnet, news model), loaded lazily, once, thread-safely."""

    def __init__(self) -> None:
        self._tagger: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        with self._lock:
            if self._tagger is None:
                from natasha import NewsEmbedding, NewsNERTagger

                self._tagger = NewsNERTagger(NewsEmbedding())
        return self._tagger

    def entities(self, text: str) -> list[Entity]:
        if not text.strip():
            return []
        markup = self._load()(text)
        return [Entity(s.start, s.stop, _KINDS[s.type], text[s.start:s.stop])
                for s in markup.spans if s.type in _KINDS]


def default_recogniser() -> Recogniser:
    """natasha where it is installed, else nothing (with a warning)."""
    if importlib.util.find_spec("natasha") is None:
        logger.warning("natasha is not installed: short answers use patterns only")
        return NoEntities()
    return NatashaRecogniser()
