"""`python -m bot <command>`: see bot/cli.py, or `python -m bot --help`."""

import sys

from bot.cli import main

sys.exit(main())
