"""SIGTERM while `/reindex` embeds a large batch of new articles: the bot stops within a few
seconds (Docker sends SIGKILL 10 s after SIGTERM), and the generation that was serving stays
`current`. It used to wait for the rebuild to finish (21.8 s in one case)."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import time
from pathlib import Path

from tests.conftest import REPO
from tests.reliability.bot_process import (
    ADMIN_ID,
    TOKEN,
    assert_no_secret,
    run_env,
    running_bot,
    wait_until_polling,
)
from tests.stand_in_api import StandInTelegram

# 122 real news texts (FactRuEval-2016, MIT): well over a minute of embedding on two cores
NEW_ARTICLES = REPO / "bench" / "newsqa" / "factru"
STOP_WITHIN_SECONDS = 8.0


async def test_sigterm_during_a_reindex_stops_the_bot_in_seconds(
    tmp_path: Path, seeds_copy: Path, index_copy: Path
) -> None:
    serving = os.readlink(index_copy / "current")
    server = StandInTelegram(TOKEN)
    await server.start()
    try:
        async with running_bot(run_env(server, seeds_copy, index_copy), tmp_path) as bot:
            await wait_until_polling(server, bot)
            for path in NEW_ARTICLES.glob("*.txt"):
                shutil.copy(path, seeds_copy / path.name)
            server.message(ADMIN_ID, "/reindex")
            await server.wait_for(lambda: any("Reindexing" in s.text
                                              for s in server.sent_to(ADMIN_ID)), 60,
                                  "the reindex to start")
            await asyncio.sleep(3.0)  # well into the embedding
            assert not any("finished" in s.text for s in server.sent if s.chat_id == ADMIN_ID)
            signalled = time.monotonic()
            bot.proc.send_signal(signal.SIGTERM)
            code = await asyncio.wait_for(bot.proc.wait(), 60)
            seconds = time.monotonic() - signalled
            output = bot.output()
    finally:
        await server.stop()
    print(f"\nFIGURES SIGTERM during /reindex: exited after {seconds:.1f} s")
    assert seconds < STOP_WITHIN_SECONDS, output[-3000:]
    assert code == 0, output[-3000:]
    assert os.readlink(index_copy / "current") == serving
    assert "Traceback" not in output, output[-3000:]
    assert_no_secret(output)
