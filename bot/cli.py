"""The one command, `python -m bot <command>`: the database, the region's data, accounts and keys,
the servers, retention and the spaCy pipeline. `python -m bot <command> --help` tells more.
Every command that uses the database first brings its tables up to date (bot.db.migrate)."""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
from pathlib import Path
from typing import Callable, List, Optional

from bot import settings


def _migrate(args: argparse.Namespace) -> int:
    print("The tables are up to date.")
    return 0


def _regional_documents() -> dict:
    from bot import knowledge, regional_data

    return {name: knowledge.load_file(name) for name in regional_data.DOCUMENTS}


def _seed_demo(args: argparse.Namespace) -> int:
    from bot import regional_data
    from bot.waiting_times import store

    if not regional_data.is_loaded(args.database_url):
        regional_data.load_documents(args.database_url, _regional_documents())
        print("Regional knowledge loaded from bot/knowledge/.")
    print(f"Demo providers loaded: {store.seed_demo(args.database_url)} (0 means the database already had providers).")
    return 0


def _load(args: argparse.Namespace) -> int:
    from bot import regional_data

    regional_data.load_documents(args.database_url, _regional_documents())
    print("Regional knowledge loaded from bot/knowledge/ (restart the bot to use it).")
    return 0


def _import_waits(args: argparse.Namespace) -> int:
    from bot.waiting_times import store

    try:
        count = store.import_csv(args.database_url, args.file.read_text(encoding="utf-8"))
    except store.InvalidReport as invalid:
        print(f"Nothing imported from {args.file}: fix these and import again:", file=sys.stderr)
        for error in invalid.errors:
            print(f"  row {error.row or '-'}, {error.field}: {error.message}", file=sys.stderr)
        return 2
    print(f"Imported {count} wait report(s) from {args.file}.")
    return 0


def _provider_key(args: argparse.Namespace) -> int:
    from bot.waiting_times import store

    try:
        print(store.create_api_key(args.database_url, args.provider_id))
    except KeyError:
        print(f"Unknown provider: {args.provider_id}", file=sys.stderr)
        return 2
    return 0


def _add_staff(args: argparse.Namespace) -> int:
    from bot.handoff import auth

    password = settings.new_staff_password() or getpass.getpass("Wachtwoord (12+ tekens): ")
    auth.add_staff(args.database_url, args.username, args.team, args.display_name, password)
    print(f"Staff member {args.username} added to {args.team}.")
    return 0


def _add_token(args: argparse.Namespace) -> int:
    from bot.handoff import auth

    print(auth.create_token(args.database_url, args.team, args.name))
    return 0


def _demo_accounts(args: argparse.Namespace) -> int:
    from bot.handoff import auth

    print(auth.demo_accounts(args.database_url))
    return 0


def _webhook_secret(args: argparse.Namespace) -> int:
    from bot.handoff import auth, delivery

    if not auth.team_exists(args.database_url, args.team):
        print(f"No local team named {args.team!r} (see bot/knowledge/regions.yml)", file=sys.stderr)
        return 2
    print(delivery.set_secret(args.database_url, args.team))
    return 0


def _serve(args: argparse.Namespace) -> int:
    from aiohttp import web

    from bot.web.app import create_app

    web.run_app(
        create_app(args.database_url, deliver=not args.no_delivery),
        host=args.host,
        port=args.port,
        print=lambda *_: None,
    )
    return 0


def _serve_waits(args: argparse.Namespace) -> int:
    from aiohttp import web

    from bot.waiting_times.service import make_app

    web.run_app(make_app(args.database_url), host=args.host, port=args.port, print=lambda *_: None)
    return 0


def _deliver(args: argparse.Namespace) -> int:
    from bot.handoff import delivery

    if args.once:
        print(f"{delivery.deliver_due(args.database_url)} handoff(s) delivered")
    else:
        delivery.run(args.database_url, interval=args.interval)
    return 0


def _purge(args: argparse.Namespace) -> int:
    from bot import retention
    from bot.handoff import retention as handoff_retention

    counts = handoff_retention.purge(args.database_url, args.handoff_days, args.tracker_url)
    print(
        f"Retention: {counts['handoffs']} handoff(s) closed more than {args.handoff_days} days ago deleted, "
        f"with {counts['transcripts']} conversation(s); {counts['sessions']} expired inbox session(s)"
    )
    print(
        f"Retention: {retention.purge_trackers(args.tracker_url, args.days)} conversation(s) older than "
        f"{args.days} days deleted"
    )
    return 0


def _build_nlp(args: argparse.Namespace) -> int:
    from bot import nlp

    print(f"spaCy pipeline written to {nlp.build(args.target)}")
    return 0


def _export_env(args: argparse.Namespace) -> int:
    print("\n".join(settings.shell_exports()))
    return 0


# Commands that do not touch the bot's database (the others migrate it first).
NO_DATABASE = {_build_nlp, _export_env}


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="python -m bot", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    main.add_argument(
        "--database-url",
        default=settings.DATABASE_URL,
        help="the bot's database (default: DATABASE_URL, bot/settings.py)",
    )
    commands = main.add_subparsers(dest="command", required=True, metavar="<command>", title="commands")

    def command(
        name: str, run: Callable[[argparse.Namespace], int], help: str, description: str = ""
    ) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help, description=description or help)
        sub.set_defaults(run=run)
        return sub

    command("migrate", _migrate, "create or upgrade every table (Alembic)")
    command(
        "seed-demo",
        _seed_demo,
        "first start: knowledge files and example providers",
        "first start: load bot/knowledge/ and the example providers into an empty database",
    )
    command(
        "load",
        _load,
        "load the edited knowledge files into the database",
        "replace regions, local teams, voorveld and scope in the database with "
        "bot/knowledge/{regions,voorveld,scope}.yml (all or nothing)",
    )
    importer = command("import-waits", _import_waits, "import a waiting-times survey CSV (all or nothing)")
    importer.add_argument("file", type=Path)
    key = command("provider-key", _provider_key, "make a provider's waits API key (shown once)")
    key.add_argument("provider_id")
    staff = command(
        "add-staff",
        _add_staff,
        "add a staff member of a local team to the inbox",
        "add a staff member of a local team to the inbox (password from WEGWIJZER_NEW_PASSWORD, or asked)",
    )
    staff.add_argument("--username", required=True)
    staff.add_argument("--team", required=True)
    staff.add_argument("--display-name", required=True)
    token = command("add-token", _add_token, "make an inbox API token for a team (shown once)")
    token.add_argument("--team", required=True)
    token.add_argument("--name", required=True)
    command("demo-accounts", _demo_accounts, "example inbox accounts for Leiden and Katwijk")
    secret = command("webhook-secret", _webhook_secret, "make a team's webhook signing secret (shown once)")
    secret.add_argument("--team", required=True)
    serve = command(
        "serve",
        _serve,
        "run the web process (widget, inbox, API, delivery)",
        "run the web process: widget pages, team inbox, its API, handoff delivery",
    )
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080)
    serve.add_argument("--no-delivery", action="store_true", help="do not run the webhook delivery worker here")
    waits = command("serve-waits", _serve_waits, "run the waiting-times service (HTTP API)")
    waits.add_argument("--host", default="127.0.0.1")
    waits.add_argument("--port", type=int, default=8000)
    deliver = command("deliver", _deliver, "run only the handoff delivery worker (webhooks)")
    deliver.add_argument("--once", action="store_true", help="one round, then stop")
    deliver.add_argument("--interval", type=float, default=5.0)
    purge = command(
        "purge",
        _purge,
        "retention: delete what is past its period",
        "retention: delete old conversations, closed handoffs past their period and expired inbox sessions",
    )
    purge.add_argument(
        "--days", type=int, default=settings.RETENTION_DAYS, help="conversations whose last message is older than this"
    )
    purge.add_argument(
        "--handoff-days", type=int, default=settings.HANDOFF_RETENTION_DAYS, help="handoffs closed longer ago than this"
    )
    purge.add_argument("--tracker-url", default=settings.tracker_database_url(), help="Rasa's tracker store")
    nlp = command("build-nlp", _build_nlp, "build the spaCy pipeline Rasa loads (build/spacy_nl)")
    nlp.add_argument("--target", type=Path, default=settings.PIPELINE_DIR)
    command(
        "export-env",
        _export_env,
        "print .env as shell exports (for scripts/run.sh)",
        "print each setting in .env that the environment does not set as `export KEY=value`: "
        "scripts/run.sh evaluates these, so Rasa sees .env as the bot does",
    )
    return main


def main(argv: Optional[List[str]] = None) -> int:
    args = parser().parse_args(argv)
    if args.run is _deliver:  # the worker reports each delivery round in its log
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    if args.run not in NO_DATABASE:
        from bot import db

        db.migrate(args.database_url)
    try:
        return args.run(args)
    except ValueError as error:  # a wrong team, a short password: said plainly, no traceback
        print(f"Not done: {error}", file=sys.stderr)
        return 2
