"""Database and waiting-times commands: migrate, load the regional knowledge and the demo data,
import a CSV survey, make a provider's API key, run the service. The database is DATABASE_URL."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.settings import DATABASE_URL, ROOT


def migrate(url: str) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.set_main_option("sqlalchemy.url", url)
    command.upgrade(config, "head")


def main(argv=None) -> int:
    from bot import knowledge, regional_data
    from bot.waiting_times import store

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default=DATABASE_URL)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="create or upgrade the tables (Alembic)")
    commands.add_parser("seed-demo", help="on first start: load the regional knowledge files and the example "
                                          "providers (bot/knowledge/providers.yml) into an empty database")
    commands.add_parser("load-knowledge", help="replace regions, local teams, voorveld and scope in the database "
                                               "with bot/knowledge/{regions,voorveld,scope}.yml (all or nothing)")
    importer = commands.add_parser("import", help="import a region's survey CSV (all rows or none)")
    importer.add_argument("file", type=Path)
    key = commands.add_parser("create-key", help="make (or replace) a provider's API key; printed once")
    key.add_argument("provider_id")
    serve = commands.add_parser("serve", help="run the HTTP service")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    url = args.database_url

    if args.command == "migrate":
        migrate(url)
        print("Waiting-times tables are up to date.")
    elif args.command == "seed-demo":
        migrate(url)
        if not regional_data.is_loaded(url):
            regional_data.load_documents(url, {name: knowledge.load_file(name) for name in regional_data.DOCUMENTS})
            print("Regional knowledge loaded from bot/knowledge/.")
        print(f"Demo providers loaded: {store.seed_demo(url)} (0 means the database already had providers).")
    elif args.command == "load-knowledge":
        migrate(url)
        regional_data.load_documents(url, {name: knowledge.load_file(name) for name in regional_data.DOCUMENTS})
        print("Regional knowledge loaded from bot/knowledge/ (restart the bot to use it).")
    elif args.command == "import":
        try:
            count = store.import_csv(url, args.file.read_text(encoding="utf-8"))
        except store.InvalidReport as invalid:
            print(f"Nothing imported from {args.file}: fix these and import again:", file=sys.stderr)
            for error in invalid.errors:
                print(f"  row {error.row or '-'}, {error.field}: {error.message}", file=sys.stderr)
            return 2
        print(f"Imported {count} wait report(s) from {args.file}.")
    elif args.command == "create-key":
        try:
            print(store.create_api_key(url, args.provider_id))
        except KeyError:
            print(f"Unknown provider: {args.provider_id}", file=sys.stderr)
            return 2
    elif args.command == "serve":
        from aiohttp import web

        from bot.waiting_times.service import make_app

        migrate(url)
        web.run_app(make_app(url), host=args.host, port=args.port, print=lambda *_: None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
