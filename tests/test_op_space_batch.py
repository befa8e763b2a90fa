"""SPACE_TO_BATCH_ND and BATCH_TO_SPACE_ND (float32, int8; 3-D and 4-D) against TFLM:
random blocks, paddings and crops, quantized int8 with any zero point. TFLM pads
SPACE_TO_BATCH_ND with whatever its pad-value buffer held (it never sets it), so padded
cases are compared with LiteRT, which pads with real zero (the zero point), and the cases
without padding with TFLM too."""

from __future__ import annotations

import numpy as np
import pytest
from support.models import Quant, T, one_op_model, random_quant, random_values
from support.oracle import assert_matches_tflm, assert_same_bytes, run_litert, run_micro
from support.programs import assert_hostile_params_safe

import micro


def s2b_model(
    shape: tuple, block: list, pads: list, dtype: str, quant: Quant | None = None
) -> bytes:
    spatial = len(shape) - 2
    padded = [shape[1 + i] + pads[2 * i] + pads[2 * i + 1] for i in range(spatial)]
    out = (shape[0] * int(np.prod(block)), *(p // b for p, b in zip(padded, block, strict=True)))
    return one_op_model(
        "SPACE_TO_BATCH_ND",
        [
            T(shape, dtype, quant=quant),
            T((spatial,), "int32", np.array(block, np.int32)),
            T((spatial, 2), "int32", np.array(pads, np.int32).reshape(spatial, 2)),
        ],
        [T((*out, shape[-1]), dtype, quant=quant)],
    )


def b2s_model(
    shape: tuple, block: list, crops: list, dtype: str, quant: Quant | None = None
) -> bytes:
    spatial = len(shape) - 2
    sizes = [shape[1 + i] * block[i] - crops[2 * i] - crops[2 * i + 1] for i in range(spatial)]
    out = (shape[0] // int(np.prod(block)), *sizes, shape[-1])
    return one_op_model(
        "BATCH_TO_SPACE_ND",
        [
            T(shape, dtype, quant=quant),
            T((spatial,), "int32", np.array(block, np.int32)),
            T((spatial, 2), "int32", np.array(crops, np.int32).reshape(spatial, 2)),
        ],
        [T(out, dtype, quant=quant)],
    )


def _case(seed: int) -> tuple[np.random.Generator, int, list[int], str]:
    rng = np.random.default_rng(seed)
    spatial = 1 + seed % 2  # 3-D or 4-D
    block = [int(b) for b in rng.integers(1, 4, spatial)]
    dtype = ("float32", "int8")[(seed // 2) % 2]
    return rng, spatial, block, dtype


@pytest.mark.parametrize("seed", range(24))
def test_space_to_batch_matches_tflm(seed: int) -> None:
    rng, spatial, block, dtype = _case(seed)
    sizes = [int(s) for s in rng.integers(1, 8, spatial)]
    pads = []
    for size, b in zip(sizes, block, strict=True):
        top = int(rng.integers(0, 3))
        bottom = (-(size + top)) % b + b * int(rng.integers(0, 2))
        pads += [top, bottom]
    shape = (int(rng.integers(1, 3)), *sizes, int(rng.integers(1, 5)))
    quant = random_quant(rng, dtype)
    model = s2b_model(shape, block, pads, dtype, quant)
    x = random_values(rng, shape, dtype)
    assert_same_bytes(run_micro(model, [x]), run_litert(model, [x]), "LiteRT")
    if not any(pads):
        assert_matches_tflm(model, inputs=[x])


@pytest.mark.parametrize("dtype", ["float32", "int8"])
def test_space_to_batch_without_padding_matches_tflm(dtype: str) -> None:
    rng = np.random.default_rng(3)
    for shape, block in (((2, 4, 6, 3), [2, 3]), ((1, 6, 2), [3]), ((3, 2, 2, 1), [1, 2])):
        pads = [0] * (2 * len(block))
        model = s2b_model(shape, block, pads, dtype, random_quant(rng, dtype))
        assert_matches_tflm(model, seeds=(0, 1))


@pytest.mark.parametrize("seed", range(24))
def test_batch_to_space_matches_tflm(seed: int) -> None:
    rng, spatial, block, dtype = _case(seed)
    sizes = [int(s) for s in rng.integers(1, 6, spatial)]
    crops = []
    for size, b in zip(sizes, block, strict=True):
        total = int(rng.integers(0, size * b))  # leave at least one row
        top = int(rng.integers(0, total + 1))
        crops += [top, total - top]
    shape = (int(np.prod(block)) * int(rng.integers(1, 3)), *sizes, int(rng.integers(1, 5)))
    quant = random_quant(rng, dtype)
    assert_matches_tflm(b2s_model(shape, block, crops, dtype, quant), seeds=(seed,))


def test_refusals() -> None:
    cases = [
        (s2b_model((1, 4, 4, 2), [2, 2], [0, 0, 0, 0], "int16"), "int16; supported"),
        (s2b_model((1, 2, 2, 2, 1), [1, 1, 1], [0] * 6, "float32"), "3-D or 4-D"),
        (b2s_model((3, 2, 2, 1), [2, 1], [0, 0, 0, 0], "int8"), "multiple of the block"),
        (b2s_model((4, 2, 2, 1), [2, 2], [4, 0, 0, 0], "int8"), "empty tensors"),
    ]
    for model, message in cases:
        with pytest.raises(micro.MicroError, match=rf"operator 0.*{message}"):
            micro.Interpreter.from_bytes(model)
    bad = one_op_model(
        "SPACE_TO_BATCH_ND",
        [
            T((1, 3, 3, 1), "int8"),
            T((2,), "int32", np.array([2, 2], np.int32)),
            T((2, 2), "int32", np.zeros((2, 2), np.int32)),
        ],
        [T((4, 1, 1, 1), "int8")],
    )
    with pytest.raises(micro.ModelError, match=r"operator 0.*multiple of the block"):
        micro.Interpreter.from_bytes(bad)
    not_const = one_op_model(
        "BATCH_TO_SPACE_ND",
        [T((4, 1, 1, 1), "int8"), T((2,), "int32"), T((2, 2), "int32", np.zeros((2, 2), np.int32))],
        [T((1, 2, 2, 1), "int8")],
    )
    with pytest.raises(micro.UnsupportedOpError, match=r"operator 0.*block_shape.*constant"):
        micro.Interpreter.from_bytes(not_const)


@pytest.mark.parametrize("op", ["SPACE_TO_BATCH_ND", "BATCH_TO_SPACE_ND"])
def test_tampered_params_are_refused_or_safe(op: str) -> None:
    if op == "SPACE_TO_BATCH_ND":
        model = s2b_model((1, 5, 4, 2), [2, 3], [1, 0, 1, 1], "float32")
    else:
        model = b2s_model((6, 2, 3, 2), [2, 3], [1, 0, 0, 2], "int8")
    assert_hostile_params_safe(model)
