"""Regional knowledge in the database: regions, municipalities, local teams, the voorveld
catalogue and scope rules. Loaded from the files in bot/knowledge/ (a region edits those and
loads them again: all or nothing), and read back in the same shape as the files, so the rest of
the bot does not care where it comes from (bot/knowledge.py, WEGWIJZER_KNOWLEDGE_SOURCE)."""

from __future__ import annotations

from typing import Any, Dict

from sqlalchemy import JSON, Column, ForeignKey, Integer, String, Text, delete, select

from bot import db
from bot.db import Base

DOCUMENTS = ("regions", "voorveld", "scope")


class Region(Base):
    __tablename__ = "regions"
    id = Column(String(60), primary_key=True)
    name = Column(String(120), nullable=False)
    position = Column(Integer, nullable=False)


class Municipality(Base):
    __tablename__ = "municipalities"
    name = Column(String(80), primary_key=True)
    region_id = Column(String(60), ForeignKey("regions.id", ondelete="CASCADE"), nullable=False)
    aliases = Column(JSON, nullable=False)
    position = Column(Integer, nullable=False)


class LocalTeam(Base):
    __tablename__ = "local_teams"
    municipality = Column(String(80), ForeignKey("municipalities.name", ondelete="CASCADE"), primary_key=True)
    name = Column(String(200), nullable=False)
    type = Column(String(20), nullable=False)
    phone = Column(String(60))
    email = Column(String(200))
    website = Column(String(300))
    response_days = Column(Integer)
    handoff_webhook_url = Column(String(300))  # the team's own system, besides the team inbox


class VoorveldOption(Base):
    __tablename__ = "voorveld_options"
    id = Column(String(80), primary_key=True)
    name = Column(String(200), nullable=False)
    description = Column(Text, nullable=False)
    domains = Column(JSON, nullable=False)
    age_min = Column(Integer, nullable=False)
    age_max = Column(Integer, nullable=False)
    regions = Column(JSON)
    municipalities = Column(JSON)
    cost = Column(String(120), nullable=False)
    how = Column(Text, nullable=False)
    position = Column(Integer, nullable=False)


class ScopeItem(Base):
    __tablename__ = "scope_items"
    id = Column(Integer, primary_key=True)
    item_id = Column(String(80), nullable=False)
    municipality = Column(String(80))
    change = Column(String(10), nullable=False)
    keywords = Column(JSON)
    label = Column(String(200))
    alternative = Column(Text)


class KnowledgeText(Base):
    __tablename__ = "knowledge_texts"
    document = Column(String(40), primary_key=True)
    key = Column(String(60), primary_key=True)
    value = Column(JSON)


TEAM_FIELDS = ("name", "type", "phone", "email", "website", "response_days", "handoff_webhook_url")
OPTION_FIELDS = (
    "id",
    "name",
    "description",
    "domains",
    "age_min",
    "age_max",
    "regions",
    "municipalities",
    "cost",
    "how",
)


def load_documents(url: str, documents: Dict[str, Dict[str, Any]]) -> None:
    """Replaces the regional knowledge in the database with ``documents`` (regions, voorveld,
    scope, shaped like the files), in one transaction: all or nothing."""
    regions, voorveld, scope = documents["regions"], documents["voorveld"], documents["scope"]
    with db.sessions(url)() as session, session.begin():
        for model in (KnowledgeText, ScopeItem, VoorveldOption, LocalTeam, Municipality, Region):
            session.execute(delete(model))
        # Parents before children, flushed in turn: no ORM relationship orders these inserts.
        session.add_all(
            Region(id=region["id"], name=region["name"], position=index)
            for index, region in enumerate(regions["regions"])
        )
        session.flush()
        for region in regions["regions"]:
            for m_index, item in enumerate(region["municipalities"]):
                session.add(
                    Municipality(
                        name=item["name"], region_id=region["id"], aliases=item.get("aliases") or [], position=m_index
                    )
                )
        session.flush()
        for region in regions["regions"]:
            for item in region["municipalities"]:
                session.add(LocalTeam(municipality=item["name"], **{k: item["local_team"].get(k) for k in TEAM_FIELDS}))
        for index, option in enumerate(voorveld["options"]):
            session.add(VoorveldOption(position=index, **{k: option.get(k) for k in OPTION_FIELDS}))
        for item in scope["default"]:
            session.add(
                ScopeItem(
                    item_id=item["id"],
                    municipality=None,
                    change="default",
                    keywords=item["keywords"],
                    label=item["label"],
                    alternative=item["alternative"],
                )
            )
        for municipality, changes in (scope.get("municipalities") or {}).items():
            for item in (changes or {}).get("add") or []:
                session.add(
                    ScopeItem(
                        item_id=item["id"],
                        municipality=municipality,
                        change="add",
                        keywords=item["keywords"],
                        label=item["label"],
                        alternative=item["alternative"],
                    )
                )
            for item_id in (changes or {}).get("remove") or []:
                session.add(ScopeItem(item_id=item_id, municipality=municipality, change="remove"))
        rest = {
            "regions": {k: v for k, v in regions.items() if k != "regions"},
            "voorveld": {k: v for k, v in voorveld.items() if k != "options"},
            "scope": {k: v for k, v in scope.items() if k not in ("default", "municipalities")},
        }
        for document, values in rest.items():
            session.add_all(KnowledgeText(document=document, key=key, value=value) for key, value in values.items())


def read_document(url: str, name: str) -> Dict[str, Any]:
    """One document (regions, voorveld or scope) from the database, shaped like its file."""
    with db.sessions(url)() as session:
        document: Dict[str, Any] = {
            row.key: row.value
            for row in session.execute(select(KnowledgeText).where(KnowledgeText.document == name)).scalars()
        }
        if name == "regions":
            teams = {team.municipality: team for team in session.execute(select(LocalTeam)).scalars()}
            document["regions"] = []
            for region in session.execute(select(Region).order_by(Region.position)).scalars():
                municipalities = session.execute(
                    select(Municipality).where(Municipality.region_id == region.id).order_by(Municipality.position)
                ).scalars()
                document["regions"].append(
                    {
                        "id": region.id,
                        "name": region.name,
                        "municipalities": [
                            {
                                "name": m.name,
                                "aliases": list(m.aliases),
                                "local_team": {k: getattr(teams[m.name], k) for k in TEAM_FIELDS},
                            }
                            for m in municipalities
                        ],
                    }
                )
        elif name == "voorveld":
            document["options"] = [
                {k: getattr(o, k) for k in OPTION_FIELDS}
                for o in session.execute(select(VoorveldOption).order_by(VoorveldOption.position)).scalars()
            ]
        elif name == "scope":
            items = list(session.execute(select(ScopeItem).order_by(ScopeItem.id)).scalars())

            def describe(i):
                return {
                    "id": i.item_id,
                    "keywords": i.keywords,
                    "label": i.label,
                    "alternative": i.alternative,
                }

            document["default"] = [describe(i) for i in items if i.change == "default"]
            document["municipalities"] = {}
            for item in items:
                if item.change in ("add", "remove"):
                    changes = document["municipalities"].setdefault(item.municipality, {"add": [], "remove": []})
                    changes[item.change].append(describe(item) if item.change == "add" else item.item_id)
        else:
            raise KeyError(name)
        return document


def is_loaded(url: str) -> bool:
    with db.sessions(url)() as session:
        return session.execute(select(Region.id).limit(1)).first() is not None
