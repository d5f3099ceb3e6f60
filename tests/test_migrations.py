"""The migrations (migrations/, Alembic) make every table of bot/db.py's Base exactly as the models
define it, on SQLite and on PostgreSQL (TEST_POSTGRES_URL), and run bare from the repository root."""

import os
import subprocess
import sys

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from bot import db
from tests.conftest import DATABASES, migrated_database
from tools.servers import ROOT


def _differences(url: str) -> list:
    with db.engine(url).connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata())


@pytest.mark.parametrize("kind", DATABASES)
def test_upgrade_head_from_empty_makes_every_table_as_the_models_define_it(kind, tmp_path):
    with migrated_database(kind, tmp_path) as url:
        assert set(db.metadata().tables) <= set(inspect(db.engine(url)).get_table_names())
        assert _differences(url) == []


def test_alembic_upgrade_head_runs_bare_from_the_repository_root(tmp_path):
    url = f"sqlite:///{tmp_path / 'bare.db'}"
    alembic = os.path.join(os.path.dirname(sys.executable), "alembic")
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    result = subprocess.run(
        [alembic, "upgrade", "head"], cwd=ROOT, env={**env, "DATABASE_URL": url}, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert _differences(url) == []


def test_a_database_from_before_the_indicator_migration_keeps_its_indicators(tmp_path):
    """The action server used to make indicator_events itself; upgrading such a database keeps its rows."""
    from alembic import command
    from alembic.config import Config

    url = f"sqlite:///{tmp_path / 'old.db'}"
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("sqlalchemy.url", url)
    command.upgrade(config, "0003")
    engine = create_engine(url, future=True)
    db.metadata().tables["indicator_events"].create(engine)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO indicator_events (occurred_on, conversation_ref, kind) "
                "VALUES ('2024-05-01', 'abc', 'route')"
            )
        )
    db.migrate(url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT conversation_ref FROM indicator_events")).scalars().all() == ["abc"]
    assert _differences(url) == []
    engine.dispose()
