"""The bot's own words: both languages complete, values escaped, counted words that agree with
their numbers, dates as people write them, the right language chosen."""

from __future__ import annotations

import string
from collections.abc import Mapping

import pytest
from aiogram.types import User

from bot.texts import TEXTS, Markup, format_date, t, text, user_lang

# the CLDR plural categories an integer can fall in
CATEGORIES = {"en": {"one", "other"}, "ru": {"one", "few", "many"}}


def _fields(template: str | Mapping[str, str]) -> set[tuple[str, str]]:
    forms = [template] if isinstance(template, str) else list(template.values())
    return {(f, spec or "") for form in forms
            for _, f, spec, _ in string.Formatter().parse(form) if f}


def test_both_languages_have_the_same_texts_with_the_same_fields() -> None:
    assert TEXTS["en"].keys() == TEXTS["ru"].keys()
    for key in TEXTS["en"]:
        en, ru = TEXTS["en"][key], TEXTS["ru"][key]
        assert isinstance(en, str) == isinstance(ru, str), key
        assert _fields(en) == _fields(ru), key
        for _, spec in _fields(en):
            assert not spec or not isinstance(TEXTS["en"].get(spec, ""), str), (key, spec)


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_counted_entries_have_every_form_their_language_needs(lang: str) -> None:
    for key, template in TEXTS[lang].items():  # type: ignore[index]
        if not isinstance(template, str):
            assert set(template) == CATEGORIES[lang], key
            assert all("{n}" in form for form in template.values()), key


@pytest.mark.parametrize(
    ("n", "ru", "en"),
    [
        (1, "1 файл, 1 фрагмент", "1 file, 1 passage"),
        (2, "2 файла, 2 фрагмента", "2 files, 2 passages"),
        (5, "5 файлов, 5 фрагментов", "5 files, 5 passages"),
        (11, "11 файлов, 11 фрагментов", "11 files, 11 passages"),
        (21, "21 файл, 21 фрагмент", "21 files, 21 passages"),
        (22, "22 файла, 22 фрагмента", "22 files, 22 passages"),
        (111, "111 файлов, 111 фрагментов", "111 files, 111 passages"),
    ],
)
def test_counts_agree_with_their_numbers(n: int, ru: str, en: str) -> None:
    values = {"seconds": "1.0", "indexed": n, "chunks": n, "embedded": 0, "reused": n}
    assert ru in t("ru", "reindex_done", **values)
    assert en in t("en", "reindex_done", **values)


def test_dates_are_written_as_people_write_them() -> None:
    assert format_date("2025-02-15", "ru") == "15 февраля 2025\u00a0г."
    assert format_date("2025-02-15", "en") == "15 February 2025"
    assert format_date("--07-10", "ru") == "10 июля"  # the article gives no year
    assert format_date("--07-10", "en") == "10 July"
    assert format_date("--02-29", "ru") == "29 февраля"
    assert format_date("sometime", "en") == "sometime"
    assert format_date("2025-13-01", "ru") == "2025-13-01"


def test_values_are_escaped_unless_marked_as_markup() -> None:
    assert t("en", "upload_exists", name="<a>&.txt") == (
        "<code>&lt;a&gt;&amp;.txt</code> is already in the corpus. Replace it?")
    assert "<b>x</b>" in t("en", "reindex_failed", reason=Markup("<b>x</b>"))
    assert text("en", "not_mentioned", terms="<Geneva>") == "The articles don't mention <Geneva>."


def test_language_choice() -> None:
    def user(code: str | None) -> User:
        return User(id=1, is_bot=False, first_name="A", language_code=code)

    assert user_lang(user("ru")) == "ru"
    assert user_lang(user("uk-UA")) == "ru"
    assert user_lang(user("en-GB"), "Привет") == "en"  # Telegram's setting wins
    assert user_lang(user(None), "Привет") == "ru"
    assert user_lang(None, "hello") == "en"
    assert user_lang(None, "o chem govorili lavrov i rubio po telefonu") == "ru"
    assert user_lang(None, None) == "en"
