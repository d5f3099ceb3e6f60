"""The database: one SQLAlchemy Base for every table, one engine and sessionmaker per database URL
(SQLAlchemy 1.4, 2.0-style), and `migrate()`, which creates or upgrades the tables (Alembic,
migrations/). No table is made any other way."""

from __future__ import annotations

import importlib
from functools import lru_cache
from pathlib import Path

from sqlalchemy import MetaData, create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.orm import declarative_base, sessionmaker

from bot.settings import ROOT

# Every table's model class derives from this Base; each lives with its feature.
Base = declarative_base()

# The modules that define tables; importing them all puts every table on Base.metadata.
MODEL_MODULES = ("bot.waiting_times.models", "bot.regional_data", "bot.handoff.models", "bot.indicators")


def metadata() -> MetaData:
    """The metadata of every table (what Alembic's migrations must produce)."""
    for module in MODEL_MODULES:
        importlib.import_module(module)
    return Base.metadata


@lru_cache(maxsize=None)
def engine(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        Path(url[len("sqlite:///") :]).parent.mkdir(parents=True, exist_ok=True)
    return create_engine(url, future=True, pool_pre_ping=True)


@lru_cache(maxsize=None)
def sessions(url: str) -> sessionmaker:
    return sessionmaker(engine(url), future=True, expire_on_commit=False)


def migrate(url: str) -> None:
    """Creates the tables in the database at ``url``, or upgrades them, to the newest migration."""
    from alembic import command
    from alembic.config import Config

    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    # Alembic's ini syntax treats % as interpolation: a password may contain one.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    command.upgrade(config, "head")
