"""TRANSPOSE: random ranks, shapes, permutations and types, byte-exact against TFLM; types and
ranks TFLM does not run (int32, bool, 6-D) against numpy."""

from __future__ import annotations

import numpy as np
import pytest
from support.models import Quant, T, one_op_model, random_quant, random_values
from support.oracle import assert_matches_numpy, assert_matches_tflm
from support.programs import patched_program

import micro
from micro.errors import ModelError, ProgramError, UnsupportedOpError
from micro.interpreter import Runtime


def transpose_model(
    shape: tuple[int, ...],
    perm: list[int],
    dtype: str,
    quant: Quant | None = None,
    const_input: np.ndarray | None = None,
) -> bytes:
    out_shape = [shape[p] for p in perm]
    return one_op_model(
        "TRANSPOSE",
        [T(shape, dtype, const_input, quant), T((len(perm),), "int32", np.array(perm, np.int32))],
        [T(out_shape, dtype, quant=quant)],
    )


def random_case(seed: int, dtypes: tuple[str, ...], max_rank: int) -> tuple:
    rng = np.random.default_rng(seed)
    rank = int(rng.integers(1, max_rank + 1))
    shape = tuple(int(d) for d in rng.integers(1, 6, rank))
    perm = [int(p) for p in rng.permutation(rank)]
    dtype = str(rng.choice(dtypes))
    return rng, shape, perm, dtype


@pytest.mark.parametrize("seed", range(100))
def test_matches_tflm(seed: int) -> None:
    rng, shape, perm, dtype = random_case(seed, ("int8", "int16", "float32"), 5)
    assert_matches_tflm(transpose_model(shape, perm, dtype, random_quant(rng, dtype)))


@pytest.mark.parametrize("seed", range(20))
def test_beyond_tflm_matches_numpy(seed: int) -> None:
    """int32, bool and 6-D transposes: TFLM's kernel stops at 5-D and float32/int8/int16."""
    rng, shape, perm, dtype = random_case(seed, ("int32", "bool", "int8"), 6)
    if seed % 2:
        shape = tuple(int(d) for d in rng.integers(1, 4, 6))
        perm = [int(p) for p in rng.permutation(6)]
    model = transpose_model(shape, perm, dtype)
    assert_matches_numpy(model, lambda xs: [np.transpose(xs[0], perm)])


@pytest.mark.parametrize(
    ("shape", "perm"),
    [
        ((37, 21), [1, 0]),
        ((16, 16), [1, 0]),
        ((3, 18, 33, 2), [0, 2, 1, 3]),
        ((2, 17, 40), [2, 1, 0]),
        ((20, 3, 50), [2, 1, 0]),
    ],
)
@pytest.mark.parametrize("dtype", ["int8", "int16", "float32"])
def test_large_planes_are_tiled_and_match_tflm(
    shape: tuple[int, ...], perm: list[int], dtype: str
) -> None:
    """Planes of at least 16 x 16 take the kernel's tiled path, edges included."""
    model = transpose_model(shape, perm, dtype, random_quant(np.random.default_rng(0), dtype))
    assert_matches_tflm(model, seeds=(0,))


def test_constant_input_matches_tflm() -> None:
    rng = np.random.default_rng(7)
    data = random_values(rng, (3, 4, 5), "int8")
    model = transpose_model((3, 4, 5), [1, 2, 0], "int8", (0.5, -3), data)
    got = micro.Interpreter.from_bytes(model)
    got.invoke()
    assert got.get_output(0).tobytes() == np.transpose(data, (1, 2, 0)).tobytes()


def test_large_inner_run_is_one_memcpy() -> None:
    """[2, 3, 64] -> [3, 2, 64]: the 64-element rows stay contiguous, so the copy is 2-d."""
    model = transpose_model((2, 3, 64), [1, 0, 2], "int8", (1.0, 0))
    it = micro.Interpreter.from_bytes(model)
    (step,) = it.compiled.steps
    assert step.kernel == "strided_copy"
    assert step.params["n_dims"] == 3
    assert step.params["shape"][:3] == [3, 2, 64]
    assert step.params["src_stride"][2] == 1 and step.params["dst_stride"][2] == 1
    assert_matches_tflm(model)


def test_identity_perm_is_a_single_run() -> None:
    model = transpose_model((2, 3, 4), [0, 1, 2], "float32")
    (step,) = micro.Interpreter.from_bytes(model).compiled.steps
    assert step.params["n_dims"] == 1 and step.params["shape"][0] == 24
    assert_matches_tflm(model)


def test_non_constant_perm_is_unsupported() -> None:
    model = one_op_model(
        "TRANSPOSE",
        [T((2, 3), "int8", quant=(1.0, 0)), T((2,), "int32")],
        [T((3, 2), "int8", quant=(1.0, 0))],
    )
    with pytest.raises(UnsupportedOpError, match="perm"):
        micro.Interpreter.from_bytes(model)


def test_bad_perm_is_malformed() -> None:
    with pytest.raises(ModelError, match="permutation"):
        micro.Interpreter.from_bytes(transpose_model((2, 3, 4), [0, 0, 1], "int8"))


def test_wrong_output_shape_is_malformed() -> None:
    model = one_op_model(
        "TRANSPOSE",
        [T((2, 3), "int8"), T((2,), "int32", np.array([1, 0], np.int32))],
        [T((2, 3), "int8")],
    )
    with pytest.raises(ModelError, match="operator 0"):
        micro.Interpreter.from_bytes(model)


def test_unsupported_type() -> None:
    with pytest.raises(UnsupportedOpError, match="int64"):
        micro.Interpreter.from_bytes(transpose_model((2, 3), [1, 0], "int64"))


def test_seven_dims_unsupported() -> None:
    with pytest.raises(UnsupportedOpError, match="dimensions"):
        micro.Interpreter.from_bytes(transpose_model((2,) * 7, list(range(7))[::-1], "int8"))


@pytest.mark.parametrize(
    "changes",
    [
        {"src_stride": [1, 4, 13, 0, 0, 0]},  # reads one element past the input
        {"src_offset": 1},  # likewise
        {"dst_stride": [6, 2, 2, 0, 0, 0]},  # writes one element past the output
        {"src_stride": [-1, 4, 12, 0, 0, 0]},  # reads before the input
        {"dst_offset": -1},
        {"elem_size": 3},
        {"elem_size": 2},  # twice the bytes of each operand
        {"n_dims": 7},
        {"n_dims": 0},
        {"shape": [0, 3, 2, 1, 1, 1]},
    ],
)
def test_hostile_copy_params_are_refused(changes: dict) -> None:
    """A corrupt program (valid checksum) is refused by the kernel's check at load time."""
    model = transpose_model((2, 3, 4), [2, 1, 0], "int8")
    (step,) = micro.Interpreter.from_bytes(model).compiled.steps
    assert step.params["shape"][:3] == [4, 3, 2] and step.params["src_stride"][:3] == [1, 4, 12]
    program, arena = patched_program(model, **changes)
    with pytest.raises(ProgramError, match="step 0"):
        Runtime(program, arena)
