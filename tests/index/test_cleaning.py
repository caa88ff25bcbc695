"""Boilerplate removal on the real scraped seed pages."""

from __future__ import annotations

import pytest

from index.cleaning import clean_article, normalize
from tests.conftest import SEEDS


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


def test_title_url_and_comment_counter() -> None:
    raw = (SEEDS / "003_1e776d1f199686d9.txt").read_text(encoding="utf-8")
    clean = clean_article(raw)
    assert clean.url == (
        "https://baodaknong.vn/nga-va-my-chuan-bi-to-chuc-hoi-nghi-thuong-dinh-song-phuong-242964.html"
    )
    assert "Комментарий (0)" not in clean.text
    assert "Источник: https" not in clean.text
    # the caption is the page's only lead: its credit goes, its sentence stays, once
    assert clean.text.count("провели телефонный разговор.") == 1
    assert "(Фото" not in clean.text
    assert clean.title.startswith("Министр иностранных дел России Сергей Лавров")


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
