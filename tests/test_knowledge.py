"""The knowledge files are complete and marked as example data."""

from pathlib import Path

import pytest
import yaml

from bot import knowledge, nlp, texts

MUNICIPALITIES = Path(__file__).resolve().parent / "data" / "municipalities.yml"


def test_every_seed_region_municipality_is_configured_with_a_local_team():
    names = {m["name"] for r in knowledge.load("regions")["regions"] for m in r["municipalities"]}
    assert len(names) == 52
    for region in knowledge.load("regions")["regions"]:
        for municipality in region["municipalities"]:
            assert municipality["local_team"]["name"]


def test_municipality_names_match_the_reference_spelling():
    reference = yaml.safe_load(MUNICIPALITIES.read_text(encoding="utf-8"))["regions"]
    configured = {
        r["name"]: sorted(m["name"] for m in r["municipalities"]) for r in knowledge.load("regions")["regions"]
    }
    assert configured == {region: sorted(names) for region, names in reference.items()}


def test_aliases_point_to_one_municipality_each():
    seen = {}
    for region in knowledge.load("regions")["regions"]:
        for municipality in region["municipalities"]:
            for alias in municipality.get("aliases") or []:
                assert alias not in seen, f"{alias} in {seen.get(alias)} and {municipality['name']}"
                seen[alias] = municipality["name"]


def test_demo_data_is_marked_as_example_data():
    for name in ("regions", "voorveld", "scope"):
        assert knowledge.load(name)["example_data"] is True
    phones = [m["local_team"].get("phone") for r in knowledge.load("regions")["regions"] for m in r["municipalities"]]
    assert all(phone is None or "voorbeeld" in phone for phone in phones)


def test_every_question_has_a_text_for_each_role():
    from bot.clarification import QUESTION_ORDER

    for slot in QUESTION_ORDER:
        for role in ("gp", "school", "parent", "youth", None):
            assert texts.render(f"ask_{slot}", role)["text"].strip()


def test_texts_fill_placeholders_and_refuse_missing_values():
    assert "Jeugdteam X" in texts.render("offer_local_team", team_name="Jeugdteam X")["text"]
    with pytest.raises(KeyError):
        texts.render("offer_local_team")


def test_the_pipeline_finds_municipalities_roles_and_ages():
    doc = nlp.load()("ik ben huisarts, meisje van 15 uit katwijk, zit in groep 7")
    labels = {(ent.label_, ent.text) for ent in doc.ents}
    assert ("role", "huisarts") in labels and ("municipality", "katwijk") in labels
    assert any(label == "age" for label, _ in labels)
