"""Retention of handoffs: a handoff, its history, notes and outbox row, and the transcript of the
conversation it came from, are deleted a set period after the team closed it (afgerond or
doorverwezen; WEGWIJZER_HANDOFF_RETENTION_DAYS, default 90). Open handoffs are kept while the team
works on them. Expired inbox sessions go too. The access log keeps the reference, no personal data."""

from __future__ import annotations

import datetime as dt
from typing import Dict, List, Optional

from sqlalchemy import delete, select

from bot import db
from bot.handoff.models import Handoff, HandoffEvent, OutboxMessage, StaffSession
from bot.handoff.store import utcnow
from bot.retention import delete_conversations
from bot.settings import HANDOFF_RETENTION_DAYS

DEFAULT_DAYS = HANDOFF_RETENTION_DAYS


def purge(
    url: str, days: int = DEFAULT_DAYS, tracker_url: Optional[str] = None, now: Optional[dt.datetime] = None
) -> Dict[str, int]:
    """Deletes what is due; returns counts. ``tracker_url`` is Rasa's tracker store database."""
    now = now or utcnow()
    cutoff = now - dt.timedelta(days=days)
    with db.sessions(url)() as session, session.begin():
        due = session.execute(
            select(Handoff.id, Handoff.conversation_id).where(
                Handoff.closed_at.is_not(None), Handoff.closed_at < cutoff
            )
        ).all()
        ids: List[str] = [row.id for row in due]
        if ids:
            # Children first, explicitly: SQLite does not enforce ON DELETE CASCADE by default.
            session.execute(delete(HandoffEvent).where(HandoffEvent.handoff_id.in_(ids)))
            session.execute(delete(OutboxMessage).where(OutboxMessage.handoff_id.in_(ids)))
            session.execute(delete(Handoff).where(Handoff.id.in_(ids)))
        sessions = session.execute(delete(StaffSession).where(StaffSession.expires_at < now)).rowcount
    conversations = [row.conversation_id for row in due if row.conversation_id]
    transcripts = delete_conversations(tracker_url, conversations) if tracker_url else 0
    return {"handoffs": len(ids), "transcripts": transcripts, "sessions": sessions or 0}
