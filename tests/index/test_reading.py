"""Reading the corpus folder: good files in, bad files skipped with a reason a person can act on."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from index.errors import BadSeedFile
from index.reading import RawFile, decode_article, iter_corpus
from index.types import SkippedFile

STORY = "Госсекретарь США Марко Рубио встретился с Сергеем Лавровым в Куала-Лумпуре.\n"


def _read(folder: Path) -> tuple[dict[str, RawFile], dict[str, str]]:
    good: dict[str, RawFile] = {}
    bad: dict[str, str] = {}
    for item in iter_corpus(folder, max_bytes=10_000):
        if isinstance(item, SkippedFile):
            bad[item.name] = item.reason
        else:
            good[item.name] = item
    return good, bad


def test_bad_files_are_named_with_reasons_and_good_ones_read(tmp_path: Path) -> None:
    folder = tmp_path / "seeds"
    folder.mkdir()
    (folder / "good.txt").write_text(STORY, encoding="utf-8")
    (folder / "cp1251.txt").write_bytes(STORY.encode("cp1251"))
    (folder / "bom.txt").write_bytes(b"\xef\xbb\xbf" + STORY.encode("utf-8"))
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.txt").write_text("  \n\n ", encoding="utf-8")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (folder / "huge.txt").write_text(STORY * 200, encoding="utf-8")
    (folder / "notes.pdf").write_bytes(b"%PDF-1.4")
    (folder / "sub").mkdir()
    (folder / ".hidden.txt").write_text(STORY, encoding="utf-8")
    outside = tmp_path / "secret.txt"
    outside.write_text(STORY, encoding="utf-8")
    os.symlink(outside, folder / "link.txt")
    os.symlink(folder / "good.txt", folder / "inside-link.txt")

    good, bad = _read(folder)

    assert set(good) == {"good.txt", "cp1251.txt", "bom.txt", "inside-link.txt"}
    assert good["cp1251.txt"].text == STORY
    assert good["bom.txt"].text == STORY
    assert "empty" in bad["empty.txt"] and "empty" in bad["blank.txt"]
    assert "binary" in bad["binary.txt"]
    assert "too large" in bad["huge.txt"]
    assert ".txt" in bad["notes.pdf"]
    assert "folder" in bad["sub"]
    assert "outside" in bad["link.txt"]
    assert ".hidden.txt" not in bad and ".hidden.txt" not in good


def test_same_bytes_same_hash(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(STORY, encoding="utf-8")
    (tmp_path / "b.txt").write_text(STORY, encoding="utf-8")
    good, _ = _read(tmp_path)
    assert good["a.txt"].sha256 == good["b.txt"].sha256


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\x00\x01\x02text", "NUL"),
        (bytes([0x98, 0x98, 0x98]) * 10, "cp1251"),
        (b"\x01\x02\x03\x04\x05\x06\x07\x08" * 50 + b"abc", "text"),
    ],
)
def test_decode_refuses_non_text(data: bytes, reason: str) -> None:
    with pytest.raises(BadSeedFile, match=reason):
        decode_article(data)


# -- encodings: UTF-8, UTF-16 with a byte-order mark, then cp1251 or latin-1 ----------------

# Western European news sentences: in latin-1 (or its Windows superset cp1252) every accented
# letter is one byte of 0xC0-0xFF, the same bytes cp1251 reads as Cyrillic letters
WESTERN = {
    "fr": "Le président français a rencontré à Genève le ministre allemand. « C'est très "
          "important », a-t-il déclaré après la réunion de l'été, où l'on a parlé d'énergie.",
    "de": "Der Außenminister traf am Dienstag in München seinen französischen Amtskollegen. "
          "Über die Gespräche wurde Stillschweigen vereinbart, hieß es aus Regierungskreisen.",
    "es": "El ministro español se reunió en Madrid con su homólogo portugués. La reunión "
          "duró más de dos horas y se habló de la cooperación económica y de la migración.",
    "pt": "O presidente português recebeu em Lisboa o chefe da diplomacia espanhola. A "
          "reunião decorreu à porta fechada e não houve declarações à imprensa.",
    "it": "Il presidente del Consiglio ha incontrato a Roma il ministro degli Esteri. "
          "Secondo fonti governative, l'incontro è stato cordiale e si è parlato di sicurezza.",
    "sv": "Sveriges utrikesminister träffade på måndagen sin finländska kollega i Göteborg. "
          "Mötet handlade om säkerhetsläget i Östersjön och om energifrågor.",
}
CYRILLIC = {
    "ru": STORY + "Министр заявил, что переговоры «прошли в конструктивном ключе» — и добавил, "
                  "что следующая встреча состоится в Женеве.\n",
    "uk": "Міністр закордонних справ України зустрівся з колегою з Польщі. Сторони "
          "обговорили питання безпеки та енергетики, повідомляє пресслужба відомства.\n",
    "be": "Міністр замежных спраў Беларусі сустрэўся з калегам. Бакі абмеркавалі пытанні "
          "гандлю і транспарту, паведамляе прэс-служба ведамства.\n",
}


@pytest.mark.parametrize("lang", sorted(WESTERN))
@pytest.mark.parametrize("encoding", ["latin-1", "cp1252"])
def test_latin1_text_is_read_as_latin1_not_cp1251(lang: str, encoding: str) -> None:
    text = WESTERN[lang]
    if encoding == "cp1252":
        text = text.replace("« ", "“").replace(" »", "”") + " – fin…"
    assert decode_article(text.encode(encoding)) == text


@pytest.mark.parametrize("lang", sorted(CYRILLIC))
def test_cp1251_text_is_still_read_as_cp1251(lang: str) -> None:
    assert decode_article(CYRILLIC[lang].encode("cp1251")) == CYRILLIC[lang]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_utf16_with_a_byte_order_mark_is_text(encoding: str) -> None:
    text = STORY + WESTERN["de"]
    # Python writes the mark itself for "utf-16" and "utf-32", not for "-le" and "-be"
    data = ("\ufeff" + text).encode(encoding) if encoding[-2:] in {"le", "be"} else (
        text.encode(encoding))
    assert data[:2] in {b"\xff\xfe", b"\xfe\xff"}
    assert decode_article(data) == text


def test_utf16_without_a_mark_is_read_when_it_plainly_is_utf16() -> None:
    assert decode_article(STORY.encode("utf-16-le")) == STORY
    assert decode_article(WESTERN["fr"].encode("utf-16-be")) == WESTERN["fr"]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\xff\xfe" + b"\x00\xd8" * 40, "UTF-16"),  # a mark, then unpaired surrogates
        (b"\xff\xfe" + "\x01\x02\x03".encode("utf-16-le") * 40, "binary or garbled"),
        (bytes([0x98, 0x81]) * 300, "not UTF-8, UTF-16, cp1251 or latin-1 text"),
    ],
    ids=["broken-utf16", "utf16-controls", "no-encoding-fits"],
)
def test_undecodable_text_is_refused_with_a_clear_reason(data: bytes, reason: str) -> None:
    with pytest.raises(BadSeedFile, match=reason):
        decode_article(data)


def test_the_choice_holds_on_the_seed_articles_in_cp1251() -> None:
    """The Russian side of the measurement: every seed article, re-encoded as cp1251."""
    seeds = Path(__file__).resolve().parents[2] / "seeds"
    for path in sorted(seeds.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        assert decode_article(text.encode("cp1251", "replace")) == text.encode(
            "cp1251", "replace").decode("cp1251"), path.name
