"""Regional knowledge in the database reads back exactly as the files, and the bot gives the same
answers from either source (SQLite, and PostgreSQL with TEST_POSTGRES_URL as in CI)."""

import pytest
from sqlalchemy.exc import SQLAlchemyError

from bot import knowledge, regional_data
from tests.conftest import DATABASES, migrated_database


@pytest.fixture(params=DATABASES)
def loaded_url(request, tmp_path):
    with migrated_database(request.param, tmp_path) as url:
        regional_data.load_documents(url, {name: knowledge.load_file(name) for name in regional_data.DOCUMENTS})
        yield url


def _normalised(name, document):
    if name == "regions":
        for region in document["regions"]:
            for item in region["municipalities"]:
                item["aliases"] = list(item.get("aliases") or [])
                item["local_team"] = {k: item["local_team"].get(k) for k in regional_data.TEAM_FIELDS}
    if name == "voorveld":
        document["options"] = [
            {k: option.get(k) for k in regional_data.OPTION_FIELDS} for option in document["options"]
        ]
    if name == "scope":
        for changes in (document.get("municipalities") or {}).values():
            changes.setdefault("add", [])
            changes.setdefault("remove", [])
    return document


@pytest.mark.parametrize("name", regional_data.DOCUMENTS)
def test_the_database_reads_back_as_the_files(loaded_url, name):
    assert regional_data.read_document(loaded_url, name) == _normalised(name, knowledge.load_file(name))


def test_the_bot_answers_the_same_from_the_database(loaded_url, monkeypatch):
    from bot import regions, scope, triage

    def answers():
        team = regions.local_team("Katwijk")
        return (
            {k: team.get(k) for k in regional_data.TEAM_FIELDS},
            regions.municipality("Gooise Meren")["region"],
            [item["id"] for item in scope.items_for("Dordrecht")],
            [option["id"] for option in triage.voorveld_options(["gezin_scheiding"], 10, "Leiden")],
        )

    from_files = answers()
    monkeypatch.setenv("WEGWIJZER_KNOWLEDGE_SOURCE", "database")
    monkeypatch.setattr("bot.knowledge.DATABASE_URL", loaded_url)
    knowledge.load.cache_clear()
    try:
        assert answers() == from_files
    finally:
        knowledge.load.cache_clear()


def test_loading_is_all_or_nothing(loaded_url):
    broken = {name: knowledge.load_file(name) for name in regional_data.DOCUMENTS}
    broken["voorveld"]["options"].append({"id": "zonder-naam"})  # name, domains, ... missing
    with pytest.raises(SQLAlchemyError):  # a missing name: nothing is kept
        regional_data.load_documents(loaded_url, broken)
    assert regional_data.read_document(loaded_url, "voorveld")["options"][-1]["id"] != "zonder-naam"
