"""The named-entity seam: natasha's tagger, loaded once and only when first used."""

from __future__ import annotations

from index.ner import NatashaRecogniser, NoEntities, default_recogniser


def test_natasha_tags_places_organisations_and_people_in_russian_text() -> None:
    text = ("Их беседа состоялась 10 июля в Куала-Лумпуре на полях АСЕАН, пишет Reuters. "
            "Сергей Лавров и Марко Рубио говорили около 50 минут.")
    found = {(e.text, e.kind) for e in NatashaRecogniser().entities(text)}
    assert {("Куала-Лумпуре", "place"), ("АСЕАН", "org"), ("Reuters", "org"),
            ("Сергей Лавров", "person"), ("Марко Рубио", "person")} <= found
    for entity in NatashaRecogniser().entities(text):
        assert text[entity.start:entity.end] == entity.text


def test_the_model_loads_on_first_use_not_at_start() -> None:
    recogniser = default_recogniser()
    assert isinstance(recogniser, NatashaRecogniser)
    assert recogniser._tagger is None  # nothing loaded until a question needs it
    assert recogniser.entities("   ") == []
    assert recogniser._tagger is None
    recogniser.entities("Путин")
    tagger = recogniser._tagger
    recogniser.entities("Трамп")
    assert tagger is not None and recogniser._tagger is tagger


def test_no_entities_finds_nothing() -> None:
    assert NoEntities().entities("Сергей Лавров в Москве") == []
