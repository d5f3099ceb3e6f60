"""What the team inbox and its JSON API do with handoffs, in one place: which handoffs a team may
see (those of its municipalities), claiming, status, notes, and the access log (NEN 7513: who did
what with which handoff, when). Every function runs inside the caller's transaction.

The inbox pages and the team API both act through ``open_handoff``, ``claim``, ``set_status`` and
``add_note``: each checks that the member's team may see the handoff, checks the value, changes
the handoff, writes the access log and returns the handoff, or raises ``RefusedError``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List, Optional

from sqlalchemy import select

from bot import texts
from bot.handoff import store
from bot.handoff.models import STATUS_LABELS, STATUSES, AccessLogEntry, Handoff, HandoffEvent
from bot.handoff.store import utcnow
from bot.regional_data import LocalTeam

if TYPE_CHECKING:
    from bot.handoff.auth import Member

MAX_NOTE_CHARS = 2000
MAX_BY_CHARS = 60
PAGE_SIZE = 50
# text: texts/web.yml (handoffs: not_found, the note's, status's and claim's problems)


def log(
    session, actor: str, team_name: str, action: str, handoff: Optional[Handoff] = None, detail: Optional[str] = None
) -> None:
    """One access-log line; ``detail`` never holds the family's data or a note's text."""
    session.add(
        AccessLogEntry(
            at=utcnow(),
            actor=actor,
            team_name=team_name,
            action=action,
            handoff_id=handoff.id if handoff else None,
            reference=handoff.reference if handoff else None,
            detail=(detail or "")[:200] or None,
        )
    )


def municipalities(session, team_name: str) -> List[str]:
    return list(
        session.execute(
            select(LocalTeam.municipality).where(LocalTeam.name == team_name).order_by(LocalTeam.municipality)
        ).scalars()
    )


def visible(
    session,
    team_name: str,
    status: Optional[str] = None,
    municipality: Optional[str] = None,
    reference: Optional[str] = None,
) -> List[Handoff]:
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
    return list(
        session.execute(
            select(HandoffEvent).where(HandoffEvent.handoff_id == handoff.id).order_by(HandoffEvent.at, HandoffEvent.id)
        ).scalars()
    )


def _claim(session, handoff: Handoff, actor: str) -> None:
    """Claims the handoff; taking it over from a colleague is visible in its history."""
    previous = handoff.claimed_by
    value = f"overgenomen van {previous}" if previous and previous != actor else actor
    handoff.claimed_by = actor
    handoff.updated_at = utcnow()
    session.add(HandoffEvent(handoff_id=handoff.id, at=utcnow(), actor=actor, kind="claim", value=value))
    if handoff.status == "nieuw":
        store.change_status(session, handoff, "in_behandeling", actor)


def _add_note(session, handoff: Handoff, actor: str, text: str) -> None:
    session.add(HandoffEvent(handoff_id=handoff.id, at=utcnow(), actor=actor, kind="note", value=text))
    handoff.updated_at = utcnow()


def check_note(text: Any) -> Optional[str]:
    """None when the note can be saved, else the problem in Dutch."""
    if not isinstance(text, str) or not text.strip():
        return texts.web("handoffs.note_empty")
    if len(text) > MAX_NOTE_CHARS:
        return texts.web("handoffs.note_too_long", max_chars=MAX_NOTE_CHARS)
    return None


def check_status(status: Any) -> Optional[str]:
    if status not in STATUSES:
        return texts.web("handoffs.status", statuses=", ".join(STATUS_LABELS[s] for s in STATUSES))
    return None


def access_log(session, team_name: str, page: int = 1) -> List[AccessLogEntry]:
    return list(
        session.execute(
            select(AccessLogEntry)
            .where(AccessLogEntry.team_name == team_name)
            .order_by(AccessLogEntry.at.desc(), AccessLogEntry.id.desc())
            .offset((max(page, 1) - 1) * PAGE_SIZE)
            .limit(PAGE_SIZE)
        ).scalars()
    )


def as_dict(handoff: Handoff, history: Optional[List[HandoffEvent]] = None) -> Dict[str, Any]:
    """A handoff in the JSON API (the same fields as the webhook, plus the team's work on it)."""
    data = {
        "id": handoff.id,
        "reference": handoff.reference,
        "status": handoff.status,
        "created_at": handoff.created_at.isoformat() + "Z",
        "updated_at": handoff.updated_at.isoformat() + "Z",
        "closed_at": handoff.closed_at.isoformat() + "Z" if handoff.closed_at else None,
        "municipality": handoff.municipality,
        "team": handoff.team_name,
        "referrer_role": handoff.referrer_role,
        "route": handoff.route,
        "urgency": handoff.urgency,
        "claimed_by": handoff.claimed_by,
        "safety_flags": handoff.safety_flags,
    }
    if history is not None:
        data.update(
            {
                "summary": handoff.summary,
                "contact": handoff.contact,
                "consent": handoff.consent,
                "waits_shown": handoff.waits_shown,
                "history": [
                    {"at": e.at.isoformat() + "Z", "actor": e.actor, "kind": e.kind, "value": e.value} for e in history
                ],
            }
        )
    return data


# --- what a member does with a handoff (the pages and the API alike) --------------------------------


class RefusedError(Exception):
    """An action that was not done. ``field`` is what is wrong: "id" when the handoff does not exist
    or is not the member's team's (the two are not told apart), else the value's name."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.message, self.field = message, field

    @property
    def not_found(self) -> bool:
        return self.field == "id"


def _logged(via: str, action: str) -> str:
    """The access-log action: the API's lines start with "api: "."""
    return f"api: {action}" if via == "api" else action


def _team_handoff(session, member: "Member", handoff_id: str) -> Handoff:
    handoff = get(session, member.team_name, handoff_id)
    if handoff is None:
        raise RefusedError(texts.web("handoffs.not_found"), "id")
    return handoff


def open_handoff(session, member: "Member", handoff_id: str, via: str = "page") -> Handoff:
    """The handoff for the member to read; ``via`` is "page" or "api"."""
    handoff = _team_handoff(session, member, handoff_id)
    log(session, member.username, member.team_name, _logged(via, "bekeken"), handoff)
    return handoff


def claim(session, member: "Member", handoff_id: str, by: Any = None, via: str = "page") -> Handoff:
    """The member claims the handoff; an integration may name the person (``by``) it claims for."""
    handoff = _team_handoff(session, member, handoff_id)
    if by is not None and (not isinstance(by, str) or not by.strip() or len(by) > MAX_BY_CHARS):
        raise RefusedError(texts.web("handoffs.claim_by", max_chars=MAX_BY_CHARS), "by")
    actor = f"{member.username} ({by.strip()})" if by else member.username
    _claim(session, handoff, actor[:80])
    log(session, member.username, member.team_name, _logged(via, "opgepakt"), handoff)
    return handoff


def set_status(session, member: "Member", handoff_id: str, status: Any, via: str = "page") -> Handoff:
    """A new status; choosing the current one again changes nothing and is not logged."""
    handoff = _team_handoff(session, member, handoff_id)
    problem = check_status(status)
    if problem:
        raise RefusedError(problem, "status")
    if status != handoff.status:
        store.change_status(session, handoff, status, member.username)
        log(
            session,
            member.username,
            member.team_name,
            _logged(via, "status gewijzigd"),
            handoff,
            f"status: {STATUS_LABELS[status]}",
        )
    return handoff


def add_note(session, member: "Member", handoff_id: str, text: Any, via: str = "page") -> Handoff:
    """A note in the handoff's history; the log says a note was added, never what it says."""
    handoff = _team_handoff(session, member, handoff_id)
    problem = check_note(text)
    if problem:
        raise RefusedError(problem, "text")
    _add_note(session, handoff, member.username, text.strip())
    log(session, member.username, member.team_name, _logged(via, "notitie toegevoegd"), handoff)
    return handoff
