"""Write a trained reader as the committed delta file (see ``index/reader/files.py``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from . import e5file


def write_delta(base: e5file.E5File, layers: int, tensors: dict[str, np.ndarray],
                head_w: np.ndarray, head_b: np.ndarray, out: Path) -> None:
    """An E5S1 file with `layers` layers, no tokenizer and no word embedding, and the head.

    Written to a temporary name and moved into place, so an interrupted run leaves the
    shipped file as it was."""
    tok = base.tokenizer
    empty = e5file.Tokenizer([], np.zeros(0, dtype=np.float32), tok.bos, tok.eos, tok.pad,
                             tok.unk, {})
    named = dict(tensors)
    named["head.w"] = np.asarray(head_w, dtype=np.float32).reshape(-1)
    named["head.b"] = np.asarray(head_b, dtype=np.float32).reshape(-1)
    model = e5file.E5File(base.version, base.hidden, layers, base.heads, base.ff, base.vocab,
                          base.max_pos, base.type_vocab, base.eps, empty, named,
                          {n for n in base.q4 if n in named})
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".partial")
    e5file.write(model, tmp)
    tmp.replace(out)
