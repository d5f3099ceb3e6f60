"""Matched-care triage: evaluates the rules in bot/knowledge/triage.yml on the clarification facts
and picks voorveld options for the concern, age and municipality. Pure functions, no Rasa."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional

from bot import intake, knowledge, regions, scope


@dataclass(frozen=True)
class Route:
    route: str
    rule_id: str
    why: str
    facts: Dict[str, Any] = field(default_factory=dict)


def facts_from_slots(slots: Mapping[str, Any]) -> Dict[str, Any]:
    """The facts the triage rules read, derived from the clarification slots."""
    concern = slots.get("concern") or ""
    goal = slots.get("goal") or ""
    tried = slots.get("tried") or ""
    help_involved = slots.get("help_involved") or ""
    municipality = slots.get("municipality")
    all_text = " ".join([concern, goal, tried, help_involved])
    item = scope.out_of_scope_item(" ".join([concern, goal]), municipality)
    role = slots.get("referrer_role") or "unknown"
    known = slots.get("municipality_known")
    if known is None and municipality:
        known = regions.municipality(municipality) is not None
    return {
        "safety": list(slots.get("safety_categories") or []),
        "role": role,
        "age": slots.get("child_age") if isinstance(slots.get("child_age"), int) else None,
        "municipality": municipality,
        "municipality_known": bool(known) if municipality else None,
        "out_of_scope": item["id"] if item else None,
        "dyslexia": scope.mentions_dyslexia(concern),
        "child_protection": intake.mentions_child_protection(" ".join([concern, help_involved])),
        "domains": intake.concern_domains(concern),
        "duration": slots.get("duration") or "onbekend",
        "impact": slots.get("impact") or "onbekend",
        "tried_outcome": intake.parse_tried_outcome(tried) if tried else None,
        "severe_signs": intake.has_severe_signs(all_text),
        "asks_specialist": role in ("gp", "school") and intake.asks_specialist(" ".join([concern, goal])),
    }


def _holds(condition: Mapping[str, Any], facts: Mapping[str, Any]) -> bool:
    for key, expected in condition.items():
        if key == "any":
            if not any(_holds(sub, facts) for sub in expected):
                return False
            continue
        if key == "all":
            if not all(_holds(sub, facts) for sub in expected):
                return False
            continue
        actual = facts.get(key)
        if expected == "present":
            ok = bool(actual)
        elif expected == "absent":
            ok = not actual
        elif isinstance(expected, dict):
            ok = actual is not None and expected.get("min", actual) <= actual <= expected.get("max", actual)
        elif isinstance(expected, list):
            ok = bool(set(actual) & set(expected)) if isinstance(actual, list) else actual in expected
        else:
            ok = actual == expected
        if not ok:
            return False
    return True


def decide(facts: Mapping[str, Any], rules: Optional[List[Mapping[str, Any]]] = None) -> Route:
    """The route of the first rule that holds (the rules file ends with a catch-all)."""
    for rule in rules if rules is not None else knowledge.load("triage")["rules"]:
        if _holds(rule.get("when") or {}, facts):
            return Route(rule["route"], rule["id"], rule["why"], dict(facts))
    raise ValueError("no triage rule matched; the rules file must end with a catch-all rule")


def voorveld_options(
    domains: List[str], age: Optional[int], municipality: Optional[str], limit: int = 3
) -> List[Dict[str, Any]]:
    """Voorveld options for the concern, age and municipality, best domain match first."""
    place = regions.municipality(municipality)
    chosen = []
    for option in knowledge.load("voorveld")["options"]:
        overlap = len(set(option["domains"]) & set(domains))
        if domains and not overlap:
            continue
        if age is not None and not option["age_min"] <= age <= option["age_max"]:
            continue
        if option.get("municipalities"):
            if not place or place["name"] not in option["municipalities"]:
                continue
        elif option.get("regions") not in (None, "all"):
            if not place or place["region"] not in option["regions"]:
                continue
        chosen.append((overlap, option))
    chosen.sort(key=lambda pair: -pair[0])  # stable: file order breaks ties
    return [option for _, option in chosen[:limit]]


def normalising_tip(domains: List[str]) -> Optional[Dict[str, str]]:
    tips = knowledge.load("voorveld").get("normalising_tips") or {}
    return next((tips[domain] for domain in domains if domain in tips), None)


def kind_of_help_for(route: str, domains: List[str]) -> Optional[str]:
    """The kind of help whose waits go with a route, or None (bot/knowledge/triage.yml)."""
    mapping = (knowledge.load("triage").get("waits_for_routes") or {}).get(route)
    if not mapping:
        return None
    return next((mapping[domain] for domain in domains if domain in mapping), mapping["default"])
