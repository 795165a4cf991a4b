#!/usr/bin/env python3
"""Writes BYTES bytes of text lines to stdout as fast as it can: the program whose output is captured.

Usage: writer.py BYTES STAMPFILE

It writes its own start and end times (seconds since the epoch) to STAMPFILE, so the wall time is
measured where the data is produced and does not depend on how often the driver looks. The pipe
behind stdout holds at most 64 KiB, so when the last write returns the reader has taken all but
that much: the writer's time is the reader's time.
"""

import os
import sys
import time

CHUNK_BYTES = 1 << 20
LINE = b"taskmaster bench: the quick brown fox jumps over the lazy dog, 0123456789\n"


def text_chunk() -> memoryview:
    """One MiB of lines, so that line-oriented code paths in a capturer are exercised too."""
    repeats = CHUNK_BYTES // len(LINE) + 1
    return memoryview((LINE * repeats)[:CHUNK_BYTES])


def write_all(total: int, chunk: memoryview) -> None:
    left = total
    while left > 0:
        piece = chunk[: min(left, len(chunk))]
        while piece:
            written = os.write(1, piece)
            piece = piece[written:]
            left -= written


def main() -> None:
    total, stamp_path = int(sys.argv[1]), sys.argv[2]
    chunk = text_chunk()
    start = time.time()
    write_all(total, chunk)
    end = time.time()
    with open(stamp_path, "w") as stamps:
        stamps.write(f"{start:.6f} {end:.6f}\n")


if __name__ == "__main__":
    main()
