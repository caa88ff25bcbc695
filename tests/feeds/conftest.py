"""Fixtures for the feed tests: the local test site, and a writable index over the seeds."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.bot.conftest import writable_news  # noqa: F401  (a fixture these tests share)
from tests.links.server import Site, serve


@pytest.fixture(scope="session")
def site() -> Iterator[Site]:
    with serve() as running:
        yield running
