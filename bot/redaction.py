"""Keeping the bot token out of the logs.

Bot API URLs carry the token (`/bot<token>/sendMessage`, `/file/bot<token>/…`), and aiohttp
puts the URL into some errors: a redirect loop (`TooManyRedirects`) ends up in aiogram's
"Failed to fetch updates" log line, a failed file download (`ClientResponseError`) in a
handler's traceback. A filter on the log handlers replaces the token, and its secret part on
its own, in every message and traceback before anything is written.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from pydantic import SecretStr

REDACTED = "<BOT_TOKEN>"
# shorter strings would blot out ordinary words; a token's secret part is 35 characters
_MIN_SECRET_CHARS = 8


class RedactSecrets(logging.Filter):
    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        # the longest first, so the whole token goes before its secret part is looked for
        self._secrets = sorted({s for s in secrets if len(s) >= _MIN_SECRET_CHARS},
                               key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a bad format string: logging reports it itself
            return True
        clean = self.redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def token_secrets(token: str) -> list[str]:
    """The token and its secret part (after the bot id, which is public)."""
    return [token, token.partition(":")[2]]


def redact_token_in_logs(token: SecretStr | str | None) -> RedactSecrets | None:
    """Install the filter on every handler of the root logger (call after logging is set up)."""
    if token is None:
        return None
    secret = token.get_secret_value() if isinstance(token, SecretStr) else token
    redactor = RedactSecrets(token_secrets(secret))
    for handler in logging.getLogger().handlers:
        handler.addFilter(redactor)
    return redactor
