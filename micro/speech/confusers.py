"""Confusers: recorded other words a keyword model takes for a keyword, weighted up in training.

A model trained on the recorded pool takes real "go" for "no" and "left" for "yes" far more
often than any other word (docs/yes-no-model.md, *"No" against its near-rhymes*). Those clips
are already *unknown* examples; ``--confuser-weight go=3,left=3`` makes each augmented copy of
them weigh that many times as much in the loss, every other example 1, so the cached features
serve unchanged. The recorded pool's train rows are laid out by ``realdata.build``: each train
clip's copies in ``files_train`` order (``keyword_copies`` for a keyword, ``unknown_copies``
for any other word), then silence and the other speech; ``example_words`` reads that layout
back."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from .realdata import RealSet


def parse(text: str) -> dict[str, float]:
    """``"go=3,left=2.5"`` -> ``{"go": 3.0, "left": 2.5}``; a weight is a number > 0."""
    out: dict[str, float] = {}
    for item in (s.strip() for s in text.split(",")):
        if not item:
            continue
        word, sep, value = item.partition("=")
        word = word.strip().lower()
        try:
            weight = float(value)
        except ValueError:
            weight = float("nan")
        if not sep or not word or not weight > 0 or word in out:
            raise ValueError(
                f"confuser weight {item!r}: give WORD=W (W > 0), each word once, e.g. go=3"
            )
        out[word] = weight
    return out


def example_words(
    real: RealSet, keywords: Sequence[str], keyword_copies: int, unknown_copies: int,
    decoys: Sequence[str] = (),
) -> list[str]:  # fmt: skip
    """The recorded word of each row of ``real.x_train`` ("" for the rows after the clips'
    copies: silence excerpts and other speech); checked against the rows' labels (a decoy's
    clips: the other words' copies, the decoy's own label)."""
    words: list[str] = []
    for name in real.files_train:
        word = Path(name).parent.name
        words += [word] * (keyword_copies if word in keywords else unknown_copies)
    keywords = [*keywords, *decoys]
    if len(words) > len(real.y_train):
        raise ValueError(
            f"{len(words)} copies of the train clips but {len(real.y_train)} train rows: the "
            "copies per clip are not the ones the features were built with"
        )
    expected = np.array([2 + list(keywords).index(w) if w in keywords else 1 for w in words])
    if len(words) and not np.array_equal(expected, real.y_train[: len(words)]):
        raise ValueError("the train rows' labels do not follow the train clips: other copies?")
    return words + [""] * (len(real.y_train) - len(words))


def sample_weights(
    rows: int, offset: int, words: Sequence[str], weights: Mapping[str, float]
) -> np.ndarray:
    """A weight per training row (``rows`` in all): 1, and ``weights[word]`` for the recorded
    rows (``words``, starting at row ``offset``) of a weighted word."""
    out = np.ones(rows, np.float64)
    picked = np.array([weights.get(w, 1.0) for w in words], np.float64)
    out[offset : offset + len(words)] = picked
    return out


def counts(words: Sequence[str], weights: Mapping[str, float]) -> dict[str, int]:
    """Training rows of each weighted word (what the card records)."""
    return {w: sum(1 for x in words if x == w) for w in weights}
