"""Every kind of reply the bot sends, in both languages, rendered from hand-built values: valid
Telegram HTML within the limit, counted words that agree with 1, 2, 5, 11, 21 and 22, and pages
and inline results built from the answer's items."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from bot.answering import Page, Passage
from bot.render.admin import report_html, report_plain
from bot.render.answer import HTML, Window, answer_html, answer_plain, item_block
from bot.render.catalog import help_html, sources_html, start_html
from bot.render.inline import inline_hint, inline_results
from bot.render.pages import page_html, passage_html
from bot.render.record import answer_to_dict
from bot.render.timeline import timeline_html, timeline_plain
from index.timeline import TimelineEvent
from index.types import (
    Answer,
    AnswerItem,
    Article,
    BuildReport,
    Chunk,
    Disagreement,
    Lang,
    SkippedFile,
)
from tests.bot.html_check import check_telegram_html

LANGS: tuple[Lang, ...] = ("ru", "en")
COUNTS = (1, 2, 5, 11, 21, 22)
# grammar written for machines: «фрагмент(ах)», "passage(s)", «событ.»
MACHINE_PLURAL = re.compile(r"\((s|ах|ов|а|и)\)|событ\.|file\(s\)")

# the forms a reader expects, for 1, 2, 5, 11, 21 and 22
FOUND = {
    "ru": ["Нашёлся 1 фрагмент:", "Нашлось 2 фрагмента:", "Нашлось 5 фрагментов:",
           "Нашлось 11 фрагментов:", "Нашёлся 21 фрагмент:", "Нашлось 22 фрагмента:"],
    "en": ["Found 1 passage:", "Found 2 passages:", "Found 5 passages:", "Found 11 passages:",
           "Found 21 passages:", "Found 22 passages:"],
}
REPORTED_BY = {
    "ru": [None, "сообщают 2 источника", "сообщают 5 источников", "сообщают 11 источников",
           "сообщает 21 источник", "сообщают 22 источника"],
    "en": [None, "reported by 2 sources", "reported by 5 sources", "reported by 11 sources",
           "reported by 21 sources", "reported by 22 sources"],
}
ARTICLES = {
    "ru": ["1 статья о новостях", "2 статьи о новостях", "5 статей о новостях",
           "11 статей о новостях", "21 статья о новостях", "22 статьи о новостях"],
    "en": ["1 news article", "2 news articles", "5 news articles", "11 news articles",
           "21 news articles", "22 news articles"],
}
EVENTS = {
    "ru": ["Хронология: 1 событие", "Хронология: 2 события", "Хронология: 5 событий",
           "Хронология: 11 событий", "Хронология: 21 событие", "Хронология: 22 события"],
    "en": ["Timeline: 1 dated event", "Timeline: 2 dated events", "Timeline: 5 dated events",
           "Timeline: 11 dated events", "Timeline: 21 dated events",
           "Timeline: 22 dated events"],
}
FILES = {
    "ru": ["1 файл, 1 фрагмент", "2 файла, 2 фрагмента", "5 файлов, 5 фрагментов",
           "11 файлов, 11 фрагментов", "21 файл, 21 фрагмент", "22 файла, 22 фрагмента"],
    "en": ["1 file, 1 passage", "2 files, 2 passages", "5 files, 5 passages",
           "11 files, 11 passages", "21 files, 21 passages", "22 files, 22 passages"],
}

ANSWERING = "Госсекретарь США Марко Рубио встретился с Сергеем Лавровым в Куала-Лумпуре."
MEETING = AnswerItem(
    source="004_b0d3fac15905dcbe.txt",
    excerpt=f"{ANSWERING} Их беседа состоялась 10 июля, пишет Reuters.",
    score=0.91, chunk_id=12,
    title="Рубио и Лавров встретились в Куала-Лумпуре",
    url="https://example.org/news?id=1&lang=ru",
    highlight=(0, len(ANSWERING)), dates=("2025-07-10",), published="2025-07-10",
    outlet="Reuters",
)
CALL = AnswerItem(
    source="002_80243a7568773db2.txt",
    excerpt="В субботу, 15 февраля, Лавров поговорил по телефону с Рубио. Разговор состоялся "
            "по инициативе американской стороны.",
    score=0.88, chunk_id=7, title="Лавров и Рубио поговорили по телефону",
    also_in=("000_776e3a7b1538294f.txt", "001_937c67591dbea8fc.txt"),
    highlight=(0, 60), dates=("--02-15",), published="2025-02-15",
)
QUESTION = {"ru": "Когда Рубио и Лавров встретились <лично>?",
            "en": "When did Rubio & Lavrov meet in person?"}


def answer(lang: Lang, **changes: object) -> Answer:
    base = Answer(QUESTION[lang], lang, (MEETING, CALL), event_date="2025-07-10", asks="when")
    return replace(base, **changes)  # type: ignore[arg-type]


def items(n: int) -> tuple[AnswerItem, ...]:
    return tuple(AnswerItem(f"{i:03d}.txt", f"Короткий фрагмент номер {i}.", 0.9, i,
                            highlight=(0, 8)) for i in range(n))


def checked(message: str) -> str:
    check_telegram_html(message)
    assert not MACHINE_PLURAL.search(message), message
    return message


# -- answers ----------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_answer_with_a_date_opens_with_it_and_cites_each_article(lang: Lang) -> None:
    text = checked(answer_html(answer(lang)))
    date, count = text.split("\n")[:2]
    assert date == {"ru": "10 июля 2025\u00a0г.", "en": "10 July 2025"}[lang]
    assert count == FOUND[lang][1]
    # the answering sentence in bold, the title as a link, the outlet and the article's date
    assert f"1. <b>{ANSWERING}</b> Их беседа" in text
    assert ('<a href="https://example.org/news?id=1&amp;lang=ru">'
            "Рубио и Лавров встретились в Куала-Лумпуре</a> — Reuters, ") in text
    assert "https://" not in text.replace('href="https://', "")  # no raw URL as text
    # no URL: the title in quotes; the file names stay, as the citation's id
    title = {"ru": "«Лавров и Рубио поговорили по телефону»",
             "en": "“Лавров и Рубио поговорили по телефону”"}[lang]
    assert f"{title} — {'15 февраля 2025' if lang == 'ru' else '15 February 2025'}" in text
    assert ("<code>002_80243a7568773db2.txt</code>, <code>000_776e3a7b1538294f.txt</code>, "
            "<code>001_937c67591dbea8fc.txt</code> — ") in text
    assert {"ru": "сообщают 3 источника", "en": "reported by 3 sources"}[lang] in text


@pytest.mark.parametrize("lang", LANGS)
def test_answer_without_a_date(lang: Lang) -> None:
    text = checked(answer_html(answer(lang, event_date=None, asks=None)))
    assert text.startswith(FOUND[lang][1])
    # a "when" question the articles give no date for says so
    when = checked(answer_html(answer(lang, event_date=None)))
    assert {"ru": "Когда это было, в статьях не сказано.",
            "en": "The articles don't say when."}[lang] in when


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(("position", "n"), list(enumerate(COUNTS)))
def test_counts_of_items_and_sources_agree(lang: Lang, position: int, n: int) -> None:
    text = checked(answer_html(Answer("?", lang, items(n))))
    assert text.startswith(FOUND[lang][position]), text[:80]
    assert text.count("</b> фрагмент номер") == n
    cited = AnswerItem("a.txt", "Текст.", 0.9, 1, also_in=tuple(f"{i}.txt" for i in range(n - 1)))
    block = item_block(cited, 1, lang)
    expected = REPORTED_BY[lang][position]
    assert (expected in block) if expected else (" — " not in block.split("\n")[-1])


@pytest.mark.parametrize("lang", LANGS)
def test_nothing_found(lang: Lang) -> None:
    text = checked(answer_html(Answer("?", lang, ())))
    assert text.startswith({"ru": "В моих статьях об этом ничего не нашлось.",
                            "en": "Nothing found in the articles I have on that."}[lang])


@pytest.mark.parametrize("lang", LANGS)
def test_terms_the_articles_never_mention_are_named(lang: Lang) -> None:
    one = {"ru": ("Женева",), "en": ("Geneva",)}[lang]
    assert checked(answer_html(Answer("?", lang, (), missing=one))) == {
        "ru": "В статьях ничего нет о Женеве.",
        "en": "The articles don't mention Geneva."}[lang]
    two = {"ru": ("Женева", "Хельсинки"), "en": ("Geneva", "Helsinki")}[lang]
    assert checked(answer_html(Answer("?", lang, (), missing=two))) == {
        "ru": "В статьях ничего нет о Женеве и о Хельсинки.",
        "en": "The articles don't mention Geneva or Helsinki."}[lang]


@pytest.mark.parametrize("lang", LANGS)
def test_related_reports_are_marked_and_carry_no_date(lang: Lang) -> None:
    text = checked(answer_html(answer(lang, items=(), missing=("Женева",),
                                      related=(MEETING, CALL))))
    lead, related, first, second = text.split("\n\n")
    assert lead.endswith({"ru": "о Женеве.", "en": "Женева."}[lang])
    assert related == {"ru": "Близкие по теме сообщения (ответа на вопрос в них нет):",
                       "en": "Related reports (they don't answer the question):"}[lang]
    assert first.startswith("1. Госсекретарь") and second.startswith("2. В субботу")
    assert "<b>" not in text  # nothing is offered as the answering sentence
    assert "2025" not in text and "July" not in text and "июля 2025" not in text
    assert "<code>004_b0d3fac15905dcbe.txt</code>" in first
    plain = answer_plain(answer(lang, items=(), related=(MEETING,)))
    assert plain.startswith({"ru": "В статьях нет ответа на этот вопрос.",
                             "en": "The articles don't answer that."}[lang])


@pytest.mark.parametrize("lang", LANGS)
def test_disagreements_are_shown_with_who_says_what(lang: Lang) -> None:
    differ = Disagreement("date", (("2025-02-15", ("a.txt", "b.txt")), ("2025-02-16", ("c.txt",))))
    number = Disagreement("number", (("50 минут", ("a.txt",)), ("час", ("c.txt",))))
    text = checked(answer_html(answer(lang, disagreements=(differ, number))))
    if lang == "ru":
        assert ("Источники расходятся в дате: 15 февраля 2025\u00a0г. (a.txt, b.txt); "
                "16 февраля 2025\u00a0г. (c.txt).") in text
        assert "Источники расходятся в цифрах: «50 минут» (a.txt); «час» (c.txt)." in text
    else:
        assert ("Sources differ on the date: 15 February 2025 (a.txt, b.txt); "
                "16 February 2025 (c.txt).") in text


@pytest.mark.parametrize("lang", LANGS)
def test_questions_that_are_not_questions_yet(lang: Lang) -> None:
    assert checked(answer_html(Answer("и", lang, (), unclear="empty"))).startswith(
        {"ru": "Задайте вопрос", "en": "Ask a question"}[lang])
    name = checked(answer_html(Answer("Лавров", lang, (MEETING,), unclear="only_name")))
    assert name.startswith({"ru": "Что вы хотите узнать о «Лавров»?",
                            "en": "What would you like to know about “Лавров”?"}[lang])


# -- pages and buttons ------------------------------------------------------------------------

def page(lang: Lang, number: int, has_more: bool, page_items: tuple[AnswerItem, ...]) -> Page:
    return Page(answer(lang, items=page_items, disagreements=(Disagreement(
        "date", (("2025-07-10", ("a.txt",)), ("2025-07-11", ("b.txt",)))),)),
        number, number * 3 + 1, has_more, "AbCd_-12", "0123abcd")


@pytest.mark.parametrize("lang", LANGS)
def test_each_page_says_what_it_shows_and_a_later_one_has_no_heading(lang: Lang) -> None:
    first = checked(page_html(page(lang, 0, True, items(3))))
    assert first.startswith({"ru": "10 июля 2025\u00a0г.\nРезультаты 1–3:",
                             "en": "10 July 2025\nResults 1–3:"}[lang])
    middle = checked(page_html(page(lang, 1, True, items(3))))
    assert middle.startswith({"ru": "Результаты 4–6:\n\n4. ", "en": "Results 4–6:\n\n4. "}[lang])
    last = checked(page_html(page(lang, 2, False, items(2))))
    assert last.startswith({"ru": "Результаты 7–8 из 8:", "en": "Results 7–8 of 8:"}[lang])
    single = checked(page_html(page(lang, 3, False, items(1))))
    assert single.startswith({"ru": "Результат 10 из 10:", "en": "Result 10 of 10:"}[lang])
    for later in (middle, last, single):
        # the first page's date and disagreements belong to its own passages
        assert "2025" not in later and "расходятся" not in later and "differ" not in later


def test_pages_are_built_from_their_items() -> None:
    shown = items(3)
    text = page_html(page("ru", 1, True, shown))
    blocks = text.split("\n\n")[1:]
    assert blocks == [item_block(item, 4 + i, "ru") for i, item in enumerate(shown)]


@pytest.mark.parametrize("lang", LANGS)
def test_the_full_passage_does_not_repeat_its_title(lang: Lang) -> None:
    title = "Рубио и Лавров встретились в Куала-Лумпуре"
    chunk = Chunk("004.txt", 0, 100, f"{title}\nИх беседа состоялась 10 июля. Разговор длился "
                                     "около 50 минут.")
    article = Article("004.txt", title, chunk.text, url="https://example.org/a?b=1&c=2")
    text = checked(passage_html(Passage(chunk, article), lang))
    assert text.count(title) == 1
    assert text.startswith(f'<b><a href="https://example.org/a?b=1&amp;c=2">{title}</a></b>\n\n'
                           "Их беседа состоялась 10 июля.")
    assert text.endswith({"ru": "Источник: <code>004.txt</code>",
                          "en": "Source: <code>004.txt</code>"}[lang])
    # a title that is the passage's first sentence is not repeated either
    sentence = Chunk("002.txt", 0, 80, "Лавров поговорил с Рубио. Разговор был долгим.")
    text = passage_html(Passage(sentence, Article("002.txt", "Лавров поговорил с Рубио", "")),
                        lang)
    assert text == ("<b>Лавров поговорил с Рубио</b>\n\nРазговор был долгим.\n\n"
                    + {"ru": "Источник: ", "en": "Source: "}[lang] + "<code>002.txt</code>")


# -- inline mode ------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_inline_results_come_from_the_items(lang: Lang) -> None:
    results = inline_results(answer(lang), "0123abcd")
    assert [r.id for r in results] == ["0123abcd-12", "0123abcd-7"]
    for result, item in zip(results, (MEETING, CALL), strict=True):
        text = checked(result.input_message_content.message_text)  # type: ignore[union-attr]
        assert text.endswith(item_block(item, None, lang))
        assert result.title == item.title
    meeting, call = (r.input_message_content.message_text for r in results)  # type: ignore[union-attr]
    assert "📅" in meeting and "📅" not in call  # the date goes with the passage that gives it
    assert {"ru": "❓ Когда Рубио и Лавров встретились &lt;лично&gt;?",
            "en": "❓ When did Rubio &amp; Lavrov meet in person?"}[lang] in meeting


@pytest.mark.parametrize("lang", LANGS)
def test_inline_when_nothing_answers(lang: Lang) -> None:
    nothing, related = inline_results(answer(lang, items=(), missing=("Женева",),
                                             related=(MEETING,)), "0123abcd")
    assert nothing.title == {"ru": "Нет в статьях: Женева", "en": "Not in the articles: Женева"}[
        lang]
    assert related.title.startswith({"ru": "По теме: ", "en": "Related: "}[lang])
    text = checked(related.input_message_content.message_text)  # type: ignore[union-attr]
    assert "<b>" not in text and "2025" not in text
    hint = inline_hint(lang)
    assert {"ru": "Рубио", "en": "Rubio"}[lang] in hint.input_message_content.message_text  # type: ignore[union-attr]


# -- the timeline, /sources, /help, /start, reports ----------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(("position", "n"), list(enumerate(COUNTS)))
def test_timeline_counts(lang: Lang, position: int, n: int) -> None:
    events = [TimelineEvent(f"2025-01-{d + 1:02d}", f"Событие {d}.", (f"{d}.txt",))
              for d in range(n)]
    assert checked(timeline_html(events, lang)).startswith(EVENTS[lang][position])
    assert timeline_plain(events, lang).startswith(EVENTS[lang][position])


@pytest.mark.parametrize("lang", LANGS)
def test_sources_list_each_article_with_its_outlet_date_and_link(lang: Lang) -> None:
    articles = [
        Article("a.txt", "Лавров <и> Рубио", "", url="https://e.org/1", published="2025-07-10",
                outlet="Reuters"),
        Article("b.txt", "Без ссылки", "", published=None),
        Article("c.txt", "", ""),
    ]
    [message] = sources_html(articles, {"b.txt": ("2025-02-12", "--02-15", "2025-02-15")}, lang)
    checked(message)
    lines = message.split("\n")
    date = {"ru": "10 июля 2025\u00a0г.", "en": "10 July 2025"}[lang]
    assert lines[1] == (f'1. <a href="https://e.org/1">Лавров &lt;и&gt; Рубио</a> '
                        f"(Reuters, {date}) — <code>a.txt</code>")
    assert lines[2].startswith("2. Без ссылки (12") and lines[2].endswith("<code>b.txt</code>")
    assert lines[3] == "3. <code>c.txt</code>"
    assert sources_html([], {}, lang) == [{"ru": "Статей в индексе пока нет.",
                                           "en": "No articles are indexed yet."}[lang]]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(("position", "n"), list(enumerate(COUNTS)))
def test_help_and_reports_count_correctly(lang: Lang, position: int, n: int) -> None:
    articles = [Article(f"{i}.txt", f"Статья {i}", "") for i in range(n)]
    text = checked(help_html(articles, lang, "newsbot"))
    assert ARTICLES[lang][position] in text
    assert text.count("• Статья") == min(n, 5)
    report = BuildReport(indexed=[f"{i}.txt" for i in range(n)], chunks=n, embedded=0,
                         skipped=[SkippedFile(f"bad{i}.txt", "binary") for i in range(n)])
    html = checked(report_html(report, lang))
    assert FILES[lang][position] in html
    skipped = {"ru": ["Пропущен 1 файл:", "Пропущено 2 файла:", "Пропущено 5 файлов:",
                      "Пропущено 11 файлов:", "Пропущен 21 файл:", "Пропущено 22 файла:"],
               "en": ["Skipped 1 file:", "Skipped 2 files:", "Skipped 5 files:",
                      "Skipped 11 files:", "Skipped 21 files:", "Skipped 22 files:"]}
    assert skipped[lang][position] in html


def test_start_and_the_terminal_report() -> None:
    assert "@newsbot" in checked(start_html("ru", "newsbot"))
    report = BuildReport(indexed=["a.txt"], chunks=33, embedded=33, seconds=2.0,
                         skipped=[SkippedFile("b.txt", "empty file")])
    assert report_plain(report) == ("Indexed 1 file, 33 chunks (33 embedded, 0 reused) in 2.0 s."
                                    "\nSkipped 1 file:\n  - b.txt: empty file")


# -- ask --json ---------------------------------------------------------------------------------

def test_the_json_record_carries_every_field_and_the_text_the_bot_sends() -> None:
    record = answer_to_dict(answer("en", items=(), missing=("Geneva",), related=(MEETING,)))
    assert record["found"] is False and record["missing"] == ["Geneva"]
    assert record["asks"] == "when" and record["answers"] == []
    related_records = record["related"]
    assert isinstance(related_records, list)
    [related] = related_records
    assert related["source"] == MEETING.source and related["outlet"] == "Reuters"
    assert related["published"] == "2025-07-10"
    assert record["text"] == answer_html(answer("en", items=(), missing=("Geneva",),
                                                related=(MEETING,)))
    paged = answer_to_dict(answer("en"), has_more=True)
    assert paged["text"] == answer_html(answer("en"), Window(has_more=True))
    assert str(paged["text"]).startswith("10 July 2025\nResults 1–2:")


def test_nothing_parses_a_rendered_message_back() -> None:
    render = Path(__file__).resolve().parents[2] / "bot" / "render"
    for module in render.glob("*.py"):
        source = module.read_text(encoding="utf-8")
        assert '.split("\\n\\n")' not in source and "removeprefix(\"1. \")" not in source, module
    assert HTML.t("ru", "found", n=3) == "Нашлось 3 фрагмента:"


def test_missing_terms_are_named_as_a_person_would() -> None:
    """«Какая погода в Париже?»: each term after «о», in the prepositional case."""
    assert checked(answer_html(Answer("?", "ru", (), missing=("Париже",)))) == \
        "В статьях ничего нет о Париже."
    assert checked(answer_html(Answer("?", "ru", (), missing=("Париже", "погода")))) == \
        "В статьях ничего нет о Париже и о погоде."
    assert checked(answer_html(Answer("?", "ru", (), missing=("Австрия", "США", "NATO")))) == \
        "В статьях ничего нет об Австрии, о США и о NATO."
