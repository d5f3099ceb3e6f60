"""Rasa NLU component: the sentence encoder's vector as a dense sentence feature of every message's text.

The vector is also kept on the message as `sentence_embedding` (not in the parse output), so later
components reuse it instead of encoding again. When the encoder is unavailable at inference the
message gets a zero vector and `encoder_failed`, and the rest of the pipeline (the safety screen
included) carries on; training and server start-up stop instead, with a message saying what to do.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.encoder import DIM, get_encoder

EMBEDDING = "sentence_embedding"
FAILED = "encoder_failed"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class SentenceEncoderFeaturizer(DenseFeaturizer, GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**DenseFeaturizer.get_default_config()}

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        pass

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SentenceEncoderFeaturizer":
        # Fail at training and server start, not on the first user's message.
        get_encoder().check()
        return cls(execution_context.node_name, config)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        messages = [message for message in training_data.training_examples if message.get(TEXT)]
        vectors = get_encoder().encode_many(message.get(TEXT) for message in messages)
        for message, vector in zip(messages, vectors, strict=False):
            self._add(message, vector)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        encoder = get_encoder()
        for message in messages:
            if message.get(TEXT) is None:
                continue
            vector = encoder.encode(message.get(TEXT))
            if vector is None:
                message.set(FAILED, True, add_to_output=False)
                vector = np.zeros(DIM, dtype=np.float32)
            self._add(message, vector)
        return messages

    def _add(self, message: Message, vector: np.ndarray) -> None:
        message.set(EMBEDDING, vector, add_to_output=False)
        # A copy: the feature belongs to Rasa, the cached vector stays shared and read-only.
        self.add_features_to_message(None, np.array(vector, dtype=np.float32, ndmin=2), TEXT, message)
