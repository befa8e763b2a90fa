"""Comparisons (bool, int8 quantized, int32, int64, float32), integer MAXIMUM / MINIMUM and
SELECT_V2 against TFLM, with broadcasting."""

from __future__ import annotations

import numpy as np
import pytest
from support.models import Quant, T, one_op_model, random_broadcast
from support.oracle import assert_matches_tflm, run_micro, run_tflm
from support.programs import assert_hostile_params_safe

import micro

ORDER = ("LESS", "LESS_EQUAL", "GREATER", "GREATER_EQUAL")
EQUALITY = ("EQUAL", "NOT_EQUAL")


def _q(rng: np.random.Generator, dtype: str) -> Quant | None:
    if dtype != "int8":
        return None
    return float(10 ** rng.uniform(-3, -0.1)), int(rng.integers(-128, 128))


def compare_model(
    op: str, s1: tuple, s2: tuple, dtype: str, rng: np.random.Generator, out_dtype: str = "bool"
) -> bytes:
    out = tuple(np.broadcast_shapes(s1, s2))
    q_out = _q(rng, dtype) if out_dtype != "bool" else None
    q1 = _q(rng, dtype)
    q2 = q1 if out_dtype != "bool" else _q(rng, dtype)
    return one_op_model(
        op, [T(s1, dtype, quant=q1), T(s2, dtype, quant=q2)], [T(out, out_dtype, quant=q_out or q1)]
    )


def _shapes(rng: np.random.Generator, max_rank: int = 4) -> tuple[tuple, tuple]:
    while True:
        s1, s2 = random_broadcast(rng)
        if len(np.broadcast_shapes(s1, s2)) <= max_rank:  # TFLM broadcasts up to 4-D here
            return s1, s2


@pytest.mark.parametrize("op", ORDER + EQUALITY)
@pytest.mark.parametrize("seed", range(12))
def test_comparisons_match_tflm(op: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    dtype = ("int8", "int32", "float32", "int64")[seed % 4]
    s1, s2 = _shapes(rng)
    assert_matches_tflm(compare_model(op, s1, s2, dtype, rng), seeds=(seed,))


@pytest.mark.parametrize("op", ORDER + EQUALITY)
def test_int8_equal_real_values_compare_equal(op: str) -> None:
    """Different scales and zero points: exact ties in real value, and near ties."""
    rng = np.random.default_rng(5)
    model = one_op_model(
        op,
        [
            T((256,), "int8", quant=(0.02, 3)),
            T((256,), "int8", quant=(0.01, -7)),
        ],
        [T((256,), "bool")],
    )
    a = np.arange(-128, 128, dtype=np.int8)
    b = np.clip((a.astype(int) - 3) * 2 - 7 + rng.integers(-1, 2, 256), -128, 127).astype(np.int8)
    (got,) = run_micro(model, [a, b])
    (want,) = run_tflm(model, [a, b], 1)
    assert np.array_equal(got, want)


@pytest.mark.parametrize("op", EQUALITY)
def test_bool_equality_matches_numpy(op: str) -> None:
    """bool inputs (TFLM runs them; its Python interpreter cannot set bool inputs)."""
    model = one_op_model(op, [T((2, 3), "bool"), T((3,), "bool")], [T((2, 3), "bool")])
    a = np.array([[1, 0, 1], [0, 0, 1]], bool)
    b = np.array([1, 0, 0], bool)
    (got,) = run_micro(model, [a, b])
    assert np.array_equal(got, (a == b) if op == "EQUAL" else (a != b))


def test_float_nan_compares_as_tflm() -> None:
    a = np.array([np.nan, 1, np.nan, -0.0, np.inf], np.float32)
    b = np.array([1, np.nan, np.nan, 0.0, np.inf], np.float32)
    for op in ORDER + EQUALITY:
        model = one_op_model(op, [T((5,), "float32"), T((5,), "float32")], [T((5,), "bool")])
        assert np.array_equal(run_micro(model, [a, b])[0], run_tflm(model, [a, b], 1)[0]), op


@pytest.mark.parametrize("op", ["MAXIMUM", "MINIMUM"])
@pytest.mark.parametrize("seed", range(16))
def test_integer_minmax_matches_tflm(op: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    dtype = ("int8", "int16", "int32", "int64")[seed % 4]
    s1, s2 = _shapes(rng, 5)
    assert_matches_tflm(compare_model(op, s1, s2, dtype, rng, out_dtype=dtype), seeds=(seed,))


def select_model(sc: tuple, sx: tuple, sy: tuple, dtype: str, rng: np.random.Generator) -> bytes:
    out = tuple(np.broadcast_shapes(sc, sx, sy))
    q = _q(rng, dtype)
    return one_op_model(
        "SELECT_V2",
        [T(sc, "bool"), T(sx, dtype, quant=q), T(sy, dtype, quant=q)],
        [T(out, dtype, quant=q)],
    )


@pytest.mark.parametrize("seed", range(30))
def test_select_v2_matches_tflm(seed: int) -> None:
    """The condition is a constant (TFLM's Python interpreter cannot set a bool input)."""
    rng = np.random.default_rng(seed)
    rank = int(rng.integers(1, 5))
    full = tuple(int(d) for d in rng.integers(1, 5, rank))

    def part() -> tuple:
        keep = int(rng.integers(0, rank + 1))
        return tuple(d if rng.random() < 0.6 else 1 for d in full[rank - keep :])

    sc, sx, sy = part(), part(), part()
    dtype = ("int8", "int16", "float32")[seed % 3]
    out = tuple(np.broadcast_shapes(sc, sx, sy))
    q = _q(rng, dtype)
    cond = rng.integers(0, 2, sc).astype(bool)
    model = one_op_model(
        "SELECT_V2",
        [T(sc, "bool", cond), T(sx, dtype, quant=q), T(sy, dtype, quant=q)],
        [T(out, dtype, quant=q)],
    )
    assert_matches_tflm(model, seeds=(seed,))


def test_rejects_int8_scale_above_one() -> None:
    model = one_op_model(
        "LESS",
        [
            T((3,), "int8", quant=(2.0, 0)),
            T((3,), "int8", quant=(0.5, 0)),
        ],
        [T((3,), "bool")],
    )
    with pytest.raises(micro.UnsupportedOpError, match=r"operator 0.*scale"):
        micro.Interpreter.from_bytes(model)


@pytest.mark.parametrize("op", ["LESS", "MAXIMUM"])
def test_tampered_params_are_refused_or_safe(op: str) -> None:
    rng = np.random.default_rng(1)
    out_dtype = "bool" if op == "LESS" else "int8"
    assert_hostile_params_safe(compare_model(op, (2, 3), (3,), "int8", rng, out_dtype))


def test_select_tampered_params_are_refused_or_safe() -> None:
    model = one_op_model(
        "SELECT_V2",
        [T((2, 1), "bool", np.array([[1], [0]], bool)), T((3,), "int8"), T((2, 3), "int8")],
        [T((2, 3), "int8")],
    )
    assert_hostile_params_safe(model)
