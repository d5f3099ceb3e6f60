"""Who must agree before the bot sends anything to the local team (AVG; Jeugdwet/WGBO age rules).

- under 12: the parents (or carers) decide;
- 12 to 15: the young person and the parents both;
- 16 and older: the young person decides.

A professional (GP practice, school) confirms that the right people agreed; a parent or a young
person is asked for their own consent and, where the law needs it, whether the other one agrees.
An unknown age is treated as 12-15: everyone is asked. A child under 12 asking for themselves
cannot consent alone: the bot gives the route, sends nothing, and suggests a trusted adult."""

from __future__ import annotations

from typing import Any, List, Optional

BANDS = ("onder_12", "12_15", "16_plus", "onbekend")
BAND_LABELS = {
    "onder_12": "jonger dan 12",
    "12_15": "12 tot 16 jaar",
    "16_plus": "16 jaar of ouder",
    "onbekend": "leeftijd onbekend",
}

# The consent questions per (asker, band), in the order they are asked. Each key is a text in
# texts/chat.yml (consent_<key>) and names whose consent it records.
QUESTIONS = {
    "parent": {
        "onder_12": ["parent"],
        "12_15": ["parent", "parent_child_agrees"],
        "16_plus": ["parent_child_agrees_16"],
        "onbekend": ["parent", "parent_child_agrees"],
    },
    "youth": {
        "onder_12": [],
        "12_15": ["youth", "youth_parents_agree"],
        "16_plus": ["youth"],
        "onbekend": ["youth", "youth_parents_agree"],
    },
    "professional": {
        "onder_12": ["pro_parents"],
        "12_15": ["pro_parents_and_youth"],
        "16_plus": ["pro_youth"],
        "onbekend": ["pro_parents_and_youth"],
    },
}
GIVEN_BY = {
    "parent": ["ouders"],
    "parent_child_agrees": ["jongere"],
    "parent_child_agrees_16": ["jongere"],
    "youth": ["jongere"],
    "youth_parents_agree": ["ouders"],
    "pro_parents": ["ouders"],
    "pro_parents_and_youth": ["ouders", "jongere"],
    "pro_youth": ["jongere"],
}


def band(age: Any) -> str:
    if not isinstance(age, int):
        return "onbekend"
    if age < 12:
        return "onder_12"
    return "12_15" if age < 16 else "16_plus"


def asker(role: Optional[str]) -> str:
    if role in ("gp", "school"):
        return "professional"
    return "youth" if role == "youth" else "parent"


def questions(role: Optional[str], age: Any) -> List[str]:
    """The consent questions for this conversation; empty when nobody here can consent."""
    return list(QUESTIONS[asker(role)][band(age)])


def next_question(role: Optional[str], age: Any, answered: List[str]) -> Optional[str]:
    return next((key for key in questions(role, age) if key not in answered), None)


def given_by(answered: List[str]) -> List[str]:
    people: List[str] = []
    for key in answered:
        for person in GIVEN_BY[key]:
            if person not in people:
                people.append(person)
    return people
