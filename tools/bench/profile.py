"""Optional (`--profile`): samples the Rasa server and the action server with py-spy while the load
runs and sums the on-CPU samples by what they were doing. py-spy is not a project dependency:
`.venv/bin/pip install py-spy==0.4.3` to use it."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Tuple

RATE = 50  # samples per second: enough for a 30-60 s run, light on 2 cores
# The first category whose marker occurs anywhere in a sampled stack takes the sample.
CATEGORIES: Dict[str, List[Tuple[str, Tuple[str, ...]]]] = {
    "rasa": [
        # Rasa 3.6 checks its response schema on every custom action call (jsonschema.validate).
        ("action response validation (jsonschema)", ("jsonschema/", "pyrsistent/")),
        ("tracker store (SQLite via SQLAlchemy)", ("tracker_store.py", "sqlalchemy/", "sqlite3")),
        ("NLU pipeline (spaCy, featurizers, DIET, safety screen)", ("rasa/nlu/", "spacy/", "safety_screen.py")),
        ("policy ensemble (TED, rules, memoization)", ("rasa/core/policies/",)),
        ("graph / featurising the tracker", ("rasa/engine/", "rasa/core/featurizers/", "rasa/shared/core/trackers.py")),
        ("action server calls (HTTP client)", ("rasa/core/actions/", "aiohttp/client")),
        ("HTTP server and channel", ("sanic/", "rasa/core/channels/", "rasa/server.py")),
    ],
    "actions": [
        ("waiting-times HTTP call", ("waiting_times/client.py", "requests/", "urllib3/")),
        ("database (SQLAlchemy)", ("sqlalchemy/", "sqlite3")),
        ("project code (actions/, bot/)", ("/actions/", "/bot/")),
        ("rasa-sdk and HTTP server", ("rasa_sdk/", "sanic/")),
    ],
}


# Leaf frames of threads that wait rather than work; py-spy does not always see them as idle.
IDLE_LEAVES = (
    "_worker (concurrent/futures/thread.py",
    "serve (sanic/server/runners.py",
    "select (selectors.py",
    "run_forever (asyncio/base_events.py",
)


@dataclass
class Recorder:
    processes: Dict[str, subprocess.Popen] = field(default_factory=dict)
    outputs: Dict[str, Path] = field(default_factory=dict)
    note: Optional[str] = None


def executable() -> Optional[str]:
    return shutil.which("py-spy") or (
        str(Path(sys.executable).parent / "py-spy") if (Path(sys.executable).parent / "py-spy").exists() else None
    )


def start(pids: Dict[str, int], folder: Path) -> Recorder:
    spy = executable()
    if not spy:
        return Recorder(note="py-spy is not installed: no profile (.venv/bin/pip install py-spy==0.4.3)")
    folder.mkdir(parents=True, exist_ok=True)
    recorder = Recorder()
    for name in ("rasa", "actions"):
        if name not in pids:
            continue
        output = folder / f"{name}.pyspy.txt"
        recorder.outputs[name] = output
        recorder.processes[name] = subprocess.Popen(
            [
                spy,
                "record",
                "--pid",
                str(pids[name]),
                "--rate",
                str(RATE),
                "--format",
                "raw",
                "--output",
                str(output),
                "--nonblocking",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    return recorder


def stop(recorder: Recorder) -> Dict[str, object]:
    """Stops the samplers (py-spy writes its file on SIGINT) and sums the samples by category."""
    if recorder.note:
        return {"note": recorder.note}
    for process in recorder.processes.values():
        process.send_signal(signal.SIGINT)
    summary: Dict[str, object] = {}
    for name, process in recorder.processes.items():
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        summary[name] = categorise(recorder.outputs[name], CATEGORIES.get(name, []))
        summary[name]["file"] = str(recorder.outputs[name])
    return summary


def categorise(path: Path, categories: List[Tuple[str, Tuple[str, ...]]]) -> Dict[str, object]:
    """Shares of the on-CPU samples per category, from py-spy's raw (collapsed stack) output."""
    counts: Counter = Counter()
    idle = 0
    if not path.exists():
        return {"samples": 0, "shares": {}}
    for line in path.read_text(errors="replace").splitlines():
        stack, _, number = line.rpartition(" ")
        if not number.isdigit():
            continue
        if stack.rsplit(";", 1)[-1].startswith(IDLE_LEAVES):
            idle += int(number)
            continue
        label = next((label for label, markers in categories if any(marker in stack for marker in markers)), "other")
        counts[label] += int(number)
    total = sum(counts.values())
    return {
        "samples": total,
        "idle_samples_left_out": idle,
        "seconds_on_cpu": round(total / RATE, 1),
        "shares": {label: round(count / total, 3) for label, count in counts.most_common()} if total else {},
    }
