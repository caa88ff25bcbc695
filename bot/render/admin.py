"""What admins and the command line see of the index: statistics and reindex reports."""

from __future__ import annotations

from bot.render.markup import code, split_messages
from bot.stats import BotStats
from bot.texts import Markup, escape, t, text
from index.types import BuildReport, Lang


def stats_html(stats: BotStats, articles: int, chunks: int, generation: str,
               reindexing: bool, lang: Lang, reader: str | None = None,
               reader_problem: str | None = None) -> str:
    """`reader`: the trained reader's name, or None when the rule-based decision answers
    (`reader_problem` says why)."""
    median = stats.median_seconds
    decider = (t(lang, "stats_reader", name=reader) if reader else
               t(lang, "stats_rules", reason=reader_problem or "no reader configured"))
    return t(
        lang,
        "stats",
        articles=articles,
        chunks=chunks,
        questions=stats.questions,
        found=stats.found,
        inline=stats.inline_queries,
        median="—" if median is None else f"{median * 1000:.0f} ms",
        uptime=_duration(stats.uptime_seconds),
        generation=generation,
        reindexing=Markup(t(lang, "stats_reindexing") if reindexing else ""),
        decider=Markup(decider),
    )


def _duration(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    clock = f"{hours:d}:{minutes:02d}:{secs:02d}"
    return f"{days}d {clock}" if days else clock


def report_html(report: BuildReport, lang: Lang) -> str:
    """A build report as the reindex summary: counts, then each skipped file and why."""
    message = t(
        lang,
        "reindex_done",
        seconds=f"{report.seconds:.1f}",
        indexed=len(report.indexed),
        chunks=report.chunks,
        embedded=report.embedded,
        reused=report.chunks - report.embedded,
    )
    if report.skipped:
        lines = [f"• {code(s.name)}: {escape(s.reason)}" for s in report.skipped]
        message = split_messages(
            message + "\n" + t(lang, "reindex_skipped", n=len(report.skipped)), lines)[0]
    return message


def report_plain(report: BuildReport, lang: Lang = "en") -> str:
    """A build report for a terminal: counts, then one line per skipped file and why."""
    lines = [text(lang, "built", indexed=len(report.indexed), chunks=report.chunks,
                  embedded=report.embedded, reused=report.chunks - report.embedded,
                  seconds=f"{report.seconds:.1f}")]
    if report.skipped:
        lines.append(text(lang, "reindex_skipped", n=len(report.skipped)))
        lines.extend(f"  - {s.name}: {s.reason}" for s in report.skipped)
    return "\n".join(lines)
