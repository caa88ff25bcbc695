"""The pieces every message is made of: Telegram's limit, shortening text, links, and fitting
markup into a limit without cutting a tag or an entity in half."""

from __future__ import annotations

import re

from bot.texts import escape

TELEGRAM_LIMIT = 4096

# a tag, an entity, or a run of plain text: the units a cut must not split
_MARKUP_TOKEN = re.compile(r"<[^>]*>|&[^;\s]*;|[^<&]+")
_TRAILING = ",;:–—-"


def shorten(text: str, limit: int, *, one_line: bool = True) -> str:
    """`text` cut on a word boundary to at most `limit` characters, with "…" when cut; on one
    line unless `one_line` is False. The one helper that shortens text."""
    if one_line:
        text = " ".join(text.split())
    if len(text) <= limit:
        return text
    if limit <= 1:
        return "…"[:limit]
    cut = text[: limit - 1]
    if not text[limit - 1].isspace():  # the cut falls inside a word: leave that word out
        parts = cut.rsplit(None, 1)
        cut = parts[0] if len(parts) == 2 else cut
    return cut.rstrip().rstrip(_TRAILING).rstrip() + "…"


def clip(text: str, limit: int, *, one_line: bool = False) -> str:
    """`text` escaped, and shortened (on a word boundary) until its escaped form fits `limit`."""
    room = limit
    while room > 0:
        escaped = escape(shorten(text, room, one_line=one_line))
        if len(escaped) <= limit:
            return escaped
        # an escaped character is at most 6 long (&quot;): never step past the longest fit
        room -= max(1, (len(escaped) - limit + 5) // 6)
    return ""


def link(url: str, text: str) -> str:
    """An HTML anchor: `text` (escaped) pointing at `url`."""
    return f'<a href="{escape(url)}">{escape(text)}</a>'


def code(text: str) -> str:
    return f"<code>{escape(text)}</code>"


def fit(message: str, limit: int = TELEGRAM_LIMIT) -> str:
    """The longest start of `message` that fits in `limit` with every tag it opened closed.

    One item can be over the limit on its own (dozens of outlets citing one report, a very long
    URL); a plain slice would cut a tag or an entity in half, and Telegram refuses the message.
    """
    if len(message) <= limit:
        return message
    out: list[str] = []
    open_tags: list[str] = []
    used = 0

    def closing() -> int:
        return sum(len(tag) + 3 for tag in open_tags)

    for token in _MARKUP_TOKEN.findall(message):
        if token.startswith("</"):
            if open_tags:
                open_tags.pop()
                out.append(token)
                used += len(token)
            continue
        if token.startswith("<"):
            tag = token[1:-1].split(" ", 1)[0]
            if used + len(token) + closing() + len(tag) + 3 > limit:
                break
            open_tags.append(tag)
        elif used + len(token) + closing() > limit:
            room = limit - used - closing()
            if not token.startswith("&") and room > 1:
                out.append(token[: room - 1] + "…")
            break
        out.append(token)
        used += len(token)
    out.extend(f"</{tag}>" for tag in reversed(open_tags))
    return "".join(out)


def split_messages(header: str, lines: list[str], limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Lines packed into as few messages as fit; the header opens the first one."""
    messages: list[str] = []
    current = header
    for whole in lines:
        line = fit(whole, limit)
        if current and len(current) + 1 + len(line) > limit:
            messages.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    if current:
        messages.append(current)
    return messages
