"""Builds and loads the Dutch spaCy pipeline: blank("nl"), lookup lemmatizer, domain entity ruler.

There is no pretrained Dutch model to download here, so the pipeline is built from source by the
set-up step (`python -m bot build-nlp`) and loaded by Rasa's SpacyNLP from `build/spacy_nl`.
"""

from __future__ import annotations

import shutil
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List

import spacy
from spacy.language import Language

from bot import knowledge
from bot.settings import PIPELINE_DIR

NUMBER_WORDS = {
    "nul": 0,
    "een": 1,
    "één": 1,
    "twee": 2,
    "drie": 3,
    "vier": 4,
    "vijf": 5,
    "zes": 6,
    "zeven": 7,
    "acht": 8,
    "negen": 9,
    "tien": 10,
    "elf": 11,
    "twaalf": 12,
    "dertien": 13,
    "veertien": 14,
    "vijftien": 15,
    "zestien": 16,
    "zeventien": 17,
    "achttien": 18,
    "negentien": 19,
    "twintig": 20,
    "eenentwintig": 21,
    "tweeëntwintig": 22,
    "drieëntwintig": 23,
}


def municipality_names() -> Dict[str, str]:
    """Maps every lowercase name and alias to the official municipality name."""
    names: Dict[str, str] = {}
    for region in knowledge.load("regions")["regions"]:
        for municipality in region["municipalities"]:
            official = municipality["name"]
            names[official.lower()] = official
            for alias in municipality.get("aliases") or []:
                names[str(alias).lower()] = official
    return names


def entity_patterns() -> List[Dict[str, Any]]:
    """Entity-ruler patterns: municipalities, referrer roles and ages ("9 jaar", "groep 7")."""
    patterns: List[Dict[str, Any]] = []
    for name in municipality_names():
        patterns.append({"label": "municipality", "pattern": name})
    for role in knowledge.load("roles")["roles"].values():
        for word in role["words"]:
            if len(word) > 3:  # "ib", "poh" alone are too ambiguous for an entity
                patterns.append({"label": "role", "pattern": word})
    number = {"LOWER": {"IN": sorted(NUMBER_WORDS)}}
    digits = {"LIKE_NUM": True}
    for amount in (digits, number):
        patterns.append({"label": "age", "pattern": [amount, {"LOWER": {"IN": ["jaar", "jr", "jr.", "jaar-oud"]}}]})
        patterns.append({"label": "age", "pattern": [{"LOWER": {"IN": ["groep", "klas"]}}, amount]})
        patterns.append(
            {
                "label": "age",
                "pattern": [
                    {"LOWER": {"IN": ["meisje", "jongen", "zoon", "dochter", "kind", "leerling", "patiënt", "pt"]}},
                    {"LOWER": "van", "OP": "?"},
                    amount,
                ],
            }
        )
    return patterns


def build(target: Path = PIPELINE_DIR) -> Path:
    """Writes the pipeline to ``target`` (replacing what was there) and returns the path."""
    nlp = spacy.blank("nl")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    # The lookup tables come from spacy-lookups-data and are stored inside the saved pipeline.
    nlp.initialize()
    # Add the ruler after initialize(): its phrase patterns run through the earlier pipes (E1004).
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER", "overwrite_ents": True})
    ruler.add_patterns(entity_patterns())
    nlp.meta["name"] = "wegwijzer_nl"
    nlp.meta["description"] = "Dutch blank pipeline + lookup lemmatizer + domain entity ruler"
    if target.exists():
        shutil.rmtree(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(target)
    return target


@lru_cache(maxsize=1)
def load() -> Language:
    """The built pipeline; built on first use when it is missing (tests, scripts)."""
    if not (PIPELINE_DIR / "meta.json").exists():
        build()
    return spacy.load(PIPELINE_DIR)
