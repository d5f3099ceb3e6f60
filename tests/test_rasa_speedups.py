"""The cached action-response check accepts and refuses exactly what Rasa's own check does."""

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from bot import rasa_speedups

GOOD = [
    {"events": [{"event": "slot", "name": "route", "value": "voorveld"}], "responses": [{"text": "Hoi"}]},
    {"events": [], "responses": []},
    {},
]
BAD = [{"events": [{"event": "slot"}]}, {"events": "geen lijst"}, {"events": [{"value": 1}]}]


@pytest.mark.parametrize("response", GOOD + BAD)
def test_the_same_verdict_and_message_as_rasa(response):
    action = RemoteAction("action_triage", None)
    outcomes = []
    for check in (rasa_speedups._ORIGINAL, rasa_speedups._validate_action_result):
        try:
            outcomes.append(("ok", check(action, response)))
        except ValidationError as error:
            outcomes.append(("refused", error.message))
    assert outcomes[0] == outcomes[1]
    assert outcomes[0][0] == ("ok" if response in GOOD else "refused")


def test_the_server_uses_it():
    import bot.channels  # noqa: F401 - imported by `rasa run` through credentials.yml

    assert RemoteAction._validate_action_result is rasa_speedups._validate_action_result
