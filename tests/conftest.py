"""Shared fixtures. The live fixture runs the trained Rasa server and the action server on free
loopback ports and talks to them over the REST channel, as a user's client would."""
from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Dict, Iterator, List

import pytest
import requests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
# The PostgreSQL server for the production-configuration tests (each test makes its own database
# there): TEST_POSTGRES_URL, or DATABASE_URL when that points at PostgreSQL.
POSTGRES = os.environ.get("TEST_POSTGRES_URL") or (
    os.environ.get("DATABASE_URL") if os.environ.get("DATABASE_URL", "").startswith("postgresql") else None)
# Everything the tests store in-process (indicators from the actions' unit tests) goes to a
# throwaway database, never to var/wegwijzer.db or a configured production database. Set before
# any test module imports bot.settings, which reads DATABASE_URL once.
os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='wegwijzer-tests-')}/test.db"
REDIS = os.environ.get("TEST_REDIS_URL")
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

    def __init__(self, base_url: str, database_url: str = "") -> None:
        self.base_url = base_url
        self.database_url = database_url  # where the action server stores handoffs

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


class Servers:
    """The Rasa server and the action server as subprocesses, with their logs."""

    def __init__(self, work: Path, endpoints_yaml: str, env_extra: Dict[str, str]) -> None:
        self.work = work
        self.rasa_port, self.actions_port = _free_port(), _free_port()
        self.endpoints = work / "endpoints.yml"
        self.endpoints.write_text(f'action_endpoint:\n  url: "http://127.0.0.1:{self.actions_port}/webhook"\n' + endpoints_yaml)
        self.env = {**os.environ, "PYTHONHASHSEED": "0", "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3",
                    "RASA_TELEMETRY_ENABLED": "false", "SANIC_HOST": "127.0.0.1", "DATABASE_URL": f"sqlite:///{work / 'indicators.db'}", **env_extra}
        self.rasa_bin = str(Path(sys.executable).parent / "rasa")
        self.processes: Dict[str, subprocess.Popen] = {}

    def _start(self, name: str, command: List[str]) -> None:
        log = self.work / f"{name}.log"
        self.processes[name] = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=open(log, "a"),
                                                stderr=subprocess.STDOUT)

    def start_waiting_times(self) -> None:
        """The waiting-times service, with the regional knowledge and example providers loaded."""
        port = _free_port()
        url = self.env["DATABASE_URL"]  # one database, as in `make run`: knowledge, waits, indicators
        subprocess.run([sys.executable, "-m", "bot", "--database-url", url, "seed-demo"],
                       cwd=ROOT, env=self.env, check=True, capture_output=True)
        self._start("waits", [sys.executable, "-m", "bot", "--database-url", url, "serve-waits",
                              "--port", str(port)])
        _wait_for(f"http://127.0.0.1:{port}/health", list(self.processes.values()),
                  [self.work / f"{name}.log" for name in self.processes])
        self.env["WEGWIJZER_WAITS_URL"] = f"http://127.0.0.1:{port}"
        self.env["WEGWIJZER_KNOWLEDGE_SOURCE"] = "database"  # the actions read regions etc. from there

    def start_actions(self) -> None:
        self._start("actions", [self.rasa_bin, "run", "actions", "--actions", "actions", "--port", str(self.actions_port)])
        _wait_for(f"http://127.0.0.1:{self.actions_port}/health", list(self.processes.values()),
                  [self.work / f"{name}.log" for name in self.processes])

    def start_rasa(self) -> None:
        self._start("rasa", [self.rasa_bin, "run", "--model", str(MODEL), "--endpoints", str(self.endpoints),
                             "--credentials", str(ROOT / "credentials.yml"), "--port", str(self.rasa_port),
                             "--interface", "127.0.0.1"])
        _wait_for(f"http://127.0.0.1:{self.rasa_port}/", list(self.processes.values()),
                  [self.work / f"{name}.log" for name in self.processes])

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


@contextlib.contextmanager
def temporary_postgres_database() -> Iterator[str]:
    """A fresh database on the test PostgreSQL server, dropped afterwards."""
    name = f"wegwijzer_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES, future=True, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield str(make_url(POSTGRES).set(database=name))
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


# The databases the data-layer tests run on: the embedded default, and PostgreSQL when configured.
DATABASES = ["sqlite"] + (["postgresql"] if POSTGRES else [])


@contextlib.contextmanager
def migrated_database(kind: str, folder: Path) -> Iterator[str]:
    """An empty project database with every migration applied: SQLite in ``folder``, or a
    throwaway database on the test PostgreSQL server."""
    from bot import db

    if kind == "sqlite":
        url = f"sqlite:///{folder / 'project.db'}"
        db.migrate(url)
        yield url
        return
    with temporary_postgres_database() as url:
        db.migrate(url)
        yield url
        db.engine(url).dispose()


def stored_handoff(url: str, reference: str):
    """The handoff stored under ``reference`` in the database at ``url``, or None."""
    from sqlalchemy import select

    from bot import db
    from bot.handoff.models import Handoff

    with db.sessions(url)() as session:
        return session.execute(select(Handoff).where(Handoff.reference == reference)).scalar_one_or_none()


@pytest.fixture(scope="session")
def bot(tmp_path_factory) -> Iterator[Bot]:
    if not MODEL.exists():
        pytest.fail("no trained model: run `make test` (it trains first) or `make train`")
    # In-memory tracker store: the live tests leave nothing behind.
    servers = Servers(tmp_path_factory.mktemp("live"), "", {})
    try:
        servers.start_waiting_times()
        servers.start_actions()
        servers.start_rasa()
        yield servers.bot
    finally:
        servers.stop_all()
