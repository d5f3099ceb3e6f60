"""Small talk, stopping, the fallback (ask again, then offer a person) and the closing experience question."""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions import faq, safety
from actions.common import SendText, conversation_ref, latest_entities, say, user_turns
from bot import indicators, text_checks
from bot.clarification import PROBLEM_TEXTS


# One text each (texts/chat.yml), after the rules in data/rules/conversation.yml.
class ActionGoodbye(SendText):
    key = "goodbye"


class ActionYoureWelcome(SendText):
    key = "youre_welcome"


class ActionIamabot(SendText):
    key = "iamabot"


class ActionChitchat(SendText):
    key = "chitchat"


class ActionStopped(SendText):
    key = "stopped"


class ActionDefaultFallback(Action):
    """First time: ask to say it differently (or explain what was wrong with the text).
    Second time in a row: offer a person and a fresh start. Never a dead end."""

    def name(self) -> Text:
        return "action_default_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        if tracker.get_slot("safety_pending"):
            return await safety.follow_up(dispatcher, tracker) + [UserUtteranceReverted()]
        count = int(tracker.get_slot("fallback_count") or 0) + 1
        problem = text_checks.problem((tracker.latest_message or {}).get("text"))
        if problem == "english":
            say(dispatcher, tracker, PROBLEM_TEXTS[problem])  # it names a human route already
        elif count >= 2:
            await faq.answer(dispatcher, tracker, "ask_human")
            say(dispatcher, tracker, "offer_restart")
            count = 0
        elif problem:
            say(dispatcher, tracker, PROBLEM_TEXTS[problem])
        else:
            say(dispatcher, tracker, "ask_rephrase")
        # Revert the message so it does not steer the dialogue, but keep the count.
        return [UserUtteranceReverted(), SlotSet("fallback_count", count)]


def _score(tracker: Tracker) -> Optional[int]:
    for entity in latest_entities(tracker):
        if entity.get("entity") == "score":
            try:
                value = int(entity["value"])
            except (TypeError, ValueError):
                continue
            if 1 <= value <= 5:
                return value
    match = re.search(r"\b([1-5])\b", (tracker.latest_message or {}).get("text") or "")
    return int(match.group(1)) if match else None


class ActionRecordFeedback(Action):
    def name(self) -> Text:
        return "action_record_feedback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        score = _score(tracker)
        ref, events = conversation_ref(tracker)
        if score is not None:
            indicators.record("feedback", ref, score=score, turns=user_turns(tracker), route=tracker.get_slot("route"))
        say(dispatcher, tracker, "feedback_thanks")
        return events
