"""Shared fixtures. The live fixture runs the trained Rasa server and the action server on free
loopback ports and talks to them over the REST channel, as a user's client would."""

from __future__ import annotations

import contextlib
import os
import tempfile
import uuid
from pathlib import Path
from typing import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tools.servers import MODEL, Bot, Servers

# The PostgreSQL server for the production-configuration tests (each test makes its own database
# there): TEST_POSTGRES_URL, or DATABASE_URL when that points at PostgreSQL.
POSTGRES = os.environ.get("TEST_POSTGRES_URL") or (
    os.environ.get("DATABASE_URL") if os.environ.get("DATABASE_URL", "").startswith("postgresql") else None
)
# Everything the tests store in-process (indicators from the actions' unit tests) goes to a
# throwaway database, never to var/wegwijzer.db or a configured production database. Set before
# any test module imports bot.settings, which reads DATABASE_URL once.
os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='wegwijzer-tests-')}/test.db"
REDIS = os.environ.get("TEST_REDIS_URL")


@contextlib.contextmanager
def temporary_postgres_database() -> Iterator[str]:
    """A fresh database on the test PostgreSQL server, dropped afterwards."""
    name = f"wegwijzer_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES, future=True, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield str(make_url(POSTGRES).set(database=name))
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


# The databases the data-layer tests run on: the embedded default, and PostgreSQL when configured.
DATABASES = ["sqlite"] + (["postgresql"] if POSTGRES else [])


@contextlib.contextmanager
def migrated_database(kind: str, folder: Path) -> Iterator[str]:
    """An empty project database with every migration applied: SQLite in ``folder``, or a
    throwaway database on the test PostgreSQL server."""
    from bot import db

    if kind == "sqlite":
        url = f"sqlite:///{folder / 'project.db'}"
        db.migrate(url)
        yield url
        return
    with temporary_postgres_database() as url:
        db.migrate(url)
        yield url
        db.engine(url).dispose()


def stored_handoff(url: str, reference: str):
    """The handoff stored under ``reference`` in the database at ``url``, or None."""
    from sqlalchemy import select

    from bot import db
    from bot.handoff.models import Handoff

    with db.sessions(url)() as session:
        return session.execute(select(Handoff).where(Handoff.reference == reference)).scalar_one_or_none()


@pytest.fixture(scope="session")
def bot(tmp_path_factory) -> Iterator[Bot]:
    if not MODEL.exists():
        pytest.fail("no trained model: run `make test` (it trains first) or `make train`")
    # In-memory tracker store: the live tests leave nothing behind.
    servers = Servers(tmp_path_factory.mktemp("live"), "", {})
    try:
        servers.start_waiting_times()
        servers.start_actions()
        servers.start_rasa()
        yield servers.bot
    finally:
        servers.stop_all()


# --- markers (pyproject.toml): unit, live, e2e, postgres -----------------------------------------
LIVE_MODULES = {"test_live_conversations", "test_live_typed_answers", "test_production_config", "test_where_to_change"}
E2E_MODULES = {"test_widget_e2e"}


def pytest_collection_modifyitems(config, items) -> None:
    for item in items:
        module = item.module.__name__.rsplit(".", 1)[-1]
        kinds = set()
        if module in E2E_MODULES:
            kinds.add("e2e")
        elif module in LIVE_MODULES or "bot" in getattr(item, "fixturenames", ()):
            kinds.add("live")
        if "postgres" in item.nodeid.lower() or module == "test_production_config":
            kinds.add("postgres")
        for kind in kinds or {"unit"}:
            item.add_marker(kind)
