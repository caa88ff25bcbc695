"""A stand-in Bot API server on 127.0.0.1 for the end-to-end test: it serves a scripted queue of
updates through long-polling getUpdates, answers every other method like Telegram (through
FakeTelegram), serves file downloads, and records every call."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import time
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from tests.bot.fakes import TOKEN, FakeTelegram


@dataclass(frozen=True)
class Call:
    method: str
    params: dict[str, str]
    at: float

    def json(self, key: str) -> Any:
        return json.loads(self.params[key])


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class StandInBotApi:
    def __init__(self) -> None:
        self.telegram = FakeTelegram()
        self.calls: list[Call] = []
        self._updates: list[dict[str, Any]] = []
        self._new_update = asyncio.Event()
        self._new_call = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = free_port()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post(f"/bot{TOKEN}/{{method}}", self._method)
        app.router.add_get(f"/file/bot{TOKEN}/{{path:.+}}", self._file)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def push(self, *updates: dict[str, Any]) -> None:
        self._updates.extend(updates)
        self._new_update.set()

    async def wait_for(self, predicate: Any, timeout: float = 30.0) -> Call:
        """The first recorded call matching `predicate`, waiting up to `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            for call in self.calls:
                if predicate(call):
                    return call
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                names = [c.method for c in self.calls]
                raise AssertionError(f"no matching call within {timeout} s; calls: {names}")
            self._new_call.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_call.wait(), remaining)

    def called(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    async def _method(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = {k: v for k, v in (await request.post()).items() if isinstance(v, str)}
        if method == "getUpdates":
            result: Any = await self._get_updates(params)
        else:
            self._record(method, params)
            result = self.telegram.result(method, params)
        return web.json_response({"ok": True, "result": result})

    async def _get_updates(self, params: dict[str, str]) -> list[dict[str, Any]]:
        self._record("getUpdates", params)
        offset = int(params.get("offset", 0))
        # long polling, but capped short so the bot notices shutdown quickly
        wait = min(float(params.get("timeout", 0)), 1.0)
        pending = [u for u in self._updates if u["update_id"] >= offset]
        if not pending and wait > 0:
            self._new_update.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_update.wait(), wait)
            pending = [u for u in self._updates if u["update_id"] >= offset]
        return pending

    async def _file(self, request: web.Request) -> web.Response:
        file_id = request.match_info["path"].rsplit("/", 1)[-1]
        self._record("file", {"path": request.match_info["path"]})
        data = self.telegram.files.get(file_id)
        if data is None:
            raise web.HTTPNotFound()
        return web.Response(body=data, content_type="text/plain")

    def _record(self, method: str, params: dict[str, str]) -> None:
        self.calls.append(Call(method, params, time.monotonic()))
        self._new_call.set()
