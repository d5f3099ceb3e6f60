"""Handoff commands: the delivery worker, a team's webhook signing secret, retention.

    python -m bot.handoff.cli deliver [--once] [--interval 5]
    python -m bot.handoff.cli webhook-secret --team "Jeugd- en Gezinsteam Leiden"
    python -m bot.handoff.cli purge [--days 90] [--tracker-url sqlite:///var/tracker.db]
"""
from __future__ import annotations

import argparse
import logging
import os
import sys

from bot.settings import DATABASE_URL
from bot.handoff import auth, delivery, retention
from bot.waiting_times.cli import migrate


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.handoff.cli", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=DATABASE_URL)
    commands = parser.add_subparsers(dest="command", required=True)
    deliver = commands.add_parser("deliver", help="deliver handoffs to the teams' own systems (webhooks)")
    deliver.add_argument("--once", action="store_true", help="one round, then stop")
    deliver.add_argument("--interval", type=float, default=5.0)
    secret = commands.add_parser("webhook-secret", help="make a team's signing secret (shown once)")
    secret.add_argument("--team", required=True)
    purge = commands.add_parser("purge", help="delete handoffs closed longer ago than the retention period")
    purge.add_argument("--days", type=int, default=retention.DEFAULT_DAYS)
    purge.add_argument("--tracker-url", default=os.environ.get("TRACKER_DATABASE_URL", "sqlite:///var/tracker.db"))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    url = args.database_url
    migrate(url)

    if args.command == "deliver":
        if args.once:
            print(f"{delivery.deliver_due(url)} handoff(s) delivered")
            return 0
        delivery.run(url, interval=args.interval)
        return 0
    if args.command == "webhook-secret":
        if not auth.team_exists(url, args.team):
            print(f"No local team named {args.team!r} (see bot/knowledge/regions.yml)", file=sys.stderr)
            return 2
        print(delivery.set_secret(url, args.team))
        return 0
    counts = retention.purge(url, args.days, args.tracker_url)
    print(f"Retention: {counts['handoffs']} handoff(s) closed more than {args.days} days ago deleted, "
          f"with {counts['transcripts']} conversation(s); {counts['sessions']} expired inbox session(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
