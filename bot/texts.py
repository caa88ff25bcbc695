"""The bot's own words, in Russian and English, as Telegram HTML templates.

Templates may hold markup; every value passed into one is escaped by `t()`, so article titles,
file names and user text can never break the markup or inject their own.
"""

from __future__ import annotations

import html

from aiogram.types import User

from index.language import detect_language
from index.types import Lang

# Telegram clients in these languages are better served by the Russian texts than the English
_RUSSIAN_SPEAKING = {"ru", "uk", "be", "kk"}

TEXTS: dict[Lang, dict[str, str]] = {
    "en": {
        "start": (
            "Hello! I answer questions about the news from the articles I have, and I cite "
            "the file every passage comes from.\n\n"
            "Just send me a question, for example:\n<i>{example}</i>\n\n"
            "In a group, mention me (@{username}), reply to my message or use "
            "<code>/ask question</code>. In any chat, type <code>@{username} question</code>.\n"
            "/help — what I know and how to ask, /sources — the articles."
        ),
        "help": (
            "<b>What I know</b>: {articles} news article(s), among them:\n"
            "{titles}\n\n"
            "<b>How to ask</b>: a question in plain words, in Russian or English. "
            "Name the people, places or events. Examples:\n{examples}\n\n"
            "<b>Groups</b>: mention me (@{username}), reply to my message, or "
            "<code>/ask question</code>.\n"
            "<b>Any chat</b>: <code>@{username} question</code>.\n"
            "/sources — the indexed articles, /timeline [topic] — the dated events in order."
        ),
        "sources_header": "<b>Indexed articles ({n})</b>:",
        "sources_empty": "No articles are indexed yet.",
        "unknown_command": "I don't know that command. Send a question, or see /help.",
        "not_text": "I answer questions sent as text. See /help.",
        "cut": "<i>(Your question was long, so I used its first {n} characters.)</i>",
        "more_button": "More results ▶",
        "full_button": "📄 Full passage {n}",
        "full_button_one": "📄 Full passage",
        "passage_source": "Source: {files}",
        "updated_since": (
            "<i>The articles were updated since your question; these results come from "
            "the updated index.</i>"
        ),
        "no_more": "No more results.",
        "expired": "This result has expired (the articles were re-indexed or I restarted). "
                   "Please ask again.",
        "bad_button": "This button is not valid any more.",
        "throttled": "Not so fast, please: one question every {seconds} s.",
        "apology": "Sorry, something went wrong on my side. Please try again in a moment.",
        "not_admin": "Sorry, only the bot's administrators can do that.",
        "reindex_started": "Reindexing the articles…",
        "reindex_progress": "Reindexing the articles… embedded {done} of {total} passages.",
        "reindex_busy": "A reindex is already running; I will post the summary when it ends.",
        "reindex_done": (
            "<b>Reindex finished</b> in {seconds} s: {indexed} file(s), {chunks} passage(s) "
            "({embedded} embedded, {reused} reused)."
        ),
        "reindex_skipped": "Skipped {n} file(s):",
        "reindex_failed": "Reindex failed: {reason}\nThe previous index keeps serving.",
        "reindex_crashed": "Reindex failed unexpectedly (see the log). "
                           "The previous index keeps serving.",
        "upload_not_txt": "Send articles as plain-text <code>.txt</code> files.",
        "upload_too_big": "That file is too large ({size} bytes; the limit is {limit}).",
        "upload_adding": "Adding <code>{name}</code>…",
        "upload_added": "Added <code>{name}</code> ({title}). The index now has {articles} "
                        "article(s), {chunks} passage(s).",
        "upload_replaced": "Replaced <code>{name}</code> ({title}). The index now has "
                           "{articles} article(s), {chunks} passage(s).",
        "upload_exists": "<code>{name}</code> is already in the corpus. Replace it?",
        "upload_replace_button": "Replace",
        "upload_cancel_button": "Cancel",
        "upload_cancelled": "Nothing changed: <code>{name}</code> was kept.",
        "upload_refused": "Not added: {reason}",
        "upload_only_private": "Send articles to me in a private chat.",
        "stats": (
            "<b>Statistics</b>\n"
            "Articles: {articles}\n"
            "Passages: {chunks}\n"
            "Questions answered: {questions} ({found} with results)\n"
            "Inline queries: {inline}\n"
            "Median answer time: {median}\n"
            "Uptime: {uptime}\n"
            "Index: {generation}{reindexing}"
        ),
        "stats_reindexing": " (reindexing now)",
        "inline_hint_title": "Ask about the news",
        "inline_hint_description": "Type a question, e.g. {example}",
        "inline_nothing_title": "Nothing found",
        "inline_nothing_description": "Try rephrasing, or name the people, places or events.",
        "inline_question": "❓ {question}",
    },
    "ru": {
        "start": (
            "Здравствуйте! Я отвечаю на вопросы о новостях по своим статьям и указываю файл, "
            "из которого взят каждый фрагмент.\n\n"
            "Просто пришлите вопрос, например:\n<i>{example}</i>\n\n"
            "В группе упомяните меня (@{username}), ответьте на моё сообщение или напишите "
            "<code>/ask вопрос</code>. В любом чате: <code>@{username} вопрос</code>.\n"
            "/help — что я знаю и как спрашивать, /sources — статьи."
        ),
        "help": (
            "<b>Что я знаю</b>: статей о новостях — {articles}, среди них:\n"
            "{titles}\n\n"
            "<b>Как спрашивать</b>: вопрос обычными словами, по-русски или по-английски. "
            "Называйте людей, места или события. Примеры:\n{examples}\n\n"
            "<b>В группе</b>: упомяните меня (@{username}), ответьте на моё сообщение или "
            "напишите <code>/ask вопрос</code>.\n"
            "<b>В любом чате</b>: <code>@{username} вопрос</code>.\n"
            "/sources — проиндексированные статьи, /timeline [тема] — события по датам."
        ),
        "sources_header": "<b>Проиндексированные статьи ({n})</b>:",
        "sources_empty": "Статей в индексе пока нет.",
        "unknown_command": "Такой команды я не знаю. Пришлите вопрос или посмотрите /help.",
        "not_text": "Я отвечаю на вопросы, присланные текстом. См. /help.",
        "cut": "<i>(Вопрос длинный, поэтому я взял первые {n} символов.)</i>",
        "more_button": "Ещё результаты ▶",
        "full_button": "📄 Полный фрагмент {n}",
        "full_button_one": "📄 Полный фрагмент",
        "passage_source": "Источник: {files}",
        "updated_since": (
            "<i>Статьи обновились после вашего вопроса; эти результаты — из обновлённого "
            "индекса.</i>"
        ),
        "no_more": "Больше результатов нет.",
        "expired": "Этот результат устарел (статьи переиндексированы или я перезапускался). "
                   "Спросите, пожалуйста, ещё раз.",
        "bad_button": "Эта кнопка больше не действует.",
        "throttled": "Не так быстро, пожалуйста: один вопрос раз в {seconds} с.",
        "apology": "Извините, у меня что-то сломалось. Попробуйте, пожалуйста, чуть позже.",
        "not_admin": "Извините, это могут делать только администраторы бота.",
        "reindex_started": "Переиндексирую статьи…",
        "reindex_progress": "Переиндексирую статьи… обработано {done} из {total} фрагментов.",
        "reindex_busy": "Переиндексация уже идёт; я пришлю итог, когда она закончится.",
        "reindex_done": (
            "<b>Переиндексация завершена</b> за {seconds} с: файлов {indexed}, фрагментов "
            "{chunks} (заново {embedded}, повторно использовано {reused})."
        ),
        "reindex_skipped": "Пропущено файлов: {n}:",
        "reindex_failed": "Переиндексация не удалась: {reason}\nРаботает прежний индекс.",
        "reindex_crashed": "Переиндексация неожиданно не удалась (подробности в логе). "
                           "Работает прежний индекс.",
        "upload_not_txt": "Присылайте статьи текстовыми файлами <code>.txt</code>.",
        "upload_too_big": "Файл слишком большой ({size} байт; предел {limit}).",
        "upload_adding": "Добавляю <code>{name}</code>…",
        "upload_added": "Добавлен <code>{name}</code> ({title}). В индексе статей: {articles}, "
                        "фрагментов: {chunks}.",
        "upload_replaced": "Заменён <code>{name}</code> ({title}). В индексе статей: "
                           "{articles}, фрагментов: {chunks}.",
        "upload_exists": "<code>{name}</code> уже есть в корпусе. Заменить?",
        "upload_replace_button": "Заменить",
        "upload_cancel_button": "Отмена",
        "upload_cancelled": "Ничего не изменилось: <code>{name}</code> оставлен прежним.",
        "upload_refused": "Не добавлено: {reason}",
        "upload_only_private": "Присылайте статьи мне в личный чат.",
        "stats": (
            "<b>Статистика</b>\n"
            "Статей: {articles}\n"
            "Фрагментов: {chunks}\n"
            "Вопросов: {questions} (с результатами: {found})\n"
            "Inline-запросов: {inline}\n"
            "Медианное время ответа: {median}\n"
            "Время работы: {uptime}\n"
            "Индекс: {generation}{reindexing}"
        ),
        "stats_reindexing": " (идёт переиндексация)",
        "inline_hint_title": "Спросите о новостях",
        "inline_hint_description": "Наберите вопрос, например: {example}",
        "inline_nothing_title": "Ничего не нашлось",
        "inline_nothing_description": "Переформулируйте или назовите людей, места, события.",
        "inline_question": "❓ {question}",
    },
}

# the command menu (descriptions: at most 256 characters, no markup)
COMMANDS: dict[Lang, dict[str, str]] = {
    "en": {
        "ask": "Ask a question (in groups: /ask question)",
        "help": "What I know and how to ask",
        "sources": "The indexed articles",
        "timeline": "The dated events in order: /timeline [topic]",
        "start": "About this bot",
    },
    "ru": {
        "ask": "Задать вопрос (в группах: /ask вопрос)",
        "help": "Что я знаю и как спрашивать",
        "sources": "Проиндексированные статьи",
        "timeline": "События по датам: /timeline [тема]",
        "start": "Об этом боте",
    },
}

EXAMPLES: dict[Lang, tuple[str, ...]] = {
    "en": (
        "When did Rubio and Lavrov meet in person?",
        "What did Rubio and Lavrov discuss on the phone?",
    ),
    "ru": (
        "Когда Рубио и Лавров встретились лично?",
        "О чём говорили Рубио и Лавров по телефону?",
    ),
}


def t(lang: Lang, key: str, **values: object) -> str:
    """The `key` text in `lang`, with every value HTML-escaped (pre-escaped ones: `Markup`)."""
    safe = {k: v if isinstance(v, Markup) else html.escape(str(v)) for k, v in values.items()}
    return TEXTS[lang][key].format(**safe)


class Markup(str):
    """A string that is already Telegram HTML: `t()` inserts it as it is."""


def user_lang(user: User | None, text: str | None = None) -> Lang:
    """The language for the bot's own words: the user's Telegram language, else the text's."""
    code = (user.language_code or "") if user else ""
    if code:
        return "ru" if code.split("-")[0].lower() in _RUSSIAN_SPEAKING else "en"
    return detect_language(text or "", default="en")
