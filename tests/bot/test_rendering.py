"""Rendering and keyboards: escaping, Telegram's limits, and callback data that fits."""

from __future__ import annotations

import pytest

from bot.answering import Page, Passage
from bot.keyboards import FullPassage, MoreResults, UploadChoice, answer_keyboard, without_more
from bot.render.inline import inline_results
from bot.render.markup import split_messages
from bot.render.pages import page_html, passage_html
from index.types import Answer, AnswerItem, Article, Chunk
from tests.bot.html_check import check_telegram_html

NASTY = "<b>bold</b> & <script>alert(1)</script> \"quotes\" 'single' "


def item(n: int, text: str = NASTY * 3) -> AnswerItem:
    return AnswerItem(source=f"<evil>{n}.txt", excerpt=text, score=0.9, chunk_id=n,
                      title=f"Title <{n}>", url="https://example.org/a?x=1&y=\"2\"",
                      highlight=(0, 20), dates=("2025-07-10",) if n == 1 else (),
                      published="2025-07-11", outlet="Outlet & Co")


def page(items: int, number: int = 0, has_more: bool = True) -> Page:
    answer = Answer(NASTY, "en", tuple(item(i) for i in range(items)))
    return Page(answer, number, number * items + 1, has_more, "AbCd_-12", "0123abcd", None)


def test_pages_are_valid_html_within_the_limit() -> None:
    huge = Page(Answer("q", "ru", tuple(item(i, "слово " * 2000) for i in range(5))),
                0, 1, False, "AbCd_-12", "0123abcd", cut_to=1000)
    for p in (page(3), huge):
        text = page_html(p, updated_since=True)
        check_telegram_html(text)
        assert "&lt;script&gt;" in text or "слово" in text
    assert "первые 1000 символов" in page_html(huge)


def test_a_long_passage_is_cut_to_fit_even_when_escaping_grows_it() -> None:
    chunk = Chunk(source="a&b.txt", start=0, end=1, text="<&>" * 3000)
    article = Article(source="a&b.txt", title="T <1>", text="", url="https://e.org/?a=1&b=2")
    text = passage_html(Passage(chunk, article), "en")
    check_telegram_html(text)
    assert "<code>a&amp;b.txt</code>" in text
    assert text.startswith('<b><a href="https://e.org/?a=1&amp;b=2">T &lt;1&gt;</a></b>')


def test_inline_results_escape_everything() -> None:
    answer = Answer(NASTY, "en", (item(1), item(2)), event_date="2025-07-10")
    results = inline_results(answer, "0123abcd")
    assert [r.id for r in results] == ["0123abcd-1", "0123abcd-2"]
    for n, result in enumerate(results, start=1):
        text = result.input_message_content.message_text  # type: ignore[union-attr]
        check_telegram_html(text)
        # the event's date goes with the passage that gives it, not with every result
        assert ("📅 10 July 2025" in text) == (n == 1)
        assert f"<code>&lt;evil&gt;{n}.txt</code>" in text
        assert result.title == f"Title <{n}>"
        assert result.description.startswith("Outlet & Co, 11 July 2025 — <b>bold</b>")


def test_keyboard_callback_data_fits_and_parses_back() -> None:
    markup = answer_keyboard(page(5, number=8), "ru")
    assert markup is not None
    buttons = [b for row in markup.inline_keyboard for b in row]
    assert len(buttons) == 6
    for button in buttons:
        data = button.callback_data or ""
        assert len(data.encode()) <= 64
        parsed = (MoreResults if data.startswith("more:") else FullPassage).unpack(data)
        assert parsed.pack() == data
    assert buttons[-1].text == "Ещё результаты ▶"
    assert MoreResults.unpack(buttons[-1].callback_data or "").page == 9
    trimmed = without_more(markup)
    assert trimmed is not None
    assert all(not (b.callback_data or "").startswith("more:")
               for row in trimmed.inline_keyboard for b in row)


def test_no_more_button_past_the_last_page() -> None:
    markup = answer_keyboard(page(1, has_more=False), "en")
    assert markup is not None
    [[button]] = markup.inline_keyboard
    assert button.text == "📄 Full passage"
    assert answer_keyboard(Page(Answer("q", "en", ()), 0, 1, False, "AbCd_-12", "0123abcd"),
                           "en") is None


@pytest.mark.parametrize("data", ["upl:AAAAAAAA:1", "upl:AAAAAAAA:0"])
def test_upload_choice_round_trips(data: str) -> None:
    assert UploadChoice.unpack(data).pack() == data


def test_split_messages_keeps_every_line_within_the_limit() -> None:
    lines = [f"{i}. " + "x" * 90 for i in range(200)]
    messages = split_messages("<b>head</b>", lines, limit=1000)
    assert all(len(m) <= 1000 for m in messages)
    assert messages[0].startswith("<b>head</b>\n0. ")
    assert "\n".join(messages).count("x" * 90) == 200
