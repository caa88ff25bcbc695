#!/usr/bin/env bash
# Set up .venv with everything, then lint (ruff, hadolint), type-check (mypy) and run the whole
# test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --dev
.venv/bin/ruff check bot index tests bench reader
.venv/bin/mypy
.venv/bin/hadolint Dockerfile
HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 .venv/bin/python -m pytest -q "$@"
