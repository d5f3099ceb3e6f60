"""Side questions: what the local team is, costs, beschikking, privacy, talking to a person.
Which messages are side questions is decided in bot/faq.py; the answers are sent here."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.common import SendText, say, team_for
from bot.faq import SIDE_QUESTIONS


async def answer(dispatcher: CollectingDispatcher, tracker: Tracker, intent: Text) -> Optional[Text]:
    response = SIDE_QUESTIONS.get(intent)
    if response == "action_waiting_times":
        from actions import waiting_times  # the waiting-times client lives there

        await waiting_times.answer_question(dispatcher, tracker)
    elif response == "faq_human":
        name, contact = team_for(tracker)
        say(dispatcher, tracker, response, team=f"{name} ({contact})")
    elif response:
        say(dispatcher, tracker, response)
    return response


# One text each (texts/chat.yml), after the rules in data/rules/faq.yml.
class ActionFaqLocalTeam(SendText):
    key = "faq_local_team"


class ActionFaqCosts(SendText):
    key = "faq_costs"


class ActionFaqBeschikking(SendText):
    key = "faq_beschikking"


class ActionFaqPrivacy(SendText):
    key = "faq_privacy"


class ActionOfferHuman(Action):
    def name(self) -> Text:
        return "action_offer_human"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        await answer(dispatcher, tracker, "ask_human")
        return []
