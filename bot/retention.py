"""Retention: deletes conversations (Rasa tracker events) whose last message is older than the
retention period (WEGWIJZER_RETENTION_DAYS, default 90), and handoffs with their conversation
closed longer ago than WEGWIJZER_HANDOFF_RETENTION_DAYS (default 90; bot/handoff/retention.py).
Runs at every `make run` and as `make purge` (`python -m bot purge`); the anonymised indicators
hold no personal data and are kept."""

from __future__ import annotations

import contextlib
import time
from typing import Iterable, Iterator, List, Optional

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import Connection

from bot.settings import RETENTION_DAYS

DEFAULT_DAYS = RETENTION_DAYS


@contextlib.contextmanager
def _events(url: str) -> Iterator[Optional[Connection]]:
    """A transaction on Rasa's SQL tracker store, or None when it has no conversations table."""
    engine = create_engine(url, future=True)
    try:
        if not inspect(engine).has_table("events"):
            yield None
            return
        with engine.begin() as connection:
            yield connection
    finally:
        engine.dispose()


def _delete(connection: Connection, sender_ids: Iterable[str]) -> int:
    deleted = 0
    for sender_id in sender_ids:
        result = connection.execute(text("DELETE FROM events WHERE sender_id = :sender"), {"sender": sender_id})
        deleted += 1 if result.rowcount else 0
    return deleted


def delete_conversations(url: str, sender_ids: List[str]) -> int:
    """Deletes these conversations from the tracker store (handoff retention, "Gesprek wissen");
    returns how many were there."""
    if not sender_ids:
        return 0
    with _events(url) as connection:
        return _delete(connection, sender_ids) if connection is not None else 0


def purge_trackers(url: str, days: int = DEFAULT_DAYS, now: Optional[float] = None) -> int:
    """Deletes every conversation whose newest event is older than ``days``; returns how many."""
    cutoff = (now if now is not None else time.time()) - days * 86400
    with _events(url) as connection:
        if connection is None:
            return 0
        stale = (
            connection.execute(
                text("SELECT sender_id FROM events GROUP BY sender_id HAVING MAX(timestamp) < :cutoff"),
                {"cutoff": cutoff},
            )
            .scalars()
            .all()
        )
        _delete(connection, stale)
        return len(stale)
