"""Entry point: `python -m bot`. Wiring lives in bot.cli; nothing here but the call."""

import sys

from bot.cli import main

sys.exit(main())
