"""The one command, `python -m bot`."""

import os
import subprocess
import sys

from tools.servers import ROOT


def test_the_one_command_lists_its_subcommands():
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0
    for command in (
        "migrate",
        "seed-demo",
        "load",
        "import-waits",
        "provider-key",
        "add-staff",
        "add-token",
        "demo-accounts",
        "webhook-secret",
        "serve",
        "serve-waits",
        "deliver",
        "purge",
        "build-nlp",
    ):
        assert f"\n    {command} " in result.stdout, command
