"""The bot's routers, one module per area; `create_routers()` gives fresh ones in the order
they must be included (commands before the catch-all question handlers)."""

from __future__ import annotations

from aiogram import Router

from bot.handlers import (
    admin,
    callbacks,
    common,
    corpus,
    errors,
    feeds,
    groups,
    inline,
    links,
    private,
)


def create_routers() -> list[Router]:
    return [
        errors.create_router(),
        common.create_router(),
        links.create_router(),  # (before admin: an .html document is a page, not a .txt refused)
        feeds.create_router(),
        corpus.create_router(),
        admin.create_router(),
        inline.create_router(),
        callbacks.create_router(),
        groups.create_router(),
        private.create_router(),
    ]
