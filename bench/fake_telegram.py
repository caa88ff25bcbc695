"""A stand-in Bot API server on 127.0.0.1 for the load benchmark: serves `getUpdates` from a
queue the benchmark fills, answers every other method plausibly, and records what the bot sent
(with the time it arrived)."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

BOT_USER = {"id": 4242, "is_bot": True, "first_name": "Bench", "username": "bench_bot"}


@dataclass(slots=True)
class Sent:
    method: str
    params: dict[str, str]
    at: float  # time.time() on arrival


@dataclass
class FakeTelegram:
    """The server's state: queued updates and everything the bot sent."""

    updates: list[dict[str, Any]] = field(default_factory=list)
    sent: list[Sent] = field(default_factory=list)
    enqueued_at: dict[int, float] = field(default_factory=dict)  # update_id -> time.time()
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _messages: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _new: asyncio.Event = field(default_factory=asyncio.Event)
    _runner: web.AppRunner | None = None
    waiters: list[tuple[str, asyncio.Future[Sent]]] = field(default_factory=list)

    # -- what the benchmark does ------------------------------------------------------------

    def message(self, user_id: int, text: str, language: str = "ru") -> int:
        user = {"id": user_id, "is_bot": False, "first_name": f"U{user_id}",
                "language_code": language}
        message: dict[str, Any] = {"message_id": next(self._messages), "date": int(time.time()),
                                   "chat": {"id": user_id, "type": "private",
                                            "first_name": user["first_name"]},
                                   "from": user, "text": text}
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0,
                                    "length": len(text.split(maxsplit=1)[0])}]
        return self._push({"message": message})

    def inline_query(self, user_id: int, query_id: str, query: str) -> int:
        user = {"id": user_id, "is_bot": False, "first_name": f"U{user_id}",
                "language_code": "ru"}
        return self._push({"inline_query": {"id": query_id, "from": user, "query": query,
                                            "offset": ""}})

    def _push(self, update: dict[str, Any]) -> int:
        update_id = next(self._ids)
        self.updates.append({"update_id": update_id, **update})
        self.enqueued_at[update_id] = time.time()
        self._new.set()
        return update_id

    def wait_for(self, method: str) -> asyncio.Future[Sent]:
        """A future that gets the next call of `method` the bot makes."""
        future: asyncio.Future[Sent] = asyncio.get_running_loop().create_future()
        self.waiters.append((method, future))
        return future

    # -- the server ---------------------------------------------------------------------------

    async def start(self, port: int = 0) -> int:
        app = web.Application(client_max_size=64 * 2**20)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        server = site._server
        assert server is not None
        return int(server.sockets[0].getsockname()[1])  # type: ignore[attr-defined]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = {k: str(v) for k, v in (await request.post()).items()}
        if method.lower() == "getupdates":
            return _ok(await self._get_updates(params))
        sent = Sent(method, params, time.time())
        self.sent.append(sent)
        for waiter in [w for w in self.waiters if w[0] == method]:
            self.waiters.remove(waiter)
            if not waiter[1].done():
                waiter[1].set_result(sent)
        return _ok(self._result(method, params))

    async def _get_updates(self, params: dict[str, str]) -> list[dict[str, Any]]:
        offset = int(params.get("offset", "0") or 0)
        timeout = min(float(params.get("timeout", "0") or 0), 2.0)
        limit = int(params.get("limit", "100") or 100)
        self.updates = [u for u in self.updates if u["update_id"] >= offset]
        if not self.updates and timeout > 0:
            self._new.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new.wait(), timeout)
        return self.updates[:limit]

    def _result(self, method: str, params: dict[str, str]) -> Any:
        name = method.lower()
        if name == "getme":
            return BOT_USER
        if name in ("sendmessage", "editmessagetext", "senddocument"):
            chat_id = int(params.get("chat_id", "0") or 0)
            if name == "editmessagetext" and "inline_message_id" in params:
                return True
            return {"message_id": next(self._messages), "date": int(time.time()),
                    "chat": {"id": chat_id, "type": "private"}, "from": BOT_USER,
                    "text": params.get("text", "")}
        if name == "getwebhookinfo":
            return {"url": "", "has_custom_certificate": False, "pending_update_count": 0}
        return True


def _ok(result: Any) -> web.Response:
    return web.Response(text=json.dumps({"ok": True, "result": result}),
                        content_type="application/json")
