"""The clarification form's validation action and the triage action, called as Rasa calls them
(a Tracker and a CollectingDispatcher), without servers."""

import asyncio
from typing import Any, Dict, List, Optional

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import conversation, faq
from actions.clarification import ValidateClarificationForm
from actions.common import SendText
from actions.triage import ActionTriage
from bot import texts as chat_texts


def tracker(
    text: str,
    intent: str,
    slots: Optional[Dict[str, Any]] = None,
    requested: Optional[str] = None,
    entities: Optional[List[Dict[str, Any]]] = None,
    confidence: float = 0.95,
) -> Tracker:
    values = {"intro_shown": True, "requested_slot": requested, **(slots or {})}
    return Tracker(
        sender_id="unit",
        slots=values,
        latest_message={"text": text, "intent": {"name": intent, "confidence": confidence}, "entities": entities or []},
        events=[],
        paused=False,
        followup_action=None,
        active_loop={"name": "clarification_form"} if requested else {},
        latest_action_name="action_listen",
    )


def run(action, track: Tracker):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, track, {}))
    return [message["text"] for message in dispatcher.messages], events


def slot_events(events):
    return {event["name"]: event["value"] for event in events if event.get("event") == "slot"}


def test_safety_mid_form_gives_the_route_and_ends_the_form():
    track = tracker(
        "mijn man slaat haar",
        "signal_danger",
        {"referrer_role": "parent"},
        "tried",
        [{"entity": "safety_category", "value": "violence"}],
    )
    texts, events = run(ValidateClarificationForm(), track)
    assert any("0800-2000" in text for text in texts)
    assert any(event.get("event") == "active_loop" and event["name"] is None for event in events)
    slots = slot_events(events)
    assert slots["requested_slot"] is None and slots["safety_categories"] == ["violence"]


def test_a_professional_is_pointed_to_the_meldcode():
    track = tracker(
        "leerling vertelt dat vader hem slaat",
        "signal_danger",
        {"referrer_role": "school"},
        "concern",
        [{"entity": "safety_category", "value": "violence"}],
    )
    texts, _ = run(ValidateClarificationForm(), track)
    assert any("Meldcode" in text for text in texts)


def test_acute_danger_starts_with_112():
    track = tracker(
        "hij staat met een mes",
        "signal_danger",
        {},
        "concern",
        [{"entity": "safety_category", "value": "acute_danger"}],
    )
    texts, _ = run(ValidateClarificationForm(), track)
    assert texts[0].startswith("Dit klinkt als gevaar op dit moment. Bel nu 112")


def test_a_side_question_is_answered_and_the_question_repeated():
    texts, events = run(
        ValidateClarificationForm(), tracker("wat kost dat?", "ask_costs", {"referrer_role": "parent"}, "municipality")
    )
    assert texts[0].startswith("Jeugdhulp via de gemeente kost jou niets")
    assert texts[-1] == "In welke gemeente woont je kind?"
    assert slot_events(events)["requested_slot"] == "municipality"
    assert "last_input" in slot_events(events)  # a slot other than requested_slot: the form does not reject


def test_an_answer_to_a_free_text_question_is_not_mistaken_for_a_side_question():
    slots = {"referrer_role": "parent", "child_age": 14, "municipality": "Leiden", "concern": "somber"}
    _, events = run(
        ValidateClarificationForm(), tracker("ze wil graag met iemand praten", "ask_human", slots, "youth_wish")
    )
    assert slot_events(events)["youth_wish"] == "ze wil graag met iemand praten"


def test_english_is_explained_even_when_read_as_a_correction():
    texts, events = run(
        ValidateClarificationForm(),
        tracker(
            "I am worried about my son, can you help me please?",
            "correct_answer",
            {"referrer_role": "parent"},
            "concern",
        ),
    )
    assert any("only works in Dutch" in text for text in texts)
    assert "concern" not in slot_events(events)


def test_a_long_answer_is_not_mistaken_for_a_side_question():
    text = "ik wil met iemand praten over mijn zoon want hij is al weken heel somber en huilt veel"
    _, events = run(ValidateClarificationForm(), tracker(text, "ask_human", {"referrer_role": "parent"}, "concern"))
    assert slot_events(events)["concern"] == text


def test_an_unreadable_answer_is_asked_again_in_other_words_before_it_is_noted_as_unclear():
    slots = {"referrer_role": "parent", "child_age": 9, "municipality": "Leiden", "concern": "boos"}
    first, _ = run(ValidateClarificationForm(), tracker("tja", "inform", {**slots, "unreadable_count": 0}, "duration"))
    second, _ = run(ValidateClarificationForm(), tracker("tja", "inform", {**slots, "unreadable_count": 1}, "duration"))
    assert first != second and not any("Kies een knop" in text for text in first + second)
    texts, events = run(
        ValidateClarificationForm(), tracker("tja", "inform", {**slots, "unreadable_count": 2}, "duration")
    )
    assert any("nog niet duidelijk" in text for text in texts)
    assert slot_events(events)["duration"] == "onbekend"
    assert slot_events(events)["requested_slot"] == "impact"


def test_stop_mid_form_ends_it():
    texts, events = run(ValidateClarificationForm(), tracker("ik wil stoppen", "stop_conversation", {}, "concern"))
    assert texts == [chat_texts.render("stopped")["text"]] and "Ik geef niets door" in texts[0]
    assert slot_events(events)["requested_slot"] is None


# The single-turn answers that rules and stories name (action_goodbye, action_faq_costs, ...).
TEXT_ACTIONS = sorted(
    (action for action in SendText.__subclasses__() if action.__module__ in (conversation.__name__, faq.__name__)),
    key=lambda action: action.key,
)


@pytest.mark.parametrize("action", TEXT_ACTIONS, ids=lambda action: action.key)
def test_each_single_turn_answer_sends_its_text_and_is_in_the_domain(action):
    texts, events = run(action(), tracker("hoi", "greet"))
    assert texts == [chat_texts.render(action.key)["text"]] and events == []
    with open("domain.yml", encoding="utf-8") as handle:
        domain = yaml.safe_load(handle)
    assert action().name() in domain["actions"] and not domain.get("responses")


@pytest.mark.parametrize(
    "slots,expected",
    [
        ({"child_age": 19}, "Vanaf 18 jaar"),
        ({"concern": "ik zoek paardentherapie"}, "niet betaald als jeugdhulp"),
        ({"impact": "groot"}, "Dit past bij een gesprek met Jeugd- en Gezinsteam Leiden"),
    ],
)
def test_triage_gives_the_route(slots, expected):
    base = {
        "referrer_role": "parent",
        "child_age": 9,
        "municipality": "Leiden",
        "municipality_known": True,
        "concern": "hij is vaak boos",
        "duration": "kort",
        "impact": "weinig",
        "summary_shown": True,
    }
    texts, events = run(ActionTriage(), tracker("ja", "affirm", {**base, **slots}))
    assert any(expected in text for text in texts)


def test_no_advice_before_the_summary_was_seen():
    _, events = run(ActionTriage(), tracker("ja", "affirm", {"summary_shown": False}))
    assert events == [{"event": "followup", "name": "clarification_form", "timestamp": None}]


def test_a_wish_that_something_stops_is_an_answer_not_a_stop():
    texts, events = run(
        ValidateClarificationForm(),
        tracker("ze wil dat het pesten stopt", "stop_conversation", {"referrer_role": "school"}, "youth_wish"),
    )
    assert slot_events(events)["youth_wish"] == "ze wil dat het pesten stopt"
    assert not any("we stoppen hier" in text for text in texts)


def test_stop_in_the_middle_of_a_question_still_stops():
    texts, events = run(
        ValidateClarificationForm(), tracker("ik wil stoppen", "stop_conversation", {"referrer_role": "parent"}, "goal")
    )
    assert any(event.get("event") == "active_loop" and event["name"] is None for event in events)
