"""micro.ops._shapes: window sizes and padding as TFLite's ComputePaddingHeightWidth."""

from __future__ import annotations

import pytest

from micro.ops._shapes import Window, compute_padding, compute_window
from micro.schema import Padding


@pytest.mark.parametrize(
    ("padding", "in_size", "filt", "stride", "dilation", "expected"),
    [
        # SAME: out = ceil(in / stride); total = (out - 1) * stride + filter - in
        (Padding.SAME, 5, 3, 1, 1, Window(5, 1, 0)),
        (Padding.SAME, 5, 3, 2, 1, Window(3, 1, 0)),
        (Padding.SAME, 6, 3, 2, 1, Window(3, 0, 1)),  # total 1: all of it after
        (Padding.SAME, 7, 4, 1, 1, Window(7, 1, 1)),
        (Padding.SAME, 10, 3, 1, 2, Window(10, 2, 0)),  # effective filter 5
        (Padding.SAME, 1, 5, 3, 1, Window(1, 2, 0)),
        # VALID: out = (in - effective) // stride + 1, padding 0
        (Padding.VALID, 5, 3, 1, 1, Window(3, 0, 0)),
        (Padding.VALID, 8, 3, 2, 1, Window(3, 0, 0)),
        (Padding.VALID, 9, 2, 3, 2, Window(3, 0, 0)),
        (Padding.VALID, 4, 4, 5, 1, Window(1, 0, 0)),
        (Padding.VALID, 2, 3, 2, 1, Window(0, 0, 0)),  # C truncation: -1 / 2 == 0
    ],
)
def test_compute_window(padding, in_size, filt, stride, dilation, expected):
    assert compute_window(padding, in_size, filt, stride, dilation) == expected


def test_compute_padding_is_height_then_width():
    h, w = compute_padding(Padding.SAME, (6, 5), (3, 3), (2, 1))
    assert (h, w) == (Window(3, 0, 1), Window(5, 1, 0))


@pytest.mark.parametrize(
    "args",
    [
        (Padding.SAME, 5, 0, 1, 1),
        (Padding.SAME, 5, 3, 0, 1),
        (Padding.VALID, 1, 5, 1, 1),
        (7, 5, 3, 1, 1),
        (Padding.SAME, 5, 3, 1, 0),
    ],
)
def test_compute_window_rejects(args):
    with pytest.raises(ValueError):
        compute_window(*args)
