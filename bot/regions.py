"""Regions, municipalities and their local teams (bot/knowledge/regions.yml, example data)."""

from __future__ import annotations

from typing import Any, Dict, Optional, Tuple

from bot import knowledge, texts

TEAM_TYPE_LABELS = {
    "wijkteam": "wijkteam",
    "jgt": "jeugd- en gezinsteam",
    "jeugdteam": "jeugdteam",
    "cjg": "Centrum voor Jeugd en Gezin",
    "sociaal_team": "sociaal team",
}


def municipality(name: Optional[str]) -> Optional[Dict[str, Any]]:
    """The configured municipality with its region id, or None when it is not configured."""
    if not name:
        return None
    for region in knowledge.load("regions")["regions"]:
        for item in region["municipalities"]:
            if item["name"].lower() == name.lower():
                return {**item, "region": region["id"], "region_name": region["name"]}
    return None


def local_team(name: Optional[str]) -> Optional[Dict[str, Any]]:
    found = municipality(name)
    return found["local_team"] if found else None


def team_contact_text(team: Dict[str, Any]) -> str:
    """One line of contact details; example data stays marked as such."""
    parts = []
    if team.get("phone"):
        parts.append(f"telefoon {team['phone']}")
    if team.get("email"):
        parts.append(f"e-mail {team['email']}")
    if team.get("website"):
        parts.append(f"website {team['website']}")
    details = ", ".join(parts) if parts else "zie de website van je gemeente"
    marker = " (voorbeeldgegevens)" if knowledge.load("regions").get("example_data") else ""
    return f"{team['name']}: {details}{marker}"


def national_guidance() -> str:
    return knowledge.load("regions")["national_guidance"]["text"]


def team_for(name: Optional[str]) -> Tuple[str, str]:
    """Name and contact line of the local team for municipality ``name`` (a general line when
    the municipality is not configured)."""
    team = local_team(name)
    if not team:
        # text: texts/chat.yml
        return texts.render("unknown_team_name")["text"], texts.render("unknown_team_contact")["text"]
    return team["name"], team_contact_text(team)
