"""Small helpers shared by the actions."""

from __future__ import annotations

import abc
import secrets
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot import clarification, indicators, regions, texts
from bot.turn import Message, Outcome, Say


def slot_values(tracker: Tracker) -> Dict[Text, Any]:
    return {name: tracker.get_slot(name) for name in clarification.SLOTS}


def message(tracker: Tracker) -> Message:
    """The latest message as NLU read it (bot/turn.py); the helpers below read parts of it."""
    return Message.from_parse(tracker.latest_message)


def latest_intent(tracker: Tracker) -> Tuple[Text, float]:
    latest = message(tracker)
    return latest.intent, latest.confidence


def latest_entities(tracker: Tracker) -> List[Dict[Text, Any]]:
    return list(message(tracker).entities)


def latest_text(tracker: Tracker) -> Text:
    return message(tracker).text


def latest_semantic(tracker: Tracker) -> Dict[Text, Any]:
    """The reading by meaning of the latest message (bot/nlu/semantic_reader.py), or {}."""
    return dict(message(tracker).semantic)


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
    return regions.team_for(tracker.get_slot("municipality"))


def say(
    dispatcher,
    tracker: Tracker,
    key: Text,
    role: Any = None,
    buttons: Optional[List[Dict[Text, Text]]] = None,
    **values: Any,
) -> None:
    """Sends text ``key`` from texts/chat.yml in the version for the asker's role."""
    message = texts.render(key, role or tracker.get_slot("referrer_role"), **values)
    dispatcher.utter_message(text=message["text"], buttons=buttons or message.get("buttons") or [])


async def carry_out(dispatcher, tracker: Tracker, outcome: Outcome) -> List[EventType]:
    """Turns a decided turn (bot/turn.py) into Rasa: sends its replies, records its indicators,
    and returns its slot changes as events (and the form's end)."""
    from actions import faq  # faq's answers use this module

    for reply in outcome.replies:
        if not isinstance(reply, Say):
            await faq.answer(dispatcher, tracker, reply.intent)
        else:
            say(dispatcher, tracker, reply.key, role=reply.role, buttons=reply.buttons, **reply.values)
    events: List[EventType] = []
    if outcome.records:
        ref, events = conversation_ref(tracker)
    for record in outcome.records:
        indicators.record(
            record.kind,
            ref,
            role=record.role or tracker.get_slot("referrer_role"),
            municipality=tracker.get_slot("municipality"),
            route=record.route,
        )
    events += [SlotSet(name, value) for name, value in outcome.updates.items()]
    if outcome.ends_form:
        events.append(ActiveLoop(None))
    return events


class SendText(Action, abc.ABC):
    """An action that sends one text from texts/chat.yml and nothing else: ``action_<key>`` sends
    ``<key>``. Rules and stories name these where a bot would use a domain response (utter_...),
    so that every text the bot says lives in texts/."""

    @property
    @abc.abstractmethod
    def key(self) -> Text:
        """The text's key in texts/chat.yml."""

    def name(self) -> Text:
        return f"action_{self.key}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        say(dispatcher, tracker, self.key)
        return []
