"""The heartbeat behind the Docker HEALTHCHECK."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from bot import healthcheck
from bot.app import create_bot
from index.service import NewsIndex
from tests.bot.conftest import make_settings
from tests.bot.fakes import RecordingSession


async def test_every_successful_call_touches_the_heartbeat(seed_news: NewsIndex,
                                                           tmp_path: Path) -> None:
    beat = tmp_path / "heartbeat"
    settings = make_settings(seed_news.seeds_dir, seed_news.index_dir, heartbeat_file=beat)
    bot = create_bot(settings, session=RecordingSession())
    assert not beat.exists()
    await bot.get_me()
    assert beat.exists()
    assert healthcheck.check(beat, 60) is None


def test_stale_and_missing_heartbeats_are_unhealthy(tmp_path: Path) -> None:
    beat = tmp_path / "heartbeat"
    assert "no heartbeat" in (healthcheck.check(beat, 60) or "")
    beat.touch()
    old = time.time() - 600
    os.utime(beat, (old, old))
    assert "600 s ago" in (healthcheck.check(beat, 120) or "")


def test_main_reads_the_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no .env here
    monkeypatch.delenv("HEARTBEAT_FILE", raising=False)
    assert healthcheck.main() == 1
    monkeypatch.setenv("HEARTBEAT_FILE", str(tmp_path / "beat"))
    assert healthcheck.main() == 1
    (tmp_path / "beat").touch()
    assert healthcheck.main() == 0
