"""The web process and its accounts.

    python -m bot.web serve [--host 127.0.0.1] [--port 8080] [--no-delivery]
    python -m bot.web add-staff --username U --team "Jeugd- en Gezinsteam Leiden" --display-name "Naam"
        (password from WEGWIJZER_NEW_PASSWORD, or asked)
    python -m bot.web add-token --team "..." --name "zaaksysteem"      (prints the token once)
    python -m bot.web demo-accounts      (make run: example staff for Leiden and Katwijk, first time only)
"""
from __future__ import annotations

import argparse
import getpass
import os
import secrets
import sys
from pathlib import Path

from sqlalchemy import select

from bot import db
from bot.settings import DATABASE_URL, ROOT
from bot.handoff import auth
from bot.handoff.models import Staff
from bot.regional_data import LocalTeam
from bot.waiting_times.cli import migrate

DEMO_MUNICIPALITIES = ("Leiden", "Katwijk")
DEMO_FILE = ROOT / "var" / "demo-inbox-accounts.txt"


def demo_accounts(url: str, path: Path = DEMO_FILE) -> str:
    """Example staff for two teams, made once; their passwords go to a file only this user reads."""
    with db.sessions(url)() as session:
        if session.execute(select(Staff.id).limit(1)).first():
            return f"Inbox accounts exist already (example accounts, if made here: {path})."
        teams = {m: session.execute(select(LocalTeam.name).where(LocalTeam.municipality == m)).scalar()
                 for m in DEMO_MUNICIPALITIES}
    missing = [m for m, team in teams.items() if team is None]
    if missing:
        raise ValueError(f"no local team for {', '.join(missing)}: load the regional data first "
                         "(python -m bot.waiting_times.cli seed-demo)")
    lines = []
    for municipality, team in teams.items():
        username = f"demo-{municipality.lower()}"
        password = secrets.token_urlsafe(12)
        auth.add_staff(url, username, team, f"Demo medewerker {municipality}", password)
        lines.append(f"{username}  {password}  ({team})")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    # Created readable by this user only from the start (not chmod-ed after writing).
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as file:
        file.write("Example inbox accounts (username, password, team):\n" + "\n".join(lines) + "\n")
    return f"Example inbox accounts made; usernames and passwords are in {path}."


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.web", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=DATABASE_URL)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the inbox, the API and the handoff delivery worker")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080)
    serve.add_argument("--no-delivery", action="store_true", help="do not run the webhook delivery worker here")
    staff = commands.add_parser("add-staff", help="add a staff member of a local team")
    staff.add_argument("--username", required=True)
    staff.add_argument("--team", required=True)
    staff.add_argument("--display-name", required=True)
    token = commands.add_parser("add-token", help="make an API token for a team's integration (shown once)")
    token.add_argument("--team", required=True)
    token.add_argument("--name", required=True)
    commands.add_parser("demo-accounts", help="example staff accounts for Leiden and Katwijk (first time only)")
    args = parser.parse_args(argv)
    url = args.database_url
    migrate(url)

    try:
        if args.command == "serve":
            from aiohttp import web

            from bot.web.app import create_app

            web.run_app(create_app(url, deliver=not args.no_delivery), host=args.host, port=args.port,
                        print=lambda *_: None)
        elif args.command == "add-staff":
            password = os.environ.get("WEGWIJZER_NEW_PASSWORD") or getpass.getpass("Wachtwoord (12+ tekens): ")
            auth.add_staff(url, args.username, args.team, args.display_name, password)
            print(f"Staff member {args.username} added to {args.team}.")
        elif args.command == "add-token":
            print(auth.create_token(url, args.team, args.name))
        else:
            print(demo_accounts(url))
    except ValueError as error:
        print(f"Not done: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
