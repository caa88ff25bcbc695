"""The bot's own words, in Russian and English: the one string table, as Telegram HTML templates.

Templates may hold markup; every value passed into one is escaped by `t()`, so article titles,
file names and user text can never break the markup or inject their own.

Counted words agree with their number by the CLDR plural rules (through Babel): an entry with a
form per plural category ("one", "few", "many" in Russian; "one", "other" in English) is
chosen by its `n`, and a template names one for a count with a format spec: `{chunks:n_passages}`
renders «33 фрагмента» / "33 passages". Every form is written out here, where a reader can check
it, rather than produced by inflecting a word. Dates are written the way people write them:
«15 февраля 2025 г.», "15 February 2025".
"""

from __future__ import annotations

import html
import re
import string
from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from babel import Locale
from babel.dates import format_date as _babel_date
from babel.dates import format_skeleton

from index.language import detect_language, script_language
from index.types import Lang

if TYPE_CHECKING:
    # only for the annotation: importing aiogram costs the CLI seconds at start-up
    from aiogram.types import User

# Telegram clients in these languages are better served by the Russian texts than the English
RUSSIAN_SPEAKING = ("ru", "uk", "be", "kk")
# the locale whose dates and plural rules each language's texts follow
_LOCALES: dict[Lang, str] = {"ru": "ru", "en": "en_GB"}

# a template, or one template per CLDR plural category, chosen by the value of `n`
Text = str | Mapping[str, str]

TEXTS: dict[Lang, dict[str, Text]] = {
    "en": {
        # -- counted words, for `{value:key}` in the templates below -------------------------
        "n_articles": {"one": "{n} news article", "other": "{n} news articles"},
        "n_files": {"one": "{n} file", "other": "{n} files"},
        "n_passages": {"one": "{n} passage", "other": "{n} passages"},
        "n_chunks": {"one": "{n} chunk", "other": "{n} chunks"},
        "n_events": {"one": "{n} dated event", "other": "{n} dated events"},
        "of_passages": {"one": "{n} passage", "other": "{n} passages"},
        # -- answers --------------------------------------------------------------------------
        "found": {"one": "Found {n} passage:", "other": "Found {n} passages:"},
        "results": "Results {first}–{last}:",
        "results_of": "Results {first}–{last} of {total}:",
        "result": "Result {first}:",
        "result_of": "Result {first} of {total}:",
        "nothing": "Nothing found in the articles I have on that. "
                   "Try rephrasing, or name the people, places or events involved.",
        "not_mentioned": "The articles don't mention {terms}.",
        "not_mentioned_here": "The articles found don't mention {terms}.",
        "no_answer": "The articles don't answer that.",
        "closest": "I'm not sure the articles answer that. These passages come closest; "
                   "check them before relying on them:",
        "related": "Related reports (they don't answer the question):",
        "no_date": "The articles don't say when.",
        "last_of_terms": " or ",  # "The articles don't mention Geneva or Helsinki."
        "source": "Source: {what}",
        "quoted": "“{title}”",
        "reported_by": {"one": "reported by {n} source", "other": "reported by {n} sources"},
        "differ_date": "Sources differ on the date: {values}.",
        "differ_number": "Sources differ on a number: {values}.",
        "empty": "Ask a question about the news, for example: "
                 "When did Rubio and Lavrov meet in person?",
        "unclear_name": "What would you like to know about “{question}”? Ask a whole question: "
                        "who did what, when or where.",
        "unclear_date": "What would you like to know about {question}? Ask a whole question, "
                        "for example: What happened on {question}?",
        # -- the bot's other messages ---------------------------------------------------------
        "start": (
            "Hello! I answer questions about the news from the articles I have, and I cite "
            "the article every passage comes from.\n\n"
            "Just send me a question, for example:\n<i>{example}</i>\n\n"
            "In a group, mention me (@{username}), reply to my message or use "
            "<code>/ask question</code>. In any chat, type <code>@{username} question</code>.\n"
            "/help — what I know and how to ask, /sources — the articles."
        ),
        "help": (
            "<b>What I know</b>: {articles:n_articles}, among them:\n"
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
        "foreign_script": "<i>I read questions in Russian and English; ask in one of them "
                          "for the best answer.</i>",
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
        "reindex_progress": "Reindexing the articles… embedded {done} of {total:of_passages}.",
        "reindex_busy": "A reindex is already running; I will post the summary when it ends.",
        "reindex_busy_progress": "A reindex is already running (embedded {done} of "
                                 "{total:of_passages}); I will post the summary when it ends.",
        "reindex_progress_sentences": "Reindexing the articles… passages done; sentences "
                                      "embedded: {done} of {total}.",
        "reindex_busy_progress_sentences": "A reindex is already running (passages done; "
                                           "sentences embedded: {done} of {total}); I will "
                                           "post the summary when it ends.",
        "reindex_done": (
            "<b>Reindex finished</b> in {seconds} s: {indexed:n_files}, {chunks:n_passages} "
            "({embedded} embedded, {reused} reused)."
        ),
        "reindex_skipped": {"one": "Skipped {n} file:", "other": "Skipped {n} files:"},
        "reindex_failed": "Reindex failed: {reason}\nThe previous index keeps serving.",
        "reindex_crashed": "Reindex failed unexpectedly (see the log). "
                           "The previous index keeps serving.",
        "reindex_failed_full": "Reindex failed: the disk is full (no room to write the index). "
                               "The previous index keeps serving. Free some space, then send "
                               "/reindex again.",
        "built": "Indexed {indexed:n_files}, {chunks:n_chunks} ({embedded} embedded, "
                 "{reused} reused) in {seconds} s.",
        "upload_not_txt": "Send articles as plain-text <code>.txt</code> files.",
        "upload_too_big": "That file is too large ({size} bytes; the limit is {limit}).",
        "upload_too_big_unknown": "That file is too large (over the limit of {limit} bytes).",
        "upload_failed_permission": (
            "Not added: permission denied: the bot may not write into the articles folder. "
            "Nothing changed. Make SEEDS_DIR writable for the bot (in Docker: "
            "<code>chown -R 10001</code> the folder)."
        ),
        "upload_failed_readonly": (
            "Not added: permission denied: the articles folder is on a read-only file system. "
            "Nothing changed. Make SEEDS_DIR writable for the bot (in Docker: mount it "
            "without <code>:ro</code>)."
        ),
        "upload_failed_full": (
            "Not added: the disk is full (no room to write the article or the index). "
            "Nothing changed. Free some space, then send the file again."
        ),
        "upload_failed_os": "Not added: a file could not be written ({error}). Nothing changed.",
        "upload_adding": "Adding <code>{name}</code>…",
        "upload_added": "Added <code>{name}</code> ({title}). The index now has "
                        "{articles:n_articles}, {chunks:n_passages}.",
        "upload_replaced": "Replaced <code>{name}</code> ({title}). The index now has "
                           "{articles:n_articles}, {chunks:n_passages}.",
        "upload_exists": "<code>{name}</code> is already in the corpus. Replace it?",
        "upload_replace_button": "Replace",
        "upload_cancel_button": "Cancel",
        "upload_cancelled": "Nothing changed: <code>{name}</code> was kept.",
        "upload_refused": "Not added: {reason}",
        "upload_only_private": "Send articles to me in a private chat.",
        # articles from links and feeds (bot/handlers/links.py, feeds.py)
        "link_usage": "Send <code>/add</code> and a link, e.g. "
                      "<code>/add https://example.org/news/1</code>.",
        "link_fetching": "Fetching {url}…",
        "link_extracted": "Extracted «{title}», {words} words. Indexing…",
        "link_added": "Indexed «{title}» as <code>{name}</code>. The index now has "
                      "{articles:n_articles}. Ask me about it.",
        "link_refused": "Not added: {reason}. Nothing changed.",
        "feeds_none": "No feeds are followed. Admins add one with "
                      "<code>/feeds add URL</code>.",
        "feeds_header": "<b>Followed feeds</b>",
        "feed_ok": "ok, last checked {checked}",
        "feed_new": "not checked yet",
        "feed_failing": "failing ({failures}× in a row: {error}); next try {retry}",
        "feeds_usage": "<code>/feeds</code> lists the feeds; <code>/feeds add URL</code> and "
                       "<code>/feeds remove URL</code> change them.",
        "feed_added": "Following {url}. New articles are added every {minutes} minutes.",
        "feed_exists": "{url} is already followed.",
        "feed_removed": "No longer following {url}. Its articles stay in the corpus.",
        "feed_unknown": "{url} is not among the followed feeds.",
        "remove_confirm": "Remove <code>{name}</code> ({title}) from the corpus?",
        "remove_button": "Remove",
        "remove_cancelled": "Nothing changed: <code>{name}</code> was kept.",
        "removed": "Removed <code>{name}</code>. The index now has {articles:n_articles}.",
        "remove_failed": "Not removed: {reason}",
        "sources_page": "Articles {first}–{last} of {total}",
        "stats": (
            "<b>Statistics</b>\n"
            "Articles: {articles}\n"
            "Passages: {chunks}\n"
            "Questions answered: {questions} ({found} with results)\n"
            "Inline queries: {inline}\n"
            "Median answer time: {median}\n"
            "Uptime: {uptime}\n"
            "Index: {generation}{reindexing}\n"
            "Answers decided by: {decider}"
        ),
        "stats_reindexing": " (reindexing now)",
        "stats_reader": "the trained reader ({name})",
        "stats_rules": "the rule-based fallback ({reason})",
        "inline_hint_title": "Ask about the news",
        "inline_hint_description": "Type a question, e.g. {example}",
        "inline_nothing_title": "Nothing found",
        "inline_nothing_description": "Try rephrasing, or name the people, places or events.",
        "inline_missing_title": "Not in the articles: {terms}",
        "inline_related_title": "Related: {title}",
        "inline_closest_title": "Closest (may not answer): {title}",
        "inline_question": "❓ {question}",
        # -- the timeline ---------------------------------------------------------------------
        "timeline": "Timeline: {n:n_events}",
        "timeline_topic": "Timeline for “{topic}”: {n:n_events}",
        "timeline_empty": "No dated events found in the articles.",
        "timeline_empty_topic": "No dated events about “{topic}” found in the articles.",
        "timeline_more": {"one": "…and {n} more event.", "other": "…and {n} more events."},
        "timeline_source": "Source: {files}",
        "timeline_sources": "Sources: {files}",
    },
    "ru": {
        "n_articles": {"one": "{n} статья о новостях", "few": "{n} статьи о новостях",
                       "many": "{n} статей о новостях"},
        "n_files": {"one": "{n} файл", "few": "{n} файла", "many": "{n} файлов"},
        "n_passages": {"one": "{n} фрагмент", "few": "{n} фрагмента", "many": "{n} фрагментов"},
        "n_chunks": {"one": "{n} фрагмент", "few": "{n} фрагмента", "many": "{n} фрагментов"},
        "n_events": {"one": "{n} событие", "few": "{n} события", "many": "{n} событий"},
        # after «из»: the genitive
        "of_passages": {"one": "{n} фрагмента", "few": "{n} фрагментов",
                        "many": "{n} фрагментов"},
        "found": {"one": "Нашёлся {n} фрагмент:", "few": "Нашлось {n} фрагмента:",
                  "many": "Нашлось {n} фрагментов:"},
        "results": "Результаты {first}–{last}:",
        "results_of": "Результаты {first}–{last} из {total}:",
        "result": "Результат {first}:",
        "result_of": "Результат {first} из {total}:",
        "nothing": "В моих статьях об этом ничего не нашлось. "
                   "Попробуйте переформулировать вопрос или назовите людей, места или события.",
        # {terms}: «о Париже», «о Париже и о погоде» (bot/render/terms.py)
        "not_mentioned": "В статьях ничего нет {terms}.",
        "not_mentioned_here": "В найденных статьях ничего нет {terms}.",
        "no_answer": "В статьях нет ответа на этот вопрос.",
        "closest": "Не уверен, что в статьях есть ответ. Ближе всего к вопросу эти фрагменты, "
                   "проверьте их:",
        "related": "Близкие по теме сообщения (ответа на вопрос в них нет):",
        "no_date": "Когда это было, в статьях не сказано.",
        "last_of_terms": " и ",  # «В статьях ничего нет о Женеве и о Хельсинки.»
        "source": "Источник: {what}",
        "quoted": "«{title}»",
        "reported_by": {"one": "сообщает {n} источник", "few": "сообщают {n} источника",
                        "many": "сообщают {n} источников"},
        "differ_date": "Источники расходятся в дате: {values}.",
        "differ_number": "Источники расходятся в цифрах: {values}.",
        "empty": "Задайте вопрос о новостях, например: Когда Рубио и Лавров встретились лично?",
        "unclear_name": "Что вы хотите узнать о «{question}»? Задайте вопрос целиком: кто что "
                        "сделал, когда или где.",
        "unclear_date": "Что вы хотите узнать про {question}? Задайте вопрос целиком, например: "
                        "Что произошло {question}?",
        "start": (
            "Здравствуйте! Я отвечаю на вопросы о новостях по своим статьям и указываю статью, "
            "из которой взят каждый фрагмент.\n\n"
            "Просто пришлите вопрос, например:\n<i>{example}</i>\n\n"
            "В группе упомяните меня (@{username}), ответьте на моё сообщение или напишите "
            "<code>/ask вопрос</code>. В любом чате: <code>@{username} вопрос</code>.\n"
            "/help — что я знаю и как спрашивать, /sources — статьи."
        ),
        "help": (
            "<b>Что я знаю</b>: {articles:n_articles}, среди них:\n"
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
        "foreign_script": "<i>Я читаю вопросы по-русски и по-английски; спросите на одном "
                          "из этих языков, и ответ будет точнее.</i>",
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
        "reindex_progress": "Переиндексирую статьи… обработано {done} из {total:of_passages}.",
        "reindex_busy": "Переиндексация уже идёт; я пришлю итог, когда она закончится.",
        "reindex_busy_progress": "Переиндексация уже идёт (обработано {done} из "
                                 "{total:of_passages}); я пришлю итог, когда она закончится.",
        "reindex_progress_sentences": "Переиндексирую статьи… фрагменты готовы; предложений "
                                      "обработано {done} из {total}.",
        "reindex_busy_progress_sentences": "Переиндексация уже идёт (фрагменты готовы; "
                                           "предложений обработано {done} из {total}); я "
                                           "пришлю итог, когда она закончится.",
        "reindex_done": (
            "<b>Переиндексация завершена</b> за {seconds} с: {indexed:n_files}, "
            "{chunks:n_passages} (заново {embedded}, повторно использовано {reused})."
        ),
        "reindex_skipped": {"one": "Пропущен {n} файл:", "few": "Пропущено {n} файла:",
                            "many": "Пропущено {n} файлов:"},
        "reindex_failed": "Переиндексация не удалась: {reason}\nРаботает прежний индекс.",
        "reindex_crashed": "Переиндексация неожиданно не удалась (подробности в логе). "
                           "Работает прежний индекс.",
        "reindex_failed_full": "Переиндексация не удалась: диск заполнен (некуда записать "
                               "индекс). Работает прежний индекс. Освободите место и "
                               "пришлите /reindex ещё раз.",
        "built": "Проиндексировано: {indexed:n_files}, {chunks:n_chunks} (заново {embedded}, "
                 "повторно использовано {reused}) за {seconds} с.",
        "upload_not_txt": "Присылайте статьи текстовыми файлами <code>.txt</code>.",
        "upload_too_big": "Файл слишком большой ({size} байт; предел {limit}).",
        "upload_too_big_unknown": "Файл слишком большой (больше предела в {limit} байт).",
        "upload_failed_permission": (
            "Не добавлено: нет прав на запись в папку со статьями. Ничего не изменилось. "
            "Разрешите боту запись в SEEDS_DIR (в Docker: <code>chown -R 10001</code> на "
            "папку)."
        ),
        "upload_failed_readonly": (
            "Не добавлено: нет прав на запись в папку со статьями: она на файловой системе "
            "только для чтения. Ничего не изменилось. Разрешите боту запись в SEEDS_DIR "
            "(в Docker: смонтируйте её без <code>:ro</code>)."
        ),
        "upload_failed_full": (
            "Не добавлено: диск заполнен (некуда записать статью или индекс). Ничего не "
            "изменилось. Освободите место и пришлите файл ещё раз."
        ),
        "upload_failed_os": "Не добавлено: не удалось записать файл ({error}). Ничего не "
                            "изменилось.",
        "upload_adding": "Добавляю <code>{name}</code>…",
        "upload_added": "Добавлен <code>{name}</code> ({title}). Теперь в индексе "
                        "{articles:n_articles}, {chunks:n_passages}.",
        "upload_replaced": "Заменён <code>{name}</code> ({title}). Теперь в индексе "
                           "{articles:n_articles}, {chunks:n_passages}.",
        "upload_exists": "<code>{name}</code> уже есть в корпусе. Заменить?",
        "upload_replace_button": "Заменить",
        "upload_cancel_button": "Отмена",
        "upload_cancelled": "Ничего не изменилось: <code>{name}</code> оставлен прежним.",
        "upload_refused": "Не добавлено: {reason}",
        "upload_only_private": "Присылайте статьи мне в личный чат.",
        "link_usage": "Пришлите <code>/add</code> и ссылку, например "
                      "<code>/add https://example.org/news/1</code>.",
        "link_fetching": "Загружаю {url}…",
        "link_extracted": "Извлечено: «{title}», слов: {words}. Индексирую…",
        "link_added": "Проиндексировано: «{title}» — <code>{name}</code>. Теперь в индексе "
                      "{articles:n_articles}. Спрашивайте.",
        "link_refused": "Не добавлено: {reason}. Ничего не изменилось.",
        "feeds_none": "Лент нет. Администратор добавляет ленту командой "
                      "<code>/feeds add URL</code>.",
        "feeds_header": "<b>Ленты</b>",
        "feed_ok": "работает, проверена {checked}",
        "feed_new": "ещё не проверялась",
        "feed_failing": "ошибка ({failures} раз подряд: {error}); следующая попытка {retry}",
        "feeds_usage": "<code>/feeds</code> — список лент; <code>/feeds add URL</code> и "
                       "<code>/feeds remove URL</code> меняют его.",
        "feed_added": "Слежу за {url}. Новые статьи добавляются каждые {minutes} мин.",
        "feed_exists": "За {url} я уже слежу.",
        "feed_removed": "Больше не слежу за {url}. Её статьи остаются в корпусе.",
        "feed_unknown": "{url} нет среди лент.",
        "remove_confirm": "Удалить <code>{name}</code> ({title}) из корпуса?",
        "remove_button": "Удалить",
        "remove_cancelled": "Ничего не изменилось: <code>{name}</code> остаётся.",
        "removed": "Удалено: <code>{name}</code>. Теперь в индексе {articles:n_articles}.",
        "remove_failed": "Не удалено: {reason}",
        "sources_page": "Статьи {first}–{last} из {total}",
        "stats": (
            "<b>Статистика</b>\n"
            "Статей: {articles}\n"
            "Фрагментов: {chunks}\n"
            "Вопросов: {questions} (с результатами: {found})\n"
            "Inline-запросов: {inline}\n"
            "Медианное время ответа: {median}\n"
            "Время работы: {uptime}\n"
            "Индекс: {generation}{reindexing}\n"
            "Ответы выбирает: {decider}"
        ),
        "stats_reindexing": " (идёт переиндексация)",
        "stats_reader": "обученная модель-читатель ({name})",
        "stats_rules": "запасные правила ({reason})",
        "inline_hint_title": "Спросите о новостях",
        "inline_hint_description": "Наберите вопрос, например: {example}",
        "inline_nothing_title": "Ничего не нашлось",
        "inline_nothing_description": "Переформулируйте или назовите людей, места, события.",
        "inline_missing_title": "Нет в статьях: {terms}",
        "inline_related_title": "По теме: {title}",
        "inline_closest_title": "Ближе всего (может не отвечать): {title}",
        "inline_question": "❓ {question}",
        "timeline": "Хронология: {n:n_events}",
        "timeline_topic": "Хронология по теме «{topic}»: {n:n_events}",
        "timeline_empty": "В статьях не нашлось событий с датами.",
        "timeline_empty_topic": "В статьях не нашлось событий с датами по теме «{topic}».",
        "timeline_more": {"one": "…и ещё {n} событие.", "few": "…и ещё {n} события.",
                          "many": "…и ещё {n} событий."},
        "timeline_source": "Источник: {files}",
        "timeline_sources": "Источники: {files}",
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
        "reindex": "Rebuild the index from the articles folder (admins)",
        "stats": "Questions, answers and the index (admins)",
        "feeds": "The followed news feeds; /feeds add|remove URL (admins)",
        "add": "Add an article by its link: /add URL (admins)",
        "remove": "Remove an article: /remove FILE (admins)",
    },
    "ru": {
        "ask": "Задать вопрос (в группах: /ask вопрос)",
        "help": "Что я знаю и как спрашивать",
        "sources": "Проиндексированные статьи",
        "timeline": "События по датам: /timeline [тема]",
        "start": "Об этом боте",
        "reindex": "Перестроить индекс по папке статей (админы)",
        "stats": "Вопросы, ответы и индекс (админы)",
        "feeds": "Новостные ленты; /feeds add|remove URL (админы)",
        "add": "Добавить статью по ссылке: /add URL (админы)",
        "remove": "Удалить статью: /remove ФАЙЛ (админы)",
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


class Markup(str):
    """A string that is already Telegram HTML: `t()` inserts it as it is."""


def escape(text: str) -> str:
    """The one escaping rule for Telegram HTML: `<`, `>`, `&` and both quotes."""
    return html.escape(text, quote=True)


def t(lang: Lang, key: str, **values: object) -> str:
    """The `key` text in `lang`, with every value HTML-escaped (pre-escaped ones: `Markup`).

    A counted entry takes the form for `n`; `{value:key}` in a template renders `value` as the
    counted entry `key` ("{chunks:n_passages}" → «33 фрагмента»).
    """
    return _Formatter(lang).vformat(_choose(lang, key, values.get("n")), (), values)


def text(lang: Lang, key: str, **values: object) -> str:
    """The `key` text in `lang` for a terminal: like `t()`, but values are not escaped (use it
    only with the templates that hold no markup)."""
    return _Formatter(lang, plain=True).vformat(_choose(lang, key, values.get("n")), (), values)


def plural_category(lang: Lang, n: object) -> str:
    """CLDR's plural category of `n` in `lang`: 'one', 'few', 'many' or 'other'."""
    try:
        number = abs(int(str(n)))
    except ValueError:
        return "other"
    return str(_plural_rule(lang)(number))


def format_date(iso: str, lang: Lang) -> str:
    """An ISO date as people write it: '2025-02-15' → «15 февраля 2025 г.» (with a no-break
    space before «г.») / "15 February 2025";
    a year-less '--02-15' (the article gives no year) → «15 февраля» / "15 February"; anything
    else as it is."""
    if m := re.fullmatch(r"--(\d\d)-(\d\d)", iso):
        try:  # (2000 is a leap year: 29 February exists)
            day = date(2000, int(m.group(1)), int(m.group(2)))
        except ValueError:
            return iso
        return str(format_skeleton("MMMMd", day, locale=_LOCALES[lang]))
    try:
        day = date.fromisoformat(iso)
    except ValueError:
        return iso
    # CLDR keeps «г.» with its year by a narrow no-break space, which some fonts lack
    return str(_babel_date(day, "long", locale=_LOCALES[lang])).replace("\u202f", "\u00a0")


def reply_lang(question: str, user: User | None, corpus: Lang = "ru") -> Lang:
    """The language of the reply to `question`, and of the button replies under it: the
    question's own (English for one in neither Russian nor English: the bot's words exist only
    in these two), else the user's Telegram language, else the articles' language."""
    lang = script_language(question)
    if lang is not None:
        return lang
    if any(ch.isalpha() for ch in question):
        return "en"  # Arabic, Chinese, …: English is the likelier one to be read
    code = (user.language_code or "") if user else ""
    if code:
        return "ru" if code.split("-")[0].lower() in RUSSIAN_SPEAKING else "en"
    return corpus


def foreign_script(question: str) -> bool:
    """Whether `question` is written in a script other than Cyrillic and Latin (the reply then
    says which languages the bot reads)."""
    return script_language(question) is None and any(ch.isalpha() for ch in question)


def user_lang(user: User | None, text: str | None = None) -> Lang:
    """The language for the bot's own words: the user's Telegram language, else the text's."""
    code = (user.language_code or "") if user else ""
    if code:
        return "ru" if code.split("-")[0].lower() in RUSSIAN_SPEAKING else "en"
    return detect_language(text or "", default="en")


@lru_cache(maxsize=len(_LOCALES))
def _plural_rule(lang: Lang) -> Any:
    return Locale.parse(_LOCALES[lang]).plural_form


def _choose(lang: Lang, key: str, n: object) -> str:
    text = TEXTS[lang][key]
    if isinstance(text, str):
        return text
    category = plural_category(lang, n)
    return text.get(category) or text.get("other") or text["many"]


class _Formatter(string.Formatter):
    """`str.format` that escapes every value (unless `plain`) and renders `{value:key}` as a
    counted entry."""

    def __init__(self, lang: Lang, *, plain: bool = False) -> None:
        super().__init__()
        self.lang = lang
        self.plain = plain

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec in TEXTS[self.lang]:
            counted = _choose(self.lang, format_spec, value)
            return _Formatter(self.lang, plain=self.plain).vformat(counted, (), {"n": value})
        if isinstance(value, Markup) or self.plain:
            return str(value) if format_spec == "" else format(value, format_spec)
        return escape(format(value, format_spec))
