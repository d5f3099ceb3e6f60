"""Providers, the municipalities they serve, and their reported waits (history kept: a new report
never overwrites an old one; the newest report per provider and kind of help is current)."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, DateTime, ForeignKey, Integer, String

from bot.db import Base

KINDS = (
    "jeugd_ggz_basis",
    "jeugd_ggz_specialistisch",
    "ambulante_jeugdhulp",
    "dagbehandeling_kdc",
    "pleegzorg",
    "gezinshuis",
    "verblijf",
    "crisis",
)


class Provider(Base):
    __tablename__ = "providers"

    id = Column(String(60), primary_key=True)
    name = Column(String(200), nullable=False)
    website = Column(String(300))
    # SHA-256 of the provider's API key: keys are long random tokens, shown once when made.
    api_key_hash = Column(String(64), unique=True)
    example_data = Column(Boolean, nullable=False, default=False)


class ProviderArea(Base):
    __tablename__ = "provider_areas"

    provider_id = Column(String(60), ForeignKey("providers.id", ondelete="CASCADE"), primary_key=True)
    municipality = Column(String(80), primary_key=True)


class WaitReport(Base):
    __tablename__ = "wait_reports"

    id = Column(Integer, primary_key=True)
    provider_id = Column(String(60), ForeignKey("providers.id", ondelete="CASCADE"), nullable=False, index=True)
    kind = Column(String(40), nullable=False)
    aanmeld_weeks = Column(Integer, nullable=False)  # registration -> intake
    behandel_weeks = Column(Integer)  # intake -> treatment, when known
    intake_stop = Column(Boolean, nullable=False, default=False)
    peildatum = Column(Date, nullable=False)  # the date the figure is about
    source = Column(String(200), nullable=False)
    recorded_at = Column(DateTime, nullable=False)
