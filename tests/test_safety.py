"""The deterministic safety screen (bot/safety.py), without Rasa."""

import pytest

from bot import knowledge, safety


@pytest.mark.parametrize(
    "text,category",
    [
        ("mijn vader slaat me", "violence"),
        ("ze wordt thuis geslagen", "violence"),
        ("ik weet niet of hij haar slaat", "violence"),  # a suspicion is a signal
        ("ik wil niet meer leven", "suicide"),
        ("ik wil dood", "suicide"),
        ("ze snijdt zichzelf", "self_harm"),
        ("haar oom zit aan haar", "sexual_abuse"),
        ("ze krijgt thuis geen eten", "neglect"),
        ("ze moet deze zomer trouwen met haar neef", "forced_marriage"),
        ("hij staat nu met een mes voor de deur", "acute_danger"),
        ("mijn zoon van 8 is kwijt, al 2 uur", "acute_danger"),
        ("ons dochtertje is zoek", "acute_danger"),
        ("de vriend van mijn moeder mept mijn broertje", "violence"),  # an adult, not a sibling fight
        ("ik ben wel klaar met leven eigenlijk", "suicide"),
        ("mi no ke biba mas", "suicide"),  # Papiamento
        ("ik kras alleen een beetje met een schaar als ik boos ben", "self_harm"),
        ("ik heb gain zin meer in t leven", "suicide"),  # Gronings
        ("ie heb een blaffer bij zich", "acute_danger"),  # slang for a gun
        ("laatst lag er een mes op tafel toen hij tegen me schreeuwde", "acute_danger"),
    ],
)
def test_danger_is_found(text, category):
    assert category in safety.screen_text(text)


@pytest.mark.parametrize(
    "text",
    [
        "hij sloeg de bal over het hek",
        "ik schrok me dood toen de school belde",
        "ze is doodmoe na school",
        "ze wil dood graag een hond",
        "ze slaat haar huiswerk over",
        "ze snijdt groenten met een mes",
        "zijn vader slaat hem nooit",
        "er is geen geweld thuis",
        "de huisarts vond geen aanwijzingen voor seksueel misbruik",
        "hij heeft nooit gezegd dat hij dood wil",
        "ze wil niet meer naar hockey",
        "mijn zoon is zijn motivatie kwijt",
        "mijn broer slaat mijn zusje met een kussen",
        "hij heeft zich gesneden aan een blikje bij het opruimen",
        "mijn dochter is haar telefoon kwijt sinds gisteren",
    ],
)
def test_harmless_wording_is_not_an_alarm(text):
    assert safety.screen_text(text) == []


def test_the_most_urgent_category_decides_the_route():
    assert safety.route_group(["violence", "acute_danger"]) == "emergency"
    assert safety.route_group(["self_harm"]) == "suicide_prevention"
    assert safety.route_group(["neglect"]) == "veilig_thuis"
    assert safety.route_group([]) is None


def test_a_negated_match_clears_a_classifier_only_alarm():
    from bot import nlp

    matcher = safety.default_matcher()
    hits, cleared = matcher.analyse(nlp.load()("er is geen sprake van huiselijk geweld"))
    assert hits == [] and cleared
    hits, cleared = matcher.analyse(nlp.load()("hij heeft veel driftbuien"))
    assert hits == [] and not cleared


def test_every_pattern_category_has_a_route():
    categories = set(knowledge.load("safety_patterns")["patterns"]) - {safety.HARMLESS}
    assert categories <= set(safety.ROUTE_GROUPS)


@pytest.mark.parametrize(
    "text,category",
    [
        ("als het te veel wordt krab ik mezelf open met een schaar", "self_harm"),
        ("ik heb pillen van mijn moeder gespaard, voor als het echt niet meer gaat", "suicide"),
        ("de kinderen zijn doodsbang voor hem als hij drinkt", "violence"),
        ("hij zei dat hij de kinderen iets aandoet als ik niet terugkom", "violence"),
    ],
)
def test_wording_found_in_the_routing_vignettes_is_recognised(text, category):
    assert category in safety.analyse_text(text)[0]


def test_finishing_school_is_not_violence():
    assert safety.analyse_text("dat ze haar school afmaakt en weer met ons praat")[0] == []


THRESHOLDS = {"semantic_check": 0.5, "category_confidence": 0.5}


def test_a_follow_up_that_leans_towards_danger_only_with_the_message_before_gets_the_check():
    reading = {"available": True, "danger": 0.1, "context_danger": 0.7, "context_category": "suicide"}
    sure = {**reading, "context_category_confidence": 0.8}
    assert safety.in_context(sure, THRESHOLDS) == safety.Verdict("check", ["suicide"])
    # Unsure of the kind: the check names every line.
    unsure = {**reading, "context_category": "suicide", "context_category_confidence": 0.3}
    assert safety.in_context(unsure, THRESHOLDS) == safety.Verdict("check", ["unspecified"])


@pytest.mark.parametrize(
    "reading",
    [
        {"available": True, "danger": 0.1},  # the message before did not lean towards danger
        {"available": True, "danger": 0.1, "context_danger": 0.3},
        {"available": False},
    ],
)
def test_a_follow_up_that_stays_harmless_in_context_gets_nothing(reading):
    assert safety.in_context(reading, THRESHOLDS).level is None
