"""quant.py against independent arithmetic (exact rationals) and TFLite's documented rules."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

from micro.fixedpoint import requantize, wrap32
from micro.quant import (
    activation_range_int,
    quantize_multiplier,
    round_half_away,
)
from micro.schema import ActivationFunctionType as Act


def test_round_half_away_from_zero() -> None:
    assert [round_half_away(x) for x in (0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49, -0.51)] == [
        1,
        2,
        3,
        -1,
        -2,
        -3,
        0,
        -1,
    ]
    below_half = math.nextafter(0.5, 0.0)  # 0.49999999999999994: std::round gives 0
    assert (round_half_away(below_half), round_half_away(-below_half)) == (0, 0)


@pytest.mark.parametrize("seed", range(20))
def test_quantize_multiplier_represents_the_scale(seed: int) -> None:
    rng = np.random.default_rng(seed)
    for real in 10.0 ** rng.uniform(-8, 3, 200):
        mult, shift = quantize_multiplier(float(real))
        assert 2**30 <= mult < 2**31
        exact = Fraction(mult) * Fraction(2) ** (shift - 31)
        # 31 significant bits: the relative error is at most half a unit in the last place.
        assert abs(exact - Fraction(float(real))) <= Fraction(float(real)) * Fraction(1, 2**31)


def test_quantize_multiplier_edges() -> None:
    assert quantize_multiplier(0.0) == (0, 0)
    assert quantize_multiplier(1.0) == (2**30, 1)
    assert quantize_multiplier(0.5) == (2**30, 0)
    # The mantissa rounds up to 2^31: carried into the shift.
    just_below_one = math.nextafter(1.0, 0.0)
    assert quantize_multiplier(just_below_one) == (2**30, 1)
    # Shifts below -31 flush to zero, as TFLite does.
    assert quantize_multiplier(2.0**-40) == (0, 0)


def test_activation_ranges() -> None:
    assert activation_range_int(Act.NONE, 0.1, 3) == (-128, 127)
    assert activation_range_int(Act.RELU, 0.1, -100) == (-100, 127)
    assert activation_range_int(Act.RELU6, 0.1, -100) == (-100, -40)
    assert activation_range_int(Act.RELU6, 0.01, 0) == (0, 127)
    assert activation_range_int(Act.RELU_N1_TO_1, 0.1, 0) == (-10, 10)


def test_requantize_is_one_arithmetic_for_ints_and_arrays() -> None:
    """fixedpoint's requantize (the host's mirror of micro_requantize) gives the same
    values elementwise on an int64 array as on each Python int, edges included."""
    rng = np.random.default_rng(0)
    edges = [0, 1, -1, 2**31 - 1, -(2**31), 2**30, -(2**30), 12345, -12345]
    xs = np.array(edges + list(rng.integers(-(2**31), 2**31, 200)), dtype=np.int64)
    for multiplier, shift in [(2**31 - 1, 0), (-(2**31), 0), (2**30, -31), (1518500250, 3)]:
        array = requantize(xs, multiplier, shift)
        assert [int(v) for v in array] == [requantize(int(x), multiplier, shift) for x in xs]
    assert requantize(-(2**31), -(2**31), 0) == 2**31 - 1  # the one saturating product
    assert [wrap32(v) for v in (2**31, -(2**31) - 1, 2**32 + 5)] == [-(2**31), 2**31 - 1, 5]
