"""One engine and sessionmaker per database URL (SQLAlchemy 1.4, 2.0-style)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker


@lru_cache(maxsize=None)
def engine(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        Path(url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
    return create_engine(url, future=True, pool_pre_ping=True)


@lru_cache(maxsize=None)
def sessions(url: str) -> sessionmaker:
    return sessionmaker(engine(url), future=True, expire_on_commit=False)
