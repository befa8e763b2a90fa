"""UNIDIRECTIONAL_SEQUENCE_LSTM, integer: TFLM's 8x8->16 LSTM (int8 activations and weights,
int32 biases, int16 cell state) and 16x8->16 LSTM (int16 activations, int8 weights, int64
biases, int16 cell state), the standard LSTM only (no CIFG, peephole, projection or layer
norm, as TFLM).

TFLM facts this mirrors (unidirectional_sequence_lstm.cc, lstm_eval*.cc):
  - every gate's two projections go to a fixed Q3.12 (scale 2^-12, int16), with multipliers
    input scale * weight scale / 2^-12 in double (the TFLM wheel, checked by probing it:
    the source reads as a float32 product); weight zero points would be applied, but TFLM
    assumes 0 (so does micro); the model's intermediates are not used;
  - gates are int16 sigmoid / tanh (Q0.15 out) read from one interpolated table;
  - the inter-gate products use scales 2^-15 * cell / cell, 2^-15 * 2^-15 / cell and
    2^-15 * 2^-15 / hidden (with the hidden zero point), in double;
  - the cell's tanh takes the cell scale as a power of two, log2 rounded in float32
    (CheckedLog2, whose check TFLM ignores): shift 12 + that power;
  - cell_clip > 0 clamps the cell to +-trunc(cell_clip / cell scale), saturated to int16;
  - the output is a copy of the hidden state, whatever the output tensor's quantization;
  - per-channel weights are not supported by TFLM's integer LSTM (it would use an unset
    multiplier), so micro refuses them;
  - 16x8 differs only in the projections: int64 sums and bias, requantized by the 64-bit
    MultiplyByQuantizedMultiplier (lstm_s16), and an int16 hidden state.
"""

from __future__ import annotations

import math

import numpy as np

from .._ffi import scratch_size
from ..fixedpoint import wrap32
from ..model import Tensor
from ..quant import quantize_multiplier, sigmoid_table_u16
from ..schema import ActivationFunctionType
from ..schema import BuiltinOperator as B
from .base import OpContext, prepares
from .logistic_tanh import checked_log2

# Tensor indices (TFLM's lstm_shared.h); gate order input, forget, cell, output.
INPUT_WEIGHTS = (1, 2, 3, 4)
RECURRENT_WEIGHTS = (5, 6, 7, 8)
BIASES = (12, 13, 14, 15)
ABSENT = {9: "peephole", 10: "peephole", 11: "peephole", 16: "projection",
          17: "projection", 20: "layer norm", 21: "layer norm", 22: "layer norm",
          23: "layer norm"}  # fmt: skip
HIDDEN, CELL = 18, 19
GATE_SCALE = 2.0**-12  # Q3.12: the gates' input
UNIT_SCALE = 2.0**-15  # Q0.15: the gates' output


@prepares(B.UNIDIRECTIONAL_SEQUENCE_LSTM, types="int8 (int16 cell), int16x8")
def prepare(ctx: OpContext) -> None:
    ctx.check_io_count((24,))
    x, out = ctx.input(0), ctx.output()
    hidden, cell = ctx.input(HIDDEN), ctx.input(CELL)
    for i, what in ABSENT.items():
        if ctx.optional_input(i) is not None:
            raise ctx.unsupported(f"input {i} ({what}) is set; TFLM runs the standard LSTM only")
    if x.dtype.name == "float32":
        raise ctx.unsupported(
            "float LSTM is not supported: TFLM's gates call the host libm's expf and tanhf, "
            "which micro's C (no libm) cannot match on every board; quantize the model to "
            "int8 or int16x8 (micro runs the integer LSTMs)"
        )
    ctx.check_dtype(x, "int8", "int16")
    wide = x.dtype.name == "int16"
    for t in (hidden, out):
        ctx.check_dtype(t, x.dtype.name)
    ctx.check_dtype(cell, "int16")
    for t, what in ((hidden, "hidden state"), (cell, "cell state")):
        if not t.is_variable:
            raise ctx.malformed(f"the {what} (tensor {t.index}) is not a variable tensor")
    activation = ctx.options["fused_activation_function"]
    if activation != ActivationFunctionType.TANH:
        raise ctx.unsupported(f"cell gate activation {activation}; TFLM supports TANH only")

    if len(x.shape) != 3 or len(out.shape) != 3 or len(hidden.shape) < 2:
        raise ctx.malformed(
            f"input {list(x.shape)} and output {list(out.shape)} must be 3-D, the hidden "
            f"state {list(hidden.shape)} at least 2-D"
        )
    time_major = bool(ctx.options["time_major"])
    steps, batches = x.shape[:2] if time_major else x.shape[1::-1]
    size, units = x.shape[2], hidden.shape[1]
    for n_in, indices, what in ((size, INPUT_WEIGHTS, "input"), (units, RECURRENT_WEIGHTS,
                                                                  "recurrent")):  # fmt: skip
        for i in indices:
            w = ctx.input(i)
            ctx.check_dtype(w, "int8")
            if w.shape != (units, n_in):
                raise ctx.malformed(f"{what} weights {i} {list(w.shape)} != [{units}, {n_in}]")
    for i in BIASES:
        b = ctx.input(i)
        ctx.check_dtype(b, "int64" if wide else "int32")
        if b.shape != (units,):
            raise ctx.malformed(f"bias {i} {list(b.shape)} != [{units}]")
    for t, what in ((hidden, "hidden"), (cell, "cell")):
        if math.prod(t.shape) != batches * units:
            raise ctx.malformed(f"the {what} state has {math.prod(t.shape)} elements, not "
                                f"{batches} x {units}")  # fmt: skip
    if out.shape[:2] != x.shape[:2] or out.shape[2] != units:
        raise ctx.malformed(f"output {list(out.shape)} != {[*x.shape[:2], units]}")

    in_scale, in_zp = ctx.quant(x)
    hidden_scale, hidden_zp = ctx.quant(hidden)
    cell_scale, _ = ctx.quant(cell)
    multipliers, shifts = [], []
    folded = np.zeros((units, 8), np.int64)
    w_in: list[np.ndarray] = []
    w_rec: list[np.ndarray] = []
    for g in range(4):
        for k, (i, scale, zp) in enumerate(
            ((INPUT_WEIGHTS[g], in_scale, in_zp), (RECURRENT_WEIGHTS[g], hidden_scale, hidden_zp))
        ):
            w = ctx.input(i)
            values = _constant(ctx, w)
            m, s = quantize_multiplier(_projection_scale(ctx, w, scale))
            multipliers.append(m)
            shifts.append(s)
            folded[:, 2 * g + k] = -zp * values.astype(np.int64).sum(axis=1)
            (w_in if k == 0 else w_rec).append(values)
        folded[:, 2 * g] += _constant(ctx, ctx.input(BIASES[g])).astype(np.int64)

    forget = quantize_multiplier(float(np.float64(UNIT_SCALE) * cell_scale / cell_scale))
    input_ = quantize_multiplier(UNIT_SCALE * UNIT_SCALE / cell_scale)
    output = quantize_multiplier(UNIT_SCALE * UNIT_SCALE / hidden_scale)
    tanh_multiplier, tanh_shift = _cell_tanh(ctx, cell_scale)
    cell_clip = float(np.float32(ctx.options["cell_clip"]))
    # TFLM clips only when cell_clip > 0 (so never for NaN); the cast truncates.
    clip = int(min(cell_clip / cell_scale, 32767.0)) if cell_clip > 0 else 0
    kernel = "lstm_s16" if wide else "lstm_s8"
    params = {
        "batches": batches,
        "time_steps": steps,
        "input_size": size,
        "state_size": units,
        "input_padded": _pad16(size),
        "state_padded": _pad16(units),
        "time_major": int(time_major),
        "hidden_zp": hidden_zp,
        "gate_multiplier": multipliers,
        "gate_shift": shifts,
        "forget_multiplier": forget[0],
        "forget_shift": forget[1],
        "input_multiplier": input_[0],
        "input_shift": input_[1],
        "output_multiplier": output[0],
        "output_shift": output[1],
        "use_cell_clip": int(cell_clip > 0),
        "cell_clip": clip,
        "tanh_multiplier": tanh_multiplier,
        "tanh_shift": tanh_shift,
    }
    operands = {
        "input": ctx.ref(x),
        "input_weights": ctx.const(_unit_major(w_in)),
        "recurrent_weights": ctx.const(_unit_major(w_rec)),
        "biases": ctx.const(_biases(ctx, folded) if wide else wrap32(folded).astype(np.int32)),
        "sigmoid_table": ctx.const(sigmoid_table_u16()),
        "hidden": ctx.ref(hidden),
        "cell": ctx.ref(cell),
        "output": ctx.ref(out),
        "scratch": ctx.scratch(scratch_size(kernel, params)),
    }
    macs = batches * steps * 4 * units * (size + units)
    if wide:
        ctx.emit("lstm_s16", params, operands, macs)
    else:
        ctx.emit("lstm_s8", params, operands, macs)


def _biases(ctx: OpContext, folded: np.ndarray) -> np.ndarray:
    """The int64 biases of the 16x8 LSTM with the zero points folded in. TFLM's 64-bit
    requantization holds sums below 2^47; a bias beyond 2^46 would overflow it."""
    if np.abs(folded).max(initial=0) > 1 << 46:
        raise ctx.unsupported(
            "a gate bias (with the zero points folded in) exceeds 2^46 in magnitude, beyond "
            "the range of TFLM's 64-bit requantization"
        )
    return folded.astype(np.int64)


def _pad16(n: int) -> int:
    return -(-n // 16) * 16


def _unit_major(weights: list[np.ndarray]) -> np.ndarray:
    """The four gates' [units, n] weights as [units][4][n rounded up to 16], zero padded."""
    stacked = np.stack(weights, axis=1)
    n = stacked.shape[2]
    return np.pad(stacked, ((0, 0), (0, 0), (0, _pad16(n) - n)))


def _constant(ctx: OpContext, t: Tensor) -> np.ndarray:
    value = ctx.value(t)
    if value is None:
        raise ctx.unsupported(f"tensor {t.index} ('{t.name}') must be constant")
    return np.asarray(value)


def _projection_scale(ctx: OpContext, w: Tensor, activation_scale: float) -> float:
    """activation scale * weight scale / 2^-12 in double, as TFLM's FC multiplier."""
    q = w.quant
    if q is not None and len(q.scale) > 1:
        raise ctx.unsupported(
            f"weights {w.index} are per-channel; TFLM's integer LSTM needs one scale"
        )
    w_scale, w_zp = ctx.quant(w)
    if w_zp != 0:
        raise ctx.unsupported(f"weights {w.index} have zero point {w_zp}; TFLM assumes 0")
    return activation_scale * w_scale / GATE_SCALE


def _cell_tanh(ctx: OpContext, cell_scale: float) -> tuple[int, int]:
    """(multiplier, shift) of the cell's tanh input, from TFLM's CheckedLog2 power."""
    power, _ = checked_log2(cell_scale)
    left = 15 + power - 3
    multiplier, shift = (3, -left) if left < 0 else (3 << left, 0)
    if multiplier > 49152 or shift > 31:
        raise ctx.unsupported(
            f"cell state scale {cell_scale} (about 2^{power}) is outside what TFLM's int16 "
            "tanh handles (2^-43 to 2^2)"
        )
    return multiplier, shift
