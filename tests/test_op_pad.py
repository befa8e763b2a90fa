"""PAD and PADV2: random ranks (up to TFLM's 5), shapes, paddings, types and quantization,
byte-exact against TFLM; the pad value's rules (PAD: int8 output zero point, else 0;
PADV2: the constant) are checked by the oracle, and once more against numpy."""

from __future__ import annotations

import numpy as np
import pytest
from support.models import Quant, T, one_op_model, random_quant, random_values
from support.oracle import assert_matches_numpy, assert_matches_tflm
from support.programs import patched_program

import micro
from micro.errors import ModelError, ProgramError, UnsupportedOpError
from micro.interpreter import Runtime

DTYPES = ("int8", "int16", "int32", "float32")


def pad_model(
    shape: tuple[int, ...],
    paddings: np.ndarray,
    dtype: str,
    quant: Quant | None,
    value: T | None = None,
    op: str = "PAD",
) -> bytes:
    out_shape = [n + int(p.sum()) for n, p in zip(shape, paddings, strict=True)]
    inputs = [T(shape, dtype, quant=quant), T(paddings.shape, "int32", paddings.astype(np.int32))]
    if value is not None:
        inputs.append(value)
    return one_op_model(op, inputs, [T(out_shape, dtype, quant=quant)])


def random_case(seed: int) -> tuple[bytes, tuple, np.ndarray, str, dict, T | None]:
    rng = np.random.default_rng(seed)
    rank = int(rng.integers(1, 6))
    shape = tuple(int(d) for d in rng.integers(1, 6, rank))
    paddings = rng.integers(0, 4, (rank, 2))
    paddings[rng.random(rank) < 0.3] = 0  # some dimensions unpadded (merged by prepare)
    dtype = str(rng.choice(DTYPES))
    quant = random_quant(rng, dtype)
    value = None
    op = "PAD"
    if rng.random() < 0.5:
        op = "PADV2"
        value = T((), dtype, random_values(rng, (), dtype), quant)
    return pad_model(shape, paddings, dtype, quant, value, op), shape, paddings, dtype, quant, value


@pytest.mark.parametrize("seed", range(100))
def test_matches_tflm(seed: int) -> None:
    assert_matches_tflm(random_case(seed)[0])


@pytest.mark.parametrize("seed", range(12))
def test_matches_numpy(seed: int) -> None:
    model, _, paddings, dtype, quant, value = random_case(seed)
    if value is not None:
        fill = value.data
    elif dtype == "int8":
        fill = quant[1]
    else:
        fill = 0
    assert_matches_numpy(
        model,
        lambda xs: [np.pad(xs[0], paddings, constant_values=np.array(fill, dtype=dtype))],
    )


def test_pad_value_from_a_live_tensor() -> None:
    """PADV2 reads its constant at run time, so a non-constant scalar input works too."""
    q = (0.25, 5)
    model = pad_model(
        (2, 3), np.array([[1, 0], [2, 1]]), "int8", q, T((1,), "int8", quant=q), "PADV2"
    )
    assert_matches_tflm(model)


def test_image_style_nhwc() -> None:
    """The common case before a convolution: pad H and W of NHWC, channels contiguous."""
    q = (0.05, -128)
    model = pad_model((1, 5, 5, 8), np.array([[0, 0], [1, 2], [2, 1], [0, 0]]), "int8", q)
    (step,) = micro.Interpreter.from_bytes(model).compiled.steps
    assert step.kernel == "pad" and step.params["n_dims"] == 2  # H, W*C
    assert_matches_tflm(model)


def test_no_padding_is_a_copy() -> None:
    model = pad_model((2, 3, 4), np.zeros((3, 2), np.int64), "float32", None)
    (step,) = micro.Interpreter.from_bytes(model).compiled.steps
    assert step.params["n_dims"] == 1 and step.params["in_shape"][0] == 24
    assert_matches_tflm(model)


def test_negative_padding_is_unsupported() -> None:
    model = one_op_model(
        "PAD",
        [T((4, 4), "float32"), T((2, 2), "int32", np.array([[0, 0], [-1, 0]], np.int32))],
        [T((4, 3), "float32")],
    )
    with pytest.raises(UnsupportedOpError, match="negative"):
        micro.Interpreter.from_bytes(model)


def test_non_constant_paddings_are_unsupported() -> None:
    model = one_op_model("PAD", [T((4, 4), "float32"), T((2, 2), "int32")], [T((5, 5), "float32")])
    with pytest.raises(UnsupportedOpError, match="paddings"):
        micro.Interpreter.from_bytes(model)


def test_value_quantized_differently_is_unsupported() -> None:
    q = (0.25, 5)
    value = T((), "int8", np.array(3, np.int8), (0.5, 5))
    model = pad_model((2, 3), np.array([[1, 0], [0, 1]]), "int8", q, value, "PADV2")
    with pytest.raises(UnsupportedOpError, match="constant_values"):
        micro.Interpreter.from_bytes(model)


def test_wrong_output_shape_is_malformed() -> None:
    model = one_op_model(
        "PAD",
        [T((4, 4), "float32"), T((2, 2), "int32", np.array([[1, 1], [0, 0]], np.int32))],
        [T((5, 4), "float32")],
    )
    with pytest.raises(ModelError, match="padded shape"):
        micro.Interpreter.from_bytes(model)


def test_six_dims_unsupported() -> None:
    model = pad_model((1,) * 6, np.ones((6, 2), np.int64), "int8", (1.0, 0))
    with pytest.raises(UnsupportedOpError, match="at most 5"):
        micro.Interpreter.from_bytes(model)


def test_unsupported_type() -> None:
    model = pad_model((2, 2), np.ones((2, 2), np.int64), "bool", None)
    with pytest.raises(UnsupportedOpError, match="bool"):
        micro.Interpreter.from_bytes(model)


@pytest.mark.parametrize(
    "changes",
    [
        {"before": [2, 0, 0, 0, 0, 0]},  # output larger than its operand
        {"after": [0, -1, 0, 0, 0, 0]},
        {"in_shape": [3, 4, 1, 1, 1, 1]},  # input larger than its operand
        {"elem_size": 4},
        {"elem_size": 0},
        {"n_dims": 7},
        {"in_shape": [0, 3, 1, 1, 1, 1]},
    ],
)
def test_hostile_pad_params_are_refused(changes: dict) -> None:
    """A corrupt program (valid checksum) is refused by the kernel's check at load time."""
    model = pad_model((2, 3), np.array([[1, 1], [0, 2]]), "int8", (1.0, 0))
    (step,) = micro.Interpreter.from_bytes(model).compiled.steps
    assert step.params["in_shape"][:2] == [2, 3] and step.params["before"][:2] == [1, 0]
    program, arena = patched_program(model, **changes)
    with pytest.raises(ProgramError, match="step 0"):
        Runtime(program, arena)
