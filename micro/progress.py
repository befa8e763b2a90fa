"""Progress on long work (training, data synthesis, firmware builds, benchmark sweeps): a
tqdm bar on stderr, silent when stderr is not a terminal (logs, CI, pipes)."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import TextIO, TypeVar

from tqdm import tqdm

T = TypeVar("T")


class Progress:
    """A bar of `total` steps named `label`; update() advances it, with an optional note."""

    def __init__(self, total: int, label: str, stream: TextIO | None = None) -> None:
        out = stream if stream is not None else sys.stderr
        self._bar = tqdm(total=total, desc=label, file=out, disable=None, dynamic_ncols=True)

    def update(self, n: int = 1, note: str | None = None) -> None:
        if note is not None:
            self._bar.set_postfix_str(note, refresh=False)
        self._bar.update(n)

    def close(self) -> None:
        self._bar.close()


def progress(items: Iterable[T], label: str, total: int | None = None) -> Iterator[T]:
    """`items`, with a bar while they are consumed."""
    yield from tqdm(items, desc=label, total=total, file=sys.stderr, disable=None, leave=False)
