"""Typed answers in people's own words (bot/answers.py, bot/intake.py): the words part, without
a trained model. The meaning part is measured through the running bot (test_live_typed_answers)."""

from __future__ import annotations

from datetime import date

import pytest

from bot import answers, clarification, intake, safety

THRESHOLDS = {
    "classifier_route": 0.97,
    "classifier_check": 0.6,
    "semantic_route": 0.9,
    "semantic_check": 0.5,
    "semantic_floor": 0.2,
    "category_confidence": 0.5,
}


@pytest.mark.parametrize(
    "typed,value",
    [
        ("ernstig", "groot"),
        ("Ernstig", "groot"),
        ("matig", "merkbaar"),
        ("Gering", "weinig"),
        ("groot", "groot"),
        ("merkbaar", "merkbaar"),
        ("best veel", "merkbaar"),
        ("heel veel", "groot"),
        ("weinig", "weinig"),
    ],
)
def test_every_impact_button_label_typed_in_any_role_means_the_button(typed, value):
    assert answers.impact(typed, intake.parse_impact(typed), None) == value


@pytest.mark.parametrize(
    "typed,value",
    [
        ("niet heel veel", "merkbaar"),
        ("niet heel veel maar we merken het wel", "merkbaar"),
        ("niet zo veel", "weinig"),
        ("het valt nog mee, het is vooral lastig", "weinig"),
        ("valt wel mee", "weinig"),
        ("we worden er gek van", "groot"),
    ],
)
def test_impact_in_ordinary_words_with_negation(typed, value):
    assert answers.impact(typed, intake.parse_impact(typed), None) == value


def test_a_confident_meaning_answers_when_the_words_say_nothing():
    semantic = {"available": True, "answers": {"impact": {"value": "groot", "confidence": 0.62}}}
    assert answers.impact("slaap slecht en zie geen vrienden meer", None, semantic) == "groot"
    assert answers.impact("iets onduidelijks", None, {"available": False}) is None


@pytest.mark.parametrize(
    "typed,value",
    [
        ("sinds juli", "middel"),
        ("een maand of vier", "middel"),
        ("sinds de herfstvakantie", "kort"),
        ("sinds Sinterklaas", "kort"),
        ("> 6 mnd", "lang"),
        ("3-6 mnd", "middel"),
        ("<3 mnd", "kort"),
        ("acuut ontstaan, sinds 2 wk", "kort"),
        ("sinds de meivakantie", "lang"),
        ("al twee jaar", "lang"),
    ],
)
def test_duration_in_words_and_dates(typed, value):
    assert intake.parse_duration(typed, today=date(2026, 12, 7)) == value


@pytest.mark.parametrize(
    "typed,value",
    [
        ("jep", "yes"),
        ("doe maar", "yes"),
        ("is goed", "yes"),
        ("ja hoor", "yes"),
        ("👍", "yes"),
        ("Klopt", "yes"),
        ("nee liever niet", "no"),
        ("nope", "no"),
        ("laat maar", "no"),
        ("nog niet", "no"),
        ("ik twijfel", "unsure"),
        ("weet ik nog niet", "unsure"),
        ("moeder wel, vader nog niet", "unsure"),
    ],
)
def test_yes_and_no_in_all_their_forms(typed, value):
    assert answers.yes_no(typed) == value


def test_a_button_payload_is_read_by_its_intent():
    assert answers.yes_no("/affirm", "affirm", 1.0) == "yes"
    assert answers.yes_no("/deny", "deny", 1.0) == "no"


@pytest.mark.parametrize("typed", ["hoi ik ben 15", "ik ben 15", "hallo, ik ben 14 jaar", "Ik ben 16"])
def test_a_young_person_introducing_themselves_is_recognised(typed):
    assert intake.parse_role(typed) == "youth"


def test_where_people_live_is_not_the_worry():
    turn = clarification.read_turn({"referrer_role": "parent", "child_age": 7}, "wij wonen in leiden", "municipality")
    assert turn.updates.get("municipality") == "Leiden"
    assert "concern" not in turn.updates


def test_a_one_message_intake_is_not_asked_again():
    text = "POH 4 gesprekken zonder effect, ouders willen verwijzing, weigert school, meisje 14 uit Delft"
    turn = clarification.read_turn({"referrer_role": "gp"}, text, "child_age")
    slots = {"referrer_role": "gp", **turn.updates}
    assert slots["child_age"] == 14 and slots["municipality"] == "Delft"
    assert slots["tried"] and slots["help_involved"] and slots["goal"] and slots["impact"] == "groot"
    assert clarification.next_question(slots) == "duration"


def test_a_typed_impact_answer_is_stored_not_skipped():
    turn = clarification.read_turn({"referrer_role": "gp"}, "ernstig", "impact")
    assert turn.updates == {"impact": "groot"} and turn.problem is None


# --- the graded safety screen ----------------------------------------------------------------------
def test_a_matcher_hit_is_the_route():
    assert safety.grade(["violence"], False, 0.0, None, THRESHOLDS).level == "route"


def test_a_sure_semantic_reading_is_the_route_with_its_category():
    semantic = {"available": True, "danger": 0.97, "category": "suicide", "category_confidence": 0.8}
    verdict = safety.grade([], False, 0.1, semantic, THRESHOLDS)
    assert verdict.level == "route" and verdict.categories == ["suicide"]


def test_an_unsure_category_gives_every_line():
    semantic = {"available": True, "danger": 0.97, "category": "suicide", "category_confidence": 0.3}
    assert safety.grade([], False, 0.1, semantic, THRESHOLDS).categories == ["unspecified"]


def test_a_hit_on_a_plainly_harmless_message_is_the_check_not_the_route():
    joke = {"available": True, "danger": 0.05, "category": "violence", "category_confidence": 0.9}
    assert safety.grade(["violence"], False, 0.0, joke, THRESHOLDS).level == "check"
    assert safety.grade([], False, 0.99, joke, THRESHOLDS).level == "check"
    assert safety.grade(["violence"], False, 0.0, {"available": False}, THRESHOLDS).level == "route"


def test_a_leaning_reading_is_the_check_and_a_low_one_nothing():
    leaning = {"available": True, "danger": 0.6, "category": "neglect"}
    assert safety.grade([], False, 0.0, leaning, THRESHOLDS).level == "check"
    assert (
        safety.grade([], False, 0.0, {"available": True, "danger": 0.1, "category": "neglect"}, THRESHOLDS).level
        is None
    )


def test_negated_danger_words_lower_a_reading_by_one_grade():
    sure = {"available": True, "danger": 0.96, "category": "violence"}
    assert safety.grade([], True, 0.0, sure, THRESHOLDS).level == "check"
    assert (
        safety.grade([], True, 0.0, {"available": True, "danger": 0.6, "category": "violence"}, THRESHOLDS).level
        is None
    )


def test_without_the_encoder_the_classifier_still_screens():
    assert safety.grade([], False, 0.98, {"available": False}, THRESHOLDS).level == "route"
    assert safety.grade([], False, 0.7, {"available": False}, THRESHOLDS).level == "check"


@pytest.mark.parametrize(
    "text,language",
    [
        ("my dad hits me when he is drunk", "en"),
        ("babam beni dövüyor, yardım edin", "tr"),
        ("أبي يضربني كل يوم", "ar"),
        ("ojciec mnie bije, nie chcę wracać do domu", "pl"),
        ("mijn vader slaat mij", None),
        ("ik ben bang", None),
    ],
)
def test_the_language_of_a_crisis_message(text, language):
    assert safety.other_language(text) == language


def test_a_danger_that_is_over_or_a_joke_with_a_condition_gets_the_check_not_the_route():
    over = "ik heb vorig jaar mezelf pijn gedaan maar ik zit al een jaar bij een psycholoog en doe het niet meer"
    joke = "ik sla hem echt als hij m'n fiets weer pakt lol"
    assert safety.settled(over) and safety.settled(joke)
    assert not safety.settled("mijn vader slaat me als ik te laat thuis ben")  # a condition is no joke
    assert not safety.settled("ik wil niet meer leven haha")  # laughing without a condition is not settled
    sure = {"available": True, "danger": 0.95, "category": "self_harm", "category_confidence": 0.9}
    assert safety.grade(["self_harm"], False, 0.0, sure, THRESHOLDS, settled=True).level == "check"
    assert safety.grade(["self_harm"], False, 0.0, sure, THRESHOLDS).level == "route"
