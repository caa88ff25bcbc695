"""The one stand-in Bot API server on 127.0.0.1: for the bot's end-to-end test, the fault tests
and the load benchmark (`bench/load.py` imports it too).

It answers like Telegram: `getUpdates` is long polling with offsets (an offset confirms the
updates before it), sent and edited messages get ids and are kept, uploaded files can be fetched,
and a request with another token gets 401. Every request is recorded (`calls`), every message
the bot sent or edited too (`sent`).

Faults are queued per method ("*" for any method, "file" for downloads) and used up one per
request; while `outage` is set, every request gets that fault:

    server.fail("sendMessage", Fault.retry_after(1), times=2)
    server.fail("getUpdates", Fault.error(502), Fault.drop(), Fault.slow(2.0))
    server.fail("getMe", Fault.html(404, echo_url=True))   # a page that repeats the URL
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import socket
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

# long polls are held at most this long by default, so a test never waits on an idle poll
MAX_POLL_SECONDS = 1.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass(frozen=True, slots=True)
class Fault:
    """What a request gets instead of its answer."""

    kind: str  # "status", "html", "bad_json", "retry_after", "drop", "slow"
    status: int = 500
    seconds: float = 0.0
    description: str = "Internal Server Error"
    echo_url: bool = False

    @property
    def label(self) -> str:
        """How the call is recorded: "status 500", "html 502", "retry_after 429", "drop"."""
        return self.kind if self.kind == "drop" else f"{self.kind} {self.status}"

    @staticmethod
    def error(status: int, description: str = "Internal Server Error") -> Fault:
        """The Bot API's own JSON error."""
        return Fault("status", status=status, description=description)

    @staticmethod
    def html(status: int = 502, *, echo_url: bool = False) -> Fault:
        """A proxy's or web server's HTML page instead of JSON; with `echo_url`, the page
        repeats the requested URL (which holds the token), as many error pages do."""
        return Fault("html", status=status, echo_url=echo_url)

    @staticmethod
    def bad_json(status: int = 200) -> Fault:
        """A reply that claims to be JSON but cannot be read."""
        return Fault("bad_json", status=status)

    @staticmethod
    def retry_after(seconds: int) -> Fault:
        return Fault("retry_after", status=429, seconds=seconds)

    @staticmethod
    def drop() -> Fault:
        """The connection closes without any reply."""
        return Fault("drop")

    @staticmethod
    def slow(seconds: float) -> Fault:
        """The right reply, `seconds` late."""
        return Fault("slow", seconds=seconds)


@dataclass(frozen=True, slots=True)
class Call:
    method: str  # a Bot API method, or "file" for a download
    params: dict[str, str]
    at: float  # time.time() on arrival
    outcome: str = "ok"  # "ok", "slow N", "unauthorized", "override" or the fault's label

    def json(self, key: str) -> Any:
        return json.loads(self.params[key])


@dataclass(slots=True)
class Sent:
    """A message the bot sent (or edited), as the stand-in server accepted it."""

    chat_id: int
    text: str
    message_id: int
    at: float  # time.time()
    reply_to: int | None = None
    edited: bool = False
    markup: dict[str, Any] | None = None

    def buttons(self) -> list[dict[str, Any]]:
        rows = (self.markup or {}).get("inline_keyboard", [])
        return [button for row in rows for button in row]


@dataclass
class StandInTelegram:
    token: str
    username: str = "stand_in_test_bot"
    # long polls are cut short to this (the load benchmark holds them longer)
    max_poll_seconds: float = MAX_POLL_SECONDS
    files: dict[str, bytes] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    sent: list[Sent] = field(default_factory=list)
    # when set, every request is answered with this fault until it is cleared (an outage)
    outage: Fault | None = None
    # any extra route handler by method name, for odd cases (e.g. redirect loops)
    overrides: dict[str, Callable[[web.Request], web.StreamResponse]] = field(
        default_factory=dict)
    port: int = 0

    def __post_init__(self) -> None:
        self._faults: dict[str, deque[Fault]] = {}
        self._updates: list[dict[str, Any]] = []
        self._new_update = asyncio.Event()
        self._new_call = asyncio.Event()
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(100)
        self._confirmed = 0  # highest update_id the bot has confirmed by its offset
        self.enqueued_at: dict[int, float] = {}  # update_id -> time.time() it was queued
        self._runner: web.AppRunner | None = None

    @property
    def bot_user(self) -> dict[str, Any]:
        return {"id": int(self.token.split(":", 1)[0]), "is_bot": True,
                "first_name": "News answers", "username": self.username,
                "can_join_groups": True, "can_read_all_group_messages": False,
                "supports_inline_queries": True}

    # -- control from the test --------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def fail(self, method: str, *faults: Fault, times: int = 1) -> None:
        queue = self._faults.setdefault(method, deque())
        for _ in range(times):
            queue.extend(faults)

    def pending_faults(self, method: str) -> int:
        return len(self._faults.get(method, ()))

    def push(self, *updates: dict[str, Any]) -> int:
        """Queue updates (an update_id is given to those without one); returns the last id."""
        update_id = 0
        for update in updates:
            update_id = update.get("update_id") or next(self._update_ids)
            self._updates.append({**update, "update_id": update_id})
            self.enqueued_at[update_id] = time.time()
        self._new_update.set()
        return update_id

    def user(self, user_id: int, language_code: str = "en") -> dict[str, Any]:
        return {"id": user_id, "is_bot": False, "first_name": f"User{user_id}",
                "language_code": language_code}

    def message(self, user_id: int, text: str | None = None, *,
                document: dict[str, Any] | None = None, language_code: str = "en") -> int:
        """Queue a private message from `user_id`; returns its message_id."""
        message_id = next(self._message_ids)
        data: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": user_id, "type": "private", "first_name": f"User{user_id}"},
            "from": self.user(user_id, language_code),
        }
        if text is not None:
            data["text"] = text
            if text.startswith("/"):
                command = text.split(" ", 1)[0]
                data["entities"] = [{"type": "bot_command", "offset": 0,
                                     "length": len(command.encode("utf-16-le")) // 2}]
        if document is not None:
            data["document"] = document
        self.push({"message": data})
        return message_id

    def inline_query(self, user_id: int, query: str, *, query_id: str | None = None,
                     language_code: str = "en") -> str:
        """Queue an inline query; returns its id."""
        query_id = query_id or f"iq{next(self._message_ids)}"
        self.push({"inline_query": {"id": query_id, "from": self.user(user_id, language_code),
                                    "query": query, "offset": ""}})
        return query_id

    def callback(self, user_id: int, data: str, message: Sent) -> None:
        """Queue a press, by `user_id`, of a button under the bot's message `message`."""
        self.push({"callback_query": {
            "id": f"cq{next(self._message_ids)}",
            "from": self.user(user_id),
            "chat_instance": "ci",
            "message": {"message_id": message.message_id, "date": int(time.time()),
                        "chat": {"id": message.chat_id, "type": "private"},
                        "from": self.bot_user, "text": message.text},
            "data": data,
        }})

    def document(self, user_id: int, name: str, data: bytes, size: int | None = None) -> int:
        file_id = f"file{len(self.files) + 1}"
        self.files[file_id] = data
        return self.message(user_id, document={
            "file_id": file_id, "file_unique_id": f"u{file_id}", "file_name": name,
            "mime_type": "text/plain", "file_size": len(data) if size is None else size})

    @property
    def confirmed(self) -> int:
        return self._confirmed

    def unconfirmed(self) -> int:
        return sum(1 for u in self._updates if u["update_id"] > self._confirmed)

    def sent_to(self, chat_id: int) -> list[Sent]:
        return [s for s in self.sent if s.chat_id == chat_id and not s.edited]

    def calls_of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    async def wait_for(self, condition: Callable[[], bool], timeout: float = 30.0,
                       what: str = "condition") -> float:
        """Poll until `condition()` holds; returns the seconds it took (AssertionError after
        `timeout`)."""
        started = time.monotonic()
        while not condition():
            if time.monotonic() - started > timeout:
                raise AssertionError(f"timed out after {timeout} s waiting for {what}")
            await asyncio.sleep(0.05)
        return time.monotonic() - started

    async def wait_call(self, predicate: Callable[[Call], bool],
                        timeout: float = 30.0) -> Call:
        """The first recorded call matching `predicate`, waiting up to `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            for call in self.calls:
                if predicate(call):
                    return call
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                names = [c.method for c in self.calls if c.method != "getUpdates"]
                raise AssertionError(f"no matching call within {timeout} s; calls: {names}")
            self._new_call.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_call.wait(), remaining)

    # -- the server -------------------------------------------------------------------------

    async def start(self, port: int = 0) -> int:
        """Listen on `port` (the last one used, or any free one); returns the port."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._file)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port or self.port)
        await site.start()
        server = getattr(site, "_server", None)
        sockets = getattr(server, "sockets", None) or []
        self.port = sockets[0].getsockname()[1] if sockets else port
        return self.port

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def _record(self, method: str, params: dict[str, str], outcome: str) -> None:
        self.calls.append(Call(method, params, time.time(), outcome))
        self._new_call.set()

    async def _api(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        params: dict[str, str] = {}
        if request.can_read_body:
            for key, value in (await request.post()).items():
                params[key] = value if isinstance(value, str) else str(value.filename)
        params |= dict(request.query)
        if request.match_info["token"] != self.token:
            self._record(method, params, "unauthorized")
            return _error(401, "Unauthorized")
        if method in self.overrides:
            self._record(method, params, "override")
            return self.overrides[method](request)
        fault = self.outage or self._next_fault(method)
        if fault is not None and fault.kind != "slow":
            self._record(method, params, fault.label)
            return await _apply(request, fault)
        # recorded on arrival: a client that gives up on a slow reply has still sent this
        self._record(method, params, "ok" if fault is None else f"slow {fault.seconds}")
        if fault is not None:
            await asyncio.sleep(fault.seconds)
        result = await self._result(method, params)
        return web.json_response({"ok": True, "result": result})

    def _next_fault(self, method: str) -> Fault | None:
        for key in (method, "*"):
            queue = self._faults.get(key)
            if queue:
                return queue.popleft()
        return None

    async def _file(self, request: web.Request) -> web.StreamResponse:
        path = request.match_info["path"]
        if request.match_info["token"] != self.token:
            self._record("file", {"path": path}, "unauthorized")
            return _error(401, "Unauthorized")
        fault = self.outage or self._next_fault("file")
        if fault is not None:
            self._record("file", {"path": path}, fault.label)
            return await _apply(request, fault)
        self._record("file", {"path": path}, "ok")
        file_id = path.rsplit("/", 1)[-1]
        if file_id not in self.files:
            return web.Response(status=404, text="Not Found")
        return web.Response(body=self.files[file_id])

    async def _result(self, method: str, params: dict[str, str]) -> Any:
        if method == "getMe":
            return self.bot_user
        if method == "getUpdates":
            return await self._get_updates(params)
        if method == "deleteWebhook":
            if params.get("drop_pending_updates", "").lower() == "true":
                self._confirmed = max([self._confirmed, *(u["update_id"] for u in self._updates)])
                self._updates.clear()
            return True
        if method in {"sendMessage", "editMessageText", "editMessageReplyMarkup",
                      "sendDocument"}:
            return self._message(method, params)
        if method == "getFile":
            file_id = params["file_id"]
            return {"file_id": file_id, "file_unique_id": f"u{file_id}",
                    "file_size": len(self.files.get(file_id, b"")),
                    "file_path": f"documents/{file_id}"}
        if method == "getWebhookInfo":
            return {"url": "", "has_custom_certificate": False, "pending_update_count": 0}
        if method == "getMyCommands":
            return []
        return True

    async def _get_updates(self, params: dict[str, str]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        if offset:
            self._confirmed = max(self._confirmed, offset - 1)
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        if not self._updates:
            self._new_update.clear()
            wait = min(float(params.get("timeout") or 0), self.max_poll_seconds)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_update.wait(), wait)
        limit = int(params.get("limit") or 100)
        return self._updates[:limit]

    def _message(self, method: str, params: dict[str, str]) -> dict[str, Any] | bool:
        if "inline_message_id" in params:  # a message sent through inline mode
            return True
        chat_id = int(params["chat_id"])
        edited = method.startswith("edit")
        message_id = int(params["message_id"]) if edited else next(self._message_ids)
        reply_to = None
        if "reply_parameters" in params:
            reply_to = json.loads(params["reply_parameters"]).get("message_id")
        elif "reply_to_message_id" in params:
            reply_to = int(params["reply_to_message_id"])
        text = params.get("text", "")
        markup = json.loads(params["reply_markup"]) if "reply_markup" in params else None
        if method in {"sendMessage", "editMessageText"}:
            self.sent.append(Sent(chat_id, text, message_id, time.time(), reply_to, edited,
                                  markup))
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
            "from": self.bot_user,
            "text": text,
        }
        if markup is not None:
            message["reply_markup"] = markup
        return message


def _error(status: int, description: str, **parameters: Any) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.json_response(body, status=status)


async def _apply(request: web.Request, fault: Fault) -> web.StreamResponse:
    if fault.kind == "retry_after":
        return _error(429, f"Too Many Requests: retry after {int(fault.seconds)}",
                      retry_after=int(fault.seconds))
    if fault.kind == "html":
        where = (f"<p>The requested URL {request.path} was not found on this server.</p>"
                 if fault.echo_url else "")
        return web.Response(status=fault.status, content_type="text/html",
                            text=f"<html><head><title>{fault.status} Error</title></head>"
                                 f"<body><h1>{fault.status} Error</h1>{where}</body></html>")
    if fault.kind == "bad_json":
        return web.Response(status=fault.status, content_type="application/json",
                            text='{"ok": true, "result": ')
    if fault.kind == "drop":
        if request.transport is not None:
            request.transport.abort()
        # aiohttp needs a response object; the peer is gone, so nothing is written
        raise asyncio.CancelledError
    return _error(fault.status, fault.description)
