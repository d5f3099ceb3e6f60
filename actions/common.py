"""Small helpers shared by the actions."""
from __future__ import annotations

import secrets
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

from bot import knowledge, regions, texts

CLARIFICATION_SLOTS = ["referrer_role", "child_age", "municipality", "municipality_known", "concern", "duration",
                       "impact", "tried", "help_involved", "network", "goal", "youth_wish", "safety_categories"]


def slot_values(tracker: Tracker) -> Dict[Text, Any]:
    return {name: tracker.get_slot(name) for name in CLARIFICATION_SLOTS}


def latest_intent(tracker: Tracker) -> Tuple[Text, float]:
    intent = (tracker.latest_message or {}).get("intent") or {}
    return intent.get("name") or "", float(intent.get("confidence") or 0.0)


def latest_entities(tracker: Tracker) -> List[Dict[Text, Any]]:
    return list((tracker.latest_message or {}).get("entities") or [])


def latest_text(tracker: Tracker) -> Text:
    return (tracker.latest_message or {}).get("text") or ""


def latest_semantic(tracker: Tracker) -> Dict[Text, Any]:
    """The reading by meaning of the latest message (bot/nlu/semantic_reader.py), or {}."""
    return (tracker.latest_message or {}).get("semantic") or {}


def conversation_ref(tracker: Tracker) -> Tuple[Text, List[SlotSet]]:
    """A random reference for anonymised indicators; never the sender id."""
    ref = tracker.get_slot("conversation_ref")
    if ref:
        return ref, []
    ref = secrets.token_hex(8)
    return ref, [SlotSet("conversation_ref", ref)]


def user_turns(tracker: Tracker) -> int:
    return sum(1 for event in tracker.events if event.get("event") == "user")


def team_for(tracker: Tracker) -> Tuple[Text, Text]:
    """Name and contact line of the local team for the conversation's municipality."""
    team = regions.local_team(tracker.get_slot("municipality"))
    if not team:
        unknown = knowledge.load("fields")["unknown_team"]
        return unknown["name"], unknown["contact"]
    return team["name"], regions.team_contact_text(team)


def say(dispatcher, tracker: Tracker, key: Text, role: Any = None, buttons: Optional[List[Dict[Text, Text]]] = None,
        **values: Any) -> None:
    """Sends text ``key`` from bot/knowledge/texts.yml in the version for the asker's role."""
    message = texts.render(key, role or tracker.get_slot("referrer_role"), **values)
    dispatcher.utter_message(text=message["text"], buttons=buttons or message.get("buttons") or [])
