"""The short answer: the asked value from the answering sentence, or none rather than a guess."""

from __future__ import annotations

import pytest

from bot.render.answer import answer_plain
from bot.render.inline import inline_results
from bot.render.record import answer_to_dict
from bot.render.short import short_answer_text
from index.keywords import tokenize
from index.ner import NatashaRecogniser, NoEntities, Recogniser
from index.service import NewsIndex
from index.short_answer import short_answer
from index.types import AnswerItem, ShortAnswer, ShortKind

MEETING = ("Их беседа состоялась 10 июля на полях мероприятий по линии Ассоциации государств "
           "Юго-Восточной Азии в Куала-Лумпуре, пишет Reuters. Разговор политиков продолжался "
           "около 50 минут. Ни Лавров, ни Рубио не дали никаких комментариев журналистам.")
CALL = ("В субботу, 15 февраля, министр иностранных дел России Сергей Лавров поговорил по "
        "телефону со своим американским коллегой Марко Рубио.")
NATASHA = NatashaRecogniser()


def item(excerpt: str, sentence: str, dates: tuple[str, ...] = ()) -> AnswerItem:
    start = excerpt.index(sentence)
    return AnswerItem("a.txt", excerpt, 1.0, 0, highlight=(start, start + len(sentence)),
                      dates=dates)


def stems(question: str) -> set[str]:
    return set(tokenize(question))


@pytest.mark.parametrize("recogniser", [NoEntities(), NATASHA], ids=["patterns", "natasha"])
def test_where_gives_the_place_in_its_dictionary_form(recogniser: Recogniser) -> None:
    first = MEETING.split(". ", maxsplit=1)[0] + "."
    short = short_answer(item(MEETING, first), "where", stems("Где встретились Лавров и Рубио?"),
                         recogniser=recogniser)
    assert short is not None
    assert (short.kind, short.text, short.value) == ("place", "Куала-Лумпуре", "Куала-Лумпур")
    assert short.span is not None and MEETING[short.span[0]:short.span[1]] == short.text


def test_how_long_takes_the_duration_from_the_next_sentence() -> None:
    first = MEETING.split(". ", maxsplit=1)[0] + "."
    short = short_answer(item(MEETING, first), "how_long",
                         stems("Сколько длилась беседа в Куала-Лумпуре?"))
    assert short is not None and (short.kind, short.text) == ("duration", "около 50 минут")


@pytest.mark.parametrize("recogniser", [NoEntities(), NATASHA], ids=["patterns", "natasha"])
def test_who_is_the_person_the_question_does_not_name(recogniser: Recogniser) -> None:
    short = short_answer(item(CALL, CALL), "who", stems("С кем говорил Рубио 15 февраля?"),
                         recogniser=recogniser)
    assert short is not None and short.text == "Сергей Лавров"


def test_names_joined_by_and_are_one_answer() -> None:
    text = "Встречу провели Сергей Лавров и Марко Рубио."
    short = short_answer(item(text, text), "who", stems("Кто провёл встречу?"),
                         recogniser=NATASHA)
    assert short is not None and short.text == "Сергей Лавров и Марко Рубио"


def test_how_many_counts_what_the_question_counts() -> None:
    text = "За три дня в Бангкоке погибли 25 человек, ранены 800 полицейских."
    short = short_answer(item(text, text), "how_many", stems("Сколько человек погибло?"),
                         unit="человек")
    assert short is not None and short.text == "25 человек"
    money = "HP купит 3Com за 2,7 млрд долларов, сообщила компания в 2009 году."
    short = short_answer(item(money, money), "how_many", stems("За сколько HP покупает 3Com?"),
                         unit="money")
    assert short is not None and short.text == "2,7 млрд долларов"


def test_a_value_the_question_holds_is_no_answer() -> None:
    text = "Разговор продолжался 50 минут."
    assert short_answer(item(text, text), "how_long", stems("Правда ли разговор шёл 50 минут?")) \
        is None


def test_a_tie_or_an_unclear_type_gives_none() -> None:
    text = "Посольства открылись в Москве и в Вашингтоне."
    # neither place is nearer the question's words than the other
    assert short_answer(item(text, text), "where", stems("Где работают консулы?")) is None
    # the nearest one wins
    near = short_answer(item(text, text), "where", stems("Где открылись посольства?"))
    assert near is not None and near.value == "Москва"
    assert short_answer(item(text, text), None, stems("что там с посольствами?")) is None
    assert short_answer(item(text, text), "why", stems("почему открылись посольства?")) is None


def test_nothing_of_the_type_gives_none() -> None:
    text = "Стороны обсудили двусторонние отношения."
    assert short_answer(item(text, text), "how_many", stems("Сколько стран?"), unit="стран") \
        is None


def test_when_is_the_event_date_at_its_mention() -> None:
    first = MEETING.split(". ", maxsplit=1)[0] + "."
    short = short_answer(item(MEETING, first, ("2025-07-10",)), "when", stems("Когда?"),
                         event_date="2025-07-10")
    assert short is not None and (short.text, short.value) == ("10 июля", "2025-07-10")
    assert short_answer_text(short, "ru") == "10 июля 2025\u00a0г."
    assert short_answer_text(short, "en") == "10 July 2025"


@pytest.mark.parametrize(("question", "kind", "shown"), [
    ("Когда Рубио и Лавров встретились лично?", "date", "10 июля 2025\u00a0г."),
    ("где лавров с рубио виделись лично?", "place", "Куала-Лумпур"),
    ("How long did the meeting in Kuala Lumpur last?", "duration", "about 50 minutes"),
    ("Сколько длилась встреча в Куала-Лумпуре?", "duration", "около 50 минут"),
])
def test_seed_answers_open_with_the_short_answer(
    seed_news: NewsIndex, question: str, kind: str, shown: str
) -> None:
    answer = seed_news.answer(question)
    record = answer_to_dict(answer)
    short = record["short_answer"]
    assert isinstance(short, dict) and (short["type"], short["text"]) == (kind, shown)
    span = short["span"]
    assert isinstance(span, list)
    assert answer.items[0].excerpt[span[0]:span[1]] == short["quote"]
    assert answer_plain(answer).startswith(shown + "\n")
    assert str(record["text"]).startswith(f"<b>{shown}</b>\n")
    # inline: the answer is the title (one line, plain spaces)
    assert inline_results(answer, "t")[0].title == shown.replace("\xa0", " ")


def test_an_unclear_question_has_no_short_answer(seed_news: NewsIndex) -> None:
    assert answer_to_dict(seed_news.answer("что там с посольствами?"))["short_answer"] is None


def test_an_english_reader_gets_durations_and_amounts_in_english() -> None:
    def shown(text: str, kind: ShortKind) -> str:
        return short_answer_text(ShortAnswer(text, kind, (0, len(text))), "en")

    assert shown("около 50 минут", "duration") == "about 50 minutes"
    assert shown("2,7 млрд долларов", "number") == "2,7 billion dollars"
    assert shown("30 государственным служащим", "number") == "30 государственным служащим"
    assert shown("Сергей Лавров", "person") == "Сергей Лавров"


def test_a_year_question_is_answered_by_a_year() -> None:
    text = "Вашингтон начал прижимать российских дипломатов ещё в 2016 году, 29 декабря."
    short = short_answer(item(text, text, ("2016-12-29",)), "when", stems("В каком году?"),
                         event_date="2016-12-29", question="В каком году это началось?")
    assert short is not None and (short.text, short.value) == ("2016 году", "2016")
    assert short_answer_text(short, "ru") == "2016"


def test_a_date_is_no_count_and_an_adjective_is_not_what_is_counted() -> None:
    text = "22 февраля комиссия закрыла въезд 30 государственным служащим."
    short = short_answer(item(text, text), "how_many", stems("Скольким чиновникам закрыли въезд?"))
    assert short is not None and short.text == "30 государственным служащим"


def test_russia_is_the_setting_not_the_answer_to_where() -> None:
    text = "Завод построят в России, в Ступине."
    short = short_answer(item(text, text), "where", stems("Где построят завод?"),
                         question="Где построят завод?")
    assert short is not None and short.text == "Ступине"
    country = short_answer(item("Завод построят в России.", "Завод построят в России."), "where",
                           stems("В какой стране построят завод?"),
                           question="В какой стране построят завод?")
    assert country is not None and country.value == "Россия"


def test_who_is_a_person_unless_an_organisation_is_asked_for() -> None:
    text = "Компанию SeeSaw основала корпорация BBC."
    assert short_answer(item(text, text), "who", stems("Кто основал SeeSaw?"),
                        recogniser=NATASHA, question="Кто основал SeeSaw?") is None
    org = short_answer(item(text, text), "who", stems("Какая компания основала SeeSaw?"),
                       recogniser=NATASHA, question="Какая компания основала SeeSaw?")
    assert org is not None and (org.text, org.kind) == ("BBC", "org")


def test_people_are_shown_as_the_subject_of_a_sentence() -> None:
    text = ("Госсекретарь встретился с Сергеем Лавровым и Марком Рубио, а позже с Саломе "
            "Зурабишвили.")
    short = short_answer(item(text, text), "who", stems("С кем встретился госсекретарь?"),
                         recogniser=NATASHA)
    assert short is not None and short.text == "Сергеем Лавровым и Марком Рубио"
    assert short_answer_text(short, "ru") == "Сергей Лавров и Марк Рубио"
    indeclinable = "Премьером станет Саломе Зурабишвили."
    short = short_answer(item(indeclinable, indeclinable), "who", stems("Кто станет премьером?"),
                         recogniser=NATASHA)
    assert short is not None and short_answer_text(short, "ru") == "Саломе Зурабишвили"
