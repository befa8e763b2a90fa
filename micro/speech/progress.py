"""A one-line text progress bar for the training command (a terminal stream, not logging)."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """A one-line text progress bar on a terminal stream (redrawn at most 10 times a second)."""

    def __init__(self, total: int, label: str, stream: TextIO | None = None) -> None:
        self.total, self.label, self.done = max(total, 1), label, 0
        self.stream = stream if stream is not None else sys.stderr
        self.start = self._last = time.monotonic()
        self.note = ""
        self._draw(force=True)

    def update(self, n: int = 1, note: str | None = None) -> None:
        self.done = min(self.total, self.done + n)
        if note is not None:
            self.note = note
        self._draw(force=self.done == self.total)

    def close(self) -> None:
        self._draw(force=True)
        self.stream.write("\n")
        self.stream.flush()

    def _draw(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last < 0.1:
            return
        self._last = now
        width = 30
        filled = width * self.done // self.total
        elapsed = now - self.start
        eta = elapsed / self.done * (self.total - self.done) if self.done else 0.0
        line = (
            f"\r{self.label:<10} [{'#' * filled}{'.' * (width - filled)}] "
            f"{self.done}/{self.total} {elapsed:4.0f}s eta {eta:4.0f}s {self.note}"
        )
        self.stream.write(line[:120].ljust(80))
        self.stream.flush()
