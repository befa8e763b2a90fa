"""RESIZE_NEAREST_NEIGHBOR (float32, int8, int16) and RESIZE_BILINEAR (int8, float32)
against TFLM: random shapes, up- and downsampling, both align_corners and half_pixel_centers."""

from __future__ import annotations

import numpy as np
import pytest
from support.models import Quant, T, one_op_model, random_quant
from support.oracle import assert_matches_tflm
from support.programs import assert_hostile_params_safe

import micro


def resize_model(
    op: str,
    shape: tuple[int, int, int, int],
    size: tuple[int, int],
    dtype: str,
    align: bool,
    half: bool,
    quant: Quant | None = None,
) -> bytes:
    out = (shape[0], size[0], size[1], shape[3])
    return one_op_model(
        op,
        [T(shape, dtype, quant=quant), T((2,), "int32", np.array(size, np.int32))],
        [T(out, dtype, quant=quant)],
        {"align_corners": align, "half_pixel_centers": half},
    )


def random_case(seed: int) -> tuple[tuple[int, int, int, int], tuple[int, int], bool, bool]:
    rng = np.random.default_rng(seed)
    shape = (
        int(rng.integers(1, 3)),
        int(rng.integers(1, 9)),
        int(rng.integers(1, 9)),
        int(rng.integers(1, 6)),
    )
    size = (int(rng.integers(1, 17)), int(rng.integers(1, 17)))
    flags = int(rng.integers(0, 3))  # none, align_corners, half_pixel_centers
    return shape, size, flags == 1, flags == 2


@pytest.mark.parametrize("seed", range(60))
def test_nearest_matches_tflm(seed: int) -> None:
    shape, size, align, half = random_case(seed)
    if seed % 7 == 6:
        align = half = True  # TFLM accepts both flags for nearest neighbour
    dtype = ("int8", "int16", "float32")[seed % 3]
    quant = random_quant(np.random.default_rng(seed), dtype)
    assert_matches_tflm(
        resize_model("RESIZE_NEAREST_NEIGHBOR", shape, size, dtype, align, half, quant)
    )


@pytest.mark.parametrize("seed", range(60))
def test_bilinear_matches_tflm(seed: int) -> None:
    shape, size, align, half = random_case(seed)
    quant = random_quant(np.random.default_rng(seed), "int8")
    assert_matches_tflm(resize_model("RESIZE_BILINEAR", shape, size, "int8", align, half, quant))


@pytest.mark.parametrize("seed", range(60))
def test_float_bilinear_matches_tflm(seed: int) -> None:
    shape, size, align, half = random_case(seed + 1000)
    model = resize_model("RESIZE_BILINEAR", shape, size, "float32", align, half)
    assert_matches_tflm(model, seeds=(seed,))


def test_float_bilinear_keeps_tflm_signed_zero_and_extremes() -> None:
    """-0.0 inputs give +0.0 (TFLM adds 0.0f), and values near FLT_MAX overflow as there."""
    model = resize_model("RESIZE_BILINEAR", (1, 3, 3, 2), (7, 5), "float32", False, True)
    x = np.full((1, 3, 3, 2), -0.0, np.float32)
    x[0, 1, :, 0] = 3.0e38
    x[0, 2, :, 1] = -np.inf
    assert_matches_tflm(model, inputs=[x])


@pytest.mark.parametrize("op", ["RESIZE_NEAREST_NEIGHBOR", "RESIZE_BILINEAR"])
@pytest.mark.parametrize(("align", "half"), [(False, False), (True, False), (False, True)])
@pytest.mark.parametrize("dtype", ["int8", "float32"])
def test_upsampling2d_shapes(op: str, align: bool, half: bool, dtype: str) -> None:
    """What Keras UpSampling2D and FPN necks emit: exact 2x and 4x, odd inputs, 3x."""
    for shape, size in (
        ((1, 5, 7, 8), (10, 14)),
        ((1, 3, 3, 16), (12, 12)),
        ((1, 4, 6, 3), (12, 18)),
    ):
        quant = random_quant(np.random.default_rng(1), dtype)
        model = resize_model(op, shape, size, dtype, align, half, quant)
        assert_matches_tflm(model, seeds=(0,))


@pytest.mark.parametrize(("width", "half"), [(83, False), (42, True)])
def test_nearest_align_corners_rounds_as_std_round(width: int, half: bool) -> None:
    """Column 41 (20 with half pixels) of 2 -> 83 (42) lands on 0.49999997 in float32:
    std::round gives 0, floor(x + 0.5) would give 1."""
    model = resize_model("RESIZE_NEAREST_NEIGHBOR", (1, 1, 2, 1), (1, width), "int8", True, half)
    x = np.array([5, -7], np.int8).reshape(1, 1, 2, 1)
    assert_matches_tflm(model, inputs=[x])


def test_bilinear_rejects_both_flags() -> None:
    model = resize_model("RESIZE_BILINEAR", (1, 2, 2, 1), (4, 4), "int8", True, True)
    with pytest.raises(micro.ModelError, match="align_corners"):
        micro.Interpreter.from_bytes(model)


def test_rejects_unsupported_types_and_ranks() -> None:
    model = resize_model("RESIZE_BILINEAR", (1, 2, 2, 1), (4, 4), "int16", False, False)
    with pytest.raises(micro.UnsupportedOpError, match="int16"):
        micro.Interpreter.from_bytes(model)
    bad = one_op_model(
        "RESIZE_NEAREST_NEIGHBOR",
        [T((2, 2, 1), "int8"), T((2,), "int32", np.array([4, 4], np.int32))],
        [T((4, 4, 1), "int8")],
    )
    with pytest.raises(micro.UnsupportedOpError, match=r"operator 0.*4-D"):
        micro.Interpreter.from_bytes(bad)


def test_rejects_wrong_output_shape() -> None:
    bad = one_op_model(
        "RESIZE_NEAREST_NEIGHBOR",
        [T((1, 2, 2, 1), "int8"), T((2,), "int32", np.array([4, 4], np.int32))],
        [T((1, 4, 5, 1), "int8")],
    )
    with pytest.raises(micro.ModelError, match="resized shape"):
        micro.Interpreter.from_bytes(bad)


@pytest.mark.parametrize("op", ["RESIZE_NEAREST_NEIGHBOR", "RESIZE_BILINEAR"])
@pytest.mark.parametrize("dtype", ["int8", "float32"])
def test_tampered_params_are_refused_or_safe(op: str, dtype: str) -> None:
    model = resize_model(op, (1, 3, 4, 2), (6, 5), dtype, False, True)
    assert_hostile_params_safe(model)
