"""Benchmarks: measurements of the engine on public data (not timed tests; see BENCHMARKS.md)."""
