"""Side questions: what the local team is, costs, beschikking, privacy, talking to a person."""
from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.common import SendText, say, team_for

# Intent -> text (texts/chat.yml). Inside the form the validation action answers these and asks again.
SIDE_QUESTIONS = {
    "ask_local_team": "faq_local_team",
    "ask_costs": "faq_costs",
    "ask_beschikking": "faq_beschikking",
    "ask_privacy": "faq_privacy",
    "ask_human": "faq_human",  # it names the local team
    "ask_waiting_time": "action_waiting_times",  # actions/waiting_times.py: asks the service
    "bot_challenge": "iamabot",
}
# A side question inside the form must look like one: a question mark, or short and confident.
MIN_CONFIDENCE = 0.6
MAX_WORDS_WITHOUT_QUESTION_MARK = 10


def is_side_question(intent: Text, confidence: float, text: Text, free_text_answer: bool = False) -> bool:
    """Whether a message in the form is a side question rather than the answer. When the open
    question takes free text ("wat wil je kind zelf?" -> "ze wil graag met iemand praten"),
    only an explicit question counts."""
    if intent not in SIDE_QUESTIONS or confidence < MIN_CONFIDENCE:
        return False
    if "?" in text:
        return True
    return not free_text_answer and len(re.findall(r"\w+", text)) <= MAX_WORDS_WITHOUT_QUESTION_MARK


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
