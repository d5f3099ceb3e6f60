"""Rasa NLU component: reads a message by its meaning, from the sentence embedding that
`SentenceEncoderFeaturizer` stored on it (the message is encoded once, for every reader).

- Safety: how likely the message signals danger to a child, and which kind, from a logistic
  regression on the labelled safety sets and the NLU examples. `SafetyScreen` grades it.
- Context: when the message before this one leaned towards danger without a signal ("ik denk dat
  ik er binnenkort een einde aan maak haha"), the two are also read together, so a short follow-up
  ("ik meen het echt") is read in that context (`context_danger`; `SafetyScreen` gives the check).
- Answers: what a typed answer means for each choice question (how much impact, how long, what
  was tried and whether it helped, yes or no, school involved, who is asking), from the examples
  in bot/knowledge/answer_examples.yml. The actions take the reading for the open question. The role,
  duration and impact readings also know "none of these" (learnt from the other questions' answers),
  so "huisarts" is not read as a duration nor "dat weet ik niet" as a role.

The readings go into the parse data under `semantic` (numbers and labels only, never text).
"""

from __future__ import annotations

import glob
import logging
import pickle
from pathlib import Path
from typing import Any, Dict, List, Optional, Text, Tuple

import numpy as np
import yaml
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.events import Restarted, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot import encoder as sentence_encoder
from bot.nlu.encoder_featurizer import EMBEDDING, FAILED
from bot.safety import normal_category

logger = logging.getLogger(__name__)

SEMANTIC_KEY = "semantic"
NONE = "none"  # the answer readings' "none of these"
ROOT = Path(__file__).resolve().parent.parent.parent


def _char_vectorizer():
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(
        analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True, lowercase=True, dtype=np.float32
    )


def _logistic(features: Any, labels: List[str], strength: float) -> Dict[str, Any]:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=strength, max_iter=2000, class_weight="balanced", random_state=2024)
    model.fit(features, labels)
    return {
        "classes": [str(label) for label in model.classes_],
        "coef": np.asarray(model.coef_, dtype=np.float32),
        "intercept": model.intercept_.astype(np.float32),
    }


def _probabilities(model: Dict[str, Any], features: Any) -> Dict[str, float]:
    """Class probabilities for one message's features: a dense vector or a sparse row."""
    scores = np.asarray(features @ model["coef"].T).reshape(-1) + model["intercept"]
    if len(model["classes"]) == 2:  # binary: one row of weights for the second class
        second = 1.0 / (1.0 + np.exp(-scores[0]))
        return {model["classes"][0]: float(1 - second), model["classes"][1]: float(second)}
    scores = np.exp(scores - scores.max())
    scores /= scores.sum()
    return {label: float(value) for label, value in zip(model["classes"], scores, strict=False)}


def message_vector(message: Message) -> Optional[np.ndarray]:
    """The sentence vector `SentenceEncoderFeaturizer` stored on the message, as one row."""
    vector = message.get(EMBEDDING)
    return None if vector is None else np.asarray(vector, dtype=np.float32).reshape(-1)


def example_vectors(examples: List[Message]) -> np.ndarray:
    """The sentence vectors of training examples, one row each: the featurizer's where it stored
    one, encoded here (in one batch) for the rest."""
    vectors = [message_vector(message) for message in examples]
    missing = [i for i, vector in enumerate(vectors) if vector is None]
    if missing:
        encoded = sentence_encoder.get_encoder().encode_many([examples[i].get(TEXT) for i in missing])
        for i, vector in zip(missing, encoded, strict=True):
            vectors[i] = np.asarray(vector, dtype=np.float32).reshape(-1)
    return np.vstack(vectors) if vectors else np.zeros((0, sentence_encoder.DIM), dtype=np.float32)


def save_models(directory: Path, models: Dict[str, Dict[str, Any]], vectorizer: Any) -> None:
    """Logistic regressions as arrays (models.npz, models.yml) and the n-gram vocabulary (chars.pkl)."""
    arrays, meta = {}, {}
    for name, model in models.items():
        key = name.replace(":", "__")
        arrays[f"{key}__coef"] = model["coef"]
        arrays[f"{key}__intercept"] = model["intercept"]
        meta[name] = {"key": key, "classes": model["classes"]}
    np.savez(directory / "models.npz", **arrays)
    if vectorizer is not None:
        with open(directory / "chars.pkl", "wb") as handle:
            pickle.dump(vectorizer, handle)
    (directory / "models.yml").write_text(yaml.safe_dump(meta), encoding="utf-8")


def load_models(directory: Path) -> Tuple[Dict[str, Dict[str, Any]], Any]:
    meta = yaml.safe_load((directory / "models.yml").read_text(encoding="utf-8"))
    arrays = np.load(directory / "models.npz")
    models = {
        name: {
            "classes": info["classes"],
            "coef": arrays[f"{info['key']}__coef"],
            "intercept": arrays[f"{info['key']}__intercept"],
        }
        for name, info in meta.items()
    }
    vectorizer = None
    chars = directory / "chars.pkl"
    if chars.exists():
        with open(chars, "rb") as handle:
            vectorizer = pickle.load(handle)  # written by our own training, in the model archive
    return models, vectorizer


def _read_sets(patterns: List[str]) -> Tuple[List[str], List[str], List[str]]:
    """Harmful texts with their category, and harmless texts, from the labelled safety sets.
    Short follow-ups (`after`) only mean danger after what came before: they are read in that
    context by the actions, so they are not taught here as danger on their own."""
    harmful, categories, harmless = [], [], []
    for pattern in patterns:
        for path in sorted(glob.glob(str(ROOT / pattern))):
            data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
            for item in data.get("harmful") or []:
                if not item.get("after"):
                    harmful.append(item["text"])
                    categories.append(normal_category(item.get("category", "unspecified")))
            harmless += [item["text"] for item in data.get("harmless") or []]
    return harmful, categories, harmless


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class SemanticReader(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "danger_intent": "signal_danger",
            # Labelled safety sets the safety reading learns from (with the NLU examples).
            "safety_sets": ["tests/data/safety_messages*.yml"],
            "answer_examples": "bot/knowledge/answer_examples.yml",
            "safety_strength": 64.0,
            "chars_strength": 8.0,
            "answer_strength": 16.0,
            # The message before leaned towards danger (semantic danger from here, or danger words
            # the matcher found negated or harmless) without a signal: read the two together.
            "context_near": 0.3,
            # Which questions' examples teach a question's "none of these" (not those that share
            # its yes/no answers: "ja de mentor weet ervan" is a yes).
            "none_from": {
                "role": ["impact", "duration", "tried", "yes_no", "school_involved"],
                "duration": ["role", "impact", "yes_no", "school_involved"],
                "impact": ["role", "duration", "yes_no", "school_involved"],
            },
        }

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        models: Optional[Dict[str, Dict[str, Any]]] = None,
        vectorizer: Any = None,
    ) -> None:
        self.config = config
        self._storage = model_storage
        self._resource = resource
        self.models = models or {}
        self.vectorizer = vectorizer

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SemanticReader":
        return cls(config, model_storage, resource)

    # --- training ----------------------------------------------------------------------------
    def train(self, training_data: TrainingData) -> Resource:
        encoder = sentence_encoder.get_encoder()
        encoder.check()
        danger = self.config["danger_intent"]
        examples = [m for m in training_data.intent_examples if m.get(TEXT) and m.get(INTENT)]
        nlu_vectors = example_vectors(examples)
        nlu_labels = ["danger" if m.get(INTENT) == danger else "safe" for m in examples]

        harmful, categories, harmless = _read_sets(self.config["safety_sets"])
        set_vectors = encoder.encode_many(harmful + harmless)
        features = np.vstack([nlu_vectors, set_vectors])
        labels = nlu_labels + ["danger"] * len(harmful) + ["safe"] * len(harmless)
        self.models["safety"] = _logistic(features, labels, self.config["safety_strength"])
        # Beside the meaning, the letters: character n-grams on the same examples catch slang,
        # dialect and spelling the encoder reads less well; the two probabilities are averaged.
        texts = [m.get(TEXT) for m in examples] + harmful + harmless
        self.vectorizer = _char_vectorizer().fit(texts)
        self.models["safety_chars"] = _logistic(self.vectorizer.transform(texts), labels, self.config["chars_strength"])
        self.models["category"] = _logistic(set_vectors[: len(harmful)], categories, self.config["safety_strength"])

        answers = yaml.safe_load((ROOT / self.config["answer_examples"]).read_text(encoding="utf-8")) or {}
        for question, values in answers.items():
            texts = [text for value, items in values.items() for text in items]
            value_labels = [str(value) for value, items in values.items() for _ in items]
            # "None of these": the answers to other questions ("huisarts" is no duration, "dat weet ik
            # niet" no role), so a text that answers something else is not forced into a value.
            others = {
                text
                for other in self.config["none_from"].get(question, [])
                for items in (answers.get(other) or {}).values()
                for text in items
            } - set(texts)
            texts += sorted(others)
            value_labels += [NONE] * len(others)
            self.models[f"answer:{question}"] = _logistic(
                encoder.encode_many(texts), value_labels, self.config["answer_strength"]
            )
        self._persist()
        return self._resource

    def _persist(self) -> None:
        with self._storage.write_to(self._resource) as directory:
            save_models(directory, self.models, self.vectorizer)

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "SemanticReader":
        models: Dict[str, Dict[str, Any]] = {}
        vectorizer = None
        try:
            with model_storage.read_from(resource) as directory:
                models, vectorizer = load_models(directory)
        except ValueError:
            logger.warning("semantic_reader.not_trained")
        return cls(config, model_storage, resource, models, vectorizer)

    # --- reading -----------------------------------------------------------------------------
    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message], tracker: Optional[DialogueStateTracker] = None) -> List[Message]:
        """``tracker`` is the conversation before this message (Rasa passes it at inference; an
        empty one for `/model/parse` and the NLU tests)."""
        earlier = self._near_message(tracker)
        for message in messages:
            if message.get(TEXT):
                reading = self.read(message)
                if earlier and reading.get("available"):
                    reading.update(self._read_in_context(earlier, message.get(TEXT)))
                message.set(SEMANTIC_KEY, reading, add_to_output=True)
        return messages

    def read(self, message: Message) -> Dict[str, Any]:
        vector = message_vector(message)
        if vector is None or message.get(FAILED) or not self.models:
            return {"available": False}
        reading: Dict[str, Any] = {"available": True, "answers": {}}
        reading["danger"] = self._danger(vector, message.get(TEXT))
        reading["category"], reading["category_confidence"] = self._category(vector)
        for name, model in self.models.items():
            if name.startswith("answer:"):
                scores = _probabilities(model, vector)
                value = max(scores, key=scores.get)
                if value != NONE:  # an answer to something else: no reading for this question
                    reading["answers"][name.split(":", 1)[1]] = {"value": value, "confidence": round(scores[value], 4)}
        return reading

    def _danger(self, vector: np.ndarray, text: str) -> float:
        danger = _probabilities(self.models["safety"], vector).get("danger", 0.0)
        if self.vectorizer is not None and "safety_chars" in self.models:
            # Sparse: a message has a few hundred of the n-grams, the vocabulary tens of thousands.
            letters = self.vectorizer.transform([text])
            danger = (danger + _probabilities(self.models["safety_chars"], letters).get("danger", 0.0)) / 2
        return round(float(danger), 4)

    def _category(self, vector: np.ndarray) -> Tuple[str, float]:
        """The kind of danger the vector resembles most, and how sure the reading is of it."""
        scores = _probabilities(self.models["category"], vector)
        best = max(scores, key=scores.get)
        return best, round(scores[best], 4)

    def _near_message(self, tracker: Optional[DialogueStateTracker]) -> Optional[str]:
        """The text of the user's previous message when it leaned towards danger without getting a
        signal (then the actions did not read the next message in its context), else None."""
        if tracker is None or tracker.get_slot("safety_check") or tracker.get_slot("safety_pending"):
            return None  # a check or a route is open: the actions read this message in that context
        # From all events of this session: a message the fallback reverted ("Dat begreep ik niet") was still said.
        latest = None
        for event in reversed(tracker.events):
            if isinstance(event, (SessionStarted, Restarted)):
                break
            if isinstance(event, UserUttered):
                latest = event
                break
        if latest is None or not latest.text or latest.text.startswith("/"):
            return None
        screened = (latest.parse_data or {}).get("safety_screen") or {}
        if screened.get("level"):
            return None  # a route or the check: the actions read the next message in that context
        danger = screened.get("semantic_danger")
        leaning = danger is not None and float(danger) >= self.config["context_near"]
        return latest.text if leaning or screened.get("matcher_cleared") else None

    def _read_in_context(self, earlier: str, text: str) -> Dict[str, Any]:
        """The danger (and its kind) of the previous message and this one read together."""
        # The encoder keeps the first MAX_CHARS characters: keep this message whole, cut the earlier one.
        room = sentence_encoder.MAX_CHARS - len(text) - 1
        if room <= 0:
            return {}  # no room for the earlier message: this one alone was read already
        joined = f"{earlier[-room:]} {text}"
        vector = sentence_encoder.get_encoder().encode(joined)
        if vector is None:
            return {}  # the encoder is away: the outage is logged and counted by the encoder
        vector = np.asarray(vector, dtype=np.float32).reshape(-1)
        category, confidence = self._category(vector)
        return {
            "context_danger": self._danger(vector, joined),
            "context_category": category,
            "context_category_confidence": confidence,
        }
