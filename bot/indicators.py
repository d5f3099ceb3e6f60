"""Anonymised indicators the regions want (BRIEF §5): role, municipality, concern domain,
route, safety escalations, lighter option accepted, handoffs per municipality, conversation length, experience score.

Never stores the child's identity, the sender id or any free text: a conversation is known only
by a random reference made for this purpose.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Optional

from sqlalchemy import Column, Date, Integer, String, select

from bot import db
from bot.db import Base
from bot.settings import DATABASE_URL

logger = logging.getLogger(__name__)

KINDS = {"route", "safety", "safety_check", "lighter_accepted", "handoff", "feedback"}


class IndicatorEvent(Base):
    __tablename__ = "indicator_events"

    id = Column(Integer, primary_key=True)
    occurred_on = Column(Date, nullable=False)  # a day, not a time: less to re-identify
    conversation_ref = Column(String(32), nullable=False, index=True)
    kind = Column(String(32), nullable=False)
    role = Column(String(16))
    municipality = Column(String(80))
    domain = Column(String(40))
    route = Column(String(40))
    turns = Column(Integer)
    score = Column(Integer)


def record(
    kind: str,
    conversation_ref: str,
    *,
    role: Optional[str] = None,
    municipality: Optional[str] = None,
    domain: Optional[str] = None,
    route: Optional[str] = None,
    turns: Optional[int] = None,
    score: Optional[int] = None,
    url: str = DATABASE_URL,
) -> bool:
    """Stores one indicator; returns False (and never raises) when the database is unavailable,
    because the conversation must go on without it."""
    if kind not in KINDS:
        raise ValueError(f"unknown indicator kind: {kind}")
    try:
        with db.sessions(url)() as session, session.begin():
            session.add(
                IndicatorEvent(
                    occurred_on=dt.date.today(),
                    conversation_ref=conversation_ref,
                    kind=kind,
                    role=role,
                    municipality=municipality,
                    domain=domain,
                    route=route,
                    turns=turns,
                    score=score,
                )
            )
        return True
    except Exception as error:  # noqa: BLE001 - analytics must never break a conversation
        logger.warning("indicator not stored (%s): %s", kind, type(error).__name__)
        return False


def all_events(url: str = DATABASE_URL) -> list:
    with db.sessions(url)() as session:
        return list(session.execute(select(IndicatorEvent).order_by(IndicatorEvent.id)).scalars())
