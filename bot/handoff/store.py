"""Handoffs in the database: written in one transaction before the bot confirms anything
(together with the webhook outbox row, so delivery can never be forgotten), status changes by
the local team, and the referrer's status question."""

from __future__ import annotations

import datetime as dt
import hmac
import re
import secrets
import uuid
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from sqlalchemy import select

from bot import db
from bot.handoff import contact as contact_rules
from bot.handoff.models import CLOSED_STATUSES, STATUSES, Handoff, HandoffEvent, OutboxMessage

# Letters that cannot be mistaken for digits (no I, O), so a reference is easy to read out.
REFERENCE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
STATUS_CHECK_MAX_FAILURES = 5
STATUS_CHECK_LOCK = dt.timedelta(hours=1)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def new_reference() -> str:
    letters = "".join(secrets.choice(REFERENCE_LETTERS) for _ in range(3))
    return f"{letters}-{secrets.randbelow(10000):04d}"


def normalise_reference(text: str) -> str:
    return text.strip().upper().replace(" ", "")


# A reference as people type it: "ktr-4821", "KTR 4821", "KTR4821".
REFERENCE = re.compile(r"\b([A-Za-z]{3})\s?-?\s?(\d{4})\b")


def find_reference(text: str) -> Optional[str]:
    """The first reference in ``text``, written as the bot gives it ("KTR-4821"), or None."""
    match = REFERENCE.search(text or "")
    return f"{match.group(1).upper()}-{match.group(2)}" if match else None


@dataclass
class NewHandoff:
    municipality: str
    team_name: str
    referrer_role: str
    route: str
    urgency: str
    summary: Dict[str, Any]
    contact: Dict[str, Any]
    consent: Dict[str, Any]
    safety_flags: List[str]
    waits_shown: List[Dict[str, Any]]
    conversation_id: Optional[str] = None
    webhook_url: Optional[str] = None


def create(url: str, data: NewHandoff, now: Optional[dt.datetime] = None) -> Tuple[str, str]:
    """Writes the handoff, its first event and (if the team has a system) its outbox row in one
    transaction; returns (id, reference). Raises when anything fails: then nothing is stored."""
    now = now or utcnow()
    handoff_id = str(uuid.uuid4())
    with db.sessions(url)() as session, session.begin():
        reference = new_reference()
        while session.execute(select(Handoff.id).where(Handoff.reference == reference)).first():
            reference = new_reference()
        session.add(
            Handoff(
                id=handoff_id,
                reference=reference,
                municipality=data.municipality,
                team_name=data.team_name,
                status="nieuw",
                referrer_role=data.referrer_role,
                route=data.route,
                urgency=data.urgency,
                summary=data.summary,
                contact=data.contact,
                consent=data.consent,
                safety_flags=data.safety_flags,
                waits_shown=data.waits_shown,
                conversation_id=data.conversation_id,
                created_at=now,
                updated_at=now,
                status_check_failures=0,
            )
        )
        session.flush()
        session.add(HandoffEvent(handoff_id=handoff_id, at=now, actor="assistent", kind="created", value="nieuw"))
        if data.webhook_url:
            session.add(OutboxMessage(handoff_id=handoff_id, url=data.webhook_url, attempts=0, next_attempt_at=now))
    return handoff_id, reference


def change_status(session, handoff: Handoff, status: str, actor: str, now: Optional[dt.datetime] = None) -> None:
    """Sets a status inside the caller's transaction; closing starts the retention period."""
    if status not in STATUSES:
        raise ValueError(f"unknown status {status!r}")
    now = now or utcnow()
    if handoff.status == status:
        return
    handoff.status = status
    handoff.updated_at = now
    handoff.closed_at = now if status in CLOSED_STATUSES else None
    session.add(HandoffEvent(handoff_id=handoff.id, at=now, actor=actor, kind="status", value=status))


@dataclass
class StatusAnswer:
    found: bool
    locked: bool = False
    status: Optional[str] = None
    team_name: Optional[str] = None
    created_at: Optional[dt.datetime] = None
    updated_at: Optional[dt.datetime] = None


def _check_matches(contact: Mapping[str, Any], check: str) -> bool:
    """The referrer proves it is their handoff with the phone number or e-mail address they gave."""
    given: Sequence[str] = []
    phone = contact_rules.parse_phone(check)
    email = contact_rules.parse_email(check)
    if phone:
        given = [phone]
        stored = contact.get("phone") or ""
    elif email:
        given = [email]
        stored = contact.get("email") or ""
    else:
        return False
    return bool(stored) and hmac.compare_digest(given[0].encode(), str(stored).encode())


def status_for(url: str, reference: str, check: str, now: Optional[dt.datetime] = None) -> StatusAnswer:
    """The status of handoff ``reference`` if ``check`` matches its phone number or e-mail address.
    An unknown reference and a wrong check give the same answer (no guessing which references
    exist); after STATUS_CHECK_MAX_FAILURES wrong checks the reference is locked for an hour."""
    now = now or utcnow()
    with db.sessions(url)() as session, session.begin():
        handoff = session.execute(
            select(Handoff).where(Handoff.reference == normalise_reference(reference)).with_for_update()
        ).scalar_one_or_none()
        if handoff is None:
            return StatusAnswer(found=False)
        if handoff.status_check_locked_until and handoff.status_check_locked_until > now:
            return StatusAnswer(found=False, locked=True)
        if not _check_matches(handoff.contact or {}, check):
            handoff.status_check_failures = (handoff.status_check_failures or 0) + 1
            if handoff.status_check_failures >= STATUS_CHECK_MAX_FAILURES:
                handoff.status_check_locked_until = now + STATUS_CHECK_LOCK
                handoff.status_check_failures = 0
            return StatusAnswer(found=False)
        handoff.status_check_failures = 0
        return StatusAnswer(
            found=True,
            status=handoff.status,
            team_name=handoff.team_name,
            created_at=handoff.created_at,
            updated_at=handoff.updated_at,
        )
