"""Tables for handoffs, their delivery, the team inbox's staff and the access log.

Created by the Alembic migrations (migrations/versions/0003_handoffs.py). Personal data lives only in
``handoffs.contact`` and ``handoffs.summary`` (and in notes staff write); everything that points
to a handoff is deleted with it (retention, bot/handoff/retention.py), except the access log,
which keeps the reference but no personal data (NEN 7513: who saw which case, when)."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, DateTime, ForeignKey, Integer, String, Text

from bot.db import Base

# The statuses a local team gives a handoff; the referrer's status question shows the same.
STATUSES = ("nieuw", "in_behandeling", "contact_opgenomen", "afgerond", "doorverwezen")
CLOSED_STATUSES = ("afgerond", "doorverwezen")
STATUS_LABELS = {
    "nieuw": "nieuw",
    "in_behandeling": "in behandeling",
    "contact_opgenomen": "contact opgenomen",
    "afgerond": "afgerond",
    "doorverwezen": "doorverwezen",
}


class Handoff(Base):
    __tablename__ = "handoffs"
    id = Column(String(36), primary_key=True)  # uuid4: the idempotency key towards the team's system
    reference = Column(String(12), nullable=False, unique=True)  # what the referrer sees: "KTR-4821"
    municipality = Column(String(80), nullable=False, index=True)
    team_name = Column(String(200), nullable=False)
    status = Column(String(20), nullable=False, default="nieuw")
    referrer_role = Column(String(20), nullable=False)
    route = Column(String(30), nullable=False)
    urgency = Column(String(10), nullable=False)
    summary = Column(JSON, nullable=False)  # bot/handoff/summary.py: sections as the referrer confirmed them
    contact = Column(JSON, nullable=False)  # name, phone, email of the referrer: only what the team needs
    consent = Column(JSON, nullable=False)  # age band, who consented, the question asked, when
    safety_flags = Column(JSON, nullable=False)
    waits_shown = Column(JSON, nullable=False)
    conversation_id = Column(String(128))  # the Rasa sender id: its transcript is deleted with the handoff
    claimed_by = Column(String(80))
    created_at = Column(DateTime, nullable=False)
    updated_at = Column(DateTime, nullable=False)
    closed_at = Column(DateTime, index=True)
    # Wrong answers to the status question's check; too many locks the status question a while.
    status_check_failures = Column(Integer, nullable=False, default=0)
    status_check_locked_until = Column(DateTime)


class HandoffEvent(Base):
    """What happened to a handoff after it arrived: claimed, status changed, a note."""

    __tablename__ = "handoff_events"
    id = Column(Integer, primary_key=True)
    handoff_id = Column(String(36), ForeignKey("handoffs.id", ondelete="CASCADE"), nullable=False, index=True)
    at = Column(DateTime, nullable=False)
    actor = Column(String(80), nullable=False)
    kind = Column(String(20), nullable=False)  # created | claim | status | note
    value = Column(Text)


class OutboxMessage(Base):
    """One delivery of a handoff to a team's own system (webhook), retried until it succeeds."""

    __tablename__ = "handoff_outbox"
    id = Column(Integer, primary_key=True)
    handoff_id = Column(String(36), ForeignKey("handoffs.id", ondelete="CASCADE"), nullable=False, unique=True)
    url = Column(String(300), nullable=False)
    attempts = Column(Integer, nullable=False, default=0)
    next_attempt_at = Column(DateTime, nullable=False, index=True)
    lease_until = Column(DateTime)  # a worker is delivering it; after this time another may try
    delivered_at = Column(DateTime)
    last_error = Column(String(300))  # status code or error class: never the payload


class WebhookSecret(Base):
    """The key that signs (HMAC-SHA256) what a team's system receives; one per team."""

    __tablename__ = "webhook_secrets"
    team_name = Column(String(200), primary_key=True)
    secret = Column(String(128), nullable=False)


class Staff(Base):
    __tablename__ = "staff"
    id = Column(Integer, primary_key=True)
    username = Column(String(80), nullable=False, unique=True)
    display_name = Column(String(120), nullable=False)
    team_name = Column(String(200), nullable=False)
    password_hash = Column(String(300), nullable=False)
    failed_logins = Column(Integer, nullable=False, default=0)
    locked_until = Column(DateTime)
    active = Column(Boolean, nullable=False, default=True)
    created_at = Column(DateTime, nullable=False)


class StaffSession(Base):
    __tablename__ = "staff_sessions"
    token_hash = Column(String(64), primary_key=True)  # sha256 of the cookie value
    staff_id = Column(Integer, ForeignKey("staff.id", ondelete="CASCADE"), nullable=False)
    csrf_token = Column(String(64), nullable=False)
    created_at = Column(DateTime, nullable=False)
    expires_at = Column(DateTime, nullable=False)


class ApiToken(Base):
    """Token for the inbox's JSON API (an integration of one team)."""

    __tablename__ = "api_tokens"
    id = Column(Integer, primary_key=True)
    name = Column(String(80), nullable=False)
    team_name = Column(String(200), nullable=False)
    token_hash = Column(String(64), nullable=False, unique=True)
    created_at = Column(DateTime, nullable=False)


class AccessLogEntry(Base):
    """NEN 7513-style log: who did what with which handoff, when. No personal data of the family."""

    __tablename__ = "access_log"
    id = Column(Integer, primary_key=True)
    at = Column(DateTime, nullable=False, index=True)
    actor = Column(String(120), nullable=False)  # staff username or "api:<token name>"
    team_name = Column(String(200), nullable=False, index=True)
    handoff_id = Column(String(36))  # no foreign key: the entry outlives the handoff
    reference = Column(String(12))
    action = Column(String(40), nullable=False)  # list | view | claim | status | note | login | ...
    detail = Column(String(200))
