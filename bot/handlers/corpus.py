"""The corpus as admins manage it: /sources paged with buttons, and `/remove NAME`, which asks
for confirmation with a button before the article (and its metadata) leaves the corpus.
Only administrators may remove; anyone else is refused and nothing changes."""

from __future__ import annotations

import hashlib
import logging

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.filters import IsAdmin
from bot.handlers.admin import refuse
from bot.jobs import StatusMessage, edit_status, in_background_thread
from bot.render.catalog import page_of, sources_page_html
from bot.texts import t, user_lang
from index.errors import NewsIndexError
from index.links.storing import page_authors, remove_article
from index.service import NewsIndex
from index.types import Lang

logger = logging.getLogger(__name__)

PER_PAGE = 10


class SourcesPage(CallbackData, prefix="src"):
    page: int
    lang: Lang = "ru"  # the first page's: every page of the list in one language


class RemoveChoice(CallbackData, prefix="rm"):
    key: str  # a short hash of the file name (names can be longer than callback data)
    remove: bool


def name_key(name: str) -> str:
    return hashlib.sha256(name.encode("utf-8")).hexdigest()[:16]


def sources_page(news: NewsIndex, page: int, lang: Lang
                 ) -> tuple[str, InlineKeyboardMarkup | None]:
    """The text of /sources page `page` (from 0) and its ◀ ▶ buttons, if there are pages."""
    articles = news.articles()
    pages = max(1, -(-len(articles) // PER_PAGE))
    page = min(max(page, 0), pages - 1)
    authors = page_authors(news.seeds_dir, [a.source for a in page_of(articles, page,
                                                                       PER_PAGE)])
    text = sources_page_html(articles, _dates_by_article(news), lang, page, PER_PAGE, authors)
    if pages == 1:
        return text, None
    row = []
    if page > 0:
        row.append(InlineKeyboardButton(text="◀", callback_data=SourcesPage(page=page - 1,
                                                                          lang=lang).pack()))
    if page < pages - 1:
        row.append(InlineKeyboardButton(text="▶", callback_data=SourcesPage(page=page + 1,
                                                                          lang=lang).pack()))
    return text, InlineKeyboardMarkup(inline_keyboard=[row])


async def turn_page(callback: CallbackQuery, callback_data: SourcesPage, bot: Bot,
                    news: NewsIndex) -> None:
    lang = callback_data.lang
    await callback.answer()
    if callback.message is None:
        return
    text, markup = sources_page(news, callback_data.page, lang)
    await bot.edit_message_text(text=text, chat_id=callback.message.chat.id,
                                message_id=callback.message.message_id, reply_markup=markup,
                                disable_web_page_preview=True)


async def ask_remove(message: Message, command: CommandObject, news: NewsIndex) -> None:
    lang = user_lang(message.from_user, message.text)
    name = (command.args or "").strip()
    article = news.current.articles.get(name)
    if article is None:
        await message.reply(t(lang, "remove_failed",
                              reason=f"there is no article {name!r} in the corpus"))
        return
    key = name_key(name)
    markup = InlineKeyboardMarkup(inline_keyboard=[[
        InlineKeyboardButton(text=t(lang, "remove_button"),
                             callback_data=RemoveChoice(key=key, remove=True).pack()),
        InlineKeyboardButton(text=t(lang, "upload_cancel_button"),
                             callback_data=RemoveChoice(key=key, remove=False).pack()),
    ]])
    await message.reply(t(lang, "remove_confirm", name=name, title=article.title or "—"),
                        reply_markup=markup)


async def confirm_remove(callback: CallbackQuery, callback_data: RemoveChoice, bot: Bot,
                         news: NewsIndex) -> None:
    lang = user_lang(callback.from_user)
    name = next((n for n in news.current.articles if name_key(n) == callback_data.key), None)
    if name is None or callback.message is None:
        await callback.answer(t(lang, "expired"), show_alert=True)
        return
    await callback.answer()
    status = StatusMessage(callback.message.chat.id, callback.message.message_id, lang)
    if not callback_data.remove:
        await edit_status(bot, status, t(lang, "remove_cancelled", name=name))
        return
    try:
        report = await in_background_thread(remove_article, news, name)
    except (NewsIndexError, OSError) as exc:
        logger.warning("%s not removed: %s", name, exc)
        await edit_status(bot, status, t(lang, "remove_failed", reason=str(exc)))
        return
    await edit_status(bot, status, t(lang, "removed", name=name, articles=len(report.indexed)))


def _dates_by_article(news: NewsIndex) -> dict[str, tuple[str, ...]]:
    dates: dict[str, set[str]] = {}
    for chunk in news.current.chunks:
        dates.setdefault(chunk.source, set()).update(chunk.dates)
    return {source: tuple(found) for source, found in dates.items()}


def create_router() -> Router:
    router = Router(name="corpus")
    router.callback_query.register(turn_page, SourcesPage.filter())
    router.message.register(ask_remove, Command("remove"), IsAdmin())
    router.callback_query.register(confirm_remove, RemoveChoice.filter(), IsAdmin())
    router.message.register(refuse, Command("remove"))
    router.callback_query.register(refuse, RemoveChoice.filter())
    return router
