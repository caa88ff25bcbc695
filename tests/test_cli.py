"""The command line as a user runs it: `python -m bot ...` in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from bot.settings import Settings
from tests.conftest import REPO, SEEDS


def run_bot(*args: str, env: dict[str, str], stdin: str | None = None,
            timeout: float = 180) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in {"BOT_TOKEN", "ADMIN_IDS"}}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin, capture_output=True, text=True, timeout=timeout, cwd=REPO,
        env=base | {"HF_HUB_OFFLINE": "1"} | env, check=False,
    )


def test_ask_json_contract(index_copy: Path) -> None:
    env = {"INDEX_DIR": str(index_copy), "SEEDS_DIR": str(SEEDS)}
    result = run_bot("ask", "--json", "-", env=env,
                     stdin="Когда Рубио и Лавров встретились лично?\n\n"
                           "What is the price of bitcoin?\n"
                           "o chem govorili lavrov i rubio po telefonu\n")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 3  # blank input lines are not questions
    found, nothing, translit = (json.loads(line) for line in lines)

    assert found["question"] == "Когда Рубио и Лавров встретились лично?"
    assert found["found"] is True
    assert set(found) >= {"question", "lang", "found", "asks", "event_date", "missing",
                          "disagreements", "answers", "related", "text", "parse_mode"}
    first = found["answers"][0]
    assert set(first) >= {"source", "excerpt", "score", "also_in", "title", "url", "outlet",
                          "published", "dates"}
    assert first["source"] == "004_b0d3fac15905dcbe.txt"
    assert "Куала-Лумпур" in first["excerpt"]
    assert isinstance(first["score"], float) and isinstance(first["also_in"], list)
    assert all((SEEDS / a["source"]).is_file() for a in found["answers"])
    assert first["source"] in found["text"] and len(found["text"]) <= 4096

    assert first["published"] == "2025-07-10"
    assert first["outlet"] in (None, "Reuters")  # (None until the build passes outlets on)
    assert "<a href" not in found["text"] or "https://" not in found["text"].split("<a href")[0]

    assert nothing["found"] is False and nothing["answers"] == []
    assert isinstance(nothing["missing"], list) and isinstance(nothing["related"], list)
    assert nothing["text"]  # the bot still says something: nothing found, rephrase

    # Russian typed in Latin letters: searched as Russian, answered in Russian
    assert translit["question"] == "o chem govorili lavrov i rubio po telefonu"
    assert translit["lang"] == "ru" and translit["found"] is True
    assert "Источник" in translit["text"]


def test_ask_words_form_one_question_and_plain_output_cites_files(index_copy: Path) -> None:
    env = {"INDEX_DIR": str(index_copy), "SEEDS_DIR": str(SEEDS)}
    result = run_bot("ask", "Сколько", "длилась", "встреча", "в", "Куала-Лумпуре?", env=env)
    assert result.returncode == 0, result.stderr
    assert "004_b0d3fac15905dcbe.txt" in result.stdout
    assert "<b>" not in result.stdout  # the terminal gets no markup


def test_first_ask_builds_the_index_and_reindex_reports_skipped_files(
    tmp_path: Path, seeds_copy: Path
) -> None:
    (seeds_copy / "broken.txt").write_bytes(b"\x00\x01binary")
    (seeds_copy / "empty.txt").write_bytes(b"")
    env = {"INDEX_DIR": str(tmp_path / "fresh-index"), "SEEDS_DIR": str(seeds_copy)}

    ask = run_bot("ask", "--json", "Where did Rubio and Lavrov meet?", env=env)
    assert ask.returncode == 0, ask.stderr
    assert json.loads(ask.stdout)["found"] is True
    assert "Indexed 5 files" in ask.stderr

    reindex = run_bot("reindex", env=env)
    assert reindex.returncode == 0
    assert "Traceback" not in reindex.stdout + reindex.stderr
    assert "Indexed 5 files" in reindex.stdout and "0 embedded" in reindex.stdout
    assert "Skipped 2 files:" in reindex.stdout
    assert "broken.txt: binary" in reindex.stdout
    assert "empty.txt: empty file" in reindex.stdout


def test_without_a_token_the_main_job_answers_a_sample_question(index_copy: Path) -> None:
    result = run_bot(env={"INDEX_DIR": str(index_copy), "SEEDS_DIR": str(SEEDS)})
    assert result.returncode == 0, result.stderr
    assert "BOT_TOKEN is not set" in result.stderr
    assert ".txt" in result.stdout


def test_bad_settings_are_one_clear_line_each(tmp_path: Path) -> None:
    result = run_bot("ask", "x", env={"ADMIN_IDS": "alice", "EMBEDDER": "word2vec",
                                      "INDEX_DIR": str(tmp_path)})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert any(line.startswith("Bad setting ADMIN_IDS") for line in lines)
    assert any(line.startswith("Bad setting EMBEDDER") for line in lines)
    assert "Traceback" not in result.stderr


def test_run_without_token_says_how_to_get_one(tmp_path: Path) -> None:
    result = run_bot("run", env={"INDEX_DIR": str(tmp_path)})
    assert result.returncode == 2
    assert "@BotFather" in result.stderr


def test_placeholder_token_is_rejected(tmp_path: Path) -> None:
    result = run_bot("ask", "x", env={"BOT_TOKEN": "changeme", "INDEX_DIR": str(tmp_path)})
    assert result.returncode == 2
    assert "Bad setting BOT_TOKEN" in result.stderr
    assert "changeme" not in result.stderr  # secrets are never echoed


def test_sources_lists_each_article_in_five_columns(
    index_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = Settings(seeds_dir=SEEDS, index_dir=index_copy, log_level="WARNING")
    assert main(["sources"], settings=settings) == 0
    rows = [line.split("\t") for line in capsys.readouterr().out.splitlines()]
    assert [row[0] for row in rows] == sorted(p.name for p in SEEDS.glob("*.txt"))
    assert all(len(row) == 5 for row in rows)  # file, title, outlet, date, URL
    meeting = rows[4]
    assert meeting[1].startswith("Госсекретарь США Марко Рубио встретился")
    assert meeting[3] == "2025-07-10"
    assert rows[3][4].startswith("https://baodaknong.vn/")


def test_ask_does_not_import_aiogram(index_copy: Path) -> None:
    # aiogram's import is seconds of the CLI's start-up; `ask` needs none of it
    probe = ("import runpy, sys\n"
             "sys.argv = ['bot', 'ask', '--json', 'Когда Рубио и Лавров встретились лично?']\n"
             "try:\n    runpy.run_module('bot', run_name='__main__')\n"
             "except SystemExit as done:\n    assert not done.code, done.code\n"
             "loaded = sorted(m for m in sys.modules if m.split('.')[0] == 'aiogram')\n"
             "print('AIOGRAM', len(loaded), loaded[:3])\n")
    env = {k: v for k, v in os.environ.items() if k not in {"BOT_TOKEN", "ADMIN_IDS"}}
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=180, cwd=REPO,
        env=env | {"HF_HUB_OFFLINE": "1", "INDEX_DIR": str(index_copy), "SEEDS_DIR": str(SEEDS)},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[0])["found"] is True
    assert "AIOGRAM 0 []" in result.stdout
