"""`python -m bot reindex` killed with SIGKILL, or running out of disk, at the worst moments.

After each: the last good index still loads and answers (`ask --json`, a fresh process), and
the next reindex succeeds and leaves no `.tmp-*` leftovers.
"""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import resource
import select
import shutil
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

from tests.conftest import SEEDS
from tests.reliability.helpers import WORKDIR, assert_no_traceback, bot_env, run_cli

CITIES = ["Бресте", "Гомеле", "Могилёве", "Витебске", "Гродно", "Пинске", "Бобруйске",
          "Барановичах", "Орше", "Лиде"]
EVENTS = ["открыли новую библиотеку", "построили крытый стадион", "отремонтировали школу",
          "провели осеннюю ярмарку", "запустили электробус", "высадили яблоневый сад"]
QUESTION = "Когда Рубио и Лавров встретились лично?"
NEW_ARTICLE = ("Мост через Неман\n"
               "В Гродно открыли новый автомобильный мост через Неман длиной 420 метров.\n")


def _generated_corpus(folder: Path, count: int) -> None:
    shutil.copytree(SEEDS, folder)
    for i in range(count):
        city, event = CITIES[i % len(CITIES)], EVENTS[i // len(CITIES) % len(EVENTS)]
        (folder / f"gen-{i:03d}.txt").write_text(
            f"Новости {city}\nВ {city} {event}, проект номер {i} обошёлся в {100 + i} тысяч "
            "рублей.\n", encoding="utf-8")


def _current(index_dir: Path) -> str:
    return os.readlink(index_dir / "current")


def _assert_old_index_answers(env: dict[str, str], generation: str, index_dir: Path) -> None:
    assert _current(index_dir) == generation
    ask = run_cli("ask", "--json", QUESTION, env=env, timeout=120)
    assert ask.returncode == 0, ask.stderr[-2000:]
    assert_no_traceback(ask.stderr)
    record = json.loads(ask.stdout)
    assert record["found"] and record["answers"][0]["source"] == "004_b0d3fac15905dcbe.txt"
    assert "Rebuilding" not in ask.stderr and "building it" not in ask.stderr  # it loaded
    assert _current(index_dir) == generation


def _assert_next_reindex_succeeds(env: dict[str, str], generation: str, index_dir: Path,
                                  files: int) -> float:
    started = time.monotonic()
    result = run_cli("reindex", env=env, timeout=240)
    seconds = time.monotonic() - started
    assert result.returncode == 0, result.stderr[-2000:]
    assert_no_traceback(result.stdout, result.stderr)
    assert f"Indexed {files} files" in result.stdout
    assert _current(index_dir) != generation
    assert not list(index_dir.glob(".tmp-*"))
    return seconds


def _kill(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)


def test_reindex_killed_while_embedding(tmp_path: Path, index_copy: Path) -> None:
    seeds = tmp_path / "corpus"
    _generated_corpus(seeds, 40)
    env = bot_env(SEEDS_DIR=str(seeds), INDEX_DIR=str(index_copy))
    before = _current(index_copy)

    # stderr on a terminal (with a size: tqdm draws nothing 0 columns wide), so the progress
    # bar is drawn and shows when embedding starts
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 120, 0, 0))
    proc = subprocess.Popen([sys.executable, "-m", "bot", "reindex"], cwd=WORKDIR, env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave,
                            start_new_session=True)
    os.close(slave)
    screen = b""
    try:
        deadline = time.monotonic() + 120
        while not re.search(rb"Embedding: +0%.*\| 0/40 ", screen):
            assert time.monotonic() < deadline, screen[-2000:]
            ready, _, _ = select.select([master], [], [], 0.5)
            assert proc.poll() is None, f"reindex ended before embedding: {screen[-2000:]!r}"
            if ready:
                screen += os.read(master, 65536)
        time.sleep(0.5)  # well inside the one batch of 40 chunks (several seconds)
        assert proc.poll() is None, "the reindex finished before it could be killed"
        _kill(proc)
    finally:
        _kill(proc)
        os.close(master)
        if proc.stdout is not None:
            proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL

    _assert_old_index_answers(env, before, index_copy)
    _assert_next_reindex_succeeds(env, before, index_copy, files=45)


# runs `reindex` with one step of publishing a generation stopped, so SIGKILL lands exactly there
HOOKED_REINDEX = """
import sys, time
import index.store as store
step = sys.argv[1]
original = getattr(store, step)
def stopped(*args, **kwargs):
    if step == "_fsync_tree":
        original(*args, **kwargs)  # every file written and synced, not yet renamed
    print("STOPPED", flush=True)
    time.sleep(300)
setattr(store, step, stopped)
from bot.cli import main
sys.exit(main(["reindex"]))
"""


def _reindex_killed_at(step: str, env: dict[str, str]) -> None:
    proc = subprocess.Popen([sys.executable, "-c", HOOKED_REINDEX, step], cwd=WORKDIR, env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        assert proc.stdout is not None
        ready, _, _ = select.select([proc.stdout], [], [], 120)
        assert ready and proc.stdout.readline() == b"STOPPED\n"
        _kill(proc)
    finally:
        _kill(proc)
        if proc.stdout is not None:
            proc.stdout.close()


def test_reindex_killed_while_publishing_the_new_generation(tmp_path: Path,
                                                           index_copy: Path) -> None:
    seeds = tmp_path / "corpus"
    shutil.copytree(SEEDS, seeds)
    (seeds / "bridge.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    env = bot_env(SEEDS_DIR=str(seeds), INDEX_DIR=str(index_copy))
    before = _current(index_copy)

    _reindex_killed_at("_fsync_tree", env)  # a finished generation still in .tmp-*
    assert len(list(index_copy.glob(".tmp-gen-*"))) == 1
    _reindex_killed_at("_point_current", env)  # renamed to gen-*, `current` not switched
    assert len(list(index_copy.glob("gen-*"))) == 2

    _assert_old_index_answers(env, before, index_copy)
    _assert_next_reindex_succeeds(env, before, index_copy, files=6)
    assert len(list(index_copy.glob("gen-*"))) == 2  # the old one is pruned, two are kept


def _limit_file_size() -> None:
    # any file the process writes stops at 16 KB: writes fail with EFBIG, the way a full disk
    # fails them with ENOSPC (Python ignores SIGXFSZ, so the write raises instead of killing)
    resource.setrlimit(resource.RLIMIT_FSIZE, (16_384, 16_384))


def test_disk_full_during_a_rebuild(tmp_path: Path, index_copy: Path) -> None:
    seeds = tmp_path / "corpus"
    shutil.copytree(SEEDS, seeds)
    (seeds / "bridge.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    env = bot_env(SEEDS_DIR=str(seeds), INDEX_DIR=str(index_copy))
    before = _current(index_copy)

    full = subprocess.run([sys.executable, "-m", "bot", "reindex"], cwd=WORKDIR, env=env,
                          capture_output=True, text=True, timeout=120,
                          preexec_fn=_limit_file_size, check=False)

    assert full.returncode == 1, full.stderr[-2000:]
    assert_no_traceback(full.stdout, full.stderr)
    error = [line for line in full.stderr.splitlines() if line.startswith("Error:")]
    assert len(error) == 1 and "File too large" in error[0] and "reindex" in error[0]
    assert not list(index_copy.glob(".tmp-*"))
    assert [p.name for p in index_copy.glob("gen-*")] == [before]

    _assert_old_index_answers(env, before, index_copy)
    _assert_next_reindex_succeeds(env, before, index_copy, files=6)


# A process that has loaded the index; its files are then cut short in place (a full disk
# during a copy, someone's `truncate`), and it answers. Questions run without the model: only
# the index files matter here.
_TRUNCATED = """
import os, sys
from pathlib import Path
import numpy as np
from index.errors import IndexDamaged
from index.service import NewsIndex
from index.store import current_generation, load_index

class Questions:
    name, dim = sys.argv[3], 384
    def embed_queries(self, texts):
        return np.full((len(texts), 384), 384 ** -0.5, dtype=np.float32)
    embed_passages = embed_queries

seeds, index_dir = Path(sys.argv[1]), Path(sys.argv[2])
news = NewsIndex(seeds, index_dir, Questions())
assert news.load_or_build() is None
folder = current_generation(index_dir)
for name in ("vectors.npy", "sentences.npy", "keywords/data.csc.index.npy",
             "keywords/indices.csc.index.npy"):
    os.truncate(folder / name, 128)
print("answered", len(news.answer(sys.argv[4]).items), flush=True)
try:
    load_index(index_dir)
except IndexDamaged as exc:
    print("damaged:", exc, flush=True)
"""


def test_index_files_truncated_under_a_running_process(index_copy: Path) -> None:
    """Memory-mapped files cut short killed the process with SIGBUS at the next question, with
    no log line. Now the running index holds its own copy, and the next load calls the
    truncated files damage (which load_or_build rebuilds)."""
    manifest = json.loads((index_copy / "current" / "manifest.json").read_text(encoding="utf-8"))
    run = subprocess.run(
        [sys.executable, "-c", _TRUNCATED, str(SEEDS), str(index_copy), manifest["embedder"],
         QUESTION],
        cwd=WORKDIR, env=bot_env(PYTHONPATH=str(SEEDS.parent)), capture_output=True,
        text=True, timeout=120, check=False)
    assert run.returncode == 0, (run.returncode, run.stderr[-2000:])
    lines = run.stdout.splitlines()
    assert lines[0].startswith("answered "), run.stdout
    assert lines[1].startswith("damaged:") and "has 128 bytes, " in lines[1], lines
