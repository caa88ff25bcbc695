"""/feeds: the followed RSS/Atom feeds and their health, for anyone; `/feeds add URL` and
`/feeds remove URL` for administrators (anyone else is refused, and nothing changes)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message

from bot.filters import IsAdmin
from bot.handlers.admin import refuse
from bot.render.feeds import feeds_html
from bot.settings import Settings
from bot.texts import t, user_lang
from index.feeds.store import FeedStore
from index.links.fetching import LinkRefused, check_url


async def list_feeds(message: Message, settings: Settings) -> None:
    lang = user_lang(message.from_user, message.text)
    await message.answer(feeds_html(FeedStore(settings.index_dir).load(), lang),
                         disable_web_page_preview=True)


async def change_feeds(message: Message, command: CommandObject, settings: Settings) -> None:
    lang = user_lang(message.from_user, message.text)
    action, _, url = (command.args or "").strip().partition(" ")
    try:
        url = check_url(url)
    except LinkRefused:
        await message.reply(t(lang, "feeds_usage"))
        return
    store = FeedStore(settings.index_dir)
    if action == "add":
        key = "feed_added" if store.add(url) else "feed_exists"
    else:
        key = "feed_removed" if store.remove(url) else "feed_unknown"
    await message.reply(t(lang, key, url=url, minutes=settings.feed_poll_minutes),
                        disable_web_page_preview=True)


def create_router() -> Router:
    router = Router(name="feeds")
    changes = Command("feeds", magic=F.args.regexp(r"^\s*(add|remove)\b"))
    router.message.register(change_feeds, changes, IsAdmin())
    router.message.register(refuse, changes)
    router.message.register(list_feeds, Command("feeds"))
    return router
