"""The summary the local team receives, built from the conversation's answers: sections as in
texts/summary.yml, each a list of labelled lines, plus the same as plain text. The
referrer sees exactly this before sending and can correct it."""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional

from bot import clarification, intake, texts
from bot.handoff import consent as consent_rules
from bot.handoff import contact as contact_rules

ROUTES = ("voorveld", "local_team", "specialist", "safety")  # routes after which a handoff is offered
MAX_VALUE_CHARS = 1000  # a very long answer is kept whole in the conversation, shortened here


def config() -> Dict[str, Any]:
    """The summary's sections, labels and words (texts/summary.yml)."""
    return texts.summary()


def urgency(slots: Mapping[str, Any], route: Optional[str]) -> str:
    if slots.get("safety_categories") or route == "safety":
        return "hoog"
    if slots.get("impact") == "groot" or route == "specialist":
        return "verhoogd"
    return "normaal"


def _short(value: str) -> str:
    return value if len(value) <= MAX_VALUE_CHARS else value[: MAX_VALUE_CHARS - 1].rstrip() + "…"


def _waits_text(waits: List[Mapping[str, Any]]) -> str:
    if not waits:
        return config()["no_waits"]
    return "; ".join(f"{w['provider']}: {w['aanmeld_weeks']} weken (peildatum {w['peildatum']})" for w in waits)


def _value(name: str, slots: Mapping[str, Any], extra: Mapping[str, Any]) -> Optional[str]:
    cfg = config()
    if name in clarification.QUESTION_ORDER:
        value = slots.get(name)
        if value in (None, ""):
            return None
        return _short(clarification.shown_value(name, value))
    if name == "referrer":
        role = clarification.role_text(slots.get("referrer_role"))
        return role
    if name == "route":
        return cfg["route_labels"].get(extra.get("route"), extra.get("route"))
    if name == "urgency":
        return cfg["urgency_labels"][urgency(slots, extra.get("route"))]
    if name == "topics":
        domains = intake.concern_domains(slots.get("concern") or "")
        return ", ".join(intake.domain_label(d) for d in domains) or None
    if name == "school_involved":
        value = slots.get("school_involved")
        return cfg["school_values"].get(value, _short(value)) if value else None
    if name == "safety":
        categories = slots.get("safety_categories") or []
        return ", ".join(cfg["safety_labels"].get(c, c) for c in categories) or cfg["no_safety"]
    if name == "waits":
        return _waits_text(extra.get("waits_shown") or [])
    if name == "contact_name":
        return slots.get("contact_name") or None
    if name == "contact_phone":
        phone = slots.get("contact_phone")
        return contact_rules.show_phone(phone) if phone and phone != "geen" else None
    if name == "contact_email":
        email = slots.get("contact_email")
        return email if email and email != "geen" else None
    if name == "consent":
        people = consent_rules.given_by(list(slots.get("consent_answers") or []))
        if not people:
            return None
        return ", ".join(cfg["consent_people"][p] for p in people)
    raise KeyError(name)


def build(
    slots: Mapping[str, Any], route: Optional[str], waits_shown: Optional[List[Mapping[str, Any]]] = None
) -> Dict[str, Any]:
    """``{"sections": [{"title", "lines": [{"label", "value"}]}], "text": ...}``."""
    cfg = config()
    extra = {"route": route, "waits_shown": waits_shown or []}
    sections = []
    for section in cfg["sections"]:
        lines = []
        for name in section["lines"]:
            value = _value(name, slots, extra)
            if value in (None, ""):
                continue
            label = clarification.field(name)["label"] if name in clarification.QUESTION_ORDER else cfg["labels"][name]
            lines.append({"label": label, "value": value})
        if lines:
            sections.append({"title": section["title"], "lines": lines})
    return {"sections": sections, "text": as_text(sections)}


def as_text(sections: List[Mapping[str, Any]]) -> str:
    blocks = []
    for section in sections:
        lines = [f"{section['title']}:"] + [f"- {line['label']}: {line['value']}" for line in section["lines"]]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)
