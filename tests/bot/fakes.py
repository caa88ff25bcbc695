"""A stand-in for Telegram, shared by the handler tests and the end-to-end test.

`FakeTelegram` answers Bot API calls the way Telegram would (sent messages get ids, files can be
fetched); `RecordingSession` puts it behind an aiogram session that records every call; the
`*_update` builders make the updates Telegram would deliver, as JSON-ready dicts.
"""

from __future__ import annotations

import itertools
import json
import re
import time
from collections.abc import AsyncGenerator, Mapping
from typing import Any

from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType

TOKEN = "123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
BOT_ID = 123456
BOT_USERNAME = "news_answers_bot"
BOT_USER = {"id": BOT_ID, "is_bot": True, "first_name": "News answers", "username": BOT_USERNAME}
ADMIN_ID = 42
USER_ID = 1001
GROUP_ID = -100500


class FakeTelegram:
    """The results Telegram would return; files to download are registered in `files`."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self._message_ids = itertools.count(5000)

    def result(self, method: str, params: Mapping[str, Any]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method in {"sendMessage", "editMessageText", "editMessageReplyMarkup"}:
            chat_id = int(params["chat_id"])
            message_id = (int(params["message_id"]) if "message_id" in params
                          else next(self._message_ids))
            message: dict[str, Any] = {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
                "from": BOT_USER,
                "text": params.get("text", ""),
            }
            markup = params.get("reply_markup")
            if markup:
                message["reply_markup"] = json.loads(markup) if isinstance(markup, str) else markup
            return message
        if method == "getFile":
            file_id = str(params["file_id"])
            return {"file_id": file_id, "file_unique_id": f"u{file_id}",
                    "file_size": len(self.files.get(file_id, b"")),
                    "file_path": f"documents/{file_id}"}
        if method == "getWebhookInfo":
            return {"url": "", "has_custom_certificate": False, "pending_update_count": 0}
        return True


class RecordingSession(BaseSession):
    """An aiogram session that records every call and answers from a FakeTelegram."""

    def __init__(self, telegram: FakeTelegram | None = None) -> None:
        super().__init__()
        self.telegram = telegram or FakeTelegram()
        self.requests: list[TelegramMethod[Any]] = []
        # each call as Telegram receives it: method name and form fields (defaults resolved)
        self.calls: list[tuple[str, dict[str, str]]] = []

    async def close(self) -> None:
        pass

    async def make_request(self, bot: Bot, method: TelegramMethod[TelegramType],
                           timeout: int | None = None) -> TelegramType:
        self.requests.append(method)
        params: dict[str, str] = {}
        for key, value in method.model_dump(warnings=False).items():
            prepared = self.prepare_value(value, bot=bot, files={})
            if prepared:
                params[key] = prepared
        self.calls.append((method.__api_method__, params))
        result = self.telegram.result(method.__api_method__, params)
        content = json.dumps({"ok": True, "result": result})
        response = self.check_response(bot=bot, method=method, status_code=200, content=content)
        return response.result  # type: ignore[return-value]

    async def stream_content(self, url: str, headers: dict[str, Any] | None = None,
                             timeout: int = 30, chunk_size: int = 65536,
                             raise_for_status: bool = True) -> AsyncGenerator[bytes, None]:
        yield self.telegram.files[url.rsplit("/", 1)[-1]]

    def sent(self, method: type[TelegramMethod[Any]]) -> list[Any]:
        return [r for r in self.requests if isinstance(r, method)]


# -- updates --------------------------------------------------------------------------------

_update_ids = itertools.count(1)
_message_ids = itertools.count(1)


def user(user_id: int = USER_ID, language_code: str | None = "en") -> dict[str, Any]:
    data: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"}
    if language_code:
        data["language_code"] = language_code
    return data


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def message(text: str | None = None, *, chat_id: int | None = None, user_id: int = USER_ID,
            language_code: str | None = "en", reply_to_bot: bool = False,
            document: dict[str, Any] | None = None, caption: str | None = None,
            message_id: int | None = None) -> dict[str, Any]:
    """A message dict; bot commands and @mentions in `text` get their entities."""
    chat_id = user_id if chat_id is None else chat_id
    data: dict[str, Any] = {
        "message_id": message_id or next(_message_ids),
        "date": int(time.time()),
        "chat": ({"id": chat_id, "type": "private", "first_name": f"User{user_id}"}
                 if chat_id > 0 else {"id": chat_id, "type": "supergroup", "title": "News fans"}),
        "from": user(user_id, language_code),
    }
    if text is not None:
        data["text"] = text
        entities = _entities(text)
        if entities:
            data["entities"] = entities
    if document is not None:
        data["document"] = document
    if caption is not None:
        data["caption"] = caption
    if reply_to_bot:
        data["reply_to_message"] = {
            "message_id": 1, "date": int(time.time()), "chat": data["chat"], "from": BOT_USER,
            "text": "an earlier answer",
        }
    return data


_COMMAND = re.compile(r"^/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?")
_MENTION = re.compile(r"(?<![\w@])@[A-Za-z0-9_]{3,}")


def _entities(text: str) -> list[dict[str, Any]]:
    """The entities Telegram would mark: a leading bot command and @mentions."""
    found = [("bot_command", m) for m in _COMMAND.finditer(text)]
    found += [("mention", m) for m in _MENTION.finditer(text) if m.start() > 0 or not found]
    return [{"type": kind, "offset": _utf16_len(text[: m.start()]),
             "length": _utf16_len(m.group())} for kind, m in found]


def message_update(text: str | None = None, **kwargs: Any) -> dict[str, Any]:
    return {"update_id": next(_update_ids), "message": message(text, **kwargs)}


def document_update(name: str, file_id: str, size: int, *, user_id: int = ADMIN_ID
                    ) -> dict[str, Any]:
    document = {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_name": name,
                "mime_type": "text/plain", "file_size": size}
    return message_update(None, user_id=user_id, document=document)


def callback_update(data: str, *, user_id: int = USER_ID, chat_id: int | None = None,
                    message_id: int = 777, markup: dict[str, Any] | None = None,
                    language_code: str | None = "en") -> dict[str, Any]:
    origin = message("an answer", chat_id=user_id if chat_id is None else chat_id,
                     user_id=BOT_ID, message_id=message_id)
    origin["from"] = BOT_USER
    if markup is not None:
        origin["reply_markup"] = markup
    return {
        "update_id": next(_update_ids),
        "callback_query": {"id": f"cq{next(_update_ids)}", "from": user(user_id, language_code),
                           "chat_instance": "ci", "message": origin, "data": data},
    }


def inline_update(query: str, *, user_id: int = USER_ID,
                  language_code: str | None = "en") -> dict[str, Any]:
    return {
        "update_id": next(_update_ids),
        "inline_query": {"id": f"iq{next(_update_ids)}", "from": user(user_id, language_code),
                         "query": query, "offset": ""},
    }
