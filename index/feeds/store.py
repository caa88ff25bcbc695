"""The followed feeds, kept as one JSON file (`feeds.json` in INDEX_DIR) written atomically:
each feed's URL, its HTTP cache validators, its health and the entries already seen."""

from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

logger = logging.getLogger(__name__)

FILE_NAME = "feeds.json"
MAX_SEEN = 5000  # per feed: old entries fall out of a feed long before this many


@dataclass(slots=True)
class Feed:
    url: str
    title: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    checked: str | None = None  # ISO time of the last poll that reached it
    failures: int = 0  # polls in a row that failed
    error: str | None = None  # why the last one failed
    retry_at: float = 0.0  # (epoch seconds) a failing feed is not polled before this
    added: int = 0  # articles it brought in
    seen: list[str] = field(default_factory=list)  # canonical URLs of its entries
    hashes: list[str] = field(default_factory=list)  # content hashes of what it added

    def remember(self, url: str | None = None, digest: str | None = None) -> None:
        if url and url not in self.seen:
            self.seen.append(url)
            del self.seen[:-MAX_SEEN]
        if digest and digest not in self.hashes:
            self.hashes.append(digest)
            del self.hashes[:-MAX_SEEN]


class FeedStore:
    """Load and save the feed list; every change is written whole, then renamed into place."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / FILE_NAME

    def load(self) -> list[Feed]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return []
        except (OSError, ValueError) as exc:
            logger.error("the feed list %s cannot be read (%s); following none", self.path, exc)
            return []
        names = {f.name for f in fields(Feed)}
        return [Feed(**{k: v for k, v in item.items() if k in names})
                for item in data.get("feeds", []) if isinstance(item, dict) and "url" in item]

    def save(self, feeds: list[Feed]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{FILE_NAME}.{time.time_ns()}.tmp")
        try:
            with tmp.open("w", encoding="utf-8") as fh:
                json.dump({"feeds": [asdict(f) for f in feeds]}, fh, ensure_ascii=False,
                          indent=1)
                fh.flush()
                os.fsync(fh.fileno())
            tmp.replace(self.path)
        finally:
            tmp.unlink(missing_ok=True)

    def add(self, url: str) -> bool:
        """Follow `url`; False when it is followed already."""
        feeds = self.load()
        if any(f.url == url for f in feeds):
            return False
        self.save([*feeds, Feed(url)])
        return True

    def remove(self, url: str) -> bool:
        """Stop following `url`; False when it was not followed."""
        feeds = self.load()
        kept = [f for f in feeds if f.url != url]
        if len(kept) == len(feeds):
            return False
        self.save(kept)
        return True
