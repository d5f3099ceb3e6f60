"""The calm check, called as Rasa calls the form's validation action (no servers): asked when the
screen is unsure, its buttons and typed answers, and what happens after each."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker

from actions.clarification import ValidateClarificationForm
from bot import texts
from tests.test_actions import run, slot_events

PARENT = {
    "referrer_role": "parent",
    "child_age": 9,
    "municipality": "Leiden",
    "concern": "hij is stil",
    "duration": "kort",
}


def _tracker(
    text: str,
    intent: str,
    slots: Dict[str, Any],
    requested: str,
    level: Optional[str] = None,
    categories: Optional[List[str]] = None,
) -> Tracker:
    message = {
        "text": text,
        "intent": {"name": intent, "confidence": 1.0},
        "entities": [{"entity": "safety_category", "value": c} for c in categories or []],
    }
    if level:
        message["safety_level"] = level
    return Tracker(
        sender_id="unit",
        slots={"intro_shown": True, "requested_slot": requested, **slots},
        latest_message=message,
        events=[],
        paused=False,
        followup_action=None,
        active_loop={"name": "clarification_form"},
        latest_action_name="action_listen",
    )


def test_an_unsure_signal_gets_the_check_and_keeps_the_answer_in_the_same_message():
    said, events = run(
        ValidateClarificationForm(),
        _tracker("heel veel, ze eet bijna niks meer", "signal_danger", PARENT, "impact", "check", ["unspecified"]),
    )
    check = texts.render("safety_check")
    assert check["text"] in said
    slots = slot_events(events)
    assert slots["safety_check"] == ["unspecified"] and slots["impact"] == "groot"
    assert slots["requested_slot"] == "tried"  # asked after the check
    assert not any(event.get("event") == "active_loop" and event["name"] is None for event in events)


def test_every_button_of_the_check_works():
    pending = {**PARENT, "impact": "groot", "safety_check": ["neglect"]}
    buttons = {button["payload"]: button["title"] for button in texts.render("safety_check")["buttons"]}
    assert set(buttons) == {"/affirm", "/deny"}
    said, events = run(ValidateClarificationForm(), _tracker("/affirm", "affirm", pending, "tried"))
    assert any("0800-2000" in text for text in said)
    assert slot_events(events)["requested_slot"] is None  # the route ends the questions
    said, events = run(ValidateClarificationForm(), _tracker("/deny", "deny", pending, "tried"))
    assert texts.render("safety_check_clear")["text"] in said
    assert texts.render("ask_tried")["text"] in said and slot_events(events)["safety_check"] is None


def test_only_a_plain_no_clears_the_check():
    pending = {**PARENT, "impact": "groot", "safety_check": ["neglect"]}
    said, _ = run(ValidateClarificationForm(), _tracker("nee hoor", "deny", pending, "tried"))
    assert texts.render("safety_check_clear")["text"] in said
    said, events = run(ValidateClarificationForm(), _tracker("nee, er was niks te eten", "deny", pending, "tried"))
    assert any("0800-2000" in text for text in said) and slot_events(events)["requested_slot"] is None


def test_a_follow_up_that_raises_a_new_signal_keeps_the_earlier_category():
    pending = {**PARENT, "safety_check": ["forced_marriage"]}
    said, events = run(
        ValidateClarificationForm(),
        _tracker("ze zeiden dat ik dan dood ben", "signal_danger", pending, "tried", "route", ["suicide"]),
    )
    assert any("0800-2000" in text for text in said) and any("113" in text for text in said)
    assert set(slot_events(events)["safety_categories"]) == {"forced_marriage", "suicide"}


def test_suicidal_thoughts_never_get_the_abuse_script_or_veilig_thuis_in_the_follow_up():
    after = {**PARENT, "referrer_role": "youth", "safety_categories": ["suicide"], "safety_pending": True}
    said, _ = run(ValidateClarificationForm(), _tracker("ja serieus", "affirm", after, "tried"))
    assert not any("niet jouw schuld" in text or "0800-2000" in text for text in said)
    assert any("113" in text for text in said)
    said, _ = run(ValidateClarificationForm(), _tracker("ik durf niet te bellen", "inform", after, "tried"))
    assert any("https://www.113.nl" in text and "https://www.kindertelefoon.nl" in text for text in said)


def test_a_crisis_in_english_gets_a_fixed_english_text_with_the_lines():
    said, _ = run(
        ValidateClarificationForm(),
        _tracker("my dad hits me when he is drunk", "signal_danger", PARENT, "concern", "route", ["violence"]),
    )
    assert texts.render("safety_other_language", "en")["text"] in said
    assert any("0800-2000" in text for text in said)


def test_an_answer_to_the_open_question_passes_the_check_by():
    pending = {**PARENT, "duration": None, "safety_check": ["unspecified"]}
    said, events = run(ValidateClarificationForm(), _tracker("een half jaar", "inform", pending, "duration"))
    slots = slot_events(events)
    assert slots["safety_check"] is None and slots["duration"] == "lang"
    assert not any("0800-2000" in text for text in said)
