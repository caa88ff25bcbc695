"""A strict check that a message is HTML Telegram accepts: only <b>, <code> and <a href="…">,
balanced, with every other `<`, `>` and `&` escaped, and within the length limit."""

from __future__ import annotations

import re
from html.parser import HTMLParser

TELEGRAM_LIMIT = 4096
ALLOWED_TAGS = {"b", "code", "a"}
# the only named entities Telegram knows; numeric ones are all accepted
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#[0-9]+|#x[0-9a-fA-F]+);")
_TAG = re.compile(r'</?(?:b|code)>|<a href="[^"<>]*">|</a>')


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag <{tag}> is not allowed")
        elif tag == "a" and [name for name, _ in attrs] != ["href"]:
            self.problems.append(f"<a> must have exactly one href, has {attrs}")
        elif tag != "a" and attrs:
            self.problems.append(f"<{tag}> must have no attributes, has {attrs}")
        self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.problems.append(f"self-closing <{tag}/>")

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if any(ch in data for ch in "<>&"):
            self.problems.append(f"unescaped markup character in {data[:80]!r}")
        self.text.append(data)

    def handle_comment(self, data: str) -> None:
        self.problems.append("comment")

    def handle_decl(self, decl: str) -> None:
        self.problems.append("declaration")

    def handle_pi(self, data: str) -> None:
        self.problems.append("processing instruction")

    def unknown_decl(self, data: str) -> None:
        self.problems.append("unknown declaration")


def telegram_html_problems(message: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Everything that would make Telegram refuse (or mangle) `message`; [] when it is fine."""
    problems = []
    if not message.strip():
        problems.append("empty message")
    if len(message) > limit:
        problems.append(f"{len(message)} characters, over {limit}")
    # raw scan: after removing the allowed tags and entities, no markup character may remain
    rest = _ENTITY.sub("", _TAG.sub("", message))
    for ch in "<>&":
        if ch in rest:
            at = rest.index(ch)
            problems.append(f"stray {ch!r} near {rest[max(0, at - 30): at + 30]!r}")
    checker = _Checker()
    checker.feed(message)
    checker.close()
    problems.extend(checker.problems)
    if checker.stack:
        problems.append(f"unclosed tags {checker.stack}")
    return problems


def assert_valid_telegram_html(message: str, limit: int = TELEGRAM_LIMIT) -> None:
    problems = telegram_html_problems(message, limit)
    assert not problems, f"{problems[:5]} in {message[:300]!r}…{message[-300:]!r}"
