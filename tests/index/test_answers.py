"""Questions a reader of these stories would ask, in Russian and English, with the files that
answer them; and questions the articles cannot answer."""

from __future__ import annotations

import pytest

from bot.render.answer import answer_html as render_html
from bot.render.record import answer_to_dict
from index.service import NewsIndex

MEETING = "004_b0d3fac15905dcbe.txt"
CALL_REPORTS = {"000_776e3a7b1538294f.txt", "001_937c67591dbea8fc.txt",
                "002_80243a7568773db2.txt", "003_1e776d1f199686d9.txt"}
TRUMP_PUTIN = {"001_937c67591dbea8fc.txt", "003_1e776d1f199686d9.txt",
               "002_80243a7568773db2.txt"}

# question -> files any of which may be the first item cited
ANSWERABLE: list[tuple[str, set[str]]] = [
    ("Когда Рубио и Лавров встретились лично?", {MEETING}),
    ("When did Rubio and Lavrov meet in person?", {MEETING}),
    ("Сколько длилась встреча Рубио и Лаврова?", {MEETING}),
    ("How long did the meeting in Kuala Lumpur last?", {MEETING}),
    ("Что сказал Рубио по итогам встречи в Куала-Лумпуре?", {MEETING}),
    ("What topics did Rubio and Lavrov discuss in Malaysia?", {MEETING}),
    ("Когда Лавров и Рубио говорили по телефону?", CALL_REPORTS),
    ("Who initiated the phone call between Rubio and Lavrov?", CALL_REPORTS),
    ("О чем договорились Путин и Трамп 12 февраля?", TRUMP_PUTIN),
    ("What did Trump say after his phone call with Putin?", TRUMP_PUTIN),
    ("Какую политику начала администрация Обамы в 2016 году?",
     {"002_80243a7568773db2.txt", "003_1e776d1f199686d9.txt"}),
    ("Has the American side published its press release?", {"002_80243a7568773db2.txt",
                                                            "001_937c67591dbea8fc.txt"}),
    ("Где Трамп написал, что переговоры по Украине начнутся немедленно?",
     {"003_1e776d1f199686d9.txt"}),
]

UNANSWERABLE = [
    "What is the price of bitcoin?",
    "Почему дорожает топливо в Беларуси?",
    "Why is fuel getting more expensive in Belarus?",
    "Кого обвинили в плагиате в минском Большом театре?",
    "Погода в Минске завтра",
    "Who won the football world cup?",
]


@pytest.mark.parametrize(("question", "expected"), ANSWERABLE, ids=[q for q, _ in ANSWERABLE])
def test_questions_are_answered_from_the_right_article(
    seed_news: NewsIndex, question: str, expected: set[str]
) -> None:
    answer = seed_news.answer(question)
    assert answer.found, question
    assert answer.items[0].source in expected, [i.sources for i in answer.items]
    for item in answer.items:
        assert item.excerpt and len(item.excerpt) <= 600
        assert item.source.endswith(".txt")


@pytest.mark.parametrize("question", UNANSWERABLE)
def test_questions_the_articles_cannot_answer_get_nothing_found(
    seed_news: NewsIndex, question: str
) -> None:
    answer = seed_news.answer(question)
    assert not answer.found, [(i.source, i.score, i.excerpt[:80]) for i in answer.items]
    text = render_html(answer)
    if answer.missing:  # the reply names what the articles lack (in Russian: «о …», inflected)
        assert answer.lang == "ru" or all(term in text for term in answer.missing)
        assert ("don't mention" in text) == (answer.lang == "en")
        assert ("ничего нет о" in text) == (answer.lang == "ru")
    else:
        assert ("Nothing found" in text) == (answer.lang == "en")
        assert ("ничего не нашлось" in text) == (answer.lang == "ru")


@pytest.mark.parametrize(
    ("question", "missing"),
    [
        # near misses: the people are in the articles, the place is not
        ("When did Rubio and Lavrov meet in Geneva?", "Geneva"),
        ("Когда Трамп и Путин встречались в Хельсинки?", "Хельсинки"),
        # a month the reports do not mention
        ("Когда Лавров звонил Рубио в марте?", "марте"),
    ],
)
def test_a_key_term_the_articles_lack_means_not_in_the_articles(
    seed_news: NewsIndex, question: str, missing: str
) -> None:
    answer = seed_news.answer(question)
    assert not answer.found and answer.event_date is None
    assert missing in answer.missing
    # related reports may be offered, never as the answer and never with a date line
    assert all(item.source.endswith(".txt") for item in answer.related)


def test_a_typed_question_needs_an_answer_of_its_type(seed_news: NewsIndex) -> None:
    # the articles report the Trump–Putin call but not how long it lasted
    answer = seed_news.answer("Сколько длился телефонный разговор Трампа и Путина?")
    assert not answer.found
    # and the meeting's length is a number of minutes, which the reply's bold sentence holds
    meeting = seed_news.answer("Сколько длилась встреча Рубио и Лаврова?")
    first = meeting.items[0]
    assert first.highlight is not None
    assert "50 минут" in first.excerpt[first.highlight[0]:first.highlight[1]]


def test_reply_language_follows_the_question(seed_news: NewsIndex) -> None:
    en = answer_to_dict(seed_news.answer("How long did the meeting in Kuala Lumpur last?"))
    ru = answer_to_dict(seed_news.answer("Сколько длилась встреча в Куала-Лумпуре?"))
    # (the short answer on top is in the reader's language too)
    assert str(en["text"]).startswith("<b>about 50 minutes</b>\nFound")
    assert str(ru["text"]).startswith("<b>около 50 минут</b>\nНаш")
    # excerpts stay as written, in Russian, whatever the question's language
    assert "Рубио" in str(en["text"])


def test_the_answering_sentence_is_bold_and_everything_else_escaped(
    seed_news: NewsIndex,
) -> None:
    text = render_html(seed_news.answer("Сколько минут продолжался разговор в Куала-Лумпуре?"))
    assert "<b>" in text and "</b>" in text
    assert MEETING in text
    stripped = (text.replace("<b>", "").replace("</b>", "")
                .replace("<code>", "").replace("</code>", ""))
    assert "<" not in stripped.split("<a href")[0]


def test_empty_and_symbol_only_questions_find_nothing(seed_news: NewsIndex) -> None:
    for question in ["", "   ", "?!", "🙂🙂🙂"]:
        answer = seed_news.answer(question)
        assert not answer.found
        assert render_html(answer)
