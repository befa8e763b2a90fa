"""The host twins (*_host: AVX2 on x86-64 CPUs that have it, chosen at run time) give the
bytes of their reference kernels, the oracle, over random params and data: the DSP twins'
cases (tests/test_dsp_kernels.py) and wider ones that cross the twins' blocks (16 or 32
output channels, 4 or 8 pixels, a stack chunk of patches). The conv and depthwise twins'
and fully connected twins' cases run once per variant the CPU has (AVX2, AVX-512BW,
AVX-512 VNNI), the add twin's
per variant (AVX2, AVX-512BW), each forced in turn. Without
AVX2 a twin is its reference kernel, the path every other x86-64 CPU runs; the reference is
what the right side of each comparison runs, and MICRO_HOST_SIMD=0 builds run it
everywhere."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest
from support.depthwise import depthwise_case, make_case
from support.draws import bias, int8, requant
from support.kernels import assert_twin, run
from test_dsp_kernels import CASES, add_case, conv_case, conv_data, fully_connected_case

from micro._ffi import ffi, lib


def avx2() -> bool:
    try:
        with open("/proc/cpuinfo") as f:
            return " avx2" in f.read()
    except OSError:
        return False


def test_the_host_runs_the_avx2_path_where_the_cpu_has_it() -> None:
    """Not a result check: says which path the comparisons below exercised."""
    if not avx2():
        pytest.skip("this CPU has no AVX2: the twins run their reference kernels")


def wide_conv_case(seed: int) -> tuple[Any, list[np.ndarray]]:
    """Conv params over the twin's blocks: up to 70 output channels, wide rows, 1x1 and
    3x3 windows on many channels, odd patch lengths, groups."""
    rng = np.random.default_rng(seed)
    groups = int(rng.choice([1, 1, 1, 2]))
    depth = int(rng.choice([1, 3, 8, 16, 33, 64, int(rng.integers(1, 130))]))
    fh, fw = [(1, 1), (3, 3), (int(rng.integers(1, 4)), int(rng.integers(1, 4)))][
        int(rng.integers(0, 3))
    ]
    per_group = int(rng.choice([1, 8, 15, 16, 17, 32, int(rng.integers(1, 70))]))
    o = groups * per_group
    p: dict[str, int] = {
        "batches": int(rng.integers(1, 3)),
        "input_height": int(rng.integers(1, 10)),
        "input_width": int(rng.integers(1, 40)),
        "input_depth": groups * depth,
        "filter_height": fh,
        "filter_width": fw,
        "filter_depth": depth,
        "output_height": int(rng.integers(1, 6)),
        "output_width": int(rng.integers(1, 40)),
        "output_depth": o,
        "groups": groups,
        "stride_height": int(rng.integers(1, 3)),
        "stride_width": int(rng.integers(1, 3)),
        "dilation_height": 1,
        "dilation_width": int(rng.choice([1, 1, 2])),
        "pad_top": int(rng.integers(0, fh)),
        "pad_left": int(rng.integers(0, fw)),
        "input_zp": int(rng.integers(-128, 128)),
        "output_zp": int(rng.integers(-128, 128)),
    }
    return conv_data(rng, p)


CONV_VARIANTS = {0: "reference", 1: "AVX2", 2: "AVX-512BW", 3: "AVX-512 VNNI"}


def forced_variant(
    request: pytest.FixtureRequest, set_variant: Callable[[int], int], default: int, twin: str
) -> Iterator[int]:
    """Limits a twin to the variant request.param for a test (skipped where the CPU lacks
    it), then restores `default`: the cap of the twin's variant setter (set_variant(cap)
    returns the best the CPU has up to cap; set_variant(-1) the current one)."""
    variant = int(request.param)
    set_variant(default)
    if variant > set_variant(-1):
        pytest.skip(f"this CPU cannot run the {twin} twin's {CONV_VARIANTS[variant]} variant")
    assert set_variant(variant) == variant
    yield variant
    set_variant(default)


@pytest.fixture(params=[1, 2, 3], ids=["AVX2", "AVX-512BW", "AVX-512 VNNI"])
def conv_variant(request: pytest.FixtureRequest) -> Iterator[int]:
    """micro_conv_s8_host on one variant (default: the best the CPU has)."""
    yield from forced_variant(request, lib.micro_conv_s8_host_variant, 3, "conv")


def test_the_conv_twin_runs_the_best_variant_the_cpu_has() -> None:
    """By default the twin runs AVX-512 (VNNI where present) on CPUs that have it, as
    /proc/cpuinfo reports the flags; not a result check: the variant tests below say
    which variants ran."""
    try:
        with open("/proc/cpuinfo") as f:
            flags = set(next(line for line in f if line.startswith("flags")).split())
    except (OSError, StopIteration):
        pytest.skip("no /proc/cpuinfo flags")
    best = lib.micro_conv_s8_host_variant(3)
    if {"avx512f", "avx512bw", "avx512vl"} <= flags:
        assert best == (3 if "avx512_vnni" in flags else 2)
    elif "avx2" in flags:
        assert best == 1


@pytest.mark.parametrize("seed", range(CASES))
def test_conv_host_matches_reference(seed: int, conv_variant: int) -> None:
    assert_twin("conv_s8", "host", [conv_case(seed), wide_conv_case(seed)])


def pointwise_conv_case(seed: int) -> tuple[Any, list[np.ndarray]]:
    """A 1x1 conv at stride 1 without padding whose output rows are the input's (the
    AVX-512 variant widens such patches straight from the input), often with an odd
    depth (then it gathers) or fewer output rows than input rows."""
    rng = np.random.default_rng(seed)
    height, width = int(rng.integers(1, 30)), int(rng.integers(1, 60))
    depth = int(rng.choice([2, 8, 16, 24, 64, 130, int(rng.integers(1, 200))]))
    p: dict[str, int] = {
        "batches": int(rng.integers(1, 3)),
        "input_height": height,
        "input_width": width,
        "input_depth": depth,
        "filter_height": 1,
        "filter_width": 1,
        "filter_depth": depth,
        "output_height": height - int(rng.integers(0, min(height, 3))),
        "output_width": width,
        "output_depth": int(rng.choice([9, 16, 17, 32, 33, 48, int(rng.integers(1, 80))])),
        "groups": 1,
        "stride_height": 1,
        "stride_width": 1,
        "dilation_height": 1,
        "dilation_width": 1,
        "pad_top": 0,
        "pad_left": 0,
        "input_zp": int(rng.integers(-128, 128)),
        "output_zp": int(rng.integers(-128, 128)),
    }
    return conv_data(rng, p)


@pytest.mark.parametrize("seed", range(CASES // 3))
def test_conv_host_pointwise_matches_reference(seed: int, conv_variant: int) -> None:
    assert_twin("conv_s8", "host", [pointwise_conv_case(seed)])


def first_layer_case(seed: int) -> tuple[Any, list[np.ndarray]]:
    """A first layer: 1 to 7 input channels (the VNNI variant spreads each pixel to a whole
    group of 4), windows up to 5x5 with strides, dilation and padding, images up to 40
    pixels wide, batches."""
    rng = np.random.default_rng(seed + 900)
    depth = int(rng.integers(1, 8))
    fh, fw = int(rng.integers(1, 6)), int(rng.integers(1, 6))
    p: dict[str, int] = {
        "batches": int(rng.integers(1, 3)),
        "input_height": int(rng.integers(1, 41)),
        "input_width": int(rng.integers(1, 41)),
        "input_depth": depth,
        "filter_height": fh,
        "filter_width": fw,
        "filter_depth": depth,
        "output_height": int(rng.integers(1, 21)),
        "output_width": int(rng.integers(1, 21)),
        "output_depth": int(rng.choice([1, 8, 16, 17, 32, int(rng.integers(1, 48))])),
        "groups": 1,
        "stride_height": int(rng.integers(1, 3)),
        "stride_width": int(rng.integers(1, 3)),
        "dilation_height": int(rng.choice([1, 1, 2])),
        "dilation_width": int(rng.choice([1, 1, 2])),
        "pad_top": int(rng.integers(0, fh)),
        "pad_left": int(rng.integers(0, fw)),
        "input_zp": int(rng.integers(-128, 128)),
        "output_zp": int(rng.integers(-128, 128)),
    }
    return conv_data(rng, p)


@pytest.mark.parametrize("seed", range(CASES // 3))
def test_conv_host_first_layers_match_reference(seed: int, conv_variant: int) -> None:
    assert_twin("conv_s8", "host", [first_layer_case(seed)])


@pytest.mark.parametrize("seed", range(CASES // 10))
def test_conv_host_long_patches_match_reference(seed: int, conv_variant: int) -> None:
    """Patches up to 2240 values: past the twin's packed block (1152), the reference."""
    assert_twin("conv_s8", "host", [conv_case(seed, long=True)])


def test_conv_host_needs_no_scratch(conv_variant: int) -> None:
    params, ops = wide_conv_case(3)
    want = run(lib.micro_conv_s8, params, ops)
    ops[5] = np.zeros(0, np.int64)  # absent: NULL, as the runtime passes it
    assert run(lib.micro_conv_s8_host, params, ops) == want


@pytest.fixture(params=[1, 2, 3], ids=["AVX2", "AVX-512BW", "AVX-512 VNNI"])
def depthwise_variant(request: pytest.FixtureRequest) -> Iterator[int]:
    """micro_depthwise_conv_s8_host on one variant (default: cap 4, the twin's own choice)."""
    yield from forced_variant(request, lib.micro_depthwise_conv_s8_host_variant, 4, "depthwise")


def test_the_depthwise_twin_runs_the_conv_twins_variant() -> None:
    """Both twins pick their variant from the same CPU flags (by default the depthwise
    twin's best also takes layers of 64 channels or more only; the forced variants in the
    tests below take every layer)."""
    lib.micro_conv_s8_host_variant(3)
    assert lib.micro_depthwise_conv_s8_host_variant(4) == lib.micro_conv_s8_host_variant(-1)


def wide_depthwise_case(seed: int) -> tuple[Any, list[np.ndarray]]:
    """Depthwise params over the 512-bit variant's blocks (16-lane groups, 64-channel
    blocks): channel counts around 16 and 64 and up to 300, windows up to 5x5 with
    strides, dilation and padding past the image, batches, per-channel requantization
    (extreme multipliers and shifts half the time), clamps; depth multiplier 1 mostly (the
    others run the reference)."""
    rng = np.random.default_rng(seed + 500)
    channels = int(rng.choice([1, 7, 15, 16, 17, 33, 63, 64, 65, 129, int(rng.integers(1, 300))]))
    fh, fw = int(rng.integers(1, 6)), int(rng.integers(1, 6))
    p: dict[str, int] = {
        "batches": int(rng.integers(1, 3)),
        "input_height": int(rng.integers(1, 10)),
        "input_width": int(rng.integers(1, 10)),
        "input_depth": channels,
        "depth_multiplier": 1 if rng.random() < 0.9 else 2,
        "filter_height": fh,
        "filter_width": fw,
        "output_height": int(rng.integers(1, 8)),
        "output_width": int(rng.integers(1, 8)),
        "stride_height": int(rng.integers(1, 3)),
        "stride_width": int(rng.integers(1, 3)),
        "dilation_height": int(rng.choice([1, 1, 2])),
        "dilation_width": int(rng.choice([1, 1, 2])),
        "pad_top": int(rng.integers(0, fh + 1)),
        "pad_left": int(rng.integers(0, fw + 1)),
        "input_zp": int(rng.integers(-128, 128)),
        "output_zp": int(rng.integers(-128, 128)),
    }
    return make_case(rng, p, fast=False)


@pytest.mark.parametrize("seed", range(CASES))
def test_depthwise_host_matches_reference(seed: int, depthwise_variant: int) -> None:
    cases = [depthwise_case(seed, False), depthwise_case(seed, True), wide_depthwise_case(seed)]
    assert_twin("depthwise_conv_s8", "host", cases)


def test_depthwise_host_past_its_tables_matches_reference(depthwise_variant: int) -> None:
    """More channels (1040) than the 512-bit variant's tables hold, and 7x7 taps of 200
    channels (past its weight table): the AVX2 loops take them."""
    cases = []
    for seed, (channels, fh, fw) in enumerate([(1040, 1, 2), (200, 7, 7)]):
        rng = np.random.default_rng(seed)
        p = {
            "batches": 1,
            "input_height": 4,
            "input_width": 4,
            "input_depth": channels,
            "depth_multiplier": 1,
            "filter_height": fh,
            "filter_width": fw,
            "output_height": 3,
            "output_width": 3,
            "stride_height": 1,
            "stride_width": 1,
            "dilation_height": 1,
            "dilation_width": 1,
            "pad_top": fh // 2,
            "pad_left": fw // 2,
            "input_zp": int(rng.integers(-128, 128)),
            "output_zp": int(rng.integers(-128, 128)),
        }
        cases.append(make_case(rng, p, fast=False))
    assert_twin("depthwise_conv_s8", "host", cases)


@pytest.fixture(params=[1, 2], ids=["AVX2", "AVX-512BW"])
def add_variant(request: pytest.FixtureRequest) -> Iterator[int]:
    """micro_add_s8_host on one variant (default: the best the CPU has)."""
    yield from forced_variant(request, lib.micro_add_s8_host_variant, 2, "add")


@pytest.mark.parametrize("seed", range(CASES))
def test_add_host_matches_reference(seed: int, add_variant: int) -> None:
    """Every broadcast layout (strided and stride-0 rows, rows shorter than 8)."""
    assert_twin("add_s8", "host", [add_case(seed)])


def test_add_host_long_rows_match_reference(add_variant: int) -> None:
    """Contiguous rows of 1000 elements (the vector loop's main case) and every byte."""
    rng = np.random.default_rng(5)
    cases = []
    for seed in range(20):
        params, ops = add_case(seed)
        n = 1000
        params.broadcast.rank = 1
        params.broadcast.dims[0] = n
        params.broadcast.stride1[0] = params.broadcast.stride2[0] = 1
        ops[0] = rng.integers(-128, 128, n).astype(np.int8)
        ops[1] = rng.integers(-128, 128, n).astype(np.int8)
        ops[-1] = np.zeros(n, np.int8)
        cases.append((params, ops))
    assert_twin("add_s8", "host", cases)


def test_add_host_random_tables_match_reference(add_variant: int) -> None:
    """Tables of random entries (no order for a wrong lookup to hide in) read at every byte,
    with a requantization fine enough that distinct sums give distinct outputs."""
    rng = np.random.default_rng(11)
    cases = []
    for seed in range(8):
        params, ops = add_case(seed)
        n = 256 + seed
        params.broadcast.rank = 1
        params.broadcast.dims[0] = n
        params.broadcast.stride1[0] = params.broadcast.stride2[0] = 1
        params.output_multiplier, params.output_shift = 1 << 30, -int(rng.integers(0, 3))
        params.act_min, params.act_max = -128, 127
        ops[0] = np.roll(np.arange(n) % 256, seed).astype(np.uint8).view(np.int8)
        ops[1] = rng.integers(-128, 128, n).astype(np.int8)
        ops[2] = rng.integers(-100, 100, 256).astype(np.int32)
        ops[3] = rng.integers(-100, 100, 256).astype(np.int32)
        ops[-1] = np.zeros(n, np.int8)
        cases.append((params, ops))
    assert_twin("add_s8", "host", cases)


@pytest.fixture(params=[1, 2, 3], ids=["AVX2", "AVX-512BW", "AVX-512 VNNI"])
def fc_variant(request: pytest.FixtureRequest) -> Iterator[int]:
    """micro_fully_connected_s8_host on one variant (default: cap 4, the twin's own choice)."""
    yield from forced_variant(request, lib.micro_fully_connected_s8_host_variant, 4, "FC")


def test_the_fc_twin_runs_the_conv_twins_variant() -> None:
    """Both twins pick their variant from the same CPU flags (by default the FC twin's best
    takes layers of 1,024 products or more only; the forced variants in the tests below
    take every layer)."""
    lib.micro_conv_s8_host_variant(3)
    assert lib.micro_fully_connected_s8_host_variant(4) == lib.micro_conv_s8_host_variant(-1)


def test_the_fc_twins_default_gives_the_reference_bytes() -> None:
    """The default (cap 4: AVX2 below 1,024 products, else the best variant) on layers on
    both sides of that size."""
    lib.micro_fully_connected_s8_host_variant(4)
    rng = np.random.default_rng(77)
    cases = []
    for depth, n in ((16, 16), (8, 127), (8, 128), (1, 1024), (64, 16), (640, 128)):
        p = {
            "batches": 2,
            "input_depth": depth,
            "output_depth": n,
            "filter_zp": 3,
            "output_zp": -5,
            "act_min": -128,
            "act_max": 127,
            "per_channel": 1,
            "filter_layout": 0,
        }
        cases.append(row_major_fc(rng, p, small=False))
    assert_twin("fully_connected_s8", "host", cases)


@pytest.mark.parametrize("seed", range(CASES))
def test_fully_connected_host_matches_reference(seed: int, fc_variant: int) -> None:
    """The DSP twins' cases in both filter layouts (the twin vectorises layout 0, the
    host's), then layout 0 with up to 40 outputs and 700 inputs (whole 16-value runs and
    tails, blocks of 8 or 16 outputs and their rest)."""
    cases = [fully_connected_case(seed, 0), fully_connected_case(seed, 1)]
    params = cases[0][0]
    rng = np.random.default_rng(seed + 1000)
    wide = {k: getattr(params, k) for k in dir(params)}
    wide["input_depth"] = int(rng.integers(1, 700))
    wide["output_depth"] = int(rng.integers(1, 41))
    cases.append(row_major_fc(rng, wide, small=False))
    assert_twin("fully_connected_s8", "host", cases)


def row_major_fc(rng: np.random.Generator, p: dict[str, int], small: bool) -> Any:
    """An FC case of params `p` (row-major filter, no scratch) with random data."""
    n, k = p["output_depth"], p["input_depth"]
    mults, shifts = requant(rng, n if p["per_channel"] else 1, small)
    ops = [
        int8(rng, p["batches"] * k),
        int8(rng, n * k),
        bias(rng, n, small),
        mults,
        shifts,
        np.zeros(0, np.uint8),
        np.zeros(p["batches"] * n, np.int8),
    ]
    return ffi.new("micro_fully_connected_s8_params_t *", p), ops


@pytest.mark.parametrize("seed", range(24))
def test_fully_connected_host_wide_layers_match_reference(seed: int, fc_variant: int) -> None:
    """Layer shapes across the 512-bit variants' blocks of 16 outputs and runs of 64
    inputs: depths at and around multiples of 64 (an autoencoder's 640 and 128 among them)
    or random up to 1,300, outputs around 16 and 32 (a last block of 1, of 2..15, none),
    batches, filter zero points, per-channel requantization with extreme multipliers and
    shifts, clamps; and every fourth case the extremes of the VNNI variant's offset: inputs
    and weights all -128 or all 127, biases near the int32 limits (sums that wrap)."""
    rng = np.random.default_rng(seed + 3000)
    depth = int(rng.choice([63, 64, 65, 127, 128, 129, 640, 641, int(rng.integers(1, 1300))]))
    n = int(rng.choice([1, 2, 15, 16, 17, 31, 32, 33, 128, int(rng.integers(1, 80))]))
    p = {
        "batches": int(rng.integers(1, 4)),
        "input_depth": depth,
        "output_depth": n,
        "filter_zp": 0 if rng.random() < 0.5 else int(rng.integers(-128, 128)),
        "output_zp": int(rng.integers(-128, 128)),
        "act_min": int(rng.integers(-128, 0)),
        "act_max": int(rng.integers(0, 128)),
        "per_channel": int(rng.integers(0, 2)),
        "filter_layout": 0,
    }
    params, ops = row_major_fc(rng, p, small=bool(rng.random() < 0.5))
    if seed % 4 == 0:
        x, w = [-128, 127][seed // 4 % 2], [-128, 127][seed // 8 % 2]
        ops[0][:] = x
        ops[1][:] = w
        ops[2][:] = rng.choice([2**31 - 1, -(2**31), 2**31 - 1000, -(2**31) + 1000], n)
    assert_twin("fully_connected_s8", "host", [(params, ops)])


def guarded(data: np.ndarray, keep: list[Any]) -> np.ndarray:
    """A copy of `data` whose last byte is just before a page nothing may read or write (a
    fault at the first byte past it); the mapping is kept alive in `keep`."""
    import ctypes
    import mmap

    page, n = mmap.PAGESIZE, data.nbytes
    pages = -(-n // page) + 1
    region = mmap.mmap(-1, pages * page)
    view = np.frombuffer(region, np.uint8)
    libc = ctypes.CDLL(None, use_errno=True)
    libc.mprotect.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    assert libc.mprotect(view.ctypes.data + (pages - 1) * page, page, 0) == 0  # PROT_NONE
    out = view[(pages - 1) * page - n : (pages - 1) * page].view(data.dtype)
    out[:] = data.ravel()
    keep.append((region, view))
    return out


@pytest.mark.parametrize("seed", range(12))
def test_fully_connected_host_reads_and_writes_nothing_past_its_arrays(
    seed: int, fc_variant: int
) -> None:
    """Every operand ends just before an inaccessible page (input, filter, bias, per-channel
    or single multiplier and shift, output): a load or store past any of them (a whole
    64-byte run where only a tail is left, a block's 16 rows or lanes where fewer remain)
    would fault; the bytes are the reference's."""
    rng = np.random.default_rng(seed + 4000)
    p = {
        "batches": int(rng.integers(1, 3)),
        "input_depth": int(rng.choice([1, 15, 63, 65, 130, int(rng.integers(1, 400))])),
        "output_depth": int(rng.choice([1, 2, 9, 15, 17, 33, int(rng.integers(1, 60))])),
        "filter_zp": int(rng.integers(-128, 128)) if seed % 2 else 0,
        "output_zp": int(rng.integers(-128, 128)),
        "act_min": -128,
        "act_max": 127,
        "per_channel": seed % 3 != 0,
        "filter_layout": 0,
    }
    params, ops = row_major_fc(rng, p, small=False)
    want = run(lib.micro_fully_connected_s8, params, ops)
    keep: list[Any] = []
    arrays = [guarded(a, keep) if a.nbytes else a for a in ops]
    types = ffi.typeof(lib.micro_fully_connected_s8_host).args[1:]
    args = [
        ffi.cast(t, ffi.from_buffer(a)) if a.nbytes else ffi.NULL
        for t, a in zip(types, arrays, strict=True)
    ]
    assert lib.micro_fully_connected_s8_host(params, *args) == lib.MICRO_OK
    assert arrays[-1].tobytes() == want


@pytest.mark.parametrize("depth", [1, 2, 15, 16, 17, 33])
def test_fully_connected_host_tiny_layers_match_reference(depth: int, fc_variant: int) -> None:
    """Tiny layers (hello_world's 1 -> 16 -> 16 -> 1): fewer than 16 inputs (the scalar
    dots), exactly 16, a tail, and output counts around the group of 8 (masked bias and
    per-channel loads), per-tensor and per-channel, with a filter zero point."""
    rng = np.random.default_rng(depth)
    cases = []
    for n in (1, 7, 8, 9, 16, 17):
        for per_channel in (0, 1):
            p = {
                "batches": int(rng.integers(1, 3)),
                "input_depth": depth,
                "output_depth": n,
                "filter_zp": int(rng.integers(-128, 128)) if n % 2 else 0,
                "output_zp": int(rng.integers(-128, 128)),
                "act_min": -128,
                "act_max": 127,
                "per_channel": per_channel,
                "filter_layout": 0,
            }
            cases.append(row_major_fc(rng, p, small=depth < 16))
    assert_twin("fully_connected_s8", "host", cases)
