"""One language per reply, through the real Dispatcher: the question's language, then the
user's Telegram language, then the articles'; the buttons under a reply answer in its language;
a question in another script is answered in English; one numbering per item."""

from __future__ import annotations

import re

from tests.bot.conftest import Harness, HarnessFactory
from tests.bot.fakes import callback_update, message_update
from tests.bot.html_check import check_telegram_html

MEET_RU = "Когда Рубио и Лавров встретились лично?"
MEET_EN = "When did Rubio and Lavrov meet in person?"
# the bot's own words in each language (never the articles' text, which is Russian)
ENGLISH_WORDS = re.compile(r"\b(Source|Found|Result|passage|articles)\b")
RUSSIAN_WORDS = re.compile(r"Источник|Нашл|Результат|фрагмент")


def _button(harness: Harness, reply: dict[str, str], prefix: str) -> str:
    return next(b["callback_data"] for b in harness.buttons(reply)
                if b["callback_data"].startswith(prefix))


async def test_a_russian_answer_and_its_buttons_stay_russian_without_a_language_code(
    make_harness: HarnessFactory,
) -> None:
    harness = make_harness(max_results=1)
    await harness.feed(message_update(MEET_RU, language_code=None))
    [answer] = harness.sent("sendMessage")
    assert RUSSIAN_WORDS.search(answer["text"]) and not ENGLISH_WORDS.search(answer["text"])
    assert all("Полный фрагмент" in b["text"] or "Ещё" in b["text"]
               for b in harness.buttons(answer))

    # the user has no language_code: the button replies follow the answer, not a default
    await harness.feed(callback_update(_button(harness, answer, "full:"), language_code=None))
    await harness.feed(callback_update(_button(harness, answer, "more:"), language_code=None))
    passage, more = harness.texts()[1:]
    check_telegram_html(passage)
    assert "Источник: <code>" in passage and "Source" not in passage
    assert more.startswith("Результат 2") and not ENGLISH_WORDS.search(more)


async def test_the_question_language_wins_over_the_users_language(harness: Harness) -> None:
    await harness.feed(message_update(MEET_EN, language_code="ru"))
    [answer] = harness.sent("sendMessage")
    assert "Found " in answer["text"] and "Source: " in answer["text"]
    assert not RUSSIAN_WORDS.search(answer["text"].replace("фрагмент", ""))
    assert all("Full passage" in b["text"] for b in harness.buttons(answer))
    await harness.feed(callback_update(_button(harness, answer, "full:"), language_code="ru"))
    assert "Source: <code>" in harness.texts()[1]


async def test_a_question_without_letters_follows_the_user_then_the_articles(
    harness: Harness,
) -> None:
    await harness.feed(message_update("???", language_code="en"))
    await harness.feed(message_update("???", language_code=None))
    english, russian = harness.texts()
    assert english.startswith("Ask a question about the news")
    assert russian.startswith("Задайте вопрос о новостях")  # the seed articles are Russian


async def test_an_arabic_question_is_answered_in_english(harness: Harness) -> None:
    await harness.feed(message_update("متى التقى روبيو ولافروف؟", language_code=None))
    [reply] = harness.sent("sendMessage")
    check_telegram_html(reply["text"])
    text = reply["text"]
    assert "I read questions in Russian and English" in text
    # every word of the bot's own is English (the articles' passages may be Russian)
    assert not re.search(r"ничего не нашлось|Источник|Нашл|Близкие по теме", text)
    assert all("Full passage" in b["text"] or "More" in b["text"]
               for b in harness.buttons(reply))


async def test_a_page_of_one_item_is_numbered_once(make_harness: HarnessFactory) -> None:
    harness = make_harness(max_results=1)
    await harness.feed(message_update(MEET_EN))
    await harness.feed(message_update(MEET_RU, language_code="ru"))
    english, russian = harness.texts()
    assert "\nResult 1:\n\n" in english and "\nРезультат 1:\n\n" in russian
    for text in (english, russian):
        assert not re.search(r"(?m)^\d+\. ", text), text  # the heading numbers the item


async def test_a_page_of_several_items_numbers_each_once(harness: Harness) -> None:
    await harness.feed(message_update(MEET_EN))
    [text] = harness.texts()
    numbers = re.findall(r"(?m)^(\d+)\. ", text)
    assert len(numbers) >= 2 and numbers == [str(n) for n in range(1, len(numbers) + 1)]
    assert not re.search(r"(?m)^Results? \d", text)  # the heading counts, it does not number


async def test_sources_dates_follow_the_users_language(harness: Harness) -> None:
    await harness.feed(message_update("/sources", language_code="ru"))
    await harness.feed(message_update("/sources", language_code=None))
    await harness.feed(message_update("/sources", language_code="en"))
    russian, unknown, english = harness.texts()
    # 004 was published on 10 July 2025 (Reuters)
    assert "10 июля 2025\u00a0г." in russian and "July" not in russian
    assert "10 июля 2025\u00a0г." in unknown  # no language_code: the articles are Russian
    assert "10 July 2025" in english and "июля" not in english
    assert russian.startswith("<b>Проиндексированные статьи")

    # a page turned keeps the list's language, whatever the user's client says
    await harness.feed(callback_update("src:0:ru", language_code="en"))
    [turned] = harness.sent("editMessageText")
    assert "10 июля 2025\u00a0г." in turned["text"]
