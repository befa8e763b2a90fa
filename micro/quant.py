"""TFLite-exact quantization arithmetic, done once on the host.

Everything here mirrors TFLite/TFLM bit for bit: `quantize_multiplier` follows
QuantizeMultiplier (frexp, std::round half away from zero, the 2^31 carry, tiny scales
flushed to zero), activation ranges follow CalculateActivationRangeQuantized.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from .errors import ModelError, UnsupportedOpError
from .schema import ActivationFunctionType as Act

INT8_MIN, INT8_MAX = -128, 127


def round_half_away(x: float) -> int:
    """std::round: halves go away from zero (Python's round goes to even). The fraction is
    compared with 0.5 (floor(|x| + 0.5) would round 0.49999999999999994 up)."""
    whole = math.floor(abs(x))
    return (whole + (abs(x) - whole >= 0.5)) * (1 if x >= 0 else -1)


def split_q31(real: float) -> tuple[int, int]:
    """QuantizeMultiplier's core, with no cap on the shift: (q, shift) with real close to
    q * 2^(shift - 31), q in [2^30, 2^31) rounded half away from zero (real > 0, finite)."""
    mantissa, shift = math.frexp(real)
    q = round_half_away(mantissa * (1 << 31))
    if q == 1 << 31:
        q //= 2
        shift += 1
    return q, shift


def quantize_multiplier(real: float) -> tuple[int, int]:
    """(multiplier, shift) with real == multiplier * 2^(shift - 31), multiplier in [2^30, 2^31).

    shift > 0 means a left shift, as everywhere in micro. A shift above 30 is a ModelError:
    TFLM's double-rounding build does not cap it, and its left shift would overflow int32
    (undefined), so no bytes define such a model's result.
    """
    if real == 0.0:
        return 0, 0
    if not math.isfinite(real):
        raise ModelError(f"rescale {real!r} is not a finite number")
    q, shift = split_q31(real)
    if shift < -31:
        return 0, 0
    if shift > 30:
        raise ModelError(
            f"rescale {real:g} is 2^30 or more, beyond TFLM's requantization (its left shift "
            f"overflows int32); the tensors' scales are corrupt or extreme"
        )
    return q, shift


def quantize_multipliers(reals: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    pairs = [quantize_multiplier(float(r)) for r in np.asarray(reals, dtype=np.float64).ravel()]
    mult = np.array([p[0] for p in pairs], dtype=np.int32)
    shift = np.array([p[1] for p in pairs], dtype=np.int32)
    return mult, shift


def quantize_value(x: float, scale: float, zero_point: int) -> int:
    """TFLite's Quantize helper used for activation bounds: zp + round(x / scale)."""
    return zero_point + round_half_away(float(np.float32(x) / np.float32(scale)))


def activation_range_int(
    activation: int, scale: float, zero_point: int, qmin: int = INT8_MIN, qmax: int = INT8_MAX
) -> tuple[int, int]:
    """CalculateActivationRangeQuantized for a fused activation on a quantized output."""
    if activation == Act.RELU:
        return max(qmin, quantize_value(0.0, scale, zero_point)), qmax
    if activation == Act.RELU6:
        return (
            max(qmin, quantize_value(0.0, scale, zero_point)),
            min(qmax, quantize_value(6.0, scale, zero_point)),
        )
    if activation == Act.RELU_N1_TO_1:
        return (
            max(qmin, quantize_value(-1.0, scale, zero_point)),
            min(qmax, quantize_value(1.0, scale, zero_point)),
        )
    if activation == Act.NONE:
        return qmin, qmax
    raise UnsupportedOpError(f"fused activation {activation} is not supported on int outputs")


def activation_range_float(activation: int) -> tuple[float, float]:
    """CalculateActivationRange for float outputs: the open ends are +/-FLT_MAX (not
    infinity), so TFLM's clamp turns an infinite result into +/-FLT_MAX."""
    flt_max = float(np.finfo(np.float32).max)
    if activation == Act.RELU:
        return 0.0, flt_max
    if activation == Act.RELU6:
        return 0.0, 6.0
    if activation == Act.RELU_N1_TO_1:
        return -1.0, 1.0
    if activation == Act.NONE:
        return -flt_max, flt_max
    raise UnsupportedOpError(f"fused activation {activation} is not supported on float outputs")


def quantize_multiplier_below_one(real: float) -> tuple[int, int]:
    """QuantizeMultiplierSmallerThanOneExp: `real` must be in (0, 1), so shift <= 0.

    TFLM aborts (TFLITE_CHECK) outside that range; callers turn the ValueError into an
    unsupported-model error instead.
    """
    if not 0.0 < real < 1.0:
        raise ValueError(f"multiplier {real!r} is not in (0, 1)")
    return quantize_multiplier(real)


def sigmoid_table_u16() -> np.ndarray:
    """The table behind TFLM's int16 sigmoid and tanh: sigmoid(k / 24), k = 0..255, in units
    of 2^-16, each knot raised by half the chord's error so that linear interpolation errs
    both ways (|sigmoid''| / 16 of a step squared); the last knot is the ceiling 2^16 - 1.
    """
    x = np.arange(256, dtype=np.float64) / 24.0
    s = 1.0 / (1.0 + np.exp(-x))
    curvature = np.abs(s * (1.0 - s) * (1.0 - 2.0 * s)) / (16.0 * 24.0 * 24.0)
    table = np.floor(65536.0 * (s + curvature) + 0.5)
    table[-1] = 65535
    return table.astype(np.uint16)


def round_f32(x: np.ndarray) -> np.ndarray:
    """std::round on float32 values: half away from zero (exact in float64)."""
    wide = x.astype(np.float64)
    return (np.sign(wide) * np.floor(np.abs(wide) + 0.5)).astype(np.float32)


def lut_populate_int16(
    input_scale: np.float32,
    input_zp: int,
    output_scale: np.float32,
    output_zp: int,
    fn: Callable[[np.ndarray], np.ndarray],
) -> np.ndarray:
    """TFLite's LUTPopulate<int16_t> in float32, operation for operation: 512 knots of `fn`
    over the input range, each lowered by half its chord's midpoint error, and a 513th knot
    for the last slope. `fn` maps float32 arrays to float32 arrays."""
    f32 = np.float32
    input_min = f32(input_scale * f32(-32768 - input_zp))
    input_max = f32(input_scale * f32(32767 - input_zp))
    output_min = f32(output_scale * f32(-32768 - output_zp))
    output_max = f32(output_scale * f32(32767 - output_zp))
    step = f32(f32(input_max - input_min) / f32(512))
    half_step = f32(step / f32(2))
    scaling_inv = f32(f32(65536) / f32(output_max - output_min))
    i = np.arange(512, dtype=np.float32)
    x = (input_min + i * step).astype(np.float32)
    val = fn(x)
    val_mid = fn((x + half_step).astype(np.float32))
    val_next = fn((input_min + (i + f32(1)) * step).astype(np.float32))
    sample = round_f32(val * scaling_inv)
    interp = round_f32(((val_next * scaling_inv + sample) / f32(2)).astype(np.float32))
    bias = round_f32((interp - round_f32(val_mid * scaling_inv)) / f32(2))
    last = round_f32(fn(np.array([input_max], np.float32)) * scaling_inv)
    knots = np.concatenate([(sample - bias).astype(np.float32), last])
    return np.clip(knots, -32768, 32767).astype(np.int16)
