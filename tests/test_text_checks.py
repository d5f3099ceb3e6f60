"""Bad input is recognised so the bot can say what to do (bot/text_checks.py)."""

import pytest

from bot import text_checks


@pytest.mark.parametrize(
    "text,problem",
    [
        ("hij is vaak boos", None),
        ("14", None),
        ("Leiden", None),
        ("", "no_words"),
        ("🙂🙂", "no_words"),
        ("...", "no_words"),
        ("asdfgh qwrtzx", "gibberish"),
        ("My son is sad, can you help me please?", "english"),
        ("x" * 3000, "too_long"),
    ],
)
def test_problem(text, problem):
    assert text_checks.problem(text) == problem


def test_html_is_removed_and_entities_decoded():
    assert text_checks.clean("<script>alert(1)</script> a &amp; b") == "alert(1) a & b"
