"""The bot's processes on free loopback ports, for the tests and the tools (benchmark,
evaluation, safety report): the Rasa server, the action server and the waiting-times service as
subprocesses, and a REST client that talks to the bot as a user's client would."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Dict, List, Optional

import requests

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "wegwijzer.tar.gz"
START_TIMEOUT = 240  # seconds; the model loads in about 20 s on 2 cores


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, processes: List[subprocess.Popen], logs: List[Path]) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        for process, log in zip(processes, logs, strict=False):
            if process.poll() is not None:
                raise RuntimeError(f"server exited during start-up:\n{log.read_text()[-3000:]}")
        try:
            if requests.get(url, timeout=2).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not come up within {START_TIMEOUT} s")


class Bot:
    """A REST client for one running bot; each conversation gets its own random sender id."""

    def __init__(self, base_url: str, database_url: str = "") -> None:
        self.base_url = base_url
        self.database_url = database_url  # where the action server stores handoffs

    def new_sender(self) -> str:
        return f"test-{uuid.uuid4().hex}"

    def send(self, sender: str, message: str) -> List[Dict]:
        response = requests.post(
            f"{self.base_url}/webhooks/rest/webhook", json={"sender": sender, "message": message}, timeout=60
        )
        response.raise_for_status()
        return response.json()

    def say(self, sender: str, message: str) -> str:
        """The bot's whole reply to ``message`` as one text (buttons as [title] lines)."""
        parts = []
        for item in self.send(sender, message):
            if item.get("text"):
                parts.append(item["text"])
            parts.extend(f"[{button['title']}]" for button in item.get("buttons", []))
        return "\n".join(parts)

    def conversation(self, *messages: str) -> (str, List[str]):
        sender = self.new_sender()
        return sender, [self.say(sender, message) for message in messages]


class Servers:
    """The Rasa server and the action server as subprocesses, with their logs."""

    def __init__(self, work: Path, endpoints_yaml: str, env_extra: Dict[str, str]) -> None:
        self.work = work
        self.rasa_port, self.actions_port = free_port(), free_port()
        self.endpoints = work / "endpoints.yml"
        self.endpoints.write_text(
            f'action_endpoint:\n  url: "http://127.0.0.1:{self.actions_port}/webhook"\n' + endpoints_yaml
        )
        self.env = {
            **os.environ,
            "PYTHONHASHSEED": "0",
            "PYTHONPATH": str(ROOT),
            "TF_CPP_MIN_LOG_LEVEL": "3",
            "RASA_TELEMETRY_ENABLED": "false",
            "SANIC_HOST": "127.0.0.1",
            "DATABASE_URL": f"sqlite:///{work / 'indicators.db'}",
            **env_extra,
        }
        self.rasa_bin = str(Path(sys.executable).parent / "rasa")
        self.processes: Dict[str, subprocess.Popen] = {}

    def _start(self, name: str, command: List[str]) -> None:
        log = self.work / f"{name}.log"
        self.processes[name] = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=open(log, "a"), stderr=subprocess.STDOUT
        )

    def _wait(self, url: str) -> None:
        """Waits until ``url`` answers; a process that exits meanwhile fails the start with its log."""
        wait_for(url, list(self.processes.values()), [self.work / f"{name}.log" for name in self.processes])

    def start_waiting_times(self) -> None:
        """The waiting-times service, with the regional knowledge and example providers loaded."""
        port = free_port()
        url = self.env["DATABASE_URL"]  # one database, as in `make run`: knowledge, waits, indicators
        subprocess.run(
            [sys.executable, "-m", "bot", "--database-url", url, "seed-demo"],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
        )
        self._start("waits", [sys.executable, "-m", "bot", "--database-url", url, "serve-waits", "--port", str(port)])
        self._wait(f"http://127.0.0.1:{port}/health")
        self.env["WEGWIJZER_WAITS_URL"] = f"http://127.0.0.1:{port}"
        self.env["WEGWIJZER_KNOWLEDGE_SOURCE"] = "database"  # the actions read regions etc. from there

    def start_actions(self) -> None:
        self._start(
            "actions", [self.rasa_bin, "run", "actions", "--actions", "actions", "--port", str(self.actions_port)]
        )
        self._wait(f"http://127.0.0.1:{self.actions_port}/health")

    def start_web(self, port: Optional[int] = None, *serve_options: str) -> int:
        """The web process (widget pages, team inbox and API) on ``port`` (a free one by default),
        with extra options for `python -m bot serve`; returns the port."""
        port = port or free_port()
        self._start(
            "web",
            [sys.executable, "-m", "bot", "--database-url", self.env["DATABASE_URL"], "serve", "--port", str(port)]
            + list(serve_options),
        )
        self._wait(f"http://127.0.0.1:{port}/health")
        return port

    def start_rasa(self, *options: str, wait: bool = True) -> None:
        """The Rasa server with the trained model, with extra ``options`` for `rasa run`; ``wait``
        False returns at once (the benchmark times the load itself)."""
        self._start(
            "rasa",
            [
                self.rasa_bin,
                "run",
                "--model",
                str(MODEL),
                "--endpoints",
                str(self.endpoints),
                "--credentials",
                str(ROOT / "credentials.yml"),
                "--port",
                str(self.rasa_port),
                "--interface",
                "127.0.0.1",
                *options,
            ],
        )
        if wait:
            self._wait(f"http://127.0.0.1:{self.rasa_port}/")

    def stop(self, name: str) -> None:
        process = self.processes.pop(name, None)
        if process is None:
            return
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()

    def stop_all(self) -> None:
        for name in list(self.processes):
            self.stop(name)

    @property
    def bot(self) -> "Bot":
        return Bot(f"http://127.0.0.1:{self.rasa_port}", self.env["DATABASE_URL"])
