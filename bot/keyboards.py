"""Callback data factories and the inline keyboards built from them.

Callback data is at most 64 bytes and comes back from the client, so it carries only short
ids (a question token, an index generation tag, a chunk id) and every field is validated:
anything tampered with fails to parse and reaches the catch-all callback handler instead.
"""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder
from pydantic import Field

from bot.answering import MAX_PAGES, Page
from bot.texts import t
from index.types import Lang

_TOKEN = r"^[A-Za-z0-9_-]{8}$"
_TAG = r"^[0-9a-f]{8}$"
_MAX_CHUNK_ID = 10_000_000


# a button carries the language of the reply it sits under: its own reply is in that one too
class MoreResults(CallbackData, prefix="more"):
    q: str = Field(pattern=_TOKEN)
    gen: str = Field(pattern=_TAG)
    page: int = Field(ge=1, lt=MAX_PAGES)
    lang: Lang = "ru"


class FullPassage(CallbackData, prefix="full"):
    gen: str = Field(pattern=_TAG)
    chunk: int = Field(ge=0, le=_MAX_CHUNK_ID)
    lang: Lang = "ru"


class UploadChoice(CallbackData, prefix="upl"):
    token: str = Field(pattern=_TOKEN)
    replace: bool


def answer_keyboard(page: Page, lang: Lang) -> InlineKeyboardMarkup | None:
    """'Full passage' for each item (or, when nothing answers, each related report) and 'More
    results' when there is a next page."""
    items = page.answer.items or (page.answer.related if page.number == 0 else ())
    if not items:
        return None
    builder = InlineKeyboardBuilder()
    for offset, item in enumerate(items):
        text = (t(lang, "full_button_one") if len(items) == 1 and page.number == 0
                else t(lang, "full_button", n=page.first_number + offset))
        builder.button(text=text, callback_data=FullPassage(gen=page.tag, chunk=item.chunk_id,
                                                          lang=lang))
    builder.adjust(2)
    if page.has_more:
        more = MoreResults(q=page.token, gen=page.tag, page=page.number + 1, lang=lang)
        builder.row(InlineKeyboardButton(text=t(lang, "more_button"), callback_data=more.pack()))
    return builder.as_markup()


def without_more(markup: InlineKeyboardMarkup | None) -> InlineKeyboardMarkup | None:
    """A page's keyboard once its next page has been sent: only the passage buttons stay."""
    if markup is None:
        return None
    prefix = f"{MoreResults.__prefix__}{MoreResults.__separator__}"
    rows = [
        kept
        for row in markup.inline_keyboard
        if (kept := [b for b in row if not (b.callback_data or "").startswith(prefix)])
    ]
    return InlineKeyboardMarkup(inline_keyboard=rows) if rows else None


def upload_keyboard(token: str, lang: Lang) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=t(lang, "upload_replace_button"),
                   callback_data=UploadChoice(token=token, replace=True))
    builder.button(text=t(lang, "upload_cancel_button"),
                   callback_data=UploadChoice(token=token, replace=False))
    return builder.as_markup()
