"""Matched-care triage rules (bot/knowledge/triage.yml) and voorveld choice."""

import pytest

from bot import knowledge, triage

BASE = {
    "referrer_role": "parent",
    "child_age": 9,
    "municipality": "Leiden",
    "municipality_known": True,
    "concern": "hij heeft veel driftbuien",
    "duration": "kort",
    "impact": "weinig",
    "tried": "nog niks",
    "help_involved": "geen",
    "network": "oma",
    "goal": "rust thuis",
    "safety_categories": [],
}


def route(**changes):
    return triage.decide(triage.facts_from_slots({**BASE, **changes})).route


def test_mild_short_little_impact_goes_to_the_voorveld():
    assert route() == "voorveld"


@pytest.mark.parametrize(
    "changes",
    [
        {"impact": "groot"},
        {"duration": "lang", "impact": "merkbaar"},
        {"tried": "opvoedcursus gedaan, hielp niet"},
        {"concern": "hij blowt elke dag"},
        {"concern": "ze is al weken een thuiszitter"},
    ],
)
def test_clear_severity_goes_straight_to_the_local_team(changes):
    assert route(**changes) == "local_team"


def test_safety_always_comes_first_even_when_the_rest_is_mild():
    assert route(safety_categories=["violence"]) == "safety"


def test_a_gp_or_school_asking_for_specialist_help():
    assert route(referrer_role="gp", goal="verwijzing naar jeugd-ggz") == "specialist"
    assert route(referrer_role="school", goal="onderzoek naar autisme") == "specialist"
    assert route(referrer_role="parent", goal="verwijzing naar jeugd-ggz") != "specialist"


@pytest.mark.parametrize(
    "changes,expected",
    [
        ({"child_age": 19}, "adult"),
        ({"concern": "we denken aan dyslexie"}, "dyslexia_school"),
        ({"concern": "ik zoek paardentherapie"}, "out_of_scope"),
        ({"municipality": "Utrecht", "municipality_known": False}, "national_guidance"),
        ({"help_involved": "er is een jeugdbeschermer betrokken"}, "child_protection"),
    ],
)
def test_scope_routes(changes, expected):
    assert route(**changes) == expected


def test_scope_differs_per_municipality():
    # Example data: Dordrecht removes bso-plus from its not-youth-care list, Katwijk adds holiday camps.
    assert route(concern="wij zoeken bso-plus", municipality="Leiden") == "out_of_scope"
    assert route(concern="wij zoeken bso-plus", municipality="Dordrecht") != "out_of_scope"
    assert route(concern="vergoeding voor een vakantiekamp", municipality="Katwijk") == "out_of_scope"


def test_the_rules_file_ends_with_a_catch_all():
    assert knowledge.load("triage")["rules"][-1]["when"] == {}


def test_voorveld_options_fit_concern_age_and_place():
    options = triage.voorveld_options(["gezin_scheiding"], 10, "Leiden")
    assert options and all("gezin_scheiding" in option["domains"] for option in options)
    assert all(option["age_min"] <= 10 <= option["age_max"] for option in options)
    toddler = triage.voorveld_options(["ontwikkeling"], 2, "Leiden", limit=20)
    assert all(option["age_min"] <= 2 for option in toddler)
