"""The .tflite writer's round trips (micro/writer.py, micro/writer_tables.py): every options
table with random values, random models of every tensor type and operator, and the
reference models re-encoded, each read back by our reader and an independent one."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from support.compare import filled_options, random_inputs, same_model
from support.oracle import run_tflm
from test_model import MODELS, _check_against_oracle

from micro import schema
from micro.model import load_model
from micro.rewrite import rewrite_model
from micro.schema import BuiltinOperator, TensorType
from micro.writer import ModelBuilder

Reference = Callable[[str], Path]


def _random_value(f: schema.Field, rng: np.random.Generator) -> Any:
    def scalar(kind: str) -> Any:
        if f.enum is not None:
            members = list(f.enum)
            return members[int(rng.integers(0, len(members)))]
        if kind == "bool":
            return bool(rng.integers(0, 2))
        if kind in ("float", "double"):
            return float(np.float32(rng.normal() * 100))
        fmt = schema.SCALAR_FORMATS[kind]
        bits = 8 * schema.SCALAR_SIZES[kind]
        low, high = (0, 2**bits) if fmt.isupper() else (-(2 ** (bits - 1)), 2 ** (bits - 1))
        return low + int(rng.integers(0, 2**62)) * (high - low) // 2**62

    if f.kind == "string":
        return "".join(rng.choice(list("abcxyzé_/0")) for _ in range(int(rng.integers(0, 9))))
    if f.kind == "[ubyte]":
        return bytes(rng.integers(0, 256, int(rng.integers(0, 9)), dtype=np.uint8))
    if f.is_vector:
        return tuple(scalar(f.element) for _ in range(int(rng.integers(0, 6))))
    return scalar(f.kind)


def test_every_options_table_round_trips() -> None:
    rng = np.random.default_rng(11)
    b = ModelBuilder()
    x = b.add_tensor("x", [1], "float32")
    y = b.add_tensor("y", [1], "float32")
    expected: list[dict[str, Any]] = []
    for op in schema.OP_OPTIONS:
        spec = schema.op_options(op)
        assert spec is not None
        options = {f.name: _random_value(f, rng) for f in spec.table.fields if not f.deprecated}
        b.add_operator(op, [x], [y], options)
        expected.append(options)
        b.add_operator(op, [x], [y])  # nothing given: the schema defaults
        expected.append(filled_options({}, op))
    data = b.build()
    model = load_model(data)
    _check_against_oracle(model, data)  # an independent decoder reads the same values
    for operator, options in zip(model.subgraphs[0].operators, expected, strict=True):
        for name, value in options.items():
            assert operator.options[name] == value, (operator.name, name)


# -- random models -----------------------------------------------------------------------

_TYPES = list(schema.NUMPY_DTYPES)
_OPS = list(BuiltinOperator)


def _random_model(rng: np.random.Generator) -> tuple[ModelBuilder, list[dict[str, Any]]]:
    b = ModelBuilder(description="random é" * int(rng.integers(0, 3)))
    tensors: list[dict[str, Any]] = []
    for i in range(int(rng.integers(1, 12))):
        ttype = _TYPES[int(rng.integers(0, len(_TYPES)))]
        dtype = schema.NUMPY_DTYPES[ttype]
        shape = tuple(int(d) for d in rng.integers(0, 5, int(rng.integers(0, 5))))
        spec: dict[str, Any] = {
            "name": f"t{i}/{ttype.name.lower()}",
            "shape": shape,
            "dtype": ttype,
        }
        if rng.integers(0, 2):
            raw = rng.integers(0, 256, math.prod(shape) * dtype.itemsize, dtype=np.uint8)
            if ttype == TensorType.BOOL:
                raw &= 1
            spec["data"] = raw.view(dtype).reshape(shape)
        if rng.integers(0, 2):
            if len(shape) and shape[-1] > 1 and rng.integers(0, 2):
                axis = len(shape) - 1
                spec["scale"] = rng.uniform(1e-4, 1, shape[axis]).astype(np.float32)
                spec["zero_point"] = rng.integers(-128, 128, shape[axis])
                spec["quantized_dimension"] = axis
            else:
                spec["scale"] = float(np.float32(rng.uniform(1e-4, 1)))
                spec["zero_point"] = int(rng.integers(-(2**40), 2**40))
        spec["is_variable"] = bool(rng.integers(0, 8) == 0)
        if shape and rng.integers(0, 3) == 0:
            spec["shape_signature"] = tuple(-1 if rng.integers(0, 2) else d for d in shape)
        tensors.append(spec)
        b.add_tensor(**spec)
    n = len(tensors)
    for _ in range(int(rng.integers(0, 6))):
        op = _OPS[int(rng.integers(0, len(_OPS)))]
        kwargs: dict[str, Any] = {"version": int(rng.integers(1, 5))}
        options_spec = schema.op_options(op)
        if op == BuiltinOperator.CUSTOM:
            kwargs["custom_code"] = f"Custom{int(rng.integers(0, 3))}"
            kwargs["custom_options"] = bytes(rng.integers(0, 256, 5, dtype=np.uint8))
        elif options_spec is not None and rng.integers(0, 2):
            kwargs["options"] = {
                f.name: _random_value(f, rng)
                for f in options_spec.table.fields
                if not f.deprecated and rng.integers(0, 2)
            }
        b.add_operator(
            op,
            [int(i) for i in rng.integers(-1, n, int(rng.integers(0, 4)))],
            [int(i) for i in rng.integers(0, n, int(rng.integers(1, 3)))],
            intermediates=[int(i) for i in rng.integers(0, n, int(rng.integers(0, 2)))],
            **kwargs,
        )
    b.set_inputs([int(i) for i in rng.integers(0, n, int(rng.integers(0, 3)))])
    b.set_outputs([int(i) for i in rng.integers(0, n, int(rng.integers(1, 3)))])
    if rng.integers(0, 2):
        b.add_metadata("min_runtime_version", b"1.5.0\0")
    return b, tensors


def test_random_models_round_trip() -> None:
    rng = np.random.default_rng(2024)
    for i in range(200):
        b, specs = _random_model(rng)
        data = b.build(use_buffer_offset=i % 3 == 0)
        model = load_model(data)
        _check_against_oracle(model, data)
        assert model.description == b.description
        for t, spec in zip(model.subgraphs[0].tensors, specs, strict=True):
            assert (t.name, t.shape, t.type) == (spec["name"], spec["shape"], spec["dtype"])
            assert t.is_variable == spec["is_variable"]
            assert t.shape_signature == spec.get("shape_signature")
            given = spec.get("data")
            if given is None or given.size == 0:
                assert t.data is None
            else:
                assert t.data is not None and t.data.tobytes() == given.tobytes()
            if "scale" not in spec:
                assert t.quant is None
            else:
                assert t.quant is not None
                assert np.array_equal(t.quant.scale, np.atleast_1d(spec["scale"]))
                assert np.array_equal(t.quant.zero_point, np.atleast_1d(spec["zero_point"]))
                assert t.quant.quantized_dimension == spec.get("quantized_dimension", 0)
        same_model(model, load_model(rewrite_model(model)))


# -- re-encoded reference models ---------------------------------------------------------


@pytest.mark.parametrize("rel", MODELS)
def test_reencoded_reference_model(rel: str, reference: Reference) -> None:
    original = reference(rel).read_bytes()
    model = load_model(original)
    again = rewrite_model(model)
    same_model(model, load_model(again))
    _check_against_oracle(load_model(again), again)
    inputs = random_inputs(model, 1)
    assert np.array_equal(run_tflm(again, inputs, 1)[0], run_tflm(original, inputs, 1)[0])
