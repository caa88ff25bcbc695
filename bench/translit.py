"""How well transliterated Russian is recognised and read back into Cyrillic (index/language.py).

    .venv/bin/python -m bench.translit [--data ../shared/bench/xquad]

The 1,190 Russian XQuAD questions are written in Latin letters by four systems (passport ICAO,
GOST 7.79 B, the press's BGN/PCGN-like spelling, chat spelling without soft signs); for each,
the share recognised as Russian and the share of words read back exactly (ё counted as е).
The 1,190 English questions of the same set must stay English: their share taken for Russian
is the false-positive rate.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from pathlib import Path

from index.language import is_transliterated, to_cyrillic

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "bench" / "xquad"

_BASE = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s",
    "т": "t", "у": "u", "ф": "f", "ч": "ch", "ш": "sh", "э": "e",
}
SCHEMES: dict[str, dict[str, str]] = {
    # Russian passports since 2013
    "icao": _BASE | {"й": "i", "х": "kh", "ц": "ts", "щ": "shch", "ъ": "ie", "ы": "y", "ь": "",
                     "ю": "iu", "я": "ia"},
    # GOST 7.79-2000, system B (c for ц is written cz here throughout)
    "gost": _BASE | {"ё": "yo", "й": "j", "х": "x", "ц": "cz", "щ": "shh", "ъ": "``",
                     "ы": "y'", "ь": "`", "э": "e`", "ю": "yu", "я": "ya"},
    # names in English-language news: BGN/PCGN without the apostrophes
    "press": _BASE | {"й": "y", "х": "kh", "ц": "ts", "щ": "shch", "ъ": "", "ы": "y", "ь": "",
                      "ю": "yu", "я": "ya"},
    # chat: h for х, c for ц, sch for щ, no soft sign
    "chat": _BASE | {"й": "y", "х": "h", "ц": "c", "щ": "sch", "ъ": "", "ы": "y", "ь": "",
                     "ю": "yu", "я": "ya"},
}
_WORD = re.compile(r"[а-яё]+", re.IGNORECASE)


def transliterate(text: str, scheme: dict[str, str]) -> str:
    def word(m: re.Match[str]) -> str:
        w = m.group()
        latin = "".join(scheme.get(ch, ch) for ch in w.lower())
        return latin.capitalize() if w[0].isupper() else latin
    return _WORD.sub(word, text)


def _words(text: str) -> list[str]:
    return [w.lower().replace("ё", "е") for w in _WORD.findall(text)]


def questions(data: Path, lang: str) -> list[str]:
    sets = json.loads((data / f"xquad.{lang}.json").read_text(encoding="utf-8"))["data"]
    return [qa["question"] for a in sets for p in a["paragraphs"] for qa in p["qas"]]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.translit", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    russian = questions(args.data, "ru")
    english = questions(args.data, "en")
    to_cyrillic("warm up")  # loads pymorphy3's dictionary
    print(f"{'system':8} {'recognised':>10} {'words right':>12} {'ms/question':>12}")
    for name, scheme in SCHEMES.items():
        recognised = right = total = 0
        started = time.perf_counter()
        for question in russian:
            latin = transliterate(question, scheme)
            recognised += is_transliterated(latin)
            back, original = _words(to_cyrillic(latin)), _words(question)
            if len(back) == len(original):
                right += sum(a == b for a, b in zip(back, original, strict=True))
            total += len(original)
        ms = (time.perf_counter() - started) * 1000 / len(russian)
        print(f"{name:8} {recognised / len(russian):>10.1%} {right / total:>12.1%} {ms:>12.2f}")
    false = sum(is_transliterated(q) for q in english)
    print(f"English questions taken for Russian: {false} of {len(english)} "
          f"({false / len(english):.1%})")


if __name__ == "__main__":
    main()
