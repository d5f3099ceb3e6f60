"""One measured speed-up for Rasa 3.6.21, applied by the Rasa server when it loads the widget's
channel (bot/channels.py, named in credentials.yml).

Rasa checks every custom action response with ``jsonschema.validate``, which checks the *schema*
itself again on every call: about 30 ms of CPU per action call, half of the Rasa server's time per
message in `make bench` (py-spy; see README, "Measured quality and speed"). The replacement checks
the same response against the same schema with one validator built once, and raises the same
ValidationError with the same message, so behaviour is unchanged (tests/test_rasa_speedups.py)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict

from jsonschema import exceptions, validators
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL

_ORIGINAL = RemoteAction._validate_action_result


@lru_cache(maxsize=1)
def _validator():
    schema = RemoteAction.action_response_format_spec()
    cls = validators.validator_for(schema)
    cls.check_schema(schema)  # once, instead of on every call
    return cls(schema)


def _validate_action_result(self: RemoteAction, result: Dict[str, Any]) -> bool:
    error = exceptions.best_match(_validator().iter_errors(result))
    if error is not None:
        error.message += (
            f". Failed to validate Action server response from API, make sure your response from the "
            f"Action endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise error
    return True


def apply() -> None:
    RemoteAction._validate_action_result = _validate_action_result
