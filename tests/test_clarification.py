"""Which questions the clarification asks, and how a message updates the answers."""

from bot import clarification

FULL = [
    "referrer_role",
    "child_age",
    "municipality",
    "concern",
    "duration",
    "impact",
    "tried",
    "help_involved",
    "network",
    "goal",
]


def test_a_child_under_12_gets_all_questions_but_the_young_persons_wish():
    assert clarification.required_slots({"child_age": 9, "referrer_role": "parent"}) == FULL


def test_a_young_person_of_12_or_older_gets_a_say():
    assert clarification.required_slots({"child_age": 14, "referrer_role": "gp"})[-1] == "youth_wish"
    assert "youth_wish" not in clarification.required_slots({"child_age": 14, "referrer_role": "youth"})


def test_short_routes_stop_asking_early():
    assert clarification.required_slots({"child_age": 19}) == ["referrer_role", "child_age", "municipality"]
    short = ["referrer_role", "child_age", "municipality", "concern"]
    assert clarification.required_slots({"child_age": 8, "concern": "ik zoek paardentherapie"}) == short
    assert clarification.required_slots({"child_age": 8, "concern": "vermoeden van dyslexie"}) == short
    assert (
        clarification.required_slots({"child_age": 8, "municipality": "Utrecht", "municipality_known": False}) == short
    )


def test_next_question_skips_what_is_known():
    assert clarification.next_question({"referrer_role": "gp", "child_age": 15, "municipality": "Katwijk"}) == "concern"


def test_answer_to_a_free_text_question_is_kept_whole_and_cleaned():
    turn = clarification.read_turn({}, "<b>hij</b> is   vaak boos", "concern")
    assert turn.updates["concern"] == "hij is vaak boos" and turn.problem is None


def test_a_description_fills_the_concern_whatever_was_asked():
    turn = clarification.read_turn(
        {"referrer_role": "gp"}, "meisje 15, Katwijk, somber sinds maanden", "child_age", intent="describe_concern"
    )
    assert turn.updates["concern"].startswith("meisje 15") and turn.updates["child_age"] == 15


def test_a_correction_of_an_earlier_answer():
    turn = clarification.read_turn({"referrer_role": "parent", "child_age": 9}, "nee wacht, hij is 10", "concern")
    assert turn.updates == {"child_age": 10} and turn.corrected == ["child_age"] and turn.problem is None


def test_unreadable_and_implausible_answers_are_problems_not_answers():
    assert clarification.read_turn({}, "geen idee", "child_age").problem == "unreadable_child_age"
    assert clarification.read_turn({}, "hij is 40", "child_age").problem == "age_implausible"
    assert clarification.read_turn({}, "asdfgh qwrtzx", "concern").problem == "gibberish"
    assert clarification.read_turn({}, "/affirm", "goal").updates == {}


def test_button_values_count_but_the_ruler_entity_does_not():
    payload = [{"entity": "duration", "value": "kort", "extractor": "RegexMessageHandler"}]
    assert clarification.read_turn({}, '/inform{"duration":"kort"}', "duration", payload).updates == {
        "duration": "kort"
    }
    ruler = [{"entity": "role", "value": "school", "extractor": "SpacyEntityExtractor"}]
    turn = clarification.read_turn({"referrer_role": "parent"}, "hij wil niet naar school", "concern", ruler)
    assert "referrer_role" not in turn.updates


def test_summary_lines_shorten_long_text_but_keep_the_answer():
    slots = {"referrer_role": "parent", "child_age": 9, "municipality": "Utrecht", "concern": "x" * 500}
    lines = clarification.summary_lines(slots, limit=50)
    assert "Gemeente: Utrecht (buiten de regio's die ik ken)" in lines
    assert any(line.startswith("Zorg: ") and line.endswith("…") and len(line) < 70 for line in lines)
