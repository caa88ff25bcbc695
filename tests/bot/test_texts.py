"""The bot's own words: both languages complete, values escaped, the right language chosen."""

from __future__ import annotations

import string

from aiogram.types import User

from bot.texts import TEXTS, Markup, t, user_lang


def test_both_languages_have_the_same_texts_with_the_same_fields() -> None:
    assert TEXTS["en"].keys() == TEXTS["ru"].keys()
    for key in TEXTS["en"]:
        fields = [{f for _, f, _, _ in string.Formatter().parse(TEXTS[lang][key]) if f}
                  for lang in ("en", "ru")]
        assert fields[0] == fields[1], key


def test_values_are_escaped_unless_marked_as_markup() -> None:
    assert t("en", "upload_exists", name="<a>&.txt") == (
        "<code>&lt;a&gt;&amp;.txt</code> is already in the corpus. Replace it?")
    assert "<b>x</b>" in t("en", "reindex_failed", reason=Markup("<b>x</b>"))


def test_language_choice() -> None:
    def user(code: str | None) -> User:
        return User(id=1, is_bot=False, first_name="A", language_code=code)

    assert user_lang(user("ru")) == "ru"
    assert user_lang(user("uk-UA")) == "ru"
    assert user_lang(user("en-GB"), "Привет") == "en"  # Telegram's setting wins
    assert user_lang(user(None), "Привет") == "ru"
    assert user_lang(None, "hello") == "en"
    assert user_lang(None, None) == "en"
