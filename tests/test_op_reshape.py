"""RESHAPE, SQUEEZE, EXPAND_DIMS: no step, the output aliases the input's arena buffer.
Random shapes and types alone and between two live ops, byte-exact against TFLM, plus
checks that the plan really has no buffer of its own for the output."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from support.models import T, one_op_model, quant_kwargs, random_quant
from support.oracle import assert_matches_numpy, assert_matches_tflm

import micro
from micro.errors import ModelError, UnsupportedOpError
from micro.writer import ModelBuilder

DTYPES = ("int8", "int16", "int32", "float32", "uint8", "int64", "bool")


def factor_shape(rng: np.random.Generator, count: int, max_rank: int = 6) -> list[int]:
    """A random shape with `count` elements (ones sprinkled in)."""
    dims = []
    n = count
    while n > 1 and len(dims) < max_rank - 1:
        divisors = [d for d in range(2, n + 1) if n % d == 0]
        d = int(rng.choice(divisors))
        dims.append(d)
        n //= d
    if n > 1:
        dims.append(n)
    while len(dims) < max_rank and rng.random() < 0.3:
        dims.insert(int(rng.integers(0, len(dims) + 1)), 1)
    return [int(d) for d in rng.permutation(dims)] if dims else [int(rng.choice([1, count]))]


def random_alias_op(
    rng: np.random.Generator, in_shape: list[int]
) -> tuple[str, list[int], dict[str, Any], np.ndarray | None]:
    """(op, output shape, options, constant second input) for a random alias op."""
    kind = str(rng.choice(["RESHAPE", "SQUEEZE", "EXPAND_DIMS"]))
    if kind == "RESHAPE":
        out = factor_shape(rng, int(np.prod(in_shape)))
        style = int(rng.integers(0, 3))  # shape input, options, both
        options = {"new_shape": out} if style > 0 else {}
        shape_input = np.array(out, np.int32) if style != 1 else None
        return kind, out, options, shape_input
    if kind == "SQUEEZE":
        ones = [k for k, d in enumerate(in_shape) if d == 1]
        chosen = [k for k in ones if rng.random() < 0.6]
        axes = [k - len(in_shape) if rng.random() < 0.5 else k for k in chosen]
        squeezed = set(chosen) if chosen else set(ones)
        out = [d for k, d in enumerate(in_shape) if k not in squeezed]
        return kind, out, {"squeeze_dims": axes}, None
    rank = len(in_shape)
    axis = int(rng.integers(-rank - 1, rank + 1))
    k = axis + rank + 1 if axis < 0 else axis
    return kind, [*in_shape[:k], 1, *in_shape[k:]], {}, np.array([axis], np.int32)


def random_model(seed: int) -> tuple[bytes, int, int, bool]:
    """A RESHAPE-like op alone, or between two TRANSPOSEs (so both its tensors are
    intermediate). Returns the model, the alias op's input and output tensor indices, and
    whether TFLM runs it (its EXPAND_DIMS takes int8, int16 and float32 only)."""
    rng = np.random.default_rng(seed)
    sandwich = rng.random() < 0.5
    dtype = str(rng.choice(("int8", "int16", "float32") if sandwich else DTYPES))
    quant = random_quant(rng, dtype)
    shape = factor_shape(rng, int(rng.integers(1, 97)), 5)
    kind, out_shape, options, second = random_alias_op(rng, shape)
    if kind == "EXPAND_DIMS" and len(shape) == 6:
        kind, out_shape, options, second = "RESHAPE", list(shape), {}, None

    b = ModelBuilder()
    x = b.add_tensor("x", shape[::-1] if sandwich else shape, dtype, **quant_kwargs(quant))
    a = x
    if sandwich:
        a = b.add_tensor("a", shape, dtype, **quant_kwargs(quant))
        perm = b.add_tensor(
            "perm_a", (len(shape),), "int32", data=np.arange(len(shape))[::-1].astype(np.int32)
        )
        b.add_operator("TRANSPOSE", [x, perm], [a])
    c = b.add_tensor("c", out_shape, dtype, **quant_kwargs(quant))
    inputs = [a]
    if second is not None:
        inputs.append(b.add_tensor("shape", second.shape, "int32", data=second))
    b.add_operator(kind, inputs, [c], options)
    y = c
    if sandwich:
        y = b.add_tensor("y", out_shape[::-1], dtype, **quant_kwargs(quant))
        perm = b.add_tensor(
            "perm_y",
            (len(out_shape),),
            "int32",
            data=np.arange(len(out_shape))[::-1].astype(np.int32),
        )
        b.add_operator("TRANSPOSE", [c, perm], [y])
    b.set_inputs([x])
    b.set_outputs([y])
    tflm_runs = kind != "EXPAND_DIMS" or dtype in ("int8", "int16", "float32")
    return b.build(), a, c, tflm_runs


@pytest.mark.parametrize("seed", range(100))
def test_matches_tflm_and_aliases(seed: int) -> None:
    model, a, c, tflm_runs = random_model(seed)
    it = micro.Interpreter.from_bytes(model)
    compiled = it.compiled
    assert compiled.buffer_of[c] is compiled.buffer_of[a]
    assert all(s.op_name not in ("RESHAPE", "SQUEEZE", "EXPAND_DIMS") for s in compiled.steps)
    if tflm_runs:
        assert_matches_tflm(model)
    else:
        shape = it.get_output_details()[0]["shape"]
        assert_matches_numpy(model, lambda xs: [xs[0].reshape(shape)])


def test_reshape_between_two_ops_has_no_buffer_of_its_own() -> None:
    """PAD -> RESHAPE -> TRANSPOSE: the reshape's output lives in the PAD output's buffer."""
    q = (0.5, -2)
    b = ModelBuilder()
    x = b.add_tensor("x", (2, 3), "int8", **quant_kwargs(q))
    pads = b.add_tensor("pads", (2, 2), "int32", data=np.array([[1, 1], [0, 1]], np.int32))
    p = b.add_tensor("padded", (4, 4), "int8", **quant_kwargs(q))
    b.add_operator("PAD", [x, pads], [p])
    r = b.add_tensor("reshaped", (2, 8), "int8", **quant_kwargs(q))
    b.add_operator("RESHAPE", [p], [r], {"new_shape": [2, 8]})
    perm = b.add_tensor("perm", (2,), "int32", data=np.array([1, 0], np.int32))
    y = b.add_tensor("y", (8, 2), "int8", **quant_kwargs(q))
    b.add_operator("TRANSPOSE", [r, perm], [y])
    b.set_inputs([x])
    b.set_outputs([y])
    model = b.build()

    compiled = micro.Interpreter.from_bytes(model).compiled
    assert [s.kernel for s in compiled.steps] == ["pad", "strided_copy"]
    assert compiled.buffer_of[r] is compiled.buffer_of[p]
    assert set(compiled.buffer_of[p].tensors) == {p, r}
    assert len(compiled.plan.buffers) == 3  # x, padded/reshaped, y
    assert_matches_tflm(model)


def test_reshape_of_a_constant_stays_constant() -> None:
    """A reshaped constant feeding an op is read from the constant data, not the arena."""
    q = (0.5, 1)
    data = np.arange(6, dtype=np.int8).reshape(2, 3)
    b = ModelBuilder()
    k = b.add_tensor("k", (2, 3), "int8", data=data, **quant_kwargs(q))
    r = b.add_tensor("k6", (6,), "int8", **quant_kwargs(q))
    b.add_operator("RESHAPE", [k], [r])
    x = b.add_tensor("x", (6,), "int8", **quant_kwargs(q))
    y = b.add_tensor("y", (12,), "int8", **quant_kwargs(q))
    b.add_operator("CONCATENATION", [x, r], [y], {"axis": 0})
    b.set_inputs([x])
    b.set_outputs([y])
    model = b.build()
    compiled = micro.Interpreter.from_bytes(model).compiled
    assert r not in compiled.buffer_of
    assert_matches_tflm(model)


def test_quantization_change_is_unsupported() -> None:
    model = one_op_model(
        "RESHAPE",
        [T((2, 3), "int8", quant=(0.5, 1))],
        [T((6,), "int8", quant=(0.25, 1))],
    )
    with pytest.raises(UnsupportedOpError, match="quantized differently"):
        micro.Interpreter.from_bytes(model)


def test_element_count_mismatch_is_malformed() -> None:
    model = one_op_model("RESHAPE", [T((2, 3), "float32")], [T((7,), "float32")])
    with pytest.raises(ModelError, match="elements"):
        micro.Interpreter.from_bytes(model)


def test_type_change_is_malformed() -> None:
    model = one_op_model("RESHAPE", [T((2, 3), "int32")], [T((6,), "float32")])
    with pytest.raises(ModelError, match="must match"):
        micro.Interpreter.from_bytes(model)


def test_squeeze_of_a_non_unit_dim_is_malformed() -> None:
    model = one_op_model(
        "SQUEEZE", [T((2, 1, 3), "float32")], [T((1, 3), "float32")], {"squeeze_dims": [0]}
    )
    with pytest.raises(ModelError, match="squeeze_dims"):
        micro.Interpreter.from_bytes(model)


def test_expand_dims_wrong_output_is_malformed() -> None:
    model = one_op_model(
        "EXPAND_DIMS",
        [T((2, 3), "float32"), T((1,), "int32", np.array([1], np.int32))],
        [T((2, 3, 1), "float32")],
    )
    with pytest.raises(ModelError, match="expanded shape"):
        micro.Interpreter.from_bytes(model)


def test_expand_dims_non_constant_axis_is_unsupported() -> None:
    model = one_op_model(
        "EXPAND_DIMS", [T((2, 3), "float32"), T((1,), "int32")], [T((2, 1, 3), "float32")]
    )
    with pytest.raises(UnsupportedOpError, match="axis"):
        micro.Interpreter.from_bytes(model)
