"""The README's "Where to change what", followed step by step for three rows: a text, a
municipality with its local team, and a safety pattern. Each row is read from the README itself
(the file to edit and the commands after it), the file is edited in a copy of its folder, the
commands are run as written, and the running bot is asked over REST, as a developer would check."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict, Iterator

import pytest
import yaml

from bot import safety
from tests.conftest import stored_handoff
from tests.test_live_typed_answers import NOT_UNDERSTOOD, TYPED, _answer_for
from tools.servers import MODEL, ROOT, Bot, Servers

NEW_INTRO = "Welkom bij Wegwijzer Jeugdhulp van gemeente Nieuwdorp, een computerprogramma."
NEW_MUNICIPALITY = "Nieuwdorp"
NEW_TEAM = "Jeugdteam Nieuwdorp"
# A phrase the region wants to count as acute danger; the repository's patterns do not know it.
NEW_PATTERN = [{"LOWER": "code"}, {"LOWER": "rood"}, {"LOWER": "thuis"}]
NEW_PATTERN_MESSAGE = "ik zit op mn kamer want het is weer code rood thuis"


def readme_row(what: str) -> Dict[str, str]:
    """The row of the README's table that starts with ``what``: its folder/file and its commands."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for line in readme.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0].startswith(what):
            return {"where": re.findall(r"`([^`]+)`", cells[1])[0], "then": cells[2]}
    raise AssertionError(f"the README has no row for '{what}' in 'Where to change what'")


def edit_yaml(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.fixture(scope="module")
def edited_bot(tmp_path_factory) -> Iterator[Bot]:
    if not MODEL.exists():
        pytest.fail("no trained model: run `make test` (it trains first) or `make train`")
    work = tmp_path_factory.mktemp("where-to-change")
    text_row = readme_row("a text the bot says")
    municipality_row = readme_row("a municipality and its local team")
    pattern_row = readme_row("a safety pattern")
    assert "make run" in text_row["then"] and "make run" in pattern_row["then"]
    assert "python -m bot load" in municipality_row["then"] and "make run" in municipality_row["then"]

    # The folders the README names, copied, so the repository stays as it is.
    folders: Dict[str, Path] = {}
    for row in (text_row, municipality_row, pattern_row):
        source = ROOT / row["where"]
        assert source.is_file(), row
        copy = work / source.parent.relative_to(ROOT)
        if not copy.exists():
            shutil.copytree(source.parent, copy)
        folders[row["where"]] = copy / source.name

    def new_intro(texts: Dict) -> None:
        texts["intro"]["default"] = NEW_INTRO

    def new_municipality(regions: Dict) -> None:
        regions["regions"][0]["municipalities"].append(
            {
                "name": NEW_MUNICIPALITY,
                "aliases": [],
                "local_team": {
                    "name": NEW_TEAM,
                    "type": "jeugdteam",
                    "phone": "0800-0000001 (voorbeeld)",
                    "email": "jeugdteam@nieuwdorp.example",
                    "website": "https://nieuwdorp.example/jeugdteam",
                    "response_days": 2,
                },
            }
        )

    def new_pattern(patterns: Dict) -> None:
        patterns["patterns"]["acute_danger"].append(NEW_PATTERN)

    edit_yaml(folders[text_row["where"]], new_intro)
    edit_yaml(folders[municipality_row["where"]], new_municipality)
    edit_yaml(folders[pattern_row["where"]], new_pattern)

    env = {
        "WEGWIJZER_TEXTS_DIR": str(folders[text_row["where"]].parent),
        "WEGWIJZER_KNOWLEDGE_DIR": str(folders[municipality_row["where"]].parent),
    }
    servers = Servers(work, "", env)
    try:
        servers.start_waiting_times()  # first start: the database gets the knowledge files
        # Then the README's command after editing regions.yml, against that database.
        subprocess.run(
            [sys.executable, "-m", "bot", "--database-url", servers.env["DATABASE_URL"], "load"],
            cwd=ROOT,
            env=servers.env,
            check=True,
            capture_output=True,
        )
        servers.start_actions()  # `make run`: everything restarted
        servers.start_rasa()
        yield servers.bot
    finally:
        servers.stop_all()


def test_a_changed_text_appears_in_the_reply(edited_bot):
    _, replies = edited_bot.conversation("hallo")
    assert NEW_INTRO in replies[0]


def test_a_municipality_added_with_its_team_is_recognised_and_routed_to_that_team(edited_bot, monkeypatch):
    # The typed conversation of a parent (tests/test_live_typed_answers.py), living in the new municipality.
    answers = [
        (key, f"wij wonen in {NEW_MUNICIPALITY.lower()}" if key == "ask_municipality" else answer)
        for key, answer in TYPED["parent"]
    ]
    monkeypatch.setitem(TYPED, "parent", answers)
    sender = edited_bot.new_sender()
    reply, transcript = edited_bot.say(sender, "hallo"), []
    for _ in range(30):
        if "Referentienummer:" in reply or ("eferentienummer" in reply and "Gelukt" in reply):
            break
        answer = _answer_for(reply, "parent")
        assert answer, f"no known question in: {reply}\n{transcript}"
        reply = edited_bot.say(sender, answer)
        transcript.append((answer, reply))
        assert not any(phrase in reply for phrase in NOT_UNDERSTOOD), (answer, reply)
    said = "\n".join(text for _, text in transcript)
    assert NEW_TEAM in said, said  # the advice names the new team
    reference = re.search(r"([A-Z]{3}-\d{4})", reply).group(1)
    assert stored_handoff(edited_bot.database_url, reference).team_name == NEW_TEAM


def test_a_safety_pattern_added_raises_the_route(edited_bot):
    assert safety.screen_text(NEW_PATTERN_MESSAGE) == [], "the repository's own patterns already know the phrase"
    _, replies = edited_bot.conversation("hallo", NEW_PATTERN_MESSAGE)
    assert "112" in replies[1] and "Is er nu iemand in gevaar" not in replies[1], replies[1]
