"""The safety route: the right national line for what was said, in a calm tone (domain.md §4)."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import conversation_ref, latest_entities, say
from bot import indicators, safety, texts

RESPONSES = {
    "emergency": ["safety_acute", "safety_all_lines"],
    "suicide_prevention": ["safety_suicide"],
    "veilig_thuis": ["safety_violence"],
    "all_lines": ["safety_all_lines"],
}


def categories_in(tracker: Tracker) -> List[Text]:
    found = [entity["value"] for entity in latest_entities(tracker) if entity.get("entity") == "safety_category"]
    return found or ["unspecified"]


def escalate(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
    """Gives the safety route for the latest message and remembers the categories."""
    categories = categories_in(tracker)
    group = safety.route_group(categories)
    for response in RESPONSES[group]:
        say(dispatcher, tracker, response)
    # A second line when the message shows both violence and suicide/self-harm signals.
    groups = {safety.route_group([category]) for category in categories}
    if group == "suicide_prevention" and "veilig_thuis" in groups:
        say(dispatcher, tracker, "safety_violence")
    elif group == "veilig_thuis" and "suicide_prevention" in groups:
        say(dispatcher, tracker, "safety_suicide")
    say(dispatcher, tracker, "safety_after")
    seen = list(tracker.get_slot("safety_categories") or [])
    ref, events = conversation_ref(tracker)
    indicators.record("safety", ref, role=tracker.get_slot("referrer_role"),
                      municipality=tracker.get_slot("municipality"), route=group)
    # The next message is read in this context first ("ja, elke avond"), not as a new question.
    return events + [SlotSet("safety_categories", sorted(set(seen) | set(categories))), SlotSet("safety_pending", True)]


def follow_up(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
    """The first message after a safety route: acknowledge it and give the line again."""
    group = safety.route_group(tracker.get_slot("safety_categories") or []) or "all_lines"
    lines = texts.render(f"safety_line_{group}")["text"]
    say(dispatcher, tracker, "safety_followup", lines=lines)
    return [SlotSet("safety_pending", False)]


class ActionSafetyRoute(Action):
    def name(self) -> Text:
        return "action_safety_route"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        return escalate(dispatcher, tracker)
