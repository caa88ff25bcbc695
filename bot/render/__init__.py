"""Everything the bot and the CLI show, rendered from the engine's values.

`index/` answers with dataclasses (answers, items, dates, missing terms, timeline events); this
package turns them into Telegram HTML (or plain text for a terminal): answers and their pages,
whole passages, inline results, the timeline, /sources, /help, statistics and reindex reports,
and the `ask --json` record. Words come from the one string table (`bot.texts`), every value is
escaped by its one rule, and every message fits Telegram's limit. Nothing here parses a
rendered message back: pages and inline results are built from the answer's items.
"""
