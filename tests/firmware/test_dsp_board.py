"""The *_dsp kernels with the real DSP instructions (SMLAD, SXTB16, SMMLAR, SSAT, ...)
against their reference kernels on the emulated board: one firmware runs both on random
param sets (test_dsp_kernels' generators, which the host checks in portable C) and
compares the bytes on the board."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import support.depthwise as dw
import test_dsp_kernels as cases
from test_dsp_conv_direct import direct_case, without_scratch
from test_dsp_conv_first_rows import (
    lone_10x4_case,
    rows_case,
    rows_first_case,
    rows_requant_edges_case,
)
from test_dsp_conv_floor import floor_case, floor_layer, strided_floor_layer
from test_dsp_conv_head import BOARD_HEADS, board_head_case
from test_dsp_conv_head16 import BOARD_HEADS16, board_head16_case
from test_dsp_conv_quads import (
    first_case,
    pointwise_case,
    quads_case,
    requant_edges_case,
    rows9_case,
    shaped_pointwise_case,
)
from test_dsp_conv_strided_1x1 import strided_case, takes_strided
from test_dsp_fc_lanes import lane_of

from micro import firmware
from micro._ffi import ffi, lib
from micro.boards import load_board
from micro.resources import data_root, firmware_dir

PER_KERNEL = 40
DIRECT = 20  # more conv cases: layout 1 without the scratch (the direct loop)
ROWS = 32  # and first layers in layout 2 (the row loop; the last 2 its requantization edges)
MAPS = 12  # more depthwise cases: 3x3 output maps (the column path's 3x3-map pass)
ROWS16 = 6  # more FC cases: int16 groups on the int8 row (the block loop without scratch)
REST = len(cases.REST_UNITS)  # more FC cases: N mod 4 of 1-3, fast requantization
LEAN = 2 * len(cases.LEAN_UNITS)  # and the lean lane's (one batch row, no scratch)
SINGLE = 9  # and the K = 1 lane's (hello_world's 1 -> 16; layouts 1, 2, 3 in turn)
LONG = 16  # and N = 4 on long rows (micro_speech's 4000 -> 4; every count of groups mod 8)
# Long rows' counts of groups on the board: micro_speech's 1,000, then 65-71 (modulo 8: 1-7)
# for a smaller image.
LONG_GROUPS = [1000, 65, 66, 67, 68, 69, 70, 71]
PAIRED = 10  # and the row loop's paired rows (RGB and grayscale 3x3 at stride 2, <= 24 filters)
MORE = 5  # and 10x4 windows at stride 2 across on the row loop, the 4-filter passes in quads,
# a grayscale 3x3 first layer in quads (the first-layer walk's 3-value rows)
STRIDED = 8  # and 1x1 layers at strides 2-3 (the pointwise loops on copied pixels), the
# last two 10x4 first layers of odd widths (the row loop's lone pixels)
HEAD = len(BOARD_HEADS)  # and 1x1 layers of a 1x1 image (classifier heads: the short path)
HEAD16 = len(BOARD_HEADS16)  # and such heads in filter layout 3 (int16 pairs: head16_run)
# (K, O, pixels, images): K = 8's runs, then the G = 4 loop (pairs, a lone pixel, odd and
# even quad counts, 264 channels in blocks); None: strided K = 16 layers (copied pixels)
FLOOR_SHAPES: list[tuple[int, int, int, int] | None] = [
    (8, 16, 13, 1),
    (8, 32, 40, 1),
    (8, 16, 165, 2),
    (8, 32, 1, 1),
    (16, 32, 9, 1),
    (16, 36, 7, 2),
    (14, 264, 5, 1),
    (16, 16, 1, 1),
    None,
    None,
]
FLOOR = len(FLOOR_SHAPES)  # and 1x1 layers in layout 4 (the floor requantization)

C_TYPES = {np.dtype(t): f"{t}_t" for t in ("int8", "int16", "int32", "int64")}

MAIN = r"""
#include <stdint.h>
#include <string.h>

#include "micro/micro.h"
#include "micro_port.h"
#include "cases.h"

static int8_t out_ref[MAX_OUT];
static int8_t out_dsp[MAX_OUT];
static int64_t scratch[MAX_SCRATCH / 8 + 1];  /* 8-aligned, as the planner lays it out */

static void say(const char *text)
{
    micro_port_write(text, (uint32_t)strlen(text));
}

static int same(const char *kernel, uint32_t i, uint32_t n)
{
    if (memcmp(out_ref, out_dsp, n) == 0) {
        return 1;
    }
    char line[48] = "mismatch ";
    strcat(line, kernel);
    strcat(line, " case ");
    char digits[12];
    uint32_t k = sizeof digits - 1;
    digits[k] = '\0';
    do {
        digits[--k] = (char)('0' + i % 10);
        i /= 10;
    } while (i != 0);
    strcat(line, digits + k);
    strcat(line, "\n");
    say(line);
    return 0;
}

int main(void)
{
    int bad = 0;
    for (uint32_t i = 0; i < N_CONV; ++i) {
        const conv_case_t *c = &conv_cases[i];
        memset(out_ref, 0x55, c->n_out);
        memset(out_dsp, 0x2a, c->n_out);
        int16_t *conv_scratch = c->scratch ? (int16_t *)scratch : NULL;
        micro_conv_s8(c->p, c->input, c->filter, c->bias, c->multiplier, c->shift,
                      conv_scratch, out_ref);
        micro_conv_s8_dsp(c->p, c->input, c->filter, c->bias, c->multiplier, c->shift,
                          conv_scratch, out_dsp);
        bad += !same("conv", i, c->n_out);
    }
    for (uint32_t i = 0; i < N_DEPTHWISE; ++i) {
        const depthwise_case_t *c = &depthwise_cases[i];
        memset(out_ref, 0x55, c->n_out);
        memset(out_dsp, 0x2a, c->n_out);
        micro_depthwise_conv_s8(c->p, c->input, c->filter, c->bias, c->multiplier, c->shift,
                                out_ref);
        micro_depthwise_conv_s8_dsp(c->p, c->input, c->filter, c->bias, c->multiplier,
                                    c->shift, out_dsp);
        bad += !same("depthwise", i, c->n_out);
    }
    for (uint32_t i = 0; i < N_FC; ++i) {
        const fc_case_t *c = &fc_cases[i];
        memset(out_ref, 0x55, c->n_out);
        memset(out_dsp, 0x2a, c->n_out);
        int16_t *fc_scratch = c->scratch ? (int16_t *)scratch : NULL;
        micro_fully_connected_s8(c->p, c->input, c->filter, c->bias, c->multiplier, c->shift,
                                 fc_scratch, out_ref);
        micro_fully_connected_s8_dsp(c->p, c->input, c->filter, c->bias, c->multiplier,
                                     c->shift, fc_scratch, out_dsp);
        bad += !same("fully_connected", i, c->n_out);
    }
    say(bad == 0 ? "dsp cases all equal\n" : "dsp cases differ\n");
    return bad != 0;
}
"""


def c_array(name: str, data: np.ndarray) -> str:
    """A constant C array of `data` (int8 to int64; one 0 if empty), 8-aligned as the
    Program's constant data and the arena (the twins' 64-bit loads need it)."""
    values = ", ".join(str(int(v)) for v in data.ravel()) or "0"
    ctype = C_TYPES[data.dtype]
    return f"static const {ctype} {name}[] __attribute__((aligned(8))) = {{{values}}};"


def c_params(name: str, ctype: str, params: Any) -> str:
    fields = [f for f, _ in ffi.typeof(ctype).fields]
    inits = ", ".join(f".{f} = {int(getattr(params, f))}" for f in fields)
    return f"static const {ctype} {name} = {{{inits}}};"


def fast_pointwise_quads(k: int, seed: int) -> tuple[Any, list[np.ndarray]]:
    """The first pointwise case from `seed` on of K = k with its channels in quads and the
    fast requantization (the loops of a fixed group count)."""
    while True:
        params, ops = pointwise_case(seed, small=True, k=k)
        if params.output_depth % 4 == 0 and seed % 3 != 0:
            return quads_case(params, ops)
        seed += 1


def strided_board_case(k: int) -> tuple[Any, list[np.ndarray]]:
    """Case k of the strided 1x1 layers: k 0 ResNet-8's second shortcut's kind (K = 32 to 64
    channels at stride 2) on an odd 21x21 image (121 pixels: two runs of copies, a lone
    last pixel), the others the first random small cases the pointwise loops take."""
    if k == 0:
        params, ops = strided_case(3)
        p = {f: int(getattr(params, f)) for f, _ in ffi.typeof("micro_conv_s8_params_t").fields}
        p.update(batches=1, input_height=21, input_width=21, output_height=11, output_width=11)
        p.update(input_depth=32, filter_depth=32, output_depth=64, pad_top=0, pad_left=0)
        p.update(stride_height=2, stride_width=2, filter_layout=0)
        return cases.conv_data(np.random.default_rng(21), p, fast=True)
    seed = 100 * k
    while True:
        params, ops = strided_case(seed, small=True)
        if params.output_depth % 4 == 0 and takes_strided(params) and seed % 3 != 0:
            return params, ops
        seed += 1


def conv_case(seed: int) -> tuple[Any, list[np.ndarray]]:
    """One in eight with patches the twin streams (longer than it assembles at once), half
    what its fast passes (the hand-scheduled loops) take, one in four pointwise; one in
    three with its filters in quads, in layout 1 (the 4-filter passes); one in five with
    window rows of 9 bytes (an RGB 3x3 layer's, assembled in registers); one in five a first
    layer (1-4 input channels) in quads, its pixels walked and windows read as words; one in
    four of the rest 1x1 stride-1 (the pointwise path, any K, its filters in quads where
    they come so), two of those the pointwise requantization's edges, four K of 16, 32, 64
    and 128 on the fast requantization, two of 200 and 264 channels, four more of those K
    with the other parity of quads (the loops that take two quads a turn), three of fixed
    group counts on K not a multiple of 4 (a last pair widened in place; with 264 channels
    every pair), one of K = 256 on a 3x3 map (the long loop's turns, a lone pixel), three K
    = 8's runs of pixels (16 and 32 channels, the last one their requantization's edges).
    Seeds past the PER_KERNEL: filters in quads and no scratch (the direct loop), then first
    layers in layout 2 (the row loop: RGB 3x3, grayscale 3x3 and 10x4 windows two times in
    three, the others' C loop the third; the last two the requantization's edges on the RGB
    3x3 loop), then RGB and grayscale 3x3 first layers at stride 2 on up to 28 filters (the
    paired rows up to 24; the last one the requantization's edges on 24), then two 10x4
    first layers at stride 2 across (the row loop's 10-row asm), two layers of filters
    in quads on the fast requantization (its 4-filter passes, patches in the scratch) and
    a grayscale 3x3 first layer in quads (the first-layer walk on rows of 3 values); past
    the strided 1x1 layers, classifier heads (1x1 layers of a 1x1 image: the short path),
    then such heads in filter layout 3 (int16 pairs), then 1x1 layers in layout 4 (K = 8's
    runs and the G = 4 loop by the floor records)."""
    heads16 = 1000 + PER_KERNEL + DIRECT + ROWS + PAIRED + MORE + STRIDED + HEAD
    if seed >= heads16 + HEAD16:
        shape = FLOOR_SHAPES[seed - heads16 - HEAD16]
        if shape is None:
            return floor_case(*strided_floor_layer(seed))
        depth, out, pixels, batches = shape
        return floor_case(*floor_layer(seed, out, pixels, batches, depth))
    if seed >= heads16:
        return board_head16_case(seed - heads16)
    if seed >= 1000 + PER_KERNEL + DIRECT + ROWS + PAIRED + MORE + STRIDED:
        return board_head_case(seed - 1000 - PER_KERNEL - DIRECT - ROWS - PAIRED - MORE - STRIDED)
    if seed >= 1000 + PER_KERNEL + DIRECT + ROWS + PAIRED + MORE:
        k = seed - 1000 - PER_KERNEL - DIRECT - ROWS - PAIRED - MORE
        if k >= STRIDED - 2:
            return rows_case(*lone_10x4_case(k - STRIDED + 2))  # 0: kws's layer
        return quads_case(*strided_board_case(k))
    if seed >= 1000 + PER_KERNEL + DIRECT + ROWS + PAIRED:
        k = seed - 1000 - PER_KERNEL - DIRECT - ROWS - PAIRED
        if k < 2:
            return rows_case(*rows_first_case(2 if k == 0 else 42))
        if k == 4:
            return quads_case(*first_case(1))
        return quads_case(*cases.conv_case(seed, long=k == 3, fast=True, quads=True))
    if seed >= 1000 + PER_KERNEL + DIRECT + ROWS:
        k = seed - 1000 - PER_KERNEL - DIRECT - ROWS
        if k == PAIRED - 1:
            return rows_case(*rows_requant_edges_case(24))
        return rows_case(*rows_first_case(k, paired=True))
    if seed >= 1000 + PER_KERNEL + DIRECT:
        k = seed - 1000 - PER_KERNEL - DIRECT
        if k >= ROWS - 2:
            return rows_case(*rows_requant_edges_case(124 if k == ROWS - 2 else 132))
        return rows_case(*rows_first_case(10 * k + (k % 3 if k % 3 < 2 else k % 10)))
    if seed >= 1000 + PER_KERNEL:
        params, ops = quads_case(*direct_case(seed))
        return params, without_scratch(ops)
    quads = seed % 3 == 0
    if seed % 5 == 2:
        params, ops = rows9_case(seed)
        return quads_case(params, ops) if quads else (params, ops)
    if seed % 5 == 4:
        return quads_case(*first_case(seed))
    if seed % 1000 in (13, 21):  # the pointwise requantization's edges, one or two blocks
        return quads_case(*requant_edges_case(124 if seed % 1000 == 13 else 132))
    if seed % 1000 in (26, 38):
        return fast_pointwise_quads(16 if seed % 1000 == 26 else 32, seed)
    if seed % 1000 in (6, 18):  # the straight lines of 16 and 32 groups
        return fast_pointwise_quads(64 if seed % 1000 == 6 else 128, seed)
    if seed % 1000 in (15, 16, 20, 36):  # two quads a turn: even and odd quad counts
        k, out, pixels, batches = {
            15: (16, 24, 7, 1),
            16: (32, 12, 6, 2),
            20: (64, 20, 5, 1),
            36: (128, 36, 9, 1),
        }[seed % 1000]
        return quads_case(*shaped_pointwise_case(seed, k, out, pixels, batches))
    if seed % 1000 in (3, 11, 23, 28):  # fixed G, K % 4 != 0: pairs widened in place; 3:
        # K = 256 on a 3x3 map (two 32-group turns per quad, the lone pixel's too)
        k, out, pixels, batches = {
            3: (256, 8, 9, 1),
            11: (14, 20, 6, 2),
            23: (62, 12, 4, 1),
            28: (126, 264, 4, 1),
        }[seed % 1000]
        return quads_case(*shaped_pointwise_case(seed, k, out, pixels, batches))
    if seed % 1000 in (31, 33):  # K = 8's runs of pixels: 32 channels, 16 over 3 runs
        out, pixels, batches = (32, 13, 1) if seed % 1000 == 31 else (16, 165, 2)
        return quads_case(*shaped_pointwise_case(seed, 8, out, pixels, batches))
    if seed % 1000 == 35:  # their requantization's edges, every right shift
        return quads_case(*requant_edges_case(32, 8))
    if seed % 1000 in (10, 30):  # 200 channels in one table; 264 in blocks, a lone pixel
        k, out = (128, 200) if seed % 1000 == 10 else (36, 264)
        return quads_case(*shaped_pointwise_case(seed, k, out, 9 if k == 128 else 5, 1))
    if seed % 4 == 1:
        k = [3, 8, 64, 37, 12, 100, 129, 64, 33, 6][seed // 4 % 10]
        params, ops = pointwise_case(seed, small=True, k=k)
        return quads_case(params, ops) if params.output_depth % 4 == 0 else (params, ops)
    params, ops = cases.conv_case(
        seed, long=seed % 8 == 0, fast=seed % 2 == 1, pointwise=seed % 4 == 3, quads=quads
    )
    return quads_case(params, ops) if quads else (params, ops)


def depthwise_case(seed: int) -> tuple[Any, list[np.ndarray]]:
    """Half what the 3x3 column path takes (stride 2; stride 1 on small maps: passes of 6,
    4, 3 and 2 rows), half what the tap-pair paths take on the fast requantization, seeds
    past the PER_KERNEL 3x3 output maps (the column path's 3x3-map pass); the filter in the
    layout the compiler writes for a DSP core (2: vertical pairs, 1: tap pairs, else
    TFLite's)."""
    if seed >= 1000 + PER_KERNEL:
        return dw.compiled_case(*dw.map3_case(seed - 1000 - PER_KERNEL))
    if seed % 4 == 3:  # stride 1 on small maps, square 3x3, 5x5 and 6x6 ones for 7 mod 8
        side = [3, 5, 6][seed // 8 % 3] if seed % 8 == 7 else 0
        return dw.compiled_case(*dw.map_case(seed, side))
    if seed % 2 == 1:
        return dw.compiled_case(*dw.column_case(seed, stride2=seed % 4 == 1))
    return dw.compiled_case(*dw.depthwise_case(seed, fast=seed % 2 == 0))


def with_lane(k: int, params: Any, ops: list[np.ndarray]) -> tuple[Any, list[np.ndarray]]:
    """The case given its lane's word (per_channel 2 or 3) for odd k, where it holds."""
    if k % 2:
        params.per_channel = lane_of(params, ops)
    return params, ops


def fully_connected_case(seed: int) -> tuple[Any, list[np.ndarray]]:
    """Half of them what the register-blocked path takes, a quarter what the small layers'
    paths take (every depth of the short cases: seed // 4 runs through them), an eighth
    K = 8 (ad's bottleneck: the asm loop on int16 filters, layouts 1 and 2 in turn); past
    the PER_KERNEL the register-blocked path's cases on int16 filters without scratch, then
    N mod 4 of 1-3 on the fast requantization (the rows after the blocks, two at a time),
    then the lean lane's (one batch row, symmetric weights, no scratch: heads of 1-3 rows,
    blocks with and without rows after them), then the K = 1 lane's, then N = 4 on long
    rows (the lean lane and fc_plan's blocks on the int8 row in turn). Every other case of
    the two lanes carries the lane's word (per_channel 2 or 3) where it holds."""
    if seed >= 1000 + PER_KERNEL + ROWS16 + REST + LEAN + SINGLE:  # N = 4, long rows
        k = seed - 1000 - PER_KERNEL - ROWS16 - REST - LEAN - SINGLE
        return cases.long_case(k, LONG_GROUPS)
    if seed >= 1000 + PER_KERNEL + ROWS16 + REST + LEAN:  # the K = 1 lane
        k = seed - 1000 - PER_KERNEL - ROWS16 - REST - LEAN
        return with_lane(k, *cases.single_case(k, cases.SINGLE_UNITS[k % len(cases.SINGLE_UNITS)]))
    if seed >= 1000 + PER_KERNEL + ROWS16 + REST:  # the lean lane, layouts 1, 2, 3 in turn
        k = seed - 1000 - PER_KERNEL - ROWS16 - REST
        units = cases.LEAN_UNITS[k % len(cases.LEAN_UNITS)]
        # every count of groups modulo 8 over the cases (fully_connected_case's seed // 2)
        case = cases.fully_connected_case(5000 + 2 * k, 1 + k % 3, True, units=units, lean=True)
        return with_lane(k, *case)
    if seed >= 1000 + PER_KERNEL + ROWS16:  # the rows after the blocks (rows_fast's asm)
        k = seed - 1000 - PER_KERNEL - ROWS16
        # every count of groups modulo 8 over the cases; layouts 1, 2, 3 (the int16 pair)
        seed = 3000 + 2 * ((3 * k + 9) % 10)
        units = cases.REST_UNITS[k]
        return cases.fully_connected_case(seed, 1 + k % 3, fast=True, units=units)
    if seed >= 1000 + PER_KERNEL:  # 3, 5, 7, 16, 1-79 and 4 groups, at least one block
        k = seed - 1000 - PER_KERNEL
        for j in range(100):
            params, ops = cases.fully_connected_case(
                1100 + 200 * j + 20 * k + 2 * [2, 4, 6, 8, 9, 3][k], layout=2, fast=True
            )
            if params.output_depth >= 4:
                break
        ops[cases.FC_SCRATCH] = np.zeros(0, np.uint8)
        return params, ops
    if seed % 4 == 1:
        return cases.fully_connected_case(seed // 4, short=True)
    if seed % 8 == 3:
        return cases.fully_connected_case(8 * (seed // 8) + 4, short=True)
    return cases.fully_connected_case(seed, fast=seed % 2 == 0)


def cases_header() -> str:
    lines = ["#include <stdint.h>", '#include "micro/micro.h"'] + [
        f'#include "micro/kernels/{name}.h"'
        for name in ("conv_s8_dsp", "depthwise_conv_s8_dsp", "fully_connected_s8_dsp")
    ]
    max_out = max_scratch = 1
    tables: dict[str, list[str]] = {"conv": [], "depthwise": [], "fc": []}
    generators = [
        ("conv", "micro_conv_s8_params_t", conv_case, lib.MICRO_CONV_S8_OUTPUT),
        (
            "depthwise",
            "micro_depthwise_conv_s8_params_t",
            depthwise_case,
            lib.MICRO_DEPTHWISE_CONV_S8_OUTPUT,
        ),
        (
            "fc",
            "micro_fully_connected_s8_params_t",
            fully_connected_case,
            lib.MICRO_FULLY_CONNECTED_S8_OUTPUT,
        ),
    ]
    for kind, ctype, make, out_index in generators:
        extra = {
            "conv": DIRECT + ROWS + PAIRED + MORE + STRIDED + HEAD + HEAD16 + FLOOR,
            "depthwise": MAPS,
            "fc": ROWS16 + REST + LEAN + SINGLE + LONG,
        }.get(kind, 0)
        for seed in range(PER_KERNEL + extra):
            params, ops = make(1000 + seed)
            tag = f"{kind}{seed}"
            lines.append(c_params(f"{tag}_p", ctype, params))
            for j, role in enumerate(["input", "filter", "bias", "multiplier", "shift"]):
                lines.append(c_array(f"{tag}_{role}", ops[j]))
            n_out = ops[out_index].nbytes
            max_out = max(max_out, n_out)
            scratch = 0
            if kind in ("conv", "fc"):
                slot = lib.MICRO_CONV_S8_SCRATCH if kind == "conv" else cases.FC_SCRATCH
                scratch = ops[slot].nbytes
                max_scratch = max(max_scratch, scratch)
            refs = ", ".join(
                f"{tag}_{r}" for r in ["input", "filter", "bias", "multiplier", "shift"]
            )
            tables[kind].append(f"    {{&{tag}_p, {refs}, {n_out}u, {int(scratch > 0)}u}},")
    lines.append(f"#define MAX_OUT {max_out}")
    lines.append(f"#define MAX_SCRATCH {max_scratch}")
    for kind, ctype, _, _ in generators:
        lines.append(
            f"typedef struct {{ const {ctype} *p; const int8_t *input, *filter; "
            "const int32_t *bias, *multiplier, *shift; uint32_t n_out, scratch; }"
            f" {kind}_case_t;"
        )
        lines.append(f"static const {kind}_case_t {kind}_cases[] = {{")
        lines.extend(tables[kind])
        lines.append("};")
    n_conv = PER_KERNEL + DIRECT + ROWS + PAIRED + MORE + STRIDED + HEAD + HEAD16 + FLOOR
    lines.append(f"#define N_CONV {n_conv}")
    lines.append(f"#define N_DEPTHWISE {PER_KERNEL + MAPS}")
    lines.append(f"#define N_FC {PER_KERNEL + ROWS16 + REST + LEAN + SINGLE + LONG}")
    return "\n".join(lines) + "\n"


def run_cases(main: str, header: str, board: str, tmp_path: Path) -> tuple[Any, str]:
    """Build a firmware of `main` (src/main.c) and `header` (src/cases.h) against the
    library for `board`, run it on the emulator: the run and the image's disassembly.
    The platform is linked into the project's own platforms folder (as in generated
    projects), not the shared core's, which another run may be relinking at that moment."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "main.c").write_text(main)
    (src / "cases.h").write_text(header)
    (tmp_path / "platformio.ini").write_text(
        "[platformio]\nplatforms_dir = .pio/platforms\n\n"
        f"[env:{board}]\nplatform = symlink://{firmware_dir() / 'platform'}\nboard = {board}\n"
        f"lib_deps = symlink://{data_root()}\n"
    )
    firmware.pio(["run", "-d", str(tmp_path), "-e", board])
    assert (tmp_path / ".pio" / "platforms").is_dir()  # installed here, not in the core
    elf = tmp_path / ".pio" / "build" / board / "firmware.elf"
    run = firmware.run_qemu(elf, load_board(board), count=False)
    disassembly = subprocess.run(
        ["arm-none-eabi-objdump", "-d", str(elf)], capture_output=True, text=True, check=True
    ).stdout
    return run, disassembly


@pytest.mark.parametrize(
    "board", ["mps2-an386", pytest.param("mps2-an500", marks=pytest.mark.slow)]
)
def test_dsp_kernels_equal_reference_on_board(board: str, toolchain: None, tmp_path: Path) -> None:
    run, disassembly = run_cases(MAIN, cases_header(), board, tmp_path)
    assert "dsp cases all equal" in run.log and run.status == 0, run.log
    # The DSP twins are what ran: their instructions are in the image.
    for instruction in ("smlad", "smmlar", "smmlsr", "sxtb16"):
        assert f"\t{instruction}" in disassembly, instruction
