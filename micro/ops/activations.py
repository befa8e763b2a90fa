"""RELU, RELU6, LEAKY_RELU, HARD_SWISH on int8: exact 256-entry tables (see lut.py);
LEAKY_RELU and RELU on int16 (the leaky_relu_s16 kernel); RELU6 on int16 (a clamp, run by
pool_s16); PRELU on int8 (prelu_s8, broadcasting) and int16 with int8 alpha (prelu_s16).
float32: RELU, RELU6, HARD_SWISH are unary_f32 functions, PRELU and LEAKY_RELU binary_f32
ones (alpha broadcast), each TFLM's float reference expression.

What TFLM computes (its micro kernels, which differ from TFLite's in places). The oracle
build computes every scale ratio in double from the float32 scales (some of TFLM's sources
have float32 divisions here; the binary and the tests say double):
- RELU requantizes from the input to the output quantization, then clamps at the output's
  zero.
- RELU6 does NOT requantize: it clamps in the input's quantization to [input_zp,
  input_zp + roundf(6 / input_scale)] (a float32 division), ignoring the output's
  quantization.
- LEAKY_RELU has two multipliers, identity and alpha, the alpha one applied to the
  magnitude with the sign restored afterwards when alpha < 0.
- PRELU: identity rescale input_scale / output_scale for v >= 0, else the product
  v * (alpha - alpha_zp) rescaled by input_scale * alpha_scale / output_scale.
- HARD_SWISH is the reference's 16-bit fixed-point arithmetic, emulated here with int16
  wrap-around where the reference has it; its "hires" input scale input_scale / 128 is a
  float32 product.
"""

from __future__ import annotations

import math

import numpy as np

from .._ffi import lib
from ..fixedpoint import requantize, wrap16
from ..model import Tensor
from ..quant import round_half_away
from ..schema import BuiltinOperator as B
from ._broadcast import binary_layout
from ._rescale import multiplier
from .add import prepare_float
from .base import OpContext, prepares
from .elementwise import unary_f32
from .lut import byte_values, emit_table

f32 = np.float32


def _int8_io(ctx: OpContext) -> tuple[Tensor, Tensor, float, int, float, int]:
    ctx.check_io_count((1,))
    x, out = ctx.input(0), ctx.output()
    ctx.check_dtype(x, "int8")
    ctx.check_dtype(out, "int8")
    s_in, zp_in = ctx.quant(x)
    s_out, zp_out = ctx.quant(out)
    return x, out, s_in, zp_in, s_out, zp_out


def _is_float(ctx: OpContext) -> bool:
    return ctx.input(0).dtype.name == "float32"


@prepares(B.RELU, types="int8, int16, float32")
def prepare_relu(ctx: OpContext) -> None:
    if _is_float(ctx):
        unary_f32(ctx, "relu")
        return
    if ctx.input(0).dtype.name == "int16":
        _prepare_relu_int16(ctx)
        return
    x, out, s_in, zp_in, s_out, zp_out = _int8_io(ctx)
    mult, shift = multiplier(ctx, s_in / s_out, "input-to-output")
    values = requantize(byte_values(x) - zp_in, mult, shift) + zp_out
    emit_table(ctx, x, out, np.clip(values, max(-128, zp_out), 127))


@prepares(B.RELU6, types="int8, int16, float32")
def prepare_relu6(ctx: OpContext) -> None:
    if _is_float(ctx):
        unary_f32(ctx, "relu6")
        return
    if ctx.input(0).dtype.name == "int16":
        _prepare_relu6_int16(ctx)
        return
    x, out, s_in, zp_in, _, _ = _int8_io(ctx)
    six = _quantized_six(ctx, s_in, zp_in, -128, 127)
    emit_table(ctx, x, out, np.clip(byte_values(x), zp_in, six))


def _quantized_six(ctx: OpContext, s_in: float, zp_in: int, low: int, high: int) -> int:
    """TFLM's FloatToQuantizedType(6, input scale, input_zp): round(6 / scale) + zp in
    float32, converted to int32 and clamped to [low, high]. Past int32 that conversion is
    undefined (x86 gives INT32_MIN, so the wheel's six is `low`; Arm saturates), so such a
    scale is refused; below 2^31 - 128 the float32 sum cannot round up to 2^31."""
    steps = round_half_away(float(f32(6.0) / f32(s_in)))
    if steps + zp_in >= 2**31 - 128:
        raise ctx.unsupported(f"input scale {s_in:g} puts 6.0 outside TFLM's int32 arithmetic")
    return min(max(steps + zp_in, low), high)


def _prepare_relu6_int16(ctx: OpContext) -> None:
    """int16 RELU6 as TFLM: a clamp of the raw values to [input_zp, six], six =
    FloatToQuantizedType(6, input scale, input_zp) (float32 division, round half away,
    clamped to int16), the output's quantization ignored. Run as a 1x1 max pool of a [1, 1,
    count, 1] image, whose activation clamp is exactly that."""
    ctx.check_io_count((1,))
    x, out = ctx.input(0), ctx.output()
    ctx.check_dtype(x, "int16")
    ctx.check_dtype(out, "int16")
    count = math.prod(x.shape)
    if math.prod(out.shape) != count:
        raise ctx.malformed(f"output shape {out.shape} does not match input shape {x.shape}")
    if count == 0:
        raise ctx.unsupported(f"empty tensors are not supported (input {x.shape})")
    s_in, zp_in = ctx.quant(x)
    six = _quantized_six(ctx, s_in, zp_in, -32768, 32767)
    window = dict.fromkeys(("batches", "input_h", "output_h", "channels"), 1)
    window |= dict.fromkeys(("filter_h", "filter_w", "stride_h", "stride_w"), 1)
    params = {
        "op": int(lib.MICRO_POOL_S16_MAX),
        **window,
        "input_w": count,
        "output_w": count,
        "pad_h": 0,
        "pad_w": 0,
        "act_min": zp_in,
        "act_max": six,
    }
    ctx.emit("pool_s16", params, {"input": ctx.ref(x), "output": ctx.ref(out)}, count)


@prepares(B.LEAKY_RELU, types="int8, int16, float32")
def prepare_leaky_relu(ctx: OpContext) -> None:
    if _is_float(ctx):
        prepare_float(ctx, "leaky_relu", alpha=float(f32(ctx.options["alpha"])))
        return
    if ctx.input(0).dtype.name == "int16":
        _prepare_leaky_relu_int16(ctx)
        return
    x, out, s_in, zp_in, s_out, zp_out = _int8_io(ctx)
    alpha = float(f32(ctx.options["alpha"]))
    m_id, s_id = multiplier(ctx, s_in / s_out, "identity")
    m_alpha, s_alpha = multiplier(ctx, s_in * alpha / s_out, "alpha")
    v = byte_values(x) - zp_in
    identity = requantize(v, m_id, s_id)
    scaled = requantize(v, abs(m_alpha), s_alpha)
    negative = -scaled if m_alpha < 0 else scaled
    values = zp_out + np.where(v >= 0, identity, negative)
    emit_table(ctx, x, out, np.clip(values, -128, 127))


def _prepare_relu_int16(ctx: OpContext) -> None:
    """int16 RELU (zero points 0, as TFLM requires): requantize, clamp below at 0. That is
    leaky_relu_s16 with a zero alpha: negative inputs give the output zero point, 0."""
    x, out = ctx.input(0), ctx.output()
    (_, zp_in), (_, zp_out) = ctx.quant(x), ctx.quant(out)
    if zp_in != 0 or zp_out != 0:
        raise ctx.unsupported(f"int16 zero points must be 0 (TFLM), got {zp_in} and {zp_out}")
    _prepare_leaky_relu_int16(ctx, alpha=0.0)


def _prepare_leaky_relu_int16(ctx: OpContext, alpha: float | None = None) -> None:
    ctx.check_io_count((1,))
    x, out = ctx.input(0), ctx.output()
    ctx.check_dtype(out, "int16")
    if math.prod(x.shape) != math.prod(out.shape):
        raise ctx.malformed(f"output shape {out.shape} does not match input shape {x.shape}")
    if math.prod(x.shape) == 0:
        raise ctx.unsupported(f"empty tensors are not supported (input {x.shape})")
    s_in, zp_in = ctx.quant(x)
    s_out, zp_out = ctx.quant(out)
    if alpha is None:
        alpha = float(f32(ctx.options["alpha"]))
    m_id, s_id = multiplier(ctx, s_in / s_out, "identity")
    m_alpha, s_alpha = multiplier(ctx, s_in * alpha / s_out, "alpha")
    params = {
        "count": math.prod(x.shape),
        "input_zp": zp_in,
        "output_zp": zp_out,
        "identity_multiplier": m_id,
        "identity_shift": s_id,
        "alpha_multiplier": abs(m_alpha),
        "alpha_shift": s_alpha,
        "alpha_negative": int(m_alpha < 0),
    }
    ctx.emit("leaky_relu_s16", params, {"input": ctx.ref(x), "output": ctx.ref(out)})


@prepares(B.PRELU, types="int8, int16 (int8 alpha), float32")
def prepare_prelu(ctx: OpContext) -> None:
    """PRELU: alpha (usually a constant per-channel vector) broadcast to the input; int8,
    int16 with int8 alpha (TFLM requires it), float32."""
    ctx.check_io_count((2,))
    x, alpha, out = ctx.input(0), ctx.input(1), ctx.output()
    if _is_float(ctx):
        if max(len(x.shape), len(alpha.shape), len(out.shape)) > 4:
            raise ctx.unsupported(
                f"float PRELU broadcasts at most 4-D shapes (TFLM), not {x.shape}"
            )
        prepare_float(ctx, "prelu")
        return
    ctx.check_dtype(x, "int8", "int16")
    ctx.check_dtype(alpha, "int8")
    ctx.check_dtype(out, x.dtype.name)
    layout = binary_layout(ctx, x.shape, alpha.shape, out.shape)
    s_in, zp_in = ctx.quant(x)
    s_alpha, zp_alpha = ctx.quant(alpha)
    s_out, zp_out = ctx.quant(out)
    m_id, s_id = multiplier(ctx, s_in / s_out, "identity")
    m_alpha, s_alpha_shift = multiplier(ctx, s_in * s_alpha / s_out, "alpha")
    params = {
        "broadcast": layout.fields(),
        "input_zp": zp_in,
        "alpha_zp": zp_alpha,
        "output_zp": zp_out,
        "identity_multiplier": m_id,
        "identity_shift": s_id,
        "alpha_multiplier": m_alpha,
        "alpha_shift": s_alpha_shift,
    }
    kernel = "prelu_s8" if x.dtype.name == "int8" else "prelu_s16"
    ctx.emit(kernel, params, {"input": ctx.ref(x), "alpha": ctx.ref(alpha), "output": ctx.ref(out)})


@prepares(B.HARD_SWISH, types="int8, float32")
def prepare_hard_swish(ctx: OpContext) -> None:
    if _is_float(ctx):
        unary_f32(ctx, "hard_swish")
        return
    x, out, s_in, zp_in, s_out, zp_out = _int8_io(ctx)
    hires_scale = float(f32(1.0 / 128.0) * f32(s_in))  # float32 product
    out_m32, out_exp = multiplier(ctx, hires_scale / s_out, "output")
    relu_m32, relu_exp = multiplier(ctx, hires_scale / (3.0 / 32768.0), "relu")
    if out_exp > 0:
        raise ctx.unsupported(
            f"output scale {s_out:g} is too small for input scale {s_in:g} "
            "(TFLM needs a non-positive output exponent)"
        )
    out_m16, relu_m16 = _downscale_to_int16(out_m32), _downscale_to_int16(relu_m32)

    hires = wrap16((byte_values(x) - zp_in) * 128)
    preshift_out = _srdhm16(hires, out_m16)
    reluish = hires
    if relu_exp > 0:
        reluish = _saturating_left_shift16(reluish, relu_exp - 1)
    reluish = _srdhm16(reluish, relu_m16)
    if relu_exp > 0:
        reluish = _saturating_left_shift16(reluish, 1)
    if relu_exp < 0:
        reluish = _rdbpot16(reluish, -relu_exp)
    reluish = (reluish + (1 << 15)) >> 1
    preshift = _sdhm16(reluish, preshift_out)
    values = wrap16(_rdbpot16(preshift, -out_exp) + zp_out)
    emit_table(ctx, x, out, np.clip(values, -128, 127))


# -- int16 fixed-point helpers (gemmlowp semantics, on int64 arrays) -------------------------


def _downscale_to_int16(multiplier: int) -> int:
    """DownScaleInt32ToInt16Multiplier: round a Q31 multiplier to Q15, saturating."""
    if multiplier >= (1 << 31) - 1 - (1 << 15):
        return (1 << 15) - 1
    return (multiplier + (1 << 15)) >> 16


def _srdhm16(a: np.ndarray, b: int) -> np.ndarray:
    """SaturatingRoundingDoublingHighMul on int16: (a*b + nudge) / 2^15, truncating."""
    a = np.asarray(a, dtype=np.int64)
    ab = a * b
    s = ab + np.where(ab >= 0, 1 << 14, 1 - (1 << 14))
    q = np.where(s >= 0, s >> 15, -((-s) >> 15))
    return np.where((a == -(1 << 15)) & (b == -(1 << 15)), (1 << 15) - 1, wrap16(q))


def _sdhm16(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """SaturatingDoublingHighMul on int16: a*b / 2^15 truncating toward zero (no rounding)."""
    a, b = np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)
    ab = a * b
    q = np.where(ab >= 0, ab >> 15, -((-ab) >> 15))
    return np.where((a == -(1 << 15)) & (b == -(1 << 15)), (1 << 15) - 1, wrap16(q))


def _saturating_left_shift16(v: np.ndarray, amount: int) -> np.ndarray:
    return np.clip(np.asarray(v, dtype=np.int64) * (1 << amount), -(1 << 15), (1 << 15) - 1)


def _rdbpot16(x: np.ndarray, exponent: int) -> np.ndarray:
    """RoundingDivideByPOT with int16 as the integer type: the mask (2^e - 1) is an int16,
    so for e >= 16 it wraps to -1, which the reference then uses as is."""
    x = np.asarray(x, dtype=np.int64)
    mask = int(wrap16(np.int64((1 << exponent) - 1)))
    remainder = wrap16(x & mask)
    threshold = wrap16((mask >> 1) + (x < 0))
    return wrap16((x >> exponent) + (remainder > threshold))
