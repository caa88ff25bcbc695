#!/usr/bin/env bash
# Set up .venv and run the main job: the Telegram bot when BOT_TOKEN is set (environment or
# .env), otherwise a sample answer from the seed articles. Extra arguments go to `python -m bot`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/python -m bot "$@"
