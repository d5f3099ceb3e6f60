"""The processes under load: the project's full stack as `make run` starts it, and the reference bot
(Rasa's own starter project, `rasa init`), each on free loopback ports, with their peak memory."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional

import requests

from tools.servers import ROOT, Servers, free_port

RASA_VERSION_FILE = "rasa-version.txt"
REFERENCE_HOME = ROOT / "build" / "bench_reference"


def peak_rss_mb(pid: int) -> Optional[float]:
    """The process's peak resident memory (VmHWM) plus that of its children, in MiB."""
    total = 0.0
    for one in [pid] + _descendants(pid):
        try:
            status = Path(f"/proc/{one}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                total += int(line.split()[1]) / 1024
    return round(total, 1) if total else None


def cpu_seconds(pid: int) -> Optional[float]:
    """User + system CPU time the process and its children have used so far."""
    total, found = 0.0, False
    for one in [pid] + _descendants(pid):
        try:
            fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime
        found = True
    return round(total, 2) if found else None


def _descendants(pid: int) -> List[int]:
    children: Dict[int, List[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            # Field 4 of /proc/<pid>/stat is the parent; the name (field 2) may hold spaces.
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


class FullStack(Servers):
    """Waiting-times service, action server, web process and Rasa with the SQLite tracker store, as
    `make run` has them (scripts/run.sh). Rasa's HTTP API is on, loopback only with a random token,
    so the benchmark can read a conversation's events back for the latency breakdown."""

    def __init__(self, work: Path) -> None:
        tracker = f'tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: "{work / "tracker.db"}"\n'
        # The sentence encoder writes how often it ran (bot/encoder.py): once per message at most.
        self.encoder_stats = work / "encoder_stats.json"
        super().__init__(work, tracker, {"WEGWIJZER_ENCODER_STATS": str(self.encoder_stats)})
        self.token = secrets.token_hex(24)  # hex: a leading "-" would read as an option
        self.web_port: Optional[int] = None
        self.notes: List[str] = []

    def start_web(self) -> Optional[int]:
        """The web process (team inbox, handoff delivery), when this checkout has one."""
        if not (ROOT / "bot" / "__main__.py").exists():
            self.notes.append("no web process in this checkout (bot/__main__.py): not started")
            return None
        self.web_port = super().start_web()
        return self.web_port

    def start_rasa(self) -> None:
        """Rasa with its HTTP API on (loopback, a random token), returning at once: the benchmark
        times the load to the first answer itself."""
        super().start_rasa("--enable-api", "--auth-token", self.token, wait=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def waits_url(self) -> str:
        return self.env["WEGWIJZER_WAITS_URL"]

    def pids(self) -> Dict[str, int]:
        return {name: process.pid for name, process in self.processes.items()}

    def alive(self) -> bool:
        return all(process.poll() is None for process in self.processes.values())

    def log_tail(self, name: str, chars: int = 3000) -> str:
        log = self.work / f"{name}.log"
        return log.read_text(errors="replace")[-chars:] if log.exists() else ""


class ReferenceBot:
    """Rasa's starter project (`rasa init`: the moodbot, no custom actions, in-memory tracker store),
    trained by the benchmark itself with this venv's Rasa and kept in build/bench_reference/."""

    def __init__(self, work: Path, home: Path = REFERENCE_HOME) -> None:
        self.work = work
        self.project = home / "project"
        self.port = free_port()
        self.token = secrets.token_hex(24)  # hex: a leading "-" would read as an option
        self.rasa_bin = str(Path(sys.executable).parent / "rasa")
        self.process: Optional[subprocess.Popen] = None
        self.env = {**os.environ, "PYTHONHASHSEED": "0", "TF_CPP_MIN_LOG_LEVEL": "3", "RASA_TELEMETRY_ENABLED": "false"}
        self.train_seconds: Optional[float] = None

    def model(self) -> Optional[Path]:
        models = sorted((self.project / "models").glob("*.tar.gz"))
        return models[-1] if models else None

    def _rasa_version(self) -> str:
        from rasa.version import __version__

        return __version__

    def ensure_trained(self, retrain: bool = False) -> None:
        """`rasa init --no-prompt` once per Rasa version (it copies the starter project and trains it;
        no download); afterwards the trained model is reused."""
        marker = self.project / RASA_VERSION_FILE
        info = self.project / "bench-train.json"
        current = marker.exists() and marker.read_text().strip() == self._rasa_version() and self.model()
        if current and not retrain:
            self.train_seconds = json.loads(info.read_text()).get("train_seconds") if info.exists() else None
            return
        shutil.rmtree(self.project, ignore_errors=True)
        self.project.mkdir(parents=True)
        log = self.work / "reference-init.log"
        started = time.monotonic()
        with open(log, "w") as out:
            result = subprocess.run(
                [self.rasa_bin, "init", "--no-prompt", "--init-dir", str(self.project)],
                cwd=self.project,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                timeout=1800,
            )
        if result.returncode != 0 or not self.model():
            raise RuntimeError(f"`rasa init` failed:\n{log.read_text()[-3000:]}")
        self.train_seconds = round(time.monotonic() - started, 1)
        marker.write_text(self._rasa_version() + "\n")
        info.write_text(json.dumps({"train_seconds": self.train_seconds}))

    def start_rasa(self) -> None:
        log = open(self.work / "reference-rasa.log", "a")
        self.process = subprocess.Popen(
            [
                self.rasa_bin,
                "run",
                "--model",
                str(self.model()),
                "--credentials",
                str(self.project / "credentials.yml"),
                "--endpoints",
                str(self.project / "endpoints.yml"),
                "--port",
                str(self.port),
                "--interface",
                "127.0.0.1",
                "--enable-api",
                "--auth-token",
                self.token,
            ],
            cwd=self.project,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def pids(self) -> Dict[str, int]:
        return {"rasa": self.process.pid} if self.process else {}

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log_tail(self, name: str = "rasa", chars: int = 3000) -> str:
        log = self.work / "reference-rasa.log"
        return log.read_text(errors="replace")[-chars:] if log.exists() else ""

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.process = None


def wait_for_first_answer(url: str, alive, started: float, message: str, timeout: float = 300) -> float:
    """Seconds from ``started`` (the Rasa process's start) to the first reply on the REST channel."""
    deadline = started + timeout
    while time.monotonic() < deadline:
        if not alive():
            raise RuntimeError("a server stopped during start-up")
        try:
            response = requests.post(
                f"{url}/webhooks/rest/webhook",
                json={"sender": f"bench-warmup-{secrets.token_hex(8)}", "message": message},
                timeout=60,
            )
            if response.ok and response.json():
                return round(time.monotonic() - started, 1)
        except requests.RequestException:
            pass
        time.sleep(0.25)
    raise RuntimeError(f"no answer from {url} within {timeout} s")
