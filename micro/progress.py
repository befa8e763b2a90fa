"""Progress on long work (training, data synthesis, firmware builds, benchmark sweeps): a
tqdm bar on stderr, silent when stderr is not a terminal (logs, CI, pipes).

A bar also ticks on its own once a second, so a single long step (a PlatformIO build, a
QEMU run, apt-get) shows its stage and a running clock instead of a frozen line.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterable, Iterator
from types import TracebackType
from typing import Any, TextIO, TypeVar

from tqdm import tqdm

T = TypeVar("T")
TICK_SECONDS = 1.0


class Progress:
    """A bar of `total` steps named `label`; update() advances it, with an optional note
    (the stage now running). Also a context manager that closes it."""

    def __init__(
        self, total: int, label: str, stream: TextIO | None = None, stages: bool = False
    ) -> None:
        """`stages`: the steps are a few stages of unequal length (shown without a rate
        or an estimate of the time left)."""
        out = stream if stream is not None else sys.stderr
        fmt = "{l_bar}{bar}| {n_fmt}/{total_fmt} [{elapsed}{postfix}]" if stages else None
        self._bar = tqdm(
            total=total, desc=label, file=out, disable=None, dynamic_ncols=True, bar_format=fmt
        )
        self._done = threading.Event()
        self._started = False
        if not self._bar.disable:
            threading.Thread(target=self._tick, daemon=True).start()

    def _tick(self) -> None:
        while not self._done.wait(TICK_SECONDS):
            self._bar.refresh()

    def update(self, n: int = 1, note: str | None = None) -> None:
        if note is not None:
            self._bar.set_postfix_str(note, refresh=False)
        self._bar.update(n)

    def stage(self, note: str) -> None:
        """The previous stage is done (if any); `note` runs now."""
        self.update(1 if self._started else 0, note)
        self._bar.refresh()
        self._started = True

    def close(self) -> None:
        self._done.set()
        self._bar.close()

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if kind is None and self._started:
            self.update(1)
        self.close()


def progress(items: Iterable[T], label: str, total: int | None = None) -> Iterator[T]:
    """`items`, with a bar while they are consumed."""
    yield from tqdm(items, desc=label, total=total, file=sys.stderr, disable=None, leave=False)


def keras_callback(bar: Progress, stage: str = "", advance: bool = True) -> Any:
    """A Keras callback that notes the loss and accuracy on `bar` after each batch (after
    `stage`, when given) and, with `advance`, moves the bar one step a batch."""
    import keras

    class Callback(keras.callbacks.Callback):
        epoch = 0

        def on_epoch_begin(self, epoch: int, logs: dict[str, float] | None = None) -> None:
            self.epoch = epoch

        def on_train_batch_end(self, batch: int, logs: dict[str, float] | None = None) -> None:
            logs = logs or {}
            where = f"{stage} epoch {self.epoch + 1}, " if stage else ""
            note = f"{where}loss {logs.get('loss', 0):.3f} acc {logs.get('accuracy', 0):.3f}"
            bar.update(1 if advance else 0, note)

    return Callback()
