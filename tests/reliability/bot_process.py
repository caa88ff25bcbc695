"""`python -m bot run` as a subprocess polling the faulty stand-in server, with its whole output
captured to a file and the process always stopped (SIGTERM, then SIGKILL) at the end."""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.reliability.helpers import bot_env
from tests.stand_in_api import StandInTelegram

# digits, a colon, 35 characters: the shape @BotFather gives; the secret part is unmistakable
TOKEN = "7000001:AAHsecretPARTofTHEtokenXYZ0123456789"
SECRET_PART = TOKEN.split(":", 1)[1]
ADMIN_ID = 42


@dataclass
class BotProcess:
    proc: asyncio.subprocess.Process
    log: Path

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    @property
    def running(self) -> bool:
        return self.proc.returncode is None

    async def stop(self, timeout: float = 20) -> int:
        if self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.proc.wait(), timeout)
            except TimeoutError:
                self.proc.kill()
                await self.proc.wait()
        assert self.proc.returncode is not None
        return self.proc.returncode


def run_env(server: StandInTelegram | None, seeds: Path, index: Path, *,
            api_url: str | None = None, **settings: str) -> dict[str, str]:
    return bot_env(
        BOT_TOKEN=TOKEN,
        TELEGRAM_API_URL=api_url or (server.base_url if server else ""),
        SEEDS_DIR=str(seeds),
        INDEX_DIR=str(index),
        ADMIN_IDS=json.dumps([ADMIN_ID]),
        LOG_LEVEL="DEBUG",
        **settings,
    )


@asynccontextmanager
async def running_bot(env: dict[str, str], workdir: Path) -> AsyncIterator[BotProcess]:
    log = workdir / "bot.log"
    with log.open("wb") as sink:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", cwd=workdir, env=env,
            stdin=subprocess.DEVNULL, stdout=sink, stderr=subprocess.STDOUT)
        bot = BotProcess(proc, log)
        try:
            yield bot
        except BaseException:
            sys.stderr.write(bot.output()[-8000:])
            raise
        finally:
            await bot.stop()


async def wait_until_polling(server: StandInTelegram, bot: BotProcess,
                             timeout: float = 180) -> None:
    """Until the bot has loaded its index and made its first successful getUpdates."""
    async def polling() -> None:
        while not any(c.method == "getUpdates" and c.outcome == "ok" for c in server.calls):
            assert bot.running, f"the bot exited early:\n{bot.output()[-4000:]}"
            await asyncio.sleep(0.1)
    await asyncio.wait_for(polling(), timeout)


def assert_no_secret(output: str) -> None:
    assert TOKEN not in output, "the bot token is in the output"
    assert SECRET_PART not in output, "the token's secret part is in the output"
