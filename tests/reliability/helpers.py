"""Running `python -m bot` as a user would, with bounded time, and checks on its output."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

# not the repository root: a developer's .env there must not change what a test runs
WORKDIR: Path = REPO / "tests" / "reliability"
# the settings a test did not choose must not leak in from the developer's shell or .env
_SCRUBBED = {"BOT_TOKEN", "ADMIN_IDS", "TELEGRAM_API_URL", "SEEDS_DIR", "INDEX_DIR",
             "WEBHOOK_URL", "HEARTBEAT_FILE", "LOG_LEVEL", "THROTTLE_SECONDS"}


def bot_env(**settings: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if k not in _SCRUBBED}
    return base | {"HF_HUB_OFFLINE": "1", "PYTHONUNBUFFERED": "1"} | settings


def run_cli(*args: str, env: dict[str, str], stdin: str | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """`python -m bot ARGS` to completion; on timeout the child is killed (subprocess.run)."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin, capture_output=True, text=True, timeout=timeout, cwd=WORKDIR,
        env=env, check=False,
    )


def assert_no_traceback(*outputs: str) -> None:
    for output in outputs:
        assert "Traceback (most recent call last)" not in output, output[-3000:]
