"""The DSP twins of TRANSPOSE_CONV int8, BATCH_MATMUL int8 and the int16x8 convolution
(CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED int16x8) give the bytes of their reference
kernels, the oracle, over random params and data: shapes (odd sizes and channel counts
included), strides, padding, dilations, groups, zero points, per-channel requantizations
of every valid shift, activation clamps, transposed and broadcast operands, and, for
int16, both accumulator widths with sums near the 32-bit limit. On the host the twins are
their portable C; tests/firmware/test_dsp_twins_board.py runs the same cases with the DSP
instructions on the emulated M4F and M7."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import support.draws as common
from support.kernels import checked
from support.oracle import assert_matches_tflm

from micro._ffi import ffi, lib
from micro.ops.batch_matmul import operand_strides

CASES = 150


def run(fn: Any, params: Any, ops: list[np.ndarray]) -> bytes:
    """Call a kernel on its operands (an empty one is absent: NULL); the output is the last."""
    out = np.zeros_like(ops[-1])
    args = [ffi.cast("void *", ffi.from_buffer(a)) if a.nbytes else ffi.NULL for a in ops[:-1]]
    assert fn(params, *args, ffi.cast("void *", ffi.from_buffer(out))) == lib.MICRO_OK
    return out.tobytes()


def assert_twins_agree(kernel: str, params: Any, ops: list[np.ndarray]) -> None:
    checked(kernel, params, ops)
    reference, twin = getattr(lib, f"micro_{kernel}"), getattr(lib, f"micro_{kernel}_dsp")
    expected = run(reference, params, ops)
    assert run(twin, params, ops) == expected


def transpose_conv_case(seed: int) -> tuple[Any, list[np.ndarray]]:
    """int8 TRANSPOSE_CONV: output sizes from the converter's rule or anything the check
    takes (taps past the input included), padding up to the filter size."""
    rng = np.random.default_rng(seed)
    small = bool(rng.random() < 0.4)
    fh, fw = (int(rng.integers(1, 6)), int(rng.integers(1, 6)))
    if rng.random() < 0.4:
        fh = fw = int(rng.choice([2, 3, 4]))
    sh, sw = int(rng.integers(1, 4)), int(rng.integers(1, 4))
    ih, iw = int(rng.integers(1, 8)), int(rng.integers(1, 8))
    pt, pl = int(rng.integers(0, fh)), int(rng.integers(0, fw))
    if rng.random() < 0.6:  # the converter's sizes: (in - 1) * stride + filter - padding
        oh, ow = (ih - 1) * sh + fh - 2 * pt, (iw - 1) * sw + fw - 2 * pl
        oh, ow = max(oh, 1), max(ow, 1)
    else:
        oh, ow = int(rng.integers(1, 14)), int(rng.integers(1, 14))
    depth = int(rng.choice([1, 3, 4, 8, 16, int(rng.integers(1, 40))]))
    o = int(rng.choice([1, 2, 4, 5, 8, 12, int(rng.integers(1, 20))]))
    p: dict[str, int] = {
        "width": 1,
        "batches": int(rng.integers(1, 3)),
        "input_height": ih,
        "input_width": iw,
        "input_depth": depth,
        "filter_height": fh,
        "filter_width": fw,
        "output_height": oh,
        "output_width": ow,
        "output_depth": o,
        "stride_height": sh,
        "stride_width": sw,
        "pad_top": pt,
        "pad_left": pl,
        "input_zp": int(rng.integers(-128, 128)),
        "output_zp": int(rng.integers(-128, 128)),
    }
    p["act_min"], p["act_max"] = common.activation(rng)
    mult, shift = common.requant(rng, o, small)
    n_in = p["batches"] * ih * iw * depth
    operands = [
        common.int8(rng, n_in, small),
        common.int8(rng, o * fh * fw * depth, small),
        common.bias(rng, o, small) if rng.random() < 0.8 else np.zeros(0, np.int32),
        np.maximum(mult, 0),
        shift,
        np.zeros(p["batches"] * oh * ow * o, np.int8),
    ]
    return ffi.new("micro_transpose_conv_params_t *", p), operands


@pytest.mark.parametrize("seed", range(CASES))
def test_transpose_conv_dsp_matches_reference(seed: int) -> None:
    assert_twins_agree("transpose_conv", *transpose_conv_case(seed))


def batch_matmul_case(seed: int) -> tuple[Any, list[np.ndarray]]:
    """int8 BATCH_MATMUL: the left matrix as is or transposed (adj_x), the right one as is
    (columns contiguous) or transposed (adj_y: k contiguous), batches broadcast, zero points
    and clamps of any kind."""
    rng = np.random.default_rng(seed)
    small = bool(rng.random() < 0.4)
    m, k, n = (int(rng.choice([1, 2, 3, 4, 5, 8, int(rng.integers(1, 40))])) for _ in range(3))
    adj_x, adj_y = bool(rng.random() < 0.25), bool(rng.random() < 0.5)
    lhs_batches, rhs_batches = int(rng.integers(1, 3)), int(rng.integers(1, 3))
    batches = max(lhs_batches, rhs_batches) * int(rng.integers(1, 3))
    offsets = np.array(
        [[(b % lhs_batches) * m * k, (b % rhs_batches) * k * n] for b in range(batches)],
        np.int32,
    )
    mult, shift = common.requant(rng, 1, small)
    lo, hi = common.activation(rng)
    p = {
        "width": 1,
        "batches": batches,
        "rows": m,
        "depth": k,
        "cols": n,
        **operand_strides(m, k, n, adj_x, adj_y),
        "lhs_zp": int(rng.integers(-128, 128)),
        "rhs_zp": int(rng.integers(-128, 128)),
        "output_zp": int(rng.integers(-128, 128)),
        "multiplier": max(int(mult[0]), 0),
        "shift": int(shift[0]),
        "act_min": lo,
        "act_max": hi,
    }
    operands = [
        common.int8(rng, lhs_batches * m * k, small),
        common.int8(rng, rhs_batches * k * n, small),
        offsets.reshape(-1),
        np.zeros(batches * m * n, np.int8),
    ]
    return ffi.new("micro_batch_matmul_params_t *", p), operands


@pytest.mark.parametrize("seed", range(CASES))
def test_batch_matmul_dsp_matches_reference(seed: int) -> None:
    assert_twins_agree("batch_matmul", *batch_matmul_case(seed))


def conv_s16_case(seed: int) -> tuple[Any, list[np.ndarray]]:
    """int16x8 convolution: grouped (depthwise included) or not, a fully connected layer
    (1x1 over [batches, 1, 1, depth]) in one case of four; both accumulators, int32 / int64
    or absent biases; one case of eight with the extreme input and weights, whose sums
    leave the int32 range (accum 64 must keep them, accum 32 wrap them as TFLM's int32)."""
    rng = np.random.default_rng(seed)
    kind = int(rng.integers(0, 4))  # 0: fully connected, 1: depthwise, 2-3: conv
    depth = int(rng.choice([1, 2, 3, 4, 5, 8, 16, int(rng.integers(1, 48))]))
    groups, per_group = 1, int(rng.choice([1, 3, 4, 5, 8, int(rng.integers(1, 20))]))
    fh, fw = int(rng.integers(1, 5)), int(rng.integers(1, 5))
    ih, iw = int(rng.integers(1, 9)), int(rng.integers(1, 9))
    extreme = seed % 8 == 7
    if kind == 0:
        fh = fw = ih = iw = 1
        depth = int(rng.choice([4, 7, 16, 64, 300, 520, 1100]))
    elif kind == 1:
        groups, per_group, depth = depth, int(rng.choice([1, 1, 2, 4])), 1
    elif rng.random() < 0.2:
        groups = int(rng.integers(2, 4))
    if extreme:
        depth = max(depth, 600 if kind != 1 else 1)
    accum = 64 if kind == 1 or rng.random() < 0.5 else 32
    o = groups * per_group
    stride = (1, 1) if kind == 0 else (int(rng.integers(1, 3)), int(rng.integers(1, 3)))
    dilation = (1, 1) if kind == 0 else (int(rng.choice([1, 1, 2])), int(rng.choice([1, 1, 2])))
    geometry = {
        "batches": int(rng.integers(1, 4)) if kind == 0 else int(rng.integers(1, 3)),
        "input_height": ih,
        "input_width": iw,
        "input_depth": groups * depth,
        "filter_height": fh,
        "filter_width": fw,
        "filter_depth": depth,
        "output_height": 1 if kind == 0 else int(rng.integers(1, 7)),
        "output_width": 1 if kind == 0 else int(rng.integers(1, 7)),
        "output_depth": o,
        "groups": groups,
        "stride_height": stride[0],
        "stride_width": stride[1],
        "dilation_height": dilation[0],
        "dilation_width": dilation[1],
        "pad_top": 0 if kind == 0 else int(rng.integers(0, fh)),
        "pad_left": 0 if kind == 0 else int(rng.integers(0, fw)),
    }
    n_in = geometry["batches"] * ih * iw * groups * depth
    k = fh * fw * depth
    if extreme:
        x = rng.choice([-32768, 32767], n_in).astype(np.int16)
        w = rng.choice([-128, 127], o * k).astype(np.int8)
        x[rng.random(n_in) < 0.5] = -32768
        w[: o * k // 2] = -128
    else:
        x = rng.integers(-32768, 32768, n_in, dtype=np.int64).astype(np.int16)
        w = common.int8(rng, o * k)
    # Shifts that bring a typical sum into int16 (outputs inside the clamp), sometimes any.
    typical = np.log2(np.sqrt(k) * 18918 * 74 + 1)
    shift = np.clip(np.round(14 - typical + rng.normal(0, 1.5, o)), -31, 7).astype(np.int32)
    mult = rng.integers(1 << 30, 1 << 31, o, dtype=np.int64).astype(np.int32)
    if rng.random() < 0.3:
        shift = rng.integers(-31, 8 if accum == 64 else 31, o).astype(np.int32)
        mult = np.where(rng.random(o) < 0.2, rng.integers(0, 1 << 30, o), mult).astype(np.int32)
    if rng.random() < 0.15:
        b = np.zeros(0, np.int32)
    elif accum == 32:
        b = rng.integers(-(1 << 31), 1 << 31, o, dtype=np.int64).astype(np.int32)
        b = b if rng.random() < 0.2 else (b >> 12).astype(np.int32)
    else:
        b = rng.integers(-(1 << 50), 1 << 50, o, dtype=np.int64) >> int(rng.choice([0, 10, 20]))
    lo, hi = (-32768, 32767) if rng.random() < 0.5 else sorted(rng.integers(-32768, 32768, 2))
    p = {"geometry": geometry, "accum": accum, "act_min": int(lo), "act_max": int(hi)}
    n_out = geometry["batches"] * geometry["output_height"] * geometry["output_width"] * o
    operands = [x, w, b, mult, shift, np.zeros(n_out, np.int16)]
    return ffi.new("micro_conv_s16_params_t *", p), operands


@pytest.mark.parametrize("seed", range(CASES))
def test_conv_s16_dsp_matches_reference(seed: int) -> None:
    assert_twins_agree("conv_s16", *conv_s16_case(seed))


def test_twins_model_matches_tflm() -> None:
    """The model of real layer sizes the board tests and the instructions-per-MAC figures
    use runs bit-exact with TFLM on the host."""
    sys.path.insert(0, str(Path(__file__).parent / "firmware"))
    from models import twins_model

    assert_matches_tflm(twins_model(0), seeds=(0, 1))
