"""Rasa NLU component: the graded safety screen that no classifier miss can silence.

Runs last in the pipeline. Three readings of every message are combined (bot.safety.grade):
the deterministic spaCy Matcher, the trained intent classifier (`signal_danger`), and the
semantic reading of the sentence embedding (bot/nlu/semantic_reader.py). When the screen is
certain the message becomes intent `signal_danger` with `safety_level: route` and one
`safety_category` entity per category; when it is uncertain, the same intent with
`safety_level: check`, so the bot gives the lines and asks calmly whether someone is in danger
now. A `signal_danger` guess the screen does not support becomes `nlu_fallback`.
If the encoder is away the matcher and classifier still screen, and the outage is logged.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.intent_reader import CLASSIFIER_DANGER
from bot.safety import analyse_text, grade, in_context, settled

logger = logging.getLogger(__name__)
SAFETY_ENTITY = "safety_category"
LEVEL_KEY = "safety_level"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SafetyScreen(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "intent": "signal_danger",
            # The classifier alone gives the route from this confidence on, the check from the next.
            "classifier_route": 0.97,
            "classifier_check": 0.6,
            # The semantic reading's probability of danger: the route from here, the check from the next.
            "semantic_route": 0.9,
            "semantic_check": 0.5,
            # Below this the semantic reading finds a message plainly harmless: a matcher or
            # classifier hit then gives the check, not the route.
            "semantic_floor": 0.2,
            # The semantic category is used from this confidence; below it the route names every line.
            "category_confidence": 0.5,
            "fallback_intent": "nlu_fallback",
        }

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.config = config

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SafetyScreen":
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
        matched, cleared = analyse_text(text)
        ranking: List[Dict[Text, Any]] = list(message.get(INTENT_RANKING_KEY) or [])
        top = next(
            (item for item in ranking if item.get("name") != self.config["fallback_intent"]), message.get(INTENT) or {}
        )
        # The fallback classifier may have put `nlu_fallback` first: the ranking below it counts.
        # With the semantic intent reading in the pipeline, DIET's own danger confidence is the
        # classifier's voice (the thresholds below were set on it).
        classifier = message.get(CLASSIFIER_DANGER)
        if classifier is None:
            classifier = float(top.get("confidence", 0.0)) if top.get("name") == danger else 0.0
        semantic = message.get("semantic") or {}
        if not semantic.get("available"):
            # Never a silently weaker screen: the outage is logged (no text) and counted.
            logger.warning("safety_screen.semantic_unavailable")
        verdict = grade(matched, cleared, classifier, semantic, self.config, settled=settled(text))
        if not verdict.level and not cleared:  # "nee, er wordt niet geslagen" stays cleared in context too
            verdict = in_context(semantic, self.config)
        # Which part fired, for the reports and for debugging (no text is copied here).
        message.set(
            "safety_screen",
            {
                "matcher": matched,
                "matcher_cleared": cleared,
                "classifier_top": top.get("name"),
                "classifier_confidence": round(float(top.get("confidence", 0.0)), 4),
                "semantic_danger": semantic.get("danger"),
                "context_danger": semantic.get("context_danger"),
                "level": verdict.level,
            },
            add_to_output=True,
        )
        if verdict.level:
            message.set(INTENT, {"name": danger, "confidence": 1.0}, add_to_output=True)
            message.set(
                INTENT_RANKING_KEY,
                [{"name": danger, "confidence": 1.0}] + [item for item in ranking if item.get("name") != danger],
                add_to_output=True,
            )
            entities = [entity for entity in message.get(ENTITIES, []) if entity.get("entity") != SAFETY_ENTITY]
            entities += [
                {"entity": SAFETY_ENTITY, "value": category, "start": 0, "end": 0, "extractor": self.__class__.__name__}
                for category in verdict.categories
            ]
            message.set(ENTITIES, entities, add_to_output=True)
            message.set(LEVEL_KEY, verdict.level, add_to_output=True)
        elif (message.get(INTENT) or {}).get("name") == danger:
            message.set(INTENT, {"name": self.config["fallback_intent"], "confidence": 1.0}, add_to_output=True)
