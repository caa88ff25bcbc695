#!/usr/bin/env bash
# Create .venv at the repository root and install the project into it.
#   scripts/setup.sh          the bot and its default (embedded) model
#   scripts/setup.sh --dev    also the sentence-transformers backend, the test and lint tools,
#                             and the benchmark tools
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
if [ "${1:-}" = "--dev" ]; then
    # CPU-only torch first: a bare `torch` requirement would pull a multi-GB CUDA build
    .venv/bin/python -m pip install --quiet "torch==2.13.0"
    .venv/bin/python -m pip install --quiet -e ".[sentence-transformers,test,bench]"
else
    .venv/bin/python -m pip install --quiet -e .
fi
