"""The intent read by meaning (bot/nlu/intent_reader.py): blended with DIET's ranking, and DIET's
reading left as it was when the encoder is away, so the bot keeps understanding people."""

from __future__ import annotations

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.encoder_featurizer import EMBEDDING, FAILED
from bot.nlu.intent_reader import CLASSIFIER_DANGER, SemanticIntentClassifier

pytestmark = pytest.mark.unit

# Two directions in a small embedding space stand for two meanings.
GREETING, WORRY = np.array([1.0, 0.0, 0.0]), np.array([0.0, 1.0, 0.0])
EXAMPLES = [
    ("hallo", "greet", GREETING),
    ("goedemiddag", "greet", GREETING),
    ("hoi daar", "greet", GREETING),
    ("mijn zoon slaapt slecht", "describe_concern", WORRY),
    ("ze eet bijna niets", "describe_concern", WORRY),
    ("hij wil niet naar school", "describe_concern", WORRY),
]


@pytest.fixture()
def reader(tmp_path):
    config = {**SemanticIntentClassifier.get_default_config(), "semantic_weight": 0.6}
    storage = LocalModelStorage(tmp_path)
    resource = Resource("intent_reader")
    context = ExecutionContext(GraphSchema({}), "test")
    component = SemanticIntentClassifier.create(config, storage, resource, context)
    examples = []
    for text, intent, vector in EXAMPLES:
        message = Message(data={TEXT: text, INTENT: intent})
        message.set(EMBEDDING, vector)
        examples.append(message)
    component.train(TrainingData(training_examples=examples))
    return SemanticIntentClassifier.load(config, storage, resource, context)


def diet_says(text: str, vector, ranking, failed: bool = False) -> Message:
    message = Message(data={TEXT: text})
    message.set(EMBEDDING, np.asarray(vector, dtype=np.float32))
    if failed:
        message.set(FAILED, True)
    message.set(INTENT, dict(ranking[0]))
    message.set(INTENT_RANKING_KEY, ranking)
    return message


def test_a_worry_diet_misread_as_a_greeting_is_read_as_a_worry(reader):
    ranking = [{"name": "greet", "confidence": 0.55}, {"name": "describe_concern", "confidence": 0.45}]
    message = diet_says("mijn dochter huilt elke avond", WORRY, ranking)
    reader.process([message])
    assert message.get(INTENT)["name"] == "describe_concern"
    names = [item["name"] for item in message.get(INTENT_RANKING_KEY)]
    assert names[0] == "describe_concern" and "greet" in names


def test_with_the_encoder_away_diet_reading_stays_as_it_was(reader):
    ranking = [{"name": "greet", "confidence": 0.55}, {"name": "describe_concern", "confidence": 0.45}]
    message = diet_says("mijn dochter huilt elke avond", np.zeros(3), ranking, failed=True)
    reader.process([message])
    assert message.get(INTENT) == {"name": "greet", "confidence": 0.55}
    assert message.get(INTENT_RANKING_KEY) == ranking


def test_the_safety_screen_keeps_diet_own_danger_confidence(reader):
    ranking = [{"name": "signal_danger", "confidence": 0.98}, {"name": "greet", "confidence": 0.02}]
    message = diet_says("hallo", GREETING, ranking)
    reader.process([message])
    assert message.get(CLASSIFIER_DANGER) == pytest.approx(0.98)
    other = diet_says("hallo", GREETING, list(reversed(ranking)))
    reader.process([other])
    assert other.get(CLASSIFIER_DANGER) == 0.0
