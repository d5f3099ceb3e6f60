"""Every citation of a policy document resolves in docs/sources.md; nothing points outside the repository."""

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "docs" / "sources.md"
THIS = Path(__file__).resolve().relative_to(ROOT).as_posix()

# `RR-2020 §2.7`, `RR-2020 §2.9, §2.10`; a citation may wrap onto a comment line.
CITATION = re.compile(
    r"\b(?P<id>BRIEF|[A-Z]{2,3}-\d{4})[ \t]*(?:\n[ \t]*#?[ \t]*)?"
    r"(?P<sections>§\w+(?:\.\w+)*(?:,[ \t]*§\w+(?:\.\w+)*)*)"
)
SECTION = re.compile(r"§(\w+(?:\.\w+)*)")

# Citation forms and paths that lead outside the repository (the patterns are split so that this
# file does not match itself).
OUTSIDE = {
    "a policy document cited by its old number": re.compile(r"\bseed[\s_-]*0\d", re.IGNORECASE),
    "the product brief cited by its file": re.compile(r"\bdomain" + r"\.md\b|\bdomain brief\b", re.IGNORECASE),
    "notes kept outside the repository": re.compile(r"\brasa-" + r"notes\b", re.IGNORECASE),
    "the reference table kept outside the repository": re.compile(r"\bregions" + r"\.md\b", re.IGNORECASE),
    "a shared folder next to the repository": re.compile(r"(?<![\w/.-])shared" + r"/"),
    "a parent directory": re.compile(r"(?<!\.)\.\." + r"/"),
    "an absolute path on the build machine": re.compile(r"/" + r"work/"),
}
# Path(__file__).parent..., Path(__file__).parents[n]: how far up a module climbs.
CLIMB = re.compile(r"Path\(__file__\)(?:\.resolve\(\))?(?P<parents>(?:\.parent\b)+|\.parents\[(?P<n>\d+)\])")


def tracked_files():
    try:
        names = subprocess.run(
            ["git", "-C", str(ROOT), "ls-files", "-z"], capture_output=True, check=True, text=True
        ).stdout.split("\0")
    except (OSError, subprocess.CalledProcessError):  # an exported copy without git
        skip = {".git", ".venv", "node_modules", "build", "models"}
        names = [
            p.relative_to(ROOT).as_posix()
            for p in ROOT.rglob("*")
            if p.is_file() and not skip & set(p.relative_to(ROOT).parts)
        ]
    for name in filter(None, names):
        path = ROOT / name
        if name == THIS or not path.is_file():
            continue
        try:
            yield name, path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue


def documented_sections():
    """{document ID: {section, ...}} from the document list and section lists in docs/sources.md."""
    text = SOURCES.read_text(encoding="utf-8")
    ids = re.findall(r"^\| ((?:BRIEF|[A-Z]{2,3}-\d{4})) \|", text, re.MULTILINE)
    sections = {doc_id: set() for doc_id in ids}
    current = None
    for line in text.splitlines():
        heading = re.match(r"^#{2,3} (BRIEF|[A-Z]{2,3}-\d{4}):", line)
        if heading:
            current = heading.group(1)
        elif line.startswith("#"):
            current = None
        elif current and line.startswith("- §"):
            sections.setdefault(current, set()).add(SECTION.match(line[2:]).group(1))
    return sections


def cited_files():
    text = SOURCES.read_text(encoding="utf-8")
    return set(re.findall(r"^\| `([^`]+)` \|", text, re.MULTILINE))


def test_nothing_refers_to_a_file_or_citation_form_outside_the_repository():
    found = []
    for name, text in tracked_files():
        for what, pattern in OUTSIDE.items():
            for match in pattern.finditer(text):
                found.append(f"{name}:{text.count(chr(10), 0, match.start()) + 1}: {what}: {match.group(0)!r}")
    assert not found, "\n".join(found)


def test_no_module_climbs_above_the_repository():
    found = []
    for name, text in tracked_files():
        if not name.endswith(".py"):
            continue
        depth = len(Path(name).parts) - 1  # folders between the repository and the file
        for match in CLIMB.finditer(text):
            up = int(match.group("n")) + 1 if match.group("n") else match.group("parents").count(".parent")
            if up > depth + 1:
                found.append(f"{name}: {match.group(0)}")
    assert not found, "\n".join(found)


def test_every_citation_names_a_document_and_section_listed_in_docs_sources():
    sections = documented_sections()
    assert {"HR-2019", "RR-2020", "HL-2023", "ZHZ-2019", "GV-2019", "BRIEF"} <= set(sections)
    unknown = []
    for name, text in tracked_files():
        for match in CITATION.finditer(text):
            for section in SECTION.findall(match.group("sections")):
                if section not in sections.get(match.group("id"), set()):
                    unknown.append(f"{name}: {match.group('id')} §{section}")
    assert not unknown, "not in docs/sources.md: " + ", ".join(unknown)


def test_every_file_that_cites_is_in_the_table_of_docs_sources():
    listed = cited_files()
    citing = {name for name, text in tracked_files() if CITATION.search(text)} - {"docs/sources.md"}
    assert citing <= listed, f"cite but are not in the table: {sorted(citing - listed)}"
    assert all((ROOT / name).is_file() for name in listed), [n for n in listed if not (ROOT / n).is_file()]


@pytest.mark.parametrize(
    "text, fine",
    [
        ("(RR-2020 §2.7)", True),
        ("(RR-2020 §2.70)", False),
        ("(XX-2020 §2.7)", False),
    ],
)
def test_a_wrong_citation_is_caught(text, fine):
    sections = documented_sections()
    match = CITATION.search(text)
    assert all(s in sections.get(match.group("id"), set()) for s in SECTION.findall(match.group("sections"))) is fine


@pytest.mark.parametrize(
    "text",
    [
        "(seed" + " 003 line 9)",
        "(domain" + ".md §4)",
        "see .." + "/x",
        "next to it in " + "shared/seeds",
        "/" + "work/main",
    ],
)
def test_an_outside_reference_is_caught(text):
    assert any(pattern.search(text) for pattern in OUTSIDE.values())
