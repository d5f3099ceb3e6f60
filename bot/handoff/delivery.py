"""Delivery of handoffs to a team's own system: JSON over HTTPS, signed with HMAC-SHA256, from
the outbox table (bot/handoff/models.py).

- The outbox row is written in the same transaction as the handoff (bot/handoff/store.py), so a
  handoff the bot confirmed is always delivered, whatever process stops when.
- A worker leases due rows (lease_until), posts them, and marks them delivered only after a 2xx
  answer. A worker killed mid-delivery leaves a lease that runs out; the next worker sends again.
- Every delivery of a handoff carries the same id (``Idempotency-Key`` and ``id`` in the body),
  so the receiving system stores it once however often it arrives ("at least once" delivery,
  idempotent by handoff id: never two cases).
- Failures are retried with exponential backoff (WEGWIJZER_DELIVERY_BACKOFF_SECONDS, doubling,
  at most an hour apart) and never dropped; the team inbox has the handoff in any case.

Signature: ``X-Wegwijzer-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`` with
``X-Wegwijzer-Timestamp`` (Unix seconds); the receiver recomputes it with the team's secret and
rejects old timestamps. The secret is per team (``python -m bot webhook-secret``)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import secrets
import threading
import time
import uuid
from typing import Any, Dict, List, Optional
from urllib.parse import urlparse

import requests
from sqlalchemy import or_, select

from bot import db
from bot.handoff.models import Handoff, OutboxMessage, WebhookSecret
from bot.handoff.store import utcnow
from bot.settings import DELIVERY_BACKOFF_SECONDS, DELIVERY_LEASE_SECONDS

logger = logging.getLogger(__name__)

BACKOFF_SECONDS = DELIVERY_BACKOFF_SECONDS
MAX_BACKOFF_SECONDS = 3600.0
LEASE_SECONDS = DELIVERY_LEASE_SECONDS
TIMEOUT = (2.0, 10.0)  # connect, read (seconds)
BATCH = 20
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def check_url(url: str) -> Optional[str]:
    """None when ``url`` may receive handoffs; else why not. Personal data goes over HTTPS only
    (plain HTTP is allowed on this machine, for tests and a local receiver)."""
    parsed = urlparse(url or "")
    if parsed.scheme == "https" and parsed.hostname:
        return None
    if parsed.scheme == "http" and parsed.hostname in LOCAL_HOSTS:
        return None
    return "a handoff webhook must use https:// (http:// only on localhost)"


def set_secret(url: str, team_name: str) -> str:
    """Makes (or replaces) the team's signing secret and returns it, to give to the team once."""
    secret = secrets.token_hex(32)
    with db.sessions(url)() as session, session.begin():
        row = session.get(WebhookSecret, team_name)
        if row:
            row.secret = secret
        else:
            session.add(WebhookSecret(team_name=team_name, secret=secret))
    return secret


def sign(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify(
    secret: str, timestamp: str, body: bytes, signature: str, max_age: float = 300.0, now: Optional[float] = None
) -> bool:
    """What a receiver does (used by the tests' receiver; documented in the README)."""
    try:
        age = abs((now if now is not None else time.time()) - int(timestamp))
    except (TypeError, ValueError):
        return False
    expected = sign(secret, timestamp, body).encode()
    return age <= max_age and hmac.compare_digest(expected, (signature or "").encode("utf-8", "replace"))


def payload(handoff: Handoff) -> Dict[str, Any]:
    return {
        "id": handoff.id,
        "reference": handoff.reference,
        "created_at": handoff.created_at.isoformat() + "Z",
        "municipality": handoff.municipality,
        "team": handoff.team_name,
        "referrer_role": handoff.referrer_role,
        "route": handoff.route,
        "urgency": handoff.urgency,
        "safety_flags": handoff.safety_flags,
        "summary": handoff.summary,
        "contact": handoff.contact,
        "consent": handoff.consent,
        "waits_shown": handoff.waits_shown,
    }


def _backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=min(MAX_BACKOFF_SECONDS, BACKOFF_SECONDS * (2 ** max(0, attempts - 1))))


def _lease_due(url: str, now: dt.datetime, lease_seconds: float) -> List[int]:
    """Takes a lease on the due rows; other workers skip them until it ends."""
    with db.sessions(url)() as session, session.begin():
        query = (
            select(OutboxMessage)
            .where(
                OutboxMessage.delivered_at.is_(None),
                OutboxMessage.next_attempt_at <= now,
                or_(OutboxMessage.lease_until.is_(None), OutboxMessage.lease_until < now),
            )
            .order_by(OutboxMessage.next_attempt_at)
            .limit(BATCH)
        )
        if db.engine(url).dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        rows = list(session.execute(query).scalars())
        for row in rows:
            row.lease_until = now + dt.timedelta(seconds=lease_seconds)
        return [row.id for row in rows]


def _send(http: requests.Session, target: str, secret: str, body: bytes, handoff_id: str) -> Optional[str]:
    """Posts one handoff; None when the receiver accepted it, else a short reason (no content)."""
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "Idempotency-Key": handoff_id,
        "X-Wegwijzer-Delivery": str(uuid.uuid4()),
        "X-Wegwijzer-Timestamp": timestamp,
        "X-Wegwijzer-Signature": sign(secret, timestamp, body),
    }
    try:
        response = http.post(target, data=body, headers=headers, timeout=TIMEOUT, allow_redirects=False)
    except requests.RequestException as error:
        return type(error).__name__
    if 200 <= response.status_code < 300:
        return None
    return f"HTTP {response.status_code}"


def deliver_due(
    url: str,
    now: Optional[dt.datetime] = None,
    lease_seconds: float = LEASE_SECONDS,
    http: Optional[requests.Session] = None,
) -> int:
    """Delivers what is due; returns how many were delivered."""
    http = http or requests.Session()
    delivered = 0
    for outbox_id in _lease_due(url, now or utcnow(), lease_seconds):
        with db.sessions(url)() as session:
            message = session.get(OutboxMessage, outbox_id)
            handoff = session.get(Handoff, message.handoff_id) if message else None
            secret_row = session.get(WebhookSecret, handoff.team_name) if handoff else None
            target = message.url if message else None
            body = json.dumps(payload(handoff), ensure_ascii=False).encode() if handoff else None
            handoff_id = handoff.id if handoff else None
            secret = secret_row.secret if secret_row else None
        if handoff_id is None:
            continue  # deleted meanwhile (retention)
        problem = check_url(target) or (None if secret else "no signing secret for this team")
        error = problem or _send(http, target, secret, body, handoff_id)
        finished = utcnow()
        with db.sessions(url)() as session, session.begin():
            message = session.get(OutboxMessage, outbox_id)
            if message is None:
                continue
            message.lease_until = None
            if error is None:
                message.delivered_at = finished
                message.last_error = None
                delivered += 1
            else:
                message.attempts += 1
                message.next_attempt_at = finished + _backoff(message.attempts)
                message.last_error = error[:300]
                logger.warning("handoff delivery failed (attempt %d): %s", message.attempts, error)
    return delivered


def run(url: str, interval: float = 5.0, stop: Optional[threading.Event] = None) -> None:
    """Delivers due handoffs every ``interval`` seconds until ``stop`` is set; survives errors."""
    stop = stop or threading.Event()
    http = requests.Session()
    while not stop.is_set():
        try:
            deliver_due(url, http=http)
        except Exception as error:  # noqa: BLE001 - a database hiccup must not end the worker
            logger.warning("delivery round failed: %s", type(error).__name__)
        stop.wait(interval)


def start_in_background(url: str, interval: float = 5.0) -> threading.Event:
    """Starts the worker in a daemon thread (used by the web process); set the event to stop it."""
    stop = threading.Event()
    threading.Thread(target=run, args=(url, interval, stop), name="handoff-delivery", daemon=True).start()
    return stop
