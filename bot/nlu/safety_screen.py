"""Rasa NLU component: the safety screen that no classifier miss can silence.

Runs last in the pipeline (after DIET and the FallbackClassifier). When the deterministic
spaCy Matcher finds a safety signal, or the classifier ranks `signal_danger` first with enough
confidence (and the matcher did not find its danger words negated or harmless), the message
becomes intent `signal_danger` with confidence 1 and one
`safety_category` entity per category found. A low-confidence `signal_danger` without a
matcher hit is demoted to `nlu_fallback`, so the bot asks again instead of raising a false alarm.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.safety import analyse_text

SAFETY_ENTITY = "safety_category"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SafetyScreen(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "intent": "signal_danger",
            # The classifier alone raises the alarm from this confidence on.
            "classifier_threshold": 0.9,
            "fallback_intent": "nlu_fallback",
        }

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.config = config

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "SafetyScreen":
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._screen(message)
        return messages

    def _screen(self, message: Message) -> None:
        text = message.get(TEXT)
        if not text:
            return
        danger = self.config["intent"]
        categories, cleared = analyse_text(text)
        ranking: List[Dict[Text, Any]] = list(message.get(INTENT_RANKING_KEY) or [])
        top = ranking[0] if ranking else (message.get(INTENT) or {})
        classifier_alarm = (top.get("name") == danger and top.get("confidence", 0) >= self.config["classifier_threshold"]
                            and not cleared)
        # Which part fired, for the safety report and for debugging (no text is copied here).
        message.set("safety_screen", {"matcher": categories, "matcher_cleared": cleared,
                                      "classifier_alarm": classifier_alarm,
                                      "classifier_top": top.get("name"),
                                      "classifier_confidence": round(float(top.get("confidence", 0.0)), 4)},
                    add_to_output=True)
        if categories or classifier_alarm:
            categories = categories or ["unspecified"]
            message.set(INTENT, {"name": danger, "confidence": 1.0}, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [{"name": danger, "confidence": 1.0}]
                        + [item for item in ranking if item.get("name") != danger], add_to_output=True)
            entities = [entity for entity in message.get(ENTITIES, []) if entity.get("entity") != SAFETY_ENTITY]
            entities += [{"entity": SAFETY_ENTITY, "value": category, "start": 0, "end": 0,
                          "extractor": self.__class__.__name__} for category in categories]
            message.set(ENTITIES, entities, add_to_output=True)
        elif (message.get(INTENT) or {}).get("name") == danger:
            message.set(INTENT, {"name": self.config["fallback_intent"], "confidence": 1.0}, add_to_output=True)
