"""Rasa NLU component: the intent read by meaning as well as by words.

DIET sees the sentence embedding as one dense feature among thousands of sparse ones and, with a
little over a thousand examples, leans on the words. This component reads the intent again from
the sentence embedding (what the message means, in any wording) and the character n-grams
(spelling, slang, compounds) with a logistic regression, and blends its probabilities with
DIET's ranking. Measured with 3-fold cross-validation (docs/measurements.md), the blend reads
the intent better than either alone.

It runs right after DIET and before the FallbackClassifier, so the fallback and the policies see
the blended intent. DIET's own confidence for `signal_danger` (when DIET put it first) is kept for the safety screen
(`classifier_danger`), whose thresholds were set on it. When the encoder is away the message
keeps DIET's reading unchanged.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import csr_matrix, hstack

from bot.nlu.encoder_featurizer import FAILED
from bot.nlu.semantic_reader import (
    _logistic,
    _probabilities,
    example_vectors,
    load_models,
    message_vector,
    save_models,
)

logger = logging.getLogger(__name__)

# DIET's confidence for the danger intent, before the blend: the safety screen reads this one.
CLASSIFIER_DANGER = "classifier_danger"


def _vectorizer():
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True, lowercase=True, dtype=np.float32)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class SemanticIntentClassifier(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            # Share of the blended probability that comes from this reading (the rest from DIET).
            "semantic_weight": 0.6,
            # The embedding's weight beside the n-grams (unit vectors against tf-idf rows).
            "embedding_scale": 3.0,
            "strength": 10.0,
            "danger_intent": "signal_danger",
        }

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: Optional[Dict[str, Any]] = None,
        vectorizer: Any = None,
    ) -> None:
        self.config = config
        self._storage = model_storage
        self._resource = resource
        self.model = model
        self.vectorizer = vectorizer

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SemanticIntentClassifier":
        return cls(config, model_storage, resource)

    def _features(self, vectors: np.ndarray, texts: List[str]) -> Any:
        dense = csr_matrix(np.asarray(vectors, dtype=np.float32) * self.config["embedding_scale"])
        return hstack([dense, self.vectorizer.transform(texts)]).tocsr()

    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.intent_examples if m.get(TEXT) and m.get(INTENT)]
        texts = [m.get(TEXT) for m in examples]
        self.vectorizer = _vectorizer().fit(texts)
        features = self._features(example_vectors(examples), texts)
        self.model = _logistic(features, [m.get(INTENT) for m in examples], self.config["strength"])
        with self._storage.write_to(self._resource) as directory:
            save_models(directory, {"intent": self.model}, self.vectorizer)
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "SemanticIntentClassifier":
        try:
            with model_storage.read_from(resource) as directory:
                models, vectorizer = load_models(directory)
        except ValueError:
            logger.warning("intent_reader.not_trained")
            return cls(config, model_storage, resource)
        return cls(config, model_storage, resource, models.get("intent"), vectorizer)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._read(message)
        return messages

    def _read(self, message: Message) -> None:
        text = message.get(TEXT)
        ranking: List[Dict[Text, Any]] = list(message.get(INTENT_RANKING_KEY) or [])
        danger = self.config["danger_intent"]
        diet = {item["name"]: float(item.get("confidence", 0.0)) for item in ranking}
        diet_top = ranking[0] if ranking else {}
        message.set(
            CLASSIFIER_DANGER,
            float(diet_top.get("confidence", 0.0)) if diet_top.get("name") == danger else 0.0,
            add_to_output=False,
        )
        vector = message_vector(message)
        if not text or self.model is None or vector is None or message.get(FAILED):
            return
        semantic = _probabilities(self.model, self._features(vector.reshape(1, -1), [text]))
        weight = self.config["semantic_weight"]
        blended = {
            name: weight * semantic.get(name, 0.0) + (1 - weight) * diet.get(name, 0.0)
            for name in set(semantic) | set(diet)
        }
        ordered = sorted(blended.items(), key=lambda item: item[1], reverse=True)[: max(len(ranking), 10)]
        new_ranking = [{"name": name, "confidence": round(float(value), 4)} for name, value in ordered]
        message.set(INTENT, dict(new_ranking[0]), add_to_output=True)
        message.set(INTENT_RANKING_KEY, new_ranking, add_to_output=True)
