"""Private chats: any text is a question, answered with cited passages and buttons."""

from __future__ import annotations

from index.service import NewsIndex
from tests.bot.conftest import Harness, HarnessFactory
from tests.bot.fakes import USER_ID, callback_update, message_update
from tests.bot.html_check import check_telegram_html

SEED_NAMES = ("000_776e3a7b1538294f.txt", "001_937c67591dbea8fc.txt", "002_80243a7568773db2.txt",
              "003_1e776d1f199686d9.txt", "004_b0d3fac15905dcbe.txt")
MEET = "When did Rubio and Lavrov meet in person?"


def cited(text: str) -> list[str]:
    return [name for name in SEED_NAMES if f"<code>{name}</code>" in text]


async def test_russian_question_gets_a_cited_answer(harness: Harness) -> None:
    await harness.feed(message_update("Когда Рубио и Лавров говорили по телефону?",
                                      language_code="ru"))
    assert harness.methods()[0] == "sendChatAction"  # typing while it searches
    [reply] = harness.sent("sendMessage")
    check_telegram_html(reply["text"])
    assert reply["parse_mode"] == "HTML"
    assert "фрагмент" in reply["text"] and "Источник" in reply["text"]
    assert cited(reply["text"])
    assert "<b>" in reply["text"]  # the answering sentence
    assert "reply_parameters" not in reply  # a private chat needs no quoting


async def test_english_question_gets_english_words_and_passage_buttons(harness: Harness
                                                                      ) -> None:
    await harness.feed(message_update(MEET))
    [reply] = harness.sent("sendMessage")
    assert "Found " in reply["text"] and "Source" in reply["text"]
    assert cited(reply["text"])
    buttons = harness.buttons(reply)
    assert buttons and all(b["callback_data"].startswith("full:") for b in buttons)
    assert all("Full passage" in b["text"] for b in buttons)


async def test_nothing_found_is_friendly_and_has_no_buttons(harness: Harness) -> None:
    await harness.feed(message_update("Who won the football world cup in 1998?"))
    [reply] = harness.sent("sendMessage")
    # (the articles never mention 1998: the reply may say just that)
    assert reply["text"].startswith(("Nothing found", "The articles don't mention 1998"))
    assert "rephras" in reply["text"] or "1998" in reply["text"]
    assert "reply_markup" not in reply


async def test_html_in_a_question_never_reaches_the_reply_unescaped(harness: Harness) -> None:
    await harness.feed(message_update("<script>alert('x')</script> <b>When</b> did Rubio & "
                                      "Lavrov meet in person?"))
    [reply] = harness.sent("sendMessage")
    check_telegram_html(reply["text"])
    assert cited(reply["text"])


async def test_an_overlong_question_is_cut_not_refused(make_harness: HarnessFactory) -> None:
    harness = make_harness(max_question_chars=200)
    await harness.feed(message_update((MEET + " ") * 120))  # about 5,000 characters
    [reply] = harness.sent("sendMessage")
    check_telegram_html(reply["text"])
    assert cited(reply["text"])
    assert "first 200 characters" in reply["text"]


async def test_ask_command_and_empty_questions(harness: Harness) -> None:
    await harness.feed(message_update(f"/ask {MEET}"))
    await harness.feed(message_update("/ask"))
    await harness.feed(message_update("?!"))
    answer, hint, hint_again = harness.texts()
    assert cited(answer)
    assert "for example" in hint and hint == hint_again


async def test_unknown_commands_and_stickers_get_a_pointer_to_help(harness: Harness) -> None:
    await harness.feed(message_update("/frobnicate"))
    await harness.feed(message_update(None, caption=None))  # e.g. a sticker: no text at all
    unknown, not_text = harness.texts()
    assert "/help" in unknown and "/help" in not_text


async def test_more_results_pages_on_and_leaves_the_passage_buttons(
    make_harness: HarnessFactory, seed_news: NewsIndex
) -> None:
    assert len(seed_news.answer(MEET, limit=10).items) >= 2, "the seeds give several passages"
    harness = make_harness(max_results=1)
    await harness.feed(message_update(MEET))
    [first] = harness.sent("sendMessage")
    more = [b for b in harness.buttons(first) if b["callback_data"].startswith("more:")]
    assert [b["text"] for b in more] == ["More results ▶"]

    markup = {"inline_keyboard": [[{"text": b["text"], "callback_data": b["callback_data"]}]
                                  for b in harness.buttons(first)]}
    await harness.feed(callback_update(more[0]["callback_data"], markup=markup))
    second = harness.sent("sendMessage")[1]
    check_telegram_html(second["text"])
    # numbering goes on from the first page: a page of one item is named by its heading only
    assert second["text"].startswith("Result 2") and "\n\n2. " not in second["text"]
    assert cited(second["text"])
    assert harness.sent("answerCallbackQuery")
    [edited] = harness.sent("editMessageReplyMarkup")
    assert "more:" not in edited["reply_markup"] and "full:" in edited["reply_markup"]


async def test_a_forgotten_question_says_expired(harness: Harness) -> None:
    tag = harness.services.answerer.current_tag
    await harness.feed(callback_update(f"more:AAAAAAAA:{tag}:1:en", user_id=USER_ID))
    [answered] = harness.sent("answerCallbackQuery")
    assert "expired" in answered["text"] and answered["show_alert"] == "true"
    assert not harness.sent("sendMessage")


async def test_a_short_follow_up_is_read_with_the_previous_question(harness: Harness) -> None:
    await harness.feed(message_update(MEET))
    await harness.feed(message_update("And where?"))
    first, follow_up = harness.texts()
    assert "004_b0d3fac15905dcbe.txt" in cited(first)
    # "and where?" alone names nothing; with the meeting question it finds Kuala Lumpur
    assert "004_b0d3fac15905dcbe.txt" in cited(follow_up)
    assert "Куала-Лумпур" in follow_up
