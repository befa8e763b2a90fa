"""Generated DEPTHWISE_CONV_2D cases for the DSP twin's tests (host, overlap, board):
random params and data in TFLite's filter layout, the same case in the compiler's int16
layouts (1: tap pairs, 2: vertical pairs of a 3x3 filter, 3: the stride-2 path's records),
and the check that the twin and the reference kernel, the oracle, give the same bytes on
every layout."""

from __future__ import annotations

from typing import Any

import numpy as np

from micro._ffi import ffi, lib
from micro.ops.depthwise_conv import s2_records, tap_pairs, vertical_pairs
from support.draws import activation, bias, int8, requant
from support.kernels import checked, run

Case = tuple[Any, list[np.ndarray]]


def draw_requant(
    rng: np.random.Generator, o: int, small: bool, fast: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Per-channel multipliers and shifts; `fast`: only the fast requantization's."""
    mults, shifts = requant(rng, o, small)
    if fast:
        mults = rng.integers(1 << 30, 1 << 31, o, dtype=np.int64).astype(np.int32)
        shifts = rng.integers(-6, 0, o).astype(np.int32) if small else np.minimum(shifts, -1)
    return mults, shifts.astype(np.int32)


def make_case(rng: np.random.Generator, p: dict[str, int], fast: bool) -> Case:
    """Operands for params p (clamp, requantization and data drawn here)."""
    p["act_min"], p["act_max"] = (-128, 127) if fast else activation(rng)
    o = p["input_depth"] * p["depth_multiplier"]
    small = bool(rng.random() < 0.4)
    mults, shifts = draw_requant(rng, o, small, fast)
    n_in = p["batches"] * p["input_height"] * p["input_width"] * p["input_depth"]
    n_out = p["batches"] * p["output_height"] * p["output_width"] * o
    operands = [
        int8(rng, n_in, small),
        int8(rng, p["filter_height"] * p["filter_width"] * o, small),
        bias(rng, o, small),
        mults,
        shifts,
        np.zeros(n_out, np.int8),
    ]
    return ffi.new("micro_depthwise_conv_s8_params_t *", p), operands


def fast_extremes(rng: np.random.Generator, ops: list[np.ndarray]) -> None:
    """The fast requantization's extremes in a case's operands: each channel's multiplier
    (2^30, 2^31 - 1), shift (-1, -31) and bias (the extremes, 0) drawn among those and the
    first channel's own; every input -128 or 127."""
    o = ops[3].size
    ops[3][:] = rng.choice([1 << 30, (1 << 31) - 1, int(ops[3][0])], o)
    ops[4][:] = rng.choice([-1, -31, int(ops[4][0])], o)
    ops[2][:] = rng.choice([-(1 << 31), (1 << 31) - 1 - (1 << 20), 0], o)
    ops[0][:] = rng.choice([-128, 127], ops[0].size)


def depthwise_case(seed: int, fast: bool = False) -> Case:
    """Random depthwise params; `fast`: only what the tap-pair paths take with the fast
    requantization (output channels a multiple of 4, depth multiplier 1, 2 or a multiple of
    4, at most 25 taps, no clamp), plus multipliers they leave to the reference (3, 6),
    borders included, 3x3 half the time."""
    rng = np.random.default_rng(seed)
    # 68 and 132: more input channels than a tap table holds (64); 264 more output
    # channels than the requantization table (256)
    channels = int(rng.choice([1, 3, 4, 8, 12, 68, 132, int(rng.integers(1, 40))]))
    mult = 1 if rng.random() < 0.85 else int(rng.integers(2, 5))
    fh, fw = (3, 3) if rng.random() < 0.5 else (int(rng.integers(1, 6)), int(rng.integers(1, 6)))
    if fast:
        mult = 1 if rng.random() < 0.6 else int(rng.choice([2, 3, 4, 6, 8, 12]))
        channels = int(rng.choice([1, 4, 8, 64, 68, 132, 264])) // (4 if mult % 4 == 0 else 1)
        channels = max(1, channels if mult % 2 else channels // 2)
        if (channels * mult) % 4:
            channels = 4
        if rng.random() < 0.5:
            fh, fw = 3, 3
        else:
            fh = int(rng.integers(1, 6))
            fw = int(rng.integers(1, 6))
    p: dict[str, int] = {
        "batches": int(rng.integers(1, 3)),
        "input_height": int(rng.integers(1, 12)),
        "input_width": int(rng.integers(1, 12)),
        "input_depth": channels,
        "depth_multiplier": mult,
        "filter_height": fh,
        "filter_width": fw,
        "output_height": int(rng.integers(1, 9)),
        "output_width": int(rng.integers(1, 9)),
        "stride_height": int(rng.integers(1, 3)),
        "stride_width": int(rng.integers(1, 3)),
        "dilation_height": int(rng.choice([1, 1, 2])),
        "dilation_width": int(rng.choice([1, 1, 2])),
        "pad_top": int(rng.integers(0, fh)),
        "pad_left": int(rng.integers(0, fw)),
        "input_zp": int(rng.integers(-128, 128)),
        "output_zp": int(rng.integers(-128, 128)),
    }
    return make_case(rng, p, fast)


def layer_3x3(
    rng: np.random.Generator,
    size: tuple[int, int],
    out: tuple[int, int],
    channels: int,
    mult: int,
    stride: tuple[int, int],
    pad: tuple[int, int],
) -> dict[str, int]:
    """A 3x3, undilated layer's parameters: input `size` and output `out` (height, width),
    `stride` and `pad` (top, left); batches (1-2), then the zero points drawn from rng."""
    return {
        "batches": int(rng.integers(1, 3)),
        "input_height": size[0],
        "input_width": size[1],
        "input_depth": channels,
        "depth_multiplier": mult,
        "filter_height": 3,
        "filter_width": 3,
        "output_height": out[0],
        "output_width": out[1],
        "stride_height": stride[0],
        "stride_width": stride[1],
        "dilation_height": 1,
        "dilation_width": 1,
        "pad_top": pad[0],
        "pad_left": pad[1],
        "input_zp": int(rng.integers(-128, 128)),
        "output_zp": int(rng.integers(-128, 128)),
    }


def column_case(seed: int, stride2: bool = False) -> Case:
    """3x3, strides 1 and 2, no dilation: what the twin's column path takes (four output
    rows a pass, rows of 3 to 768 / depth outputs) and its edges: depth multipliers 1, 2, 4
    and 8 (stride 1), depths that are not a multiple of 4 (blocks of fewer channels),
    padding 0-2 on either side, odd widths and heights (last passes of 1-3 rows), strips
    wider than the stack's columns (50), batches, clamps, zero and small multipliers (the
    general requantization). `stride2`: multiplier 1 and a stride of 2 always."""
    rng = np.random.default_rng(1000 + seed)
    mult, channels = [(1, 4), (1, 8), (1, 12), (1, 68), (2, 2), (2, 6), (8, 1), (4, 3)][seed % 8]
    if stride2:
        mult, channels = 1, [4, 8, 12, 68][seed % 4]
    if mult == 1 and rng.random() < 0.4:
        channels = int(rng.choice([1, 3, 5, 6, 7, 16]))
    sh, sw = (1, 1)
    if stride2 or (mult == 1 and rng.random() < 0.5):
        sh, sw = [(2, 2), (2, 2), (2, 1), (1, 2)][int(rng.integers(0, 4))]
    # stride 2: mostly from 8 output rows (where the compiler writes layout 2), a third of
    # them shorter (a patched plan's strips of a layer it wrote layout 2 for)
    width = int(rng.choice([3, 4, 5, 6, 7, 11, 12, 13, 19, 56] if sh == 1 else [5, 8, 13, 24]))
    short = sh == 2 and rng.random() < 1 / 3
    height = int(rng.integers(1, 15)) if sh == 1 or short else int(rng.integers(19, 28))
    pad_top, pad_left = int(rng.integers(0, 3)), int(rng.integers(0, 3))
    out_h = (height + 2 * pad_top - 3) // sh + 1 - int(rng.integers(0, 2))
    out_w = (width + 2 * pad_left - 3) // sw + 1 - int(rng.integers(0, 2))
    if out_w * channels * mult > 768:
        out_w = 768 // (channels * mult)
    p = layer_3x3(
        rng,
        (height, width),
        (max(1, out_h), max(3, out_w)),
        channels,
        mult,
        (sh, sw),
        (pad_top, pad_left),
    )
    return make_case(rng, p, bool(rng.random() < 0.6))


def map_case(seed: int, side: int = 0) -> Case:
    """3x3 at stride 1 down on small maps: the column path's passes of 6, 4, 3 and 2 rows
    (output heights 1-9, 11-13 and 25: one pass, 6 + 1, 4 + 3, 4 + 4, 6 + 3, 6 + 5, 6 + 6,
    ..., kws's 25), 3x3 and 6x6 maps among them, widths 3-8 (strides 1 and 2 across),
    depth multipliers 1, 2, 4 and 8, depths that are not a multiple of 4, padding 0-2 on
    either side, batches, clamps and the general requantization (a third of the cases),
    and the fast requantization's edges (multipliers 2^30 and 2^31 - 1, shifts -1 and -31,
    biases near the int32 limits). `side` > 0: a square side x side map at stride 1 (vww's
    3x3 and 6x6 maps, 5x5; the rest drawn as for any seed), so that a 3x3 map's pass reads
    two rows of input_zp below the image whenever its bottom is padded."""
    rng = np.random.default_rng(5000 + seed)
    mult, channels = [(1, 4), (1, 8), (1, 16), (1, 5), (1, 7), (2, 4), (4, 2), (8, 1)][seed % 8]
    if mult == 1 and rng.random() < 0.3:
        channels = int(rng.choice([1, 2, 3, 6, 12, 64]))
    out_h = int(rng.choice([1, 2, 3, 4, 5, 6, 6, 7, 8, 9, 3, 11, 12, 13, 25]))
    out_w = int(rng.choice([3, 3, 4, 5, 6, 6, 7, 8]))
    sw = 2 if rng.random() < 0.2 else 1
    if side:
        out_h, out_w, sw = side, side, 1
    pads = rng.integers(0, 3, 4)  # top, bottom, left, right
    if rng.random() < 0.6:
        pads[:] = 1  # SAME
    size = (
        max(1, out_h + 2 - int(pads[0] + pads[1])),
        max(1, (out_w - 1) * sw + 3 - int(pads[2] + pads[3])),
    )
    p = layer_3x3(rng, size, (out_h, out_w), channels, mult, (1, sw), (int(pads[0]), int(pads[2])))
    fast = bool(rng.random() < 2 / 3)
    params, ops = make_case(rng, p, fast)
    if fast and rng.random() < 0.5:
        fast_extremes(rng, ops)
    return params, ops


def records_fit(params: Any, ops: list[np.ndarray]) -> bool:
    """Whether the case can take filter layout 3 (the verifier's conditions): 3x3, output
    channels a multiple of 4, int8's clamp, multipliers in [2^30, 2^31), shifts in
    [-31, -1]."""
    p = params[0]
    return bool(
        p.filter_height == p.filter_width == 3
        and p.input_depth * p.depth_multiplier % 4 == 0
        and (p.act_min, p.act_max) == (-128, 127)
        and np.all(ops[3] >= 1 << 30)
        and np.all((ops[4] >= -31) & (ops[4] <= -1))
    )


def layout_case(params: Any, ops: list[np.ndarray], layout: int) -> Case:
    """The case with its filter in layout 1 (int16 tap pairs), 2 (int16 vertical pairs of
    a 3x3 filter) or 3 (the stride-2 path's records), as the compiler writes them for a DSP
    core."""
    taps = params.filter_height * params.filter_width
    depth = params.input_depth * params.depth_multiplier
    weights = ops[1].reshape(taps, depth).astype(np.int64)
    if layout == 3:
        fields = {k: getattr(params, k) for k in ("output_width", "input_zp", "output_zp")}
        wide = s2_records(weights, ops[2], ops[3], ops[4], fields)
    else:
        wide = tap_pairs(weights) if layout == 1 else vertical_pairs(weights)
    p = ffi.new("micro_depthwise_conv_s8_params_t *", params[0])
    p.filter_layout = layout
    return p, [ops[0], np.frombuffer(wide.tobytes(), np.int8).copy(), *ops[2:]]


def compiled_case(params: Any, ops: list[np.ndarray]) -> Case:
    """The case in the layout the compiler writes for a DSP core (3, 2, 1 or TFLite's)."""
    if lib.micro_depthwise_conv_s8_dsp_s2_records(params) and records_fit(params, ops):
        return layout_case(params, ops, 3)
    if lib.micro_depthwise_conv_s8_dsp_cols(params):
        return layout_case(params, ops, 2)
    if lib.micro_depthwise_conv_s8_dsp_pairs(params):
        return layout_case(params, ops, 1)
    return params, ops


def check_depthwise(params: Any, ops: list[np.ndarray]) -> None:
    """The twin gives the reference's bytes on TFLite's filter layout and on the int16
    layouts that fit the case (1: output channels a multiple of 4; 2: 3x3; 3: the
    verifier's conditions, records_fit), which the reference also reads; layout 3 takes
    the stride-2 path wherever micro_depthwise_conv_s8_dsp_s2_records says so."""
    checked("depthwise_conv_s8", params, ops)
    expect = run(lib.micro_depthwise_conv_s8, params, ops)
    assert run(lib.micro_depthwise_conv_s8_dsp, params, ops) == expect
    layouts = [1] if params.input_depth * params.depth_multiplier % 4 == 0 else []
    layouts += [2] if params.filter_height == params.filter_width == 3 else []
    layouts += [3] if records_fit(params, ops) else []
    for layout in layouts:
        p, wide_ops = layout_case(params, ops, layout)
        checked("depthwise_conv_s8", p, wide_ops)
        if layout == 3:
            path = lib.micro_depthwise_conv_s8_dsp_path(
                p, ffi.from_buffer("int8_t[]", wide_ops[1]), ffi.NULL, ffi.NULL
            )
            # the compiler's shapes (patched strips of fewer rows take the path too)
            if lib.micro_depthwise_conv_s8_dsp_s2_records(p):
                assert path == lib.MICRO_PATH_DW_S2
        assert run(lib.micro_depthwise_conv_s8, p, wide_ops) == expect, f"layout {layout}"
        assert run(lib.micro_depthwise_conv_s8_dsp, p, wide_ops) == expect, f"layout {layout}"


def map3_case(seed: int) -> Case:
    """3x3 output maps at stride 1 (vww's last depthwise layer, 3x3x256): the column path's
    3x3-map pass (multiplier 1, depths a multiple of 4, the fast requantization, the pass's
    input row 3 below the image) and its edges: depths 4 to 256 and ones it leaves to the
    3-row strips (not a multiple of 4, multiplier 2), padding 0-2 on each side (no bottom
    padding: row 3 in the image), batches, the general requantization and clamps (a fifth
    of the cases), the fast requantization's extremes (multipliers 2^30 and 2^31 - 1,
    shifts -1 and -31, biases near the int32 limits, inputs at -128 and 127)."""
    rng = np.random.default_rng(9000 + seed)
    channels = int(rng.choice([4, 8, 12, 16, 64, 256, 4, 8]))
    mult = 1
    if rng.random() < 0.1:
        channels = int(rng.choice([3, 5, 6]))
    elif rng.random() < 0.1:
        mult, channels = 2, int(rng.choice([2, 4]))
    pads = rng.integers(0, 3, 4)  # top, bottom, left, right
    if rng.random() < 0.5:
        pads[:] = 1  # SAME: vww's
    size = (5 - int(pads[0] + pads[1]), 5 - int(pads[2] + pads[3]))
    size = (max(1, size[0]), max(1, size[1]))
    p = layer_3x3(rng, size, (3, 3), channels, mult, (1, 1), (int(pads[0]), int(pads[2])))
    fast = bool(rng.random() < 0.8)
    params, ops = make_case(rng, p, fast)
    if fast and rng.random() < 0.5:
        fast_extremes(rng, ops)
    return params, ops
