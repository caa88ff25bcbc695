"""A corpus folder full of bad files, through `python -m bot reindex` and `ask --json`.

The seed articles sit beside files that are empty, binary, cp1251, huge, oddly named, linked
from outside, full of markup or of invisible characters. The build must exit 0, name every
skipped file with its reason, print no traceback, and answer from the good files, with the
markup escaped in the message the bot would send.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import SEEDS
from tests.reliability.helpers import assert_no_traceback, bot_env, run_cli

HUGE_BYTES = 2_100_000  # over the default MAX_FILE_BYTES (2,000,000)
LONG_NAME = "очень-длинное-имя-" * 5 + "x" * 80 + ".txt"  # 249 bytes: near the 255 limit


@dataclass(frozen=True)
class Good:
    """A good article with an odd side, and a question only it answers."""

    name: str
    text: str
    question: str


GOOD = [
    Good("cp1251 новости.txt",
         "В Гродно открыли мост через Неман\n"
         "В субботу в Гродно открыли новый автомобильный мост через Неман длиной 420 метров.\n",
         "Какой длины новый мост через Неман в Гродно?"),
    Good("-leading-dash.txt",
         "Шахматный турнир в Бресте\n"
         "Гроссмейстер Ольга Ковальчук выиграла международный шахматный турнир в Бресте.\n",
         "Кто выиграл шахматный турнир в Бресте?"),
    Good(LONG_NAME,
         "Зоопарк Минска\n"
         "В минском зоопарке родились два детёныша белого медведя, сообщила дирекция.\n",
         "Сколько медвежат родилось в минском зоопарке?"),
    Good("with spaces and ünïcødé 🚀.txt",
         "Космодром Восточный\n"
         "С космодрома Восточный запустили метеоспутник «Метеор-М», сообщил Роскосмос.\n",
         "Какой спутник запустили с космодрома Восточный?"),
    Good("markup.txt",
         "Компания <script>alert('x')</script> & партнёры\n"
         "Компания AT&T <b>объявила о покупке <i>оператора связи в Мексике за 2 млрд "
         "долларов.</b> <a href=\"javascript:alert(1)\">подробнее</a> &amp; &lt;далее&gt;\n",
         "Какая компания купила оператора связи в Мексике?"),
    Good("invisible.txt",
         "Вак\u200bцинация в Витебске\n"
         "В Вит\u200bебске нача\u200dлась массо\ufeffвая вакцинация от гриппа, "
         "\u202eсообщил\u202c горздрав.\u2066 Привились уже 12 тысяч человек.\n",
         "Сколько человек привились от гриппа в Витебске?"),
]


def build_corpus(folder: Path, outside: Path) -> dict[str, str]:
    """The seeds, the good articles and the bad files; returns {bad name: reason words}."""
    shutil.copytree(SEEDS, folder)
    for good in GOOD:
        encoding = "cp1251" if good.name.startswith("cp1251") else "utf-8"
        (folder / good.name).write_bytes(good.text.encode(encoding))
    (folder / "crlf-bom.txt").write_bytes(
        b"\xef\xbb\xbf" + "Погода\r\nВ Гомеле ожидается ледяной дождь и гололёд.\r\n"
        .encode())

    bad: dict[str, str] = {}

    def add(name: str, reason: str, data: bytes | None = None) -> None:
        if data is not None:
            (folder / name).write_bytes(data)
        bad[name] = reason

    add("empty.txt", "empty", b"")
    add("blank.txt", "empty", b" \n\t\n  \r\n")
    add("binary.txt", "binary", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64)
    add("garbled.txt", "not utf-8", bytes([0x98, 0x81, 0x98]) * 200)
    add("controls.txt", "not text", b"\x01\x02\x03\x04\x05\x06\x07\x08abc" * 100)
    add("huge.txt", "too large", ("Очень длинная статья. " * 100_000).encode()[:HUGE_BYTES])
    add("only-banner.txt", "no article text", "Поддержать команду Зеркала\n/\n".encode())
    add("notes.md", ".txt", "# Заметки\nНе статья.".encode())
    add("folder.txt", "folder")
    (folder / "folder.txt").mkdir()
    add("fifo.txt", "not a regular file")
    os.mkfifo(folder / "fifo.txt")
    outside.write_text("Секрет\nЭтот файл лежит вне папки статей и не должен попасть в индекс.",
                       encoding="utf-8")
    add("outside-link.txt", "outside")
    os.symlink(outside, folder / "outside-link.txt")
    add("dotdot-link.txt", "outside")
    os.symlink(Path("..") / outside.name, folder / "dotdot-link.txt")
    add("loop.txt", "loop")
    os.symlink("loop.txt", folder / "loop.txt")
    add("dangling.txt", "not a regular file")
    os.symlink("nowhere.txt", folder / "dangling.txt")
    # names a person cannot read safely: undecodable bytes, a line break, a direction override
    story = "Новость\nВ Могилёве отремонтировали вокзал.\n".encode()
    (folder / os.fsdecode(b"bad-\xff-bytes.txt")).write_bytes(story)
    bad["bad-\\xff-bytes.txt"] = "file name"
    (folder / "line\nbreak.txt").write_bytes(story)
    bad["line\\nbreak.txt"] = "file name"
    (folder / "report\u202eexe.txt").write_bytes(story)
    bad["report\\u202eexe.txt"] = "file name"
    (folder / ".hidden.txt").write_bytes(story)  # dot files are ignored without a word
    return bad


def test_bad_corpus_files_are_skipped_with_reasons_and_good_ones_answer(
    tmp_path: Path, index_copy: Path
) -> None:
    seeds = tmp_path / "corpus"
    bad = build_corpus(seeds, tmp_path / "outside.txt")
    # the seed index is the previous generation: only the new articles need embedding
    env = bot_env(SEEDS_DIR=str(seeds), INDEX_DIR=str(index_copy))

    result = run_cli("reindex", env=env, timeout=240)

    assert result.returncode == 0, result.stderr[-3000:]
    assert_no_traceback(result.stdout, result.stderr)
    summary = result.stdout
    expected_files = 5 + len(GOOD) + 1
    assert f"Indexed {expected_files} files" in summary, summary
    assert f"Skipped {len(bad)} files:" in summary, summary
    skipped_lines = {line.split(": ", 1)[0].removeprefix("  - "): line.split(": ", 1)[1]
                     for line in summary.splitlines() if line.startswith("  - ")}
    assert set(skipped_lines) == set(bad), summary
    for name, reason in bad.items():
        assert reason.lower() in skipped_lines[name].lower(), (name, skipped_lines[name])
    assert ".hidden.txt" not in summary
    assert "Секрет" not in summary + result.stderr

    questions = [good.question for good in GOOD] + ["Где ожидается ледяной дождь и гололёд?"]
    ask = run_cli("ask", "--json", "-", env=env, stdin="\n".join(questions) + "\n", timeout=180)

    assert ask.returncode == 0, ask.stderr[-3000:]
    assert_no_traceback(ask.stdout, ask.stderr)
    records = [json.loads(line) for line in ask.stdout.splitlines()]
    assert len(records) == len(questions)
    expected_sources = [good.name for good in GOOD] + ["crlf-bom.txt"]
    for record, source in zip(records, expected_sources, strict=True):
        assert record["found"], record["question"]
        assert record["answers"][0]["source"] == source, (record["question"], record["answers"])
        assert f"<code>{_escaped(source)}</code>" in record["text"]

    markup = records[GOOD.index(GOOD[4])]
    excerpt = markup["answers"][0]["excerpt"]
    assert "AT&T" in excerpt and "<b>" in excerpt  # the excerpt keeps the article's text
    text = markup["text"]
    assert "AT&amp;T" in text and "&lt;b&gt;" in text and "&lt;a href=" in text
    assert "<script" not in text and "<i>" not in text and "<a href=\"javascript" not in text

    invisible = records[GOOD.index(GOOD[5])]["answers"][0]["excerpt"]
    assert not any(ch in invisible for ch in "\u200b\u200d\ufeff\u202e\u202c\u2066")
    assert "Витебске началась массовая вакцинация" in invisible


def _escaped(name: str) -> str:
    return name.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
