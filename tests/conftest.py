"""Shared fixtures. The live fixture runs the trained Rasa server and the action server on free
loopback ports and talks to them over the REST channel, as a user's client would."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Dict, Iterator, List

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "wegwijzer.tar.gz"
START_TIMEOUT = 240  # seconds; the model loads in about 20 s on 2 cores


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(url: str, processes: List[subprocess.Popen], logs: List[Path]) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        for process, log in zip(processes, logs):
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

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url

    def new_sender(self) -> str:
        return f"test-{uuid.uuid4().hex}"

    def send(self, sender: str, message: str) -> List[Dict]:
        response = requests.post(f"{self.base_url}/webhooks/rest/webhook",
                                 json={"sender": sender, "message": message}, timeout=60)
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


@pytest.fixture(scope="session")
def bot(tmp_path_factory) -> Iterator[Bot]:
    if not MODEL.exists():
        pytest.fail("no trained model: run `make test` (it trains first) or `make train`")
    work = tmp_path_factory.mktemp("live")
    rasa_port, actions_port = _free_port(), _free_port()
    endpoints = work / "endpoints.yml"
    # In-memory tracker store: the live tests leave nothing behind.
    endpoints.write_text(f'action_endpoint:\n  url: "http://127.0.0.1:{actions_port}/webhook"\n')
    env = {**os.environ, "PYTHONHASHSEED": "0", "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3",
           "RASA_TELEMETRY_ENABLED": "false", "DATABASE_URL": f"sqlite:///{work / 'indicators.db'}"}
    rasa_bin = str(Path(sys.executable).parent / "rasa")
    logs = [work / "actions.log", work / "rasa.log"]
    commands = [
        [rasa_bin, "run", "actions", "--actions", "actions", "--port", str(actions_port)],
        [rasa_bin, "run", "--model", str(MODEL), "--endpoints", str(endpoints), "--credentials",
         str(ROOT / "credentials.yml"), "--port", str(rasa_port), "--interface", "127.0.0.1"],
    ]
    processes = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=open(log, "w"), stderr=subprocess.STDOUT)
                 for command, log in zip(commands, logs)]
    try:
        _wait_for(f"http://127.0.0.1:{actions_port}/health", processes, logs)
        _wait_for(f"http://127.0.0.1:{rasa_port}/", processes, logs)
        yield Bot(f"http://127.0.0.1:{rasa_port}")
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
