"""gemmlowp-style fixed-point arithmetic, bit for bit: the host's one mirror of the C
runtime's integer arithmetic (csrc/kernels/requant.h, csrc/kernels/fixedpoint.h).

TFLM's reference kernels requantize with MultiplyByQuantizedMultiplier and compute exp,
logistic, tanh and reciprocals in gemmlowp's fixed point (fixedpoint/fixedpoint.h): a Qm
value is an int32 with m integer bits and 31 - m fractional bits. micro uses these
functions on the host to fill lookup tables and fold constants that make the C kernels
exact and fast. The primitives (wrap32, high_mul, rounding_divide_by_pot,
requantize) take Python ints or int64 numpy arrays (elementwise);
the rest takes ints. Additions wrap like the reference's int32 additions, products and
power-of-two rescales round and saturate as gemmlowp's.
"""

from __future__ import annotations

from typing import Any, TypeVar

import numpy as np

INT32_MIN = -(1 << 31)
INT32_MAX = (1 << 31) - 1

Int = TypeVar("Int", int, np.ndarray)


def _select(condition: Any, yes: Any, no: Any) -> Any:
    """`yes` where `condition` holds, else `no` (elementwise for an array condition)."""
    if isinstance(condition, np.ndarray):
        return np.where(condition, yes, no)
    return yes if condition else no


def _int64(x: Int) -> Int:
    return np.asarray(x, dtype=np.int64) if isinstance(x, np.ndarray) else x


def wrap32(x: Int) -> Int:
    """x modulo 2^32 as a signed int32 (two's complement wrap; arrays come back as int64)."""
    return ((_int64(x) + (1 << 31)) & 0xFFFFFFFF) - (1 << 31)


def wrap16(x: Int) -> Int:
    """x modulo 2^16 as a signed int16 (a C cast to int16_t; arrays come back as int64)."""
    return ((_int64(x) + (1 << 15)) & 0xFFFF) - (1 << 15)


def _div_trunc(a: int, b: int) -> int:
    """C's integer division: truncates toward zero."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def high_mul(a: Int, b: int) -> Int:
    """SaturatingRoundingDoublingHighMul: round(a * b / 2^31), INT32_MIN^2 saturating. The
    nudge is 2^30 for a non-negative product, 1 - 2^30 for a negative one, then the
    division truncates toward zero (as C's does)."""
    ab = _int64(a) * b
    s = ab + _select(ab >= 0, 1 << 30, 1 - (1 << 30))
    high = _select(s >= 0, s >> 31, -((-s) >> 31))
    saturated: Int = _select((a == INT32_MIN) & (b == INT32_MIN), INT32_MAX, high)
    return saturated


def rounding_divide_by_pot(x: Int, exponent: int) -> Int:
    """RoundingDivideByPOT: x / 2^exponent, rounding half away from zero."""
    x = _int64(x)
    mask = (1 << exponent) - 1
    threshold = (mask >> 1) + (x < 0)
    result: Int = (x >> exponent) + ((x & mask) > threshold)
    return result


def multiply_by_pot(x: int, exponent: int) -> int:
    """SaturatingRoundingMultiplyByPOT: saturating left shift or rounding right shift."""
    if exponent > 0:
        threshold = (1 << (31 - exponent)) - 1
        if x > threshold:
            return INT32_MAX
        if x < -threshold:
            return INT32_MIN
        return x << exponent
    if exponent < 0:
        return rounding_divide_by_pot(x, -exponent)
    return x


def rescale(x: int, src_bits: int, dst_bits: int) -> int:
    """Rescale<dst_bits>(x) of a Q`src_bits` value."""
    return multiply_by_pot(x, src_bits - dst_bits)


def requantize(x: Int, multiplier: int, shift: int) -> Int:
    """TFLite's double-rounding MultiplyByQuantizedMultiplier (shift > 0: left): the C
    runtime's micro_requantize. The left shift wraps to int32."""
    left = max(shift, 0)
    right = max(-shift, 0)
    return rounding_divide_by_pot(high_mul(wrap32(_int64(x) << left), multiplier), right)


def rounding_half_sum(a: int, b: int) -> int:
    total = a + b
    return _div_trunc(total + (1 if total >= 0 else -1), 2)


def _exp_on_interval_between_negative_one_quarter_and_0_excl(a: int) -> int:
    """exp(a) for a Q0 value a in [-1/4, 0): Taylor expansion around -1/8."""
    constant_term = 1895147668  # exp(-1/8)
    constant_1_over_3 = 715827883
    x = wrap32(a + (1 << 28))
    x2 = high_mul(x, x)
    x3 = high_mul(x2, x)
    x4 = high_mul(x2, x2)
    x4_over_4 = multiply_by_pot(x4, -2)
    poly = multiply_by_pot(wrap32(high_mul(wrap32(x4_over_4 + x3), constant_1_over_3) + x2), -1)
    return wrap32(constant_term + high_mul(constant_term, wrap32(x + poly)))


# exp(-2^k) in Q0 for k = -2..4, gemmlowp's barrel-shifter constants.
_EXP_BARREL = (
    (-2, 1672461947),
    (-1, 1302514674),
    (0, 790015084),
    (1, 290630308),
    (2, 39332535),
    (3, 720401),
    (4, 242),
)


def exp_on_negative_values(a: int, integer_bits: int) -> int:
    """exp(a) in Q0 for a Q`integer_bits` value a <= 0."""
    fractional_bits = 31 - integer_bits
    one_quarter = 1 << (fractional_bits - 2)
    mask = one_quarter - 1
    a_mod_quarter_minus_one_quarter = wrap32((a & mask) - one_quarter)
    result = _exp_on_interval_between_negative_one_quarter_and_0_excl(
        rescale(a_mod_quarter_minus_one_quarter, integer_bits, 0)
    )
    remainder = wrap32(a_mod_quarter_minus_one_quarter - a)
    for exponent, multiplier in _EXP_BARREL:
        if integer_bits > exponent and remainder & (1 << (fractional_bits + exponent)):
            result = high_mul(result, multiplier)
    if integer_bits > 5 and a < -(1 << (36 - integer_bits)):
        result = 0
    if a == 0:
        result = INT32_MAX
    return result


def _newton_reciprocal_q2(a: int) -> int:
    """1 / ((1 + a) / 2) in Q2 for a Q0 value a in [0, 1): three Newton-Raphson steps."""
    half_denominator = rounding_half_sum(a, INT32_MAX)
    x = wrap32(1515870810 + high_mul(half_denominator, -1010580540))  # 48/17 - 32/17 d
    one_q2 = 1 << 29
    for _ in range(3):
        error = wrap32(one_q2 - high_mul(half_denominator, x))
        x = wrap32(x + multiply_by_pot(high_mul(x, error), 2))
    return x


def one_over_one_plus_x_for_x_in_0_1(a: int) -> int:
    """1 / (1 + a) in Q0 for a Q0 value a in [0, 1)."""
    return multiply_by_pot(_newton_reciprocal_q2(a), 1)


def one_minus_x_over_one_plus_x_for_x_in_0_1(a: int) -> int:
    """(1 - a) / (1 + a) in Q0 for a Q0 value a in [0, 1)."""
    return multiply_by_pot(wrap32(_newton_reciprocal_q2(a) - (1 << 29)), 2)


def logistic(a: int, integer_bits: int) -> int:
    """1 / (1 + exp(-a)) in Q0 for a Q`integer_bits` value a."""
    if a == 0:
        return 1 << 30
    magnitude = a if a > 0 else wrap32(-a)
    positive = one_over_one_plus_x_for_x_in_0_1(
        exp_on_negative_values(wrap32(-magnitude), integer_bits)
    )
    return positive if a > 0 else wrap32(INT32_MAX - positive)


def tanh(a: int, integer_bits: int) -> int:
    """tanh(a) in Q0 for a Q`integer_bits` value a."""
    if a == 0:
        return 0
    non_positive = a if a < 0 else wrap32(-a)
    # exp(2 * n): the same raw value read with one more integer bit.
    t = one_minus_x_over_one_plus_x_for_x_in_0_1(
        exp_on_negative_values(non_positive, integer_bits + 1)
    )
    return wrap32(-t) if a < 0 else t


def get_reciprocal(x: int, integer_bits: int) -> tuple[int, int]:
    """TFLite's GetReciprocal of a positive Q`integer_bits` x: (Q0 scale, bits over unit)."""
    headroom_plus_one = 32 - (x & 0xFFFFFFFF).bit_length()
    num_bits_over_unit = integer_bits - headroom_plus_one
    shifted_minus_one = wrap32(((x & 0xFFFFFFFF) << headroom_plus_one) - (1 << 31))
    return one_over_one_plus_x_for_x_in_0_1(shifted_minus_one), num_bits_over_unit


def inv_sqrt_multiplier(x: int) -> tuple[int, int]:
    """GetInvSqrtQuantizedMultiplierExp(x, kReverseShift): (multiplier, left shift) with
    multiplier * 2^(shift - 31) ~= 1 / sqrt(x), by five Newton steps in Q3 fixed point."""
    if x <= 1:
        return INT32_MAX, 0
    shift = 11
    while x >= 1 << 29:
        x //= 4
        shift += 1
    pairs = ((32 - x.bit_length()) - 1) // 2 - 1  # CountLeadingZeros(x) - 1, in bit pairs
    shift -= pairs
    x <<= 2 * pairs
    half_input = rounding_divide_by_pot(x >> 1, 1)
    half_three = (1 << 28) + (1 << 27)  # 1.5 in Q3
    y = 1 << 28  # 1.0 in Q3
    for _ in range(5):
        y3 = multiply_by_pot(high_mul(high_mul(y, y), y), 6)  # Q9 -> Q3
        y = multiply_by_pot(wrap32(high_mul(half_three, y) - high_mul(half_input, y3)), 3)
    y = high_mul(y, 1518500250)  # times sqrt(2) / 2 in Q0
    if shift < 0:
        y = wrap32(y << -shift)
        shift = 0
    return y, -shift
