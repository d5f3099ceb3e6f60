"""texts/web.yml: every key the code asks for is there, so a renamed or moved key fails here."""

import re

import pytest

from bot import texts
from bot.settings import ROOT

# texts.web("api.token"): a key as written in the code; key = f"errors.http.{error.status}": a key
# made at run time (from a status code, ?melding=), looked up only if texts.web_keys() has it.
ASKED = re.compile(r'texts\.web\(\s*"([^"]+)"')
MADE = re.compile(r'key = f"([\w.]+)\{')


def _found(pattern):
    found = []
    for folder in ("bot", "actions"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for key in pattern.findall(path.read_text(encoding="utf-8")):
                found.append((path.relative_to(ROOT).as_posix(), key))
    return found


def test_every_key_the_code_asks_for_is_in_texts_web_yml():
    asked, made, known = _found(ASKED), _found(MADE), texts.web_keys()
    assert len(asked) >= 20 and len(made) >= 3  # the patterns still find the calls
    assert [(path, key) for path, key in asked if key not in known] == []
    assert [(path, prefix) for path, prefix in made if not any(k.startswith(prefix) for k in known)] == []


def test_every_notice_the_inbox_sends_is_in_texts_web_yml():
    code = (ROOT / "bot" / "web" / "inbox.py").read_text(encoding="utf-8")
    sent = set(re.findall(r"melding=(\w+)", code)) | set(re.findall(r'notice = .*, "(\w+)"', code))
    assert sent == {"opgepakt", "status", "notitie", "uitgelogd"}
    assert {f"inbox.notices.{notice}" for notice in sent} <= texts.web_keys()


def test_web_fills_placeholders_and_refuses_what_it_cannot():
    assert texts.web("handoffs.note_too_long", max_chars=2000) == "Een notitie mag hoogstens 2000 tekens hebben."
    assert texts.web("api.json.not_object") == "De inhoud moet een JSON-object zijn: {...}."
    with pytest.raises(KeyError, match="no text 'api.nope'"):
        texts.web("api.nope")
    with pytest.raises(KeyError, match="no text 'errors.http'"):
        texts.web("errors.http")  # a section, not a text
    with pytest.raises(KeyError, match="'max_chars' has no value"):
        texts.web("handoffs.note_too_long")
