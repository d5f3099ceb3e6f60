"""Retention: deletes conversations (Rasa tracker events) whose last message is older than the
retention period (WEGWIJZER_RETENTION_DAYS, default 90), and handoffs with their conversation
closed longer ago than WEGWIJZER_HANDOFF_RETENTION_DAYS (default 90; bot/handoff/retention.py).
Runs at every `make run` and as `make purge`; the anonymised indicators hold no personal data and
are kept."""
from __future__ import annotations

import argparse
import os
import time
from typing import Optional

from sqlalchemy import create_engine, inspect, text

from bot import db

DEFAULT_DAYS = int(os.environ.get("WEGWIJZER_RETENTION_DAYS", "90"))


def purge_trackers(url: str, days: int = DEFAULT_DAYS, now: Optional[float] = None) -> int:
    """Deletes every conversation whose newest event is older than ``days``; returns how many."""
    cutoff = (now if now is not None else time.time()) - days * 86400
    engine = create_engine(url, future=True)
    try:
        if not inspect(engine).has_table("events"):
            return 0
        with engine.begin() as connection:
            stale = connection.execute(text(
                "SELECT sender_id FROM events GROUP BY sender_id HAVING MAX(timestamp) < :cutoff"),
                {"cutoff": cutoff}).scalars().all()
            for sender_id in stale:
                connection.execute(text("DELETE FROM events WHERE sender_id = :sender"), {"sender": sender_id})
        return len(stale)
    finally:
        engine.dispose()


def main() -> None:
    from bot.config import DATABASE_URL
    from bot.handoff import retention as handoff_retention

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tracker-url", default=os.environ.get("TRACKER_DATABASE_URL", "sqlite:///var/tracker.db"))
    parser.add_argument("--days", type=int, default=DEFAULT_DAYS)
    parser.add_argument("--database-url", default=DATABASE_URL)
    parser.add_argument("--handoff-days", type=int, default=handoff_retention.DEFAULT_DAYS)
    args = parser.parse_args()
    if inspect(db.engine(args.database_url)).has_table("handoffs"):
        counts = handoff_retention.purge(args.database_url, args.handoff_days, args.tracker_url)
        print(f"Retention: {counts['handoffs']} handoff(s) closed more than {args.handoff_days} days ago deleted, "
              f"with {counts['transcripts']} conversation(s)")
    print(f"Retention: {purge_trackers(args.tracker_url, args.days)} conversation(s) older than {args.days} days deleted")


if __name__ == "__main__":
    main()
