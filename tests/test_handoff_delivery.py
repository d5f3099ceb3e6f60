"""Delivery of handoffs to a team's own system (webhook) and retention, with a real receiver on
loopback and the delivery worker as a separate process that is killed mid-delivery."""

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text

from bot import db
from bot.handoff import delivery, retention, store
from bot.handoff.models import AccessLogEntry, Handoff, HandoffEvent, OutboxMessage
from tests.conftest import DATABASES, migrated_database
from tools.servers import ROOT, free_port

TEAM = "Jeugd- en Gezinsteam Leiden"
WAIT = 60  # seconds to wait for something that should happen (never asserted as a duration)


@pytest.fixture(params=DATABASES)
def url(request, tmp_path):
    """The embedded database, and PostgreSQL as in production (a throwaway database there)."""
    with migrated_database(request.param, tmp_path) as database:
        yield database


class Receiver:
    """A team's system: checks the signature and stores each handoff once, by its id."""

    def __init__(self, secret: str, port: int = 0, status: int = 200) -> None:
        self.secret, self.status = secret, status
        self.receipts, self.cases = [], {}
        self.hang = threading.Event()  # set: the next request is stored but not answered (yet)
        self.release = threading.Event()
        self.arrived = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                valid = delivery.verify(
                    receiver.secret, self.headers["X-Wegwijzer-Timestamp"], body, self.headers["X-Wegwijzer-Signature"]
                )
                handoff = json.loads(body)
                receiver.receipts.append({"id": handoff["id"], "valid": valid, "key": self.headers["Idempotency-Key"]})
                if valid:
                    receiver.cases.setdefault(handoff["id"], handoff)  # idempotent by handoff id
                receiver.arrived.set()
                if receiver.hang.is_set():
                    receiver.hang.clear()
                    receiver.release.wait(WAIT)
                    return  # the worker was killed meanwhile: nobody reads an answer
                self.send_response(receiver.status if valid else 401)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/handoffs"

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


def new_handoff(url: str, webhook_url=None, conversation_id=None, municipality="Leiden") -> str:
    data = store.NewHandoff(
        municipality=municipality,
        team_name=TEAM,
        referrer_role="parent",
        route="local_team",
        urgency="normaal",
        summary={"sections": [], "text": "Zorg: angstig"},
        contact={"name": "Sanne", "phone": "0612345678", "email": None},
        consent={"band": "onder_12", "given_by": ["ouders"]},
        safety_flags=[],
        waits_shown=[],
        conversation_id=conversation_id,
        webhook_url=webhook_url,
    )
    return store.create(url, data)[0]


def outbox(url: str, handoff_id: str) -> OutboxMessage:
    with db.sessions(url)() as session:
        return session.execute(select(OutboxMessage).where(OutboxMessage.handoff_id == handoff_id)).scalar_one()


def wait_until(condition, what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen")
        time.sleep(0.1)


def test_a_handoff_is_signed_and_carries_its_id():
    body = b'{"id": "x"}'
    signature = delivery.sign("geheim", "1700000000", body)
    assert delivery.verify("geheim", "1700000000", body, signature, now=1700000010)
    assert not delivery.verify("ander geheim", "1700000000", body, signature, now=1700000010)
    assert not delivery.verify("geheim", "1700000000", b'{"id": "y"}', signature, now=1700000010)
    assert not delivery.verify("geheim", "1700000000", body, signature, now=1700009999)  # too old: replay
    assert not delivery.verify("geheim", "1700000000", body, "sha256=é", now=1700000010)  # garbage, no crash


def test_receiver_down_then_retried_later_and_delivered_once(url):
    secret = delivery.set_secret(url, TEAM)
    port = free_port()  # nothing listens here yet
    handoff_id = new_handoff(url, f"http://127.0.0.1:{port}/handoffs")

    assert delivery.deliver_due(url) == 0
    first = outbox(url, handoff_id)
    assert first.attempts == 1 and first.delivered_at is None and first.last_error == "ConnectionError"
    assert first.next_attempt_at > store.utcnow()  # backoff: not tried again straight away
    assert delivery.deliver_due(url) == 0 and outbox(url, handoff_id).attempts == 1

    receiver = Receiver(secret, port=port)
    try:
        later = first.next_attempt_at + dt.timedelta(seconds=1)
        assert delivery.deliver_due(url, now=later) == 1
        assert delivery.deliver_due(url, now=later + dt.timedelta(hours=2)) == 0
        assert [r["id"] for r in receiver.receipts] == [handoff_id]
        assert receiver.receipts[0]["valid"] and receiver.receipts[0]["key"] == handoff_id
        assert receiver.cases[handoff_id]["reference"] and receiver.cases[handoff_id]["contact"]["name"] == "Sanne"
        assert outbox(url, handoff_id).delivered_at is not None
    finally:
        receiver.close()


def test_an_error_answer_is_retried_and_a_team_without_secret_gets_nothing_unsigned(url):
    receiver = Receiver("geheim", status=503)
    try:
        handoff_id = new_handoff(url, receiver.url)
        assert delivery.deliver_due(url) == 0
        assert receiver.receipts == [] and outbox(url, handoff_id).last_error == "no signing secret for this team"
        receiver.secret = delivery.set_secret(url, TEAM)
        later = outbox(url, handoff_id).next_attempt_at + dt.timedelta(seconds=1)
        assert delivery.deliver_due(url, now=later) == 0
        row = outbox(url, handoff_id)
        assert row.attempts == 2 and row.last_error == "HTTP 503" and len(receiver.receipts) == 1
    finally:
        receiver.close()


def test_plain_http_to_another_host_is_refused():
    assert delivery.check_url("https://team.voorbeeld.example/handoffs") is None
    assert delivery.check_url("http://127.0.0.1:9000/x") is None
    assert "https" in delivery.check_url("http://team.voorbeeld.example/handoffs")


def _worker(url: str, log: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "WEGWIJZER_DELIVERY_LEASE_SECONDS": "2"}
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "--database-url", url, "deliver", "--interval", "0.2"],
        cwd=ROOT,
        env=env,
        stdout=open(log, "a"),
        stderr=subprocess.STDOUT,
    )


def test_worker_killed_mid_delivery_delivers_after_restart_as_one_case(url, tmp_path):
    receiver = Receiver(delivery.set_secret(url, TEAM))
    receiver.hang.set()  # the first delivery arrives, and the worker dies before the answer
    worker = _worker(url, tmp_path / "worker.log")
    try:
        handoff_id = new_handoff(url, receiver.url)
        assert receiver.arrived.wait(WAIT), (tmp_path / "worker.log").read_text()
        worker.send_signal(signal.SIGKILL)
        worker.wait(WAIT)
        receiver.release.set()
        assert outbox(url, handoff_id).delivered_at is None

        worker = _worker(url, tmp_path / "worker.log")
        wait_until(lambda: outbox(url, handoff_id).delivered_at is not None, "delivery after the restart")
        assert [r["id"] for r in receiver.receipts] == [handoff_id, handoff_id]  # sent twice, same id
        assert list(receiver.cases) == [handoff_id]  # one case at the team
    finally:
        worker.kill()
        worker.wait(WAIT)
        receiver.close()


# --- retention ------------------------------------------------------------------------------------


def test_retention_deletes_what_is_due_and_nothing_else(url, tmp_path):
    tracker_url = f"sqlite:///{tmp_path / 'tracker.db'}"
    engine = create_engine(tracker_url, future=True)
    with engine.begin() as connection:
        connection.execute(
            text("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, timestamp REAL, data TEXT)")
        )
        for sender in ("gesprek-oud", "gesprek-recent", "gesprek-open", "gesprek-zonder-aanmelding"):
            connection.execute(
                text("INSERT INTO events (sender_id, timestamp, data) VALUES (:s, 0, '{}')"), {"s": sender}
            )
    now = store.utcnow()
    due = new_handoff(url, "http://127.0.0.1:9/x", conversation_id="gesprek-oud")
    recent = new_handoff(url, conversation_id="gesprek-recent")
    still_open = new_handoff(url, conversation_id="gesprek-open")
    with db.sessions(url)() as session, session.begin():
        for handoff_id, days in ((due, 91), (recent, 89)):
            store.change_status(
                session, session.get(Handoff, handoff_id), "afgerond", "medewerker", now=now - dt.timedelta(days=days)
            )
        session.get(Handoff, still_open).created_at = now - dt.timedelta(days=400)
        session.add(
            AccessLogEntry(
                at=now - dt.timedelta(days=100),
                actor="medewerker",
                team_name=TEAM,
                handoff_id=due,
                reference="ABC-1234",
                action="view",
            )
        )

    counts = retention.purge(url, days=90, tracker_url=tracker_url, now=now)

    assert counts["handoffs"] == 1 and counts["transcripts"] == 1
    with db.sessions(url)() as session:
        assert session.get(Handoff, due) is None
        assert session.get(Handoff, recent) is not None and session.get(Handoff, still_open) is not None
        assert not session.execute(select(HandoffEvent).where(HandoffEvent.handoff_id == due)).first()
        assert not session.execute(select(OutboxMessage).where(OutboxMessage.handoff_id == due)).first()
        assert session.execute(select(AccessLogEntry).where(AccessLogEntry.handoff_id == due)).first()
    with engine.connect() as connection:
        left = set(connection.execute(text("SELECT sender_id FROM events")).scalars())
    assert left == {"gesprek-recent", "gesprek-open", "gesprek-zonder-aanmelding"}
    engine.dispose()


def test_the_purge_command_runs(url, tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot",
            "--database-url",
            url,
            "purge",
            "--tracker-url",
            f"sqlite:///{tmp_path / 'none.db'}",
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0 and "0 handoff(s) closed more than 90 days ago deleted" in result.stdout
