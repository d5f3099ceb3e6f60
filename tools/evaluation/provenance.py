"""Which model and which training data an evaluation ran on: the model's own metadata, a hash of the
training inputs (the files the Makefile retrains on), and the git commit."""

from __future__ import annotations

import hashlib
import json
import subprocess
import tarfile
from pathlib import Path
from typing import Any, Dict, List

ROOT = Path(__file__).resolve().parents[2]


def training_inputs() -> List[Path]:
    """The Makefile's TRAIN_INPUTS: config.yml, domain.yml, data/**/*.yml, bot/nlu/*.py."""
    files = [ROOT / "config.yml", ROOT / "domain.yml", *ROOT.glob("data/**/*.yml"), *ROOT.glob("bot/nlu/*.py")]
    return sorted(path for path in files if path.is_file())


def training_data_hash() -> str:
    digest = hashlib.sha256()
    for path in training_inputs():
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def model_metadata(model: Path) -> Dict[str, Any]:
    with tarfile.open(model, "r:gz") as archive:
        member = next(m for m in archive.getmembers() if m.name.lstrip("/") == "metadata.json")
        data = json.load(archive.extractfile(member))
    return {key: data.get(key) for key in ("trained_at", "model_id", "rasa_open_source_version", "assistant_id")}


def _git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def describe(model: Path) -> Dict[str, Any]:
    inputs = training_inputs()
    newest = max(path.stat().st_mtime for path in inputs)
    return {
        "model": str(model.relative_to(ROOT)),
        **model_metadata(model),
        "training_data_sha256": training_data_hash(),
        "training_files": len(inputs),
        # The Makefile retrains when an input is newer than the model; `make eval` trains first.
        "model_older_than_training_data": model.stat().st_mtime < newest,
        "git_commit": _git("rev-parse", "--short", "HEAD"),
        "git_uncommitted_changes": bool(
            _git("status", "--porcelain", "--", "config.yml", "domain.yml", "data", "bot", "actions")
        ),
    }
