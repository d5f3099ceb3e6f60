"""Reading clarification facts from free text (bot/intake.py)."""

import pytest

from bot import intake


@pytest.mark.parametrize(
    "text,asked,age",
    [
        ("mijn zoon van 8 heeft driftbuien", False, 8),
        ("meisje 15, Katwijk, somber", False, 15),
        ("hij is negen jaar", False, 9),
        ("9", True, 9),
        ("negen", True, 9),
        ("ze zit in groep 7", True, 10),
        ("3 havo", True, 14),
        ("hij is 6 maanden oud", True, 0),
        ("9", False, None),  # a bare number only counts when the age was asked
    ],
)
def test_age(text, asked, age):
    assert intake.parse_age(text, asked=asked) == age


@pytest.mark.parametrize(
    "text,asked,expected",
    [
        ("we wonen in Sassenheim", False, {"name": "Teylingen", "known": True}),
        ("Den Haag", True, {"name": "Den Haag", "known": True}),
        ("'s-gravenhage", True, {"name": "Den Haag", "known": True}),
        ("Hellevoetsluis", True, {"name": "Voorne aan Zee", "known": True}),
        ("Bussum", True, {"name": "Gooise Meren", "known": True}),
        ("Utrecht", True, {"name": "Utrecht", "known": False}),
        ("weet ik niet", True, None),
        ("Utrecht", False, None),
    ],
)
def test_municipality(text, asked, expected):
    assert intake.parse_municipality(text, asked=asked) == expected


@pytest.mark.parametrize(
    "text,asked,role",
    [
        ("ik ben huisarts", False, "gp"),
        ("ik ben de POH-jeugd", False, "gp"),
        ("als intern begeleider wil ik iets vragen", False, "school"),
        ("moeder", True, "parent"),
        ("ik vraag het voor mezelf", False, "youth"),
        ("ik ben 15 en ik voel me somber", False, "youth"),
        ("mijn vader slaat me", False, None),  # a child naming a parent is not the parent asking
        ("hij wil niet naar school", False, None),
        ("POH-jeugd hier, ik zoek wat lichte opties voor een jongen", False, "gp"),
        ("Zorgcoördinator hier. Leerling 3 havo verzuimt veel", False, "school"),
        ("mijn moeder hier in huis drinkt veel", False, None),
        ("de mentor hier op school helpt me niet", False, None),
        ("mentor hier op school helpt me niet", False, None),
        ("huisarts hier", False, "gp"),
    ],
)
def test_role(text, asked, role):
    assert intake.parse_role(text, asked=asked) == role


@pytest.mark.parametrize(
    "text,duration",
    [
        ("al een paar weken", "kort"),
        ("sinds de zomer", "middel"),
        ("al jaren", "lang"),
        ("somber sinds maanden", "middel"),
        ("hij is negen jaar", None),
    ],
)
def test_duration(text, duration):
    assert intake.parse_duration(text) == duration


def test_a_professional_one_liner_gives_several_facts():
    facts = intake.read_message("meisje 15, Katwijk, somber sinds maanden, POH-gesprekken niet voldoende", None)
    assert facts["child_age"] == 15 and facts["municipality"] == "Katwijk" and facts["duration"] == "middel"
    assert facts["tried"] == "POH-gesprekken niet voldoende"
    assert intake.concern_domains("somber sinds maanden") == ["emotioneel_psychisch"]


def test_tried_outcome_and_specialist_request():
    assert intake.parse_tried_outcome("gesprekken met de mentor, hielp niet") == "not_enough"
    assert intake.parse_tried_outcome("nog niks") == "none"
    assert intake.asks_specialist("graag verwijzing naar jeugd-ggz")
    assert not intake.asks_specialist("dat hij weer lacht")


def test_how_long_in_months_is_not_an_age():
    assert intake.parse_age("twee maanden") is None and intake.parse_age("ongeveer 4 maanden") is None
    assert intake.parse_age("een baby van 8 maanden") == 0 and intake.parse_age("8 maanden", asked=True) == 0


def test_impact_is_the_heaviest_reading_unless_the_answer_starts_light():
    assert intake.parse_impact("niet zo erg, op school gaat alles goed") == "weinig"
    assert intake.parse_impact("soms, maar hij slaapt niet meer") == "groot"
    assert intake.parse_impact("best veel") == "merkbaar"


def test_an_introduction_is_not_the_worry():
    assert not intake.describes_concern("Ik ben mentor op een school in Den Haag")
    assert intake.describes_concern("Ik ben mentor, een leerling van 14 spijbelt al weken en is erg somber")
    assert intake.describes_concern("ik ben moeder van een zoon van 8 die heel druk is op school")


def test_a_duration_in_years_is_not_an_age():
    assert "child_age" not in intake.read_message("al twee jaar", "duration")
    assert intake.read_message("ze is 12 jaar, dit speelt al twee jaar", "duration")["child_age"] == 12


def test_where_the_referrer_works_is_not_where_the_child_lives():
    assert intake.parse_municipality("Ik ben mentor op een school in Leiden") is None
    assert intake.parse_municipality("de leerling woont in Katwijk")["name"] == "Katwijk"
    assert intake.parse_municipality("Leiden", asked=True)["name"] == "Leiden"


def test_gaming_is_an_upbringing_question_and_addiction_words_stay_addiction():
    assert intake.concern_domains("gedoe over gamen sinds een maand") == ["opvoeding_gedrag"]
    assert "verslaving" in intake.concern_domains("ik denk dat hij gameverslaafd is")


def test_professionals_words_for_specialist_help():
    assert intake.asks_specialist("we vragen onderzoek naar autisme")
    assert intake.asks_specialist("EMDR lijkt geïndiceerd na het ongeluk")
