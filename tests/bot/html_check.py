"""Checking that a message is Telegram HTML that parses: known tags only, properly nested, every
other `<`, `>` and `&` escaped, within Telegram's length limit."""

from __future__ import annotations

from html.parser import HTMLParser

TELEGRAM_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "code", "pre", "a",
                 "tg-spoiler", "span", "blockquote"}


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.problems: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in TELEGRAM_TAGS:
            self.problems.append(f"tag <{tag}> is not Telegram HTML")
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            self.problems.append(f"</{tag}> does not close {self.open[-1:] or 'anything'}")
        else:
            self.open.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def check_telegram_html(text: str, limit: int = 4096) -> str:
    """Raise AssertionError if `text` would be refused by Telegram; returns the plain text."""
    assert 0 < len(text) <= limit, f"message length {len(text)} not in 1..{limit}"
    checker = _Checker()
    checker.feed(text)
    checker.close()
    assert not checker.problems, checker.problems
    assert not checker.open, f"unclosed tags: {checker.open}"
    # a bare '<' that the parser took as text would be refused by Telegram too
    plain = "".join(checker.text)
    for tag in ("<script", "</script"):
        assert tag not in text, f"unescaped {tag} in the message"
    return plain
