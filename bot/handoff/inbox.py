"""What the team inbox and its JSON API do with handoffs, in one place: which handoffs a team may
see (those of its municipalities), claiming, status, notes, and the access log (NEN 7513: who did
what with which handoff, when). Every function runs inside the caller's transaction."""
from __future__ import annotations

from typing import Any, Dict, List, Optional

from sqlalchemy import select

from bot.handoff import store
from bot.handoff.models import STATUS_LABELS, STATUSES, AccessLogEntry, Handoff, HandoffEvent
from bot.handoff.store import utcnow
from bot.regional_data import LocalTeam

MAX_NOTE_CHARS = 2000
PAGE_SIZE = 50


def log(session, actor: str, team_name: str, action: str, handoff: Optional[Handoff] = None,
        detail: Optional[str] = None) -> None:
    """One access-log line; ``detail`` never holds the family's data or a note's text."""
    session.add(AccessLogEntry(at=utcnow(), actor=actor, team_name=team_name, action=action,
                               handoff_id=handoff.id if handoff else None,
                               reference=handoff.reference if handoff else None,
                               detail=(detail or "")[:200] or None))


def municipalities(session, team_name: str) -> List[str]:
    return list(session.execute(select(LocalTeam.municipality).where(LocalTeam.name == team_name)
                                .order_by(LocalTeam.municipality)).scalars())


def visible(session, team_name: str, status: Optional[str] = None, municipality: Optional[str] = None,
            reference: Optional[str] = None) -> List[Handoff]:
    allowed = municipalities(session, team_name)
    query = select(Handoff).where(Handoff.municipality.in_(allowed))
    if status:
        query = query.where(Handoff.status == status)
    if municipality:
        query = query.where(Handoff.municipality == municipality)
    if reference:
        query = query.where(Handoff.reference == store.normalise_reference(reference))
    return list(session.execute(query.order_by(Handoff.created_at.desc())).scalars())


def get(session, team_name: str, handoff_id: str) -> Optional[Handoff]:
    """The handoff if this team may see it; None otherwise (so nobody learns it exists)."""
    handoff = session.get(Handoff, handoff_id)
    if handoff is None or handoff.municipality not in municipalities(session, team_name):
        return None
    return handoff


def events(session, handoff: Handoff) -> List[HandoffEvent]:
    return list(session.execute(select(HandoffEvent).where(HandoffEvent.handoff_id == handoff.id)
                                .order_by(HandoffEvent.at, HandoffEvent.id)).scalars())


def claim(session, handoff: Handoff, actor: str) -> None:
    """Claims the handoff; taking it over from a colleague is visible in its history."""
    previous = handoff.claimed_by
    value = f"overgenomen van {previous}" if previous and previous != actor else actor
    handoff.claimed_by = actor
    handoff.updated_at = utcnow()
    session.add(HandoffEvent(handoff_id=handoff.id, at=utcnow(), actor=actor, kind="claim", value=value))
    if handoff.status == "nieuw":
        store.change_status(session, handoff, "in_behandeling", actor)


def add_note(session, handoff: Handoff, actor: str, text: str) -> None:
    session.add(HandoffEvent(handoff_id=handoff.id, at=utcnow(), actor=actor, kind="note", value=text))
    handoff.updated_at = utcnow()


def check_note(text: Any) -> Optional[str]:
    """None when the note can be saved, else the problem in Dutch."""
    if not isinstance(text, str) or not text.strip():
        return "Typ eerst een notitie."
    if len(text) > MAX_NOTE_CHARS:
        return f"Een notitie mag hoogstens {MAX_NOTE_CHARS} tekens hebben."
    return None


def check_status(status: Any) -> Optional[str]:
    if status not in STATUSES:
        return "Kies een status: " + ", ".join(STATUS_LABELS[s] for s in STATUSES) + "."
    return None


def access_log(session, team_name: str, page: int = 1) -> List[AccessLogEntry]:
    return list(session.execute(select(AccessLogEntry).where(AccessLogEntry.team_name == team_name)
                                .order_by(AccessLogEntry.at.desc(), AccessLogEntry.id.desc())
                                .offset((max(page, 1) - 1) * PAGE_SIZE).limit(PAGE_SIZE)).scalars())


def as_dict(handoff: Handoff, history: Optional[List[HandoffEvent]] = None) -> Dict[str, Any]:
    """A handoff in the JSON API (the same fields as the webhook, plus the team's work on it)."""
    data = {
        "id": handoff.id, "reference": handoff.reference, "status": handoff.status,
        "created_at": handoff.created_at.isoformat() + "Z", "updated_at": handoff.updated_at.isoformat() + "Z",
        "closed_at": handoff.closed_at.isoformat() + "Z" if handoff.closed_at else None,
        "municipality": handoff.municipality, "team": handoff.team_name, "referrer_role": handoff.referrer_role,
        "route": handoff.route, "urgency": handoff.urgency, "claimed_by": handoff.claimed_by,
        "safety_flags": handoff.safety_flags,
    }
    if history is not None:
        data.update({"summary": handoff.summary, "contact": handoff.contact, "consent": handoff.consent,
                     "waits_shown": handoff.waits_shown,
                     "history": [{"at": e.at.isoformat() + "Z", "actor": e.actor, "kind": e.kind, "value": e.value}
                                 for e in history]})
    return data
