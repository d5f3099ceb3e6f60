"""A turn decided without Rasa (bot/turn.py, bot/handoff/turn.py): the state and the message in,
what the user reads and what changes out."""

from __future__ import annotations

from typing import Any, Dict, List

from bot.clarification import decide_turn as clarification_turn
from bot.handoff.turn import handoff_turn, submitted
from bot.turn import Message, Record, Say, SideQuestion

ASKED_AGE = {"intro_shown": True, "referrer_role": "parent", "requested_slot": "child_age"}
CLARIFIED = {
    "intro_shown": True,
    "referrer_role": "parent",
    "child_age": 9,
    "municipality": "Leiden",
    "municipality_known": True,
    "concern": "Hij is erg somber en slaapt slecht.",
    "duration": "lang",
    "impact": "groot",
    "tried": "gesprekken",
    "help_involved": "nee",
    "network": "oma",
    "goal": "dat hij weer plezier heeft",
    "summary_shown": True,
    "route": "local_team",
}


def keys(outcome) -> List[str]:
    return [reply.key if isinstance(reply, Say) else f"side:{reply.intent}" for reply in outcome.replies]


def crisis(level: str = "route", category: str = "suicide") -> Message:
    return Message(
        text="ze zegt dat ze niet meer wil leven",
        intent="signal_danger",
        confidence=0.99,
        entities=({"entity": "safety_category", "value": category},),
        safety_level=level,
    )


def test_the_first_message_gets_the_introduction_and_the_first_question():
    outcome = clarification_turn({}, Message(text="hallo", intent="greet", confidence=0.9), form_active=False)
    assert keys(outcome) == ["intro", "ask_referrer_role"]
    assert outcome.updates["requested_slot"] == "referrer_role" and not outcome.ends_form


def test_an_answer_fills_the_slot_and_the_next_question_follows():
    outcome = clarification_turn(ASKED_AGE, Message(text="ze is 9", intent="inform", confidence=0.9))
    assert outcome.updates["child_age"] == 9
    assert keys(outcome) == ["ask_municipality"] and outcome.updates["requested_slot"] == "municipality"


def test_a_certain_safety_signal_gives_the_route_and_ends_the_form():
    outcome = clarification_turn(ASKED_AGE, crisis())
    assert "safety_suicide" in keys(outcome) and "ask_municipality" not in keys(outcome)
    assert outcome.ends_form and outcome.updates["last_input"] == "safety"
    assert outcome.records == [Record("safety", route="suicide_prevention")]


def test_an_uncertain_signal_gives_the_calm_check_and_asks_nothing_else():
    outcome = clarification_turn(ASKED_AGE, crisis(level="check"))
    assert keys(outcome) == ["safety_check"] and not outcome.ends_form
    assert outcome.updates["safety_check"] == ["suicide"]


def test_a_plain_no_to_the_check_clears_it_and_the_question_comes_again():
    outcome = clarification_turn(
        {**ASKED_AGE, "safety_check": ["suicide"]}, Message(text="nee hoor", intent="deny", confidence=0.95)
    )
    assert keys(outcome) == ["safety_check_clear", "ask_child_age"]
    assert outcome.updates["safety_check"] is None


def _harmless(text: str, intent: str = "inform", danger: float = 0.05) -> Message:
    return Message(text=text, intent=intent, confidence=0.8, semantic={"available": True, "danger": danger})


def test_an_answer_that_is_neither_yes_nor_no_gets_the_check_once_more_then_a_no_clears_it():
    slots = {**CLARIFIED, "requested_slot": "duration", "duration": None, "safety_check": ["unspecified"]}
    again = clarification_turn(slots, _harmless("tja, dat vind ik moeilijk te zeggen"))
    assert keys(again) == ["safety_check_again"] and not again.ends_form
    assert "0800-2000" in again.replies[0].values["lines"]
    slots = {**slots, **again.updates}
    cleared = clarification_turn(slots, _harmless("nee", "deny"))
    assert keys(cleared) == ["safety_check_clear", "ask_duration"] and cleared.updates["safety_check"] is None


def test_an_answer_to_the_check_asked_at_a_free_text_question_is_not_stored_as_its_answer():
    slots = {**CLARIFIED, "requested_slot": "tried", "tried": None, "safety_check": ["unspecified"]}
    again = clarification_turn(slots, _harmless("tja, dat is moeilijk te zeggen"))
    assert keys(again) == ["safety_check_again"] and "tried" not in again.updates


def test_a_no_that_something_turns_does_not_clear_the_check():
    slots = {**CLARIFIED, "requested_slot": "duration", "duration": None, "safety_check": ["violence"]}
    outcome = clarification_turn(slots, _harmless("nog niet, maar vanavond komt hij weer thuis", "deny"))
    assert keys(outcome) == ["safety_check_again"] and outcome.updates.get("safety_check", True) is not None
    outcome = clarification_turn(slots, _harmless("nee, maar vanavond komt hij weer thuis", "deny"))
    assert "safety_check_clear" not in keys(outcome)


def test_a_no_with_more_words_clears_the_check_only_when_they_lean_nowhere_near_danger():
    slots = {**CLARIFIED, "requested_slot": "duration", "duration": None, "safety_check": ["neglect"]}
    cleared = clarification_turn(slots, _harmless("nee hoor, het was een ongelukje in de keuken", "deny"))
    assert keys(cleared) == ["safety_check_clear", "ask_duration"]
    routed = clarification_turn(slots, _harmless("nee, er was niks te eten", "deny", danger=0.7))
    assert "safety_violence" in keys(routed) and routed.ends_form


def test_a_second_unclear_answer_to_the_check_gets_the_route():
    slots = {**CLARIFIED, "requested_slot": "duration", "duration": None, "safety_check": ["neglect"]}
    slots = {**slots, **clarification_turn(slots, _harmless("dat weet ik eigenlijk niet goed")).updates}
    outcome = clarification_turn(slots, _harmless("dat weet ik eigenlijk niet goed"))
    assert "safety_violence" in keys(outcome) and outcome.ends_form


def test_an_unclear_answer_to_the_check_that_leans_towards_danger_gets_the_route_at_once():
    slots = {**CLARIFIED, "requested_slot": "duration", "duration": None, "safety_check": ["neglect"]}
    outcome = clarification_turn(slots, _harmless("vanavond als iedereen slaapt", danger=0.6))
    assert "safety_violence" in keys(outcome) and outcome.ends_form


def test_a_side_question_is_answered_and_the_open_question_asked_again():
    outcome = clarification_turn(ASKED_AGE, Message(text="wat kost dat?", intent="ask_costs", confidence=0.9))
    assert keys(outcome) == ["side:ask_costs", "ask_child_age"]
    assert outcome.updates["requested_slot"] == "child_age"


def test_an_unreadable_answer_is_explained_then_asked_in_other_words_then_skipped():
    slots: Dict[str, Any] = {
        "intro_shown": True,
        "referrer_role": "parent",
        "child_age": 9,
        "municipality": "Leiden",
        "municipality_known": True,
        "concern": "ruzie thuis",
        "duration": "lang",
        "requested_slot": "impact",
    }
    said = []
    for _ in range(3):
        outcome = clarification_turn(slots, Message(text="de kat van de buren", intent="inform", confidence=0.5))
        said.append(keys(outcome)[0])
        slots = {**slots, **outcome.updates}
    assert said[0] != said[1] and said[2] == "skip_question"
    assert slots["impact"] == "onbekend"


def test_the_handoff_starts_with_consent_and_a_yes_at_the_summary_asks_to_store():
    start = handoff_turn(CLARIFIED, Message(text="/affirm", intent="affirm", confidence=1.0), form_active=False)
    assert keys(start)[0].startswith("consent_") and start.updates["requested_slot"] == "handoff_consent"
    ready = {
        **CLARIFIED,
        "consent_answers": ["parent"],
        "contact_name": "Sam",
        "contact_phone": "0612345678",
        "school_involved": "ja",
        "requested_slot": "handoff_check",
    }
    outcome = handoff_turn(ready, Message(text="ja, versturen", intent="affirm", confidence=0.95))
    assert outcome.submit and not outcome.ends_form


def test_the_school_button_not_applicable_is_an_answer():
    slots = {
        **CLARIFIED,
        "consent_answers": ["parent"],
        "contact_name": "Sam",
        "contact_phone": "0612345678",
        "requested_slot": "school_involved",
    }
    outcome = handoff_turn(
        slots,
        Message(
            text='/inform{"school_involved":"nvt"}',
            intent="inform",
            confidence=1.0,
            entities=({"entity": "school_involved", "value": "nvt"},),
        ),
    )
    assert outcome.updates["school_involved"] == "nvt" and outcome.updates["requested_slot"] == "handoff_check"


def test_a_handoff_is_confirmed_only_when_stored():
    sent = submitted(CLARIFIED, "WJ-ABCD-1234", "samenvatting")
    assert keys(sent) == ["handoff_sent"] and sent.updates["handoff_state"] == "sent"
    assert sent.records[0].kind == "handoff"
    failed = submitted(CLARIFIED, None)
    assert keys(failed) == ["handoff_failed"] and failed.updates["handoff_state"] == "failed" and not failed.records


def test_a_side_question_inside_the_handoff_is_answered_and_the_step_asked_again():
    slots = {**CLARIFIED, "consent_answers": ["parent"], "requested_slot": "contact_name"}
    outcome = handoff_turn(slots, Message(text="wie is het lokale team?", intent="ask_local_team", confidence=0.9))
    assert isinstance(outcome.replies[0], SideQuestion) and keys(outcome)[1] == "ask_contact_name"
