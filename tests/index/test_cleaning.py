"""Boilerplate removal on the real scraped seed pages."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from index.chunking import split_sentences
from index.cleaning import clean_article, normalize
from tests.conftest import REPO, SEEDS


def _clean(name: str) -> str:
    return clean_article((SEEDS / name).read_text(encoding="utf-8")).text


@pytest.mark.parametrize("name", ["002_80243a7568773db2.txt", "004_b0d3fac15905dcbe.txt"])
def test_zerkalo_pages_lose_banner_label_headline_list_and_captions(name: str) -> None:
    text = _clean(name)
    assert "Поддержать команду Зеркала" not in text
    assert "Беларусы на войне" not in text
    assert "В Беларуси дорожает автомобильное топливо" not in text
    assert "Орешником" not in text
    assert "Фото:" not in text
    assert "\n/\n" not in f"\n{text}\n"
    # the story itself survives, from its first sentence to its last
    assert "Рубио" in text and "Лавров" in text


def test_teaser_block_of_other_articles_goes_with_its_dates() -> None:
    raw = (SEEDS / "000_776e3a7b1538294f.txt").read_text(encoding="utf-8")
    clean = clean_article(raw)
    for gone in ["Статьи", "Все статьи", "Если Америка нас оставит", "19:36", "Фесенко"]:
        assert gone not in clean.text
    assert clean.text.endswith("придется пойти на территориальные уступки.")
    assert "21.02.2025" in clean.context  # kept aside for resolving years


def test_title_url_outlet_and_comment_counter() -> None:
    raw = (SEEDS / "003_1e776d1f199686d9.txt").read_text(encoding="utf-8")
    clean = clean_article(raw)
    assert clean.url == (
        "https://baodaknong.vn/nga-va-my-chuan-bi-to-chuc-hoi-nghi-thuong-dinh-song-phuong-242964.html"
    )
    assert clean.outlet == "baodaknong.vn"
    assert "Комментарий (0)" not in clean.text
    assert "Источник: https" not in clean.text
    # the photo's caption is neither the title nor story: it is kept aside, with its date
    assert "(слева)" not in clean.text and "(слева)" not in clean.title
    assert "(Фото" not in clean.text
    assert "Лавров (слева)" in clean.context
    assert clean.title.startswith("По данным МИД России")
    assert clean.text.startswith("По данным МИД России")


def test_outlet_from_the_story_s_own_attribution() -> None:
    clean = clean_article((SEEDS / "004_b0d3fac15905dcbe.txt").read_text(encoding="utf-8"))
    assert clean.outlet == "Reuters"
    assert "пишет Reuters" in clean.text  # attribution is part of the story: it stays
    assert not clean.title.endswith(".")
    for name in ("000_776e3a7b1538294f.txt", "001_937c67591dbea8fc.txt"):
        # ministries are sources, not outlets
        assert clean_article((SEEDS / name).read_text(encoding="utf-8")).outlet is None


def test_attribution_within_the_story_stays() -> None:
    clean = clean_article((SEEDS / "001_937c67591dbea8fc.txt").read_text(encoding="utf-8"))
    assert 'Дословно МИД РФ: "С.В. Лавров' in clean.text
    assert "Дословно Госдеп:" in clean.text
    assert "ЕвроПравды" not in clean.text  # a promotion of another article goes


def test_headline_title_is_kept() -> None:
    raw = (SEEDS / "001_937c67591dbea8fc.txt").read_text(encoding="utf-8")
    clean = clean_article(raw)
    assert clean.title == "Госсекретарь США поговорил с Лавровым"
    assert "Читайте также" not in clean.text


def test_repeated_caption_is_dropped_but_its_date_kept_as_context() -> None:
    raw = (SEEDS / "004_b0d3fac15905dcbe.txt").read_text(encoding="utf-8")
    clean = clean_article(raw)
    assert "10 июля 2025 года" in clean.context
    assert "Малайзия" not in clean.text


def test_invisible_and_bidi_characters_are_removed() -> None:
    text = normalize("Лав\u200bров\u202e и\u00a0Рубио\ufeff")
    assert text == "Лавров и Рубио"


def test_a_short_numbered_list_inside_a_story_is_kept() -> None:
    raw = "Заголовок\nТекст статьи про встречу.\n1. Первое условие.\n2. Второе условие.\nКонец."
    clean = clean_article(raw)
    assert "1. Первое условие." in clean.text


def test_page_of_only_boilerplate_leaves_nothing() -> None:
    raw = "Поддержать команду Зеркала\n  1. a b\n  2. c d\n  3. e f\n/\nКомментарий (0)\n"
    assert clean_article(raw).text == ""


def test_agency_byline_and_dateline_go_and_name_the_outlet() -> None:
    clean = clean_article("МОСКВА, 15 фев — РИА Новости. Лавров провел переговоры с Рубио.\n"
                          "Стороны договорились продолжить.\nРИА Новости")
    assert clean.text == "Лавров провел переговоры с Рубио.\nСтороны договорились продолжить."
    assert clean.title == "Лавров провел переговоры с Рубио"
    assert clean.outlet == "РИА Новости"
    assert "МОСКВА, 15 фев" in clean.context  # (the dateline dates the article)
    tass = clean_article("Учения начались - РИА Новости\nМОСКВА, 15 февраля. /ТАСС/. Министр "
                         "обороны заявил об учениях.\nАвтор: Иван Петров\n© ТАСС")
    assert tass.text == "Учения начались\nМинистр обороны заявил об учениях."
    assert tass.title == "Учения начались" and tass.outlet == "ТАСС"
    english = clean_article("Talks begin | Lenta.ru\nWASHINGTON (Reuters) - The talks began on "
                            "Monday. Read more: another story.\nBy Jane Smith")
    assert english.text == "Talks begin\nThe talks began on Monday."
    assert english.outlet == "Reuters"


@pytest.mark.parametrize(
    ("raw", "outlet"),
    [
        ("Сделка закрыта.\nКак сообщает газета «Ведомости», сумма не раскрывается.", "Ведомости"),
        ("Кредит выдан, сообщает Лента.ру.", "Лента.ру"),
        ("Как сообщается на сайте Roem.ru, тариф отменят.", "Roem.ru"),
        ("Talks began, according to Reuters.", "Reuters"),
        ("Об этом сообщили МИД РФ и Госдеп США.", None),
        ("Пользователь zyalt сообщает, что задержаны 30 человек.", None),
    ],
)
def test_outlet_from_an_attribution(raw: str, outlet: str | None) -> None:
    assert clean_article(raw).outlet == outlet


def test_captions_and_promotions_go_but_a_headline_beside_them_stays() -> None:
    clean = clean_article(
        "Лавров и Рубио встретились\n"
        "Лавров (слева) и Рубио на встрече в Эр-Рияде\n"
        "Встреча длилась четыре часа. Подробнее читайте в нашем материале о переговорах. "
        "Стороны договорились продолжить.\n"
        "О переговорах читайте в статье Частного корреспондента «Жара продолжается»"
    )
    assert clean.title == "Лавров и Рубио встретились"
    assert clean.text == ("Лавров и Рубио встретились\n"
                          "Встреча длилась четыре часа. Стороны договорились продолжить.")


def test_a_story_s_own_numbered_points_are_kept() -> None:
    raw = ("Город выбран не случайно.\n1. Это побратим Москвы.\n2. Это удобный город.\n"
           "3. Здесь много русскоязычных врачей.\nКонец.")
    assert "3. Здесь много русскоязычных врачей." in clean_article(raw).text


def _sentences_of(text: str) -> list[str]:
    out = []
    for line in text.split("\n"):
        out.extend(" ".join(line[s:e].split()) for s, e in split_sentences(line))
    return [s for s in out if s]


FACTRU = REPO / "bench" / "newsqa" / "factru"


def test_no_sentence_of_real_news_is_lost() -> None:
    """The 122 FactRuEval articles are story text from other outlets: cleaning them drops the
    five sentences that promote other articles, and not one sentence more."""
    dropped: list[str] = []
    for path in sorted(FACTRU.glob("*.txt")):
        raw = path.read_text(encoding="utf-8")
        before = Counter(_sentences_of(normalize(raw)))
        after = Counter(_sentences_of(clean_article(raw).text))
        assert not after - before, path.name  # nothing is made up either
        dropped.extend((before - after).elements())
    assert len(dropped) == 5, dropped
    assert all("читайте в статье" in sentence for sentence in dropped), dropped


SEED_BOILERPLATE = re.compile(
    r"^\d{1,2}\. |^\d\d[.:]\d\d|^(Статьи|Страна|Мир|Все статьи|Поддержать команду Зеркала"
    r"|Беларусы на войне|/|Комментарий \(0\)|Источник: https)|Фото:|Читайте также"
)


def test_what_the_seed_pages_lose_is_boilerplate() -> None:
    """Every line the seed pages lose is site furniture (banners, headline lists, teaser blocks
    of other articles, captions), and every seed keeps most of its sentences."""
    for path in sorted(SEEDS.glob("*.txt")):
        raw = normalize(path.read_text(encoding="utf-8"))
        clean = clean_article(raw)
        kept = set(clean.text.split("\n"))
        lost = [line for line in raw.split("\n") if line and line not in kept]
        teaser = "Все статьи" in raw
        for line in lost:
            assert SEED_BOILERPLATE.search(line) or (teaser and _in_teaser(raw, line)), \
                (path.name, line)
        assert len(_sentences_of(clean.text)) >= 8, path.name


def _in_teaser(raw: str, line: str) -> bool:
    """Whether `line` sits in the page's block of other articles' teasers."""
    start, end = raw.index("\nСтатьи\n"), raw.index("Все статьи")
    return start < raw.index(line) < end
