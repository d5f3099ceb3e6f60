"""Side questions: which messages inside a form are a side question rather than the answer.
The answers themselves are sent by actions/faq.py (the waiting-times one asks the service)."""

from __future__ import annotations

import re

# Intent -> its answer: a text in texts/chat.yml, or an action.
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


def is_side_question(intent: str, confidence: float, text: str, free_text_answer: bool = False) -> bool:
    """Whether a message in the form is a side question rather than the answer. When the open
    question takes free text ("wat wil je kind zelf?" -> "ze wil graag met iemand praten"),
    only an explicit question counts."""
    if intent not in SIDE_QUESTIONS or confidence < MIN_CONFIDENCE:
        return False
    if "?" in text:
        return True
    return not free_text_answer and len(re.findall(r"\w+", text)) <= MAX_WORDS_WITHOUT_QUESTION_MARK
