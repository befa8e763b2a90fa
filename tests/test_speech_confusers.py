"""`--confuser-weight`: the recorded words a model takes for a keyword weigh more in the loss.

The train rows' words are read back from the layout ``realdata.build`` writes (each train
clip's copies in order, then silence and other speech); checked on hand-made sets."""

from __future__ import annotations

import numpy as np
import pytest

from micro.speech import confusers
from micro.speech.realdata import RealSet


def _set(names: list[str], labels: list[int], extra: list[int]) -> RealSet:
    y = np.array(labels + extra, np.int64)
    x = np.zeros((len(y), 49, 40), np.int8)
    empty = np.zeros((0, 49, 40), np.int8)
    return RealSet(x, y, empty, np.zeros(0, np.int64), [], np.zeros((0, 16000), np.int16),
                   files_train=names)  # fmt: skip


def test_parse_reads_word_weight_pairs_and_refuses_anything_else() -> None:
    assert confusers.parse("go=3, Left=2.5") == {"go": 3.0, "left": 2.5}
    assert confusers.parse("") == {}
    for bad in ("go", "go=", "go=0", "go=-1", "go=x", "=3", "go=2,go=3", "go=nan"):
        with pytest.raises(ValueError, match="WORD=W"):
            confusers.parse(bad)


def test_example_words_follow_the_clips_copies_then_blank_rows() -> None:
    # keyword copies 2, other words 3: yes (2 rows), go (3), a further folder's no (2), left (3),
    # then one silence row and two other-speech rows
    names = ["yes/a_nohash_0.wav", "go/b_nohash_0.wav", "mini/no/c_nohash_1.wav",
             "left/d_nohash_0.wav"]  # fmt: skip
    labels = [2, 2, 1, 1, 1, 3, 3, 1, 1, 1]
    real = _set(names, labels, [0, 1, 1])
    words = confusers.example_words(real, ["yes", "no"], 2, 3)
    assert words == ["yes"] * 2 + ["go"] * 3 + ["no"] * 2 + ["left"] * 3 + [""] * 3
    assert confusers.counts(words, {"go": 3.0, "left": 2.0, "up": 2.0}) == {
        "go": 3, "left": 3, "up": 0,
    }  # fmt: skip


def test_example_words_refuse_copies_the_rows_do_not_follow() -> None:
    names = ["yes/a_nohash_0.wav", "go/b_nohash_0.wav"]
    real = _set(names, [2, 2, 1, 1, 1], [0])
    with pytest.raises(ValueError, match="labels"):  # 3 keyword copies: the labels disagree
        confusers.example_words(real, ["yes", "no"], 3, 3)
    with pytest.raises(ValueError, match="train rows"):  # more copies than rows
        confusers.example_words(real, ["yes", "no"], 2, 9)


def test_sample_weights_weigh_only_the_recorded_rows_of_the_weighted_words() -> None:
    words = ["yes", "go", "go", "left", ""]
    w = confusers.sample_weights(9, 2, words, {"go": 3.0, "left": 0.5})
    # two synthetic rows first, the recorded five, then two hard negatives
    np.testing.assert_array_equal(w, [1, 1, 1, 3, 3, 0.5, 1, 1, 1])


def test_train_keras_takes_the_weights_into_the_loss() -> None:
    """Zero weight on every example: no gradient, the kernels stay as initialized (the same
    seed's); weight on one class's examples alone: they move. With --balance too, the classes'
    weights multiply in (a zero still zeroes)."""
    pytest.importorskip("keras")
    from micro.speech import train
    from micro.speech.network import CHANNELS, FRAMES, Shape, build_model

    rng = np.random.default_rng(3)
    x = rng.integers(-128, 127, (24, FRAMES, CHANNELS)).astype(np.int8)
    y = rng.integers(0, 4, 24)
    shape = Shape.parse("2,3")

    def kernels(model: object) -> list[np.ndarray]:
        return [w.numpy().copy() for w in model.trainable_weights if "kernel" in w.path]  # type: ignore[attr-defined]

    import keras

    keras.utils.set_random_seed(5)
    start = kernels(build_model(4, shape))
    still = train.train_keras(x, y, 4, epochs=1, seed=5, shape=shape, sample_weight=np.zeros(24))
    for a, b in zip(start, kernels(still), strict=True):
        np.testing.assert_array_equal(a, b)
    balanced = train.train_keras(
        x, y, 4, epochs=1, seed=5, shape=shape, balance=True, sample_weight=np.zeros(24)
    )
    for a, b in zip(start, kernels(balanced), strict=True):
        np.testing.assert_array_equal(a, b)
    moved = train.train_keras(
        x, y, 4, epochs=1, seed=5, shape=shape, sample_weight=(y == 1).astype(float)
    )
    assert any(not np.array_equal(a, b) for a, b in zip(start, kernels(moved), strict=True))
