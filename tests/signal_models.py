"""Single-operator models of TFLM's signal custom ops, for the signal and speech tests."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from micro import flexbuffers
from micro.writer import ModelBuilder

# (name, shape, dtype, constant data or None for a model input)
TensorSpec = tuple[str, tuple[int, ...], Any, Any]


def custom_op_model(
    code: str,
    inputs: Sequence[TensorSpec],
    outputs: Sequence[tuple[str, tuple[int, ...], Any]],
    options: dict[str, Any] | None,
    raw_options: bytes | None = None,
) -> bytes:
    """A model of one custom op; non-constant inputs become the model's inputs, in order."""
    b = ModelBuilder()
    ins, model_inputs = [], []
    for name, shape, dtype, data in inputs:
        index = b.add_tensor(name, shape, dtype, data=data)
        ins.append(index)
        if data is None:
            model_inputs.append(index)
    outs = [b.add_tensor(name, shape, dtype) for name, shape, dtype in outputs]
    custom = raw_options if raw_options is not None else flexbuffers.dumps(options or {})
    b.add_operator("CUSTOM", ins, outs, custom_code=code, custom_options=custom)
    b.set_inputs(model_inputs)
    b.set_outputs(outs)
    return b.build()


def builtin_model(
    op: str,
    inputs: Sequence[TensorSpec],
    out_shape: tuple[int, ...],
    out_dtype: Any,
    options: dict[str, Any] | None = None,
) -> bytes:
    b = ModelBuilder()
    ins, model_inputs = [], []
    for name, shape, dtype, data in inputs:
        index = b.add_tensor(name, shape, dtype, data=data)
        ins.append(index)
        if data is None:
            model_inputs.append(index)
    out = b.add_tensor("output", out_shape, out_dtype)
    b.add_operator(op, ins, [out], options)
    b.set_inputs(model_inputs)
    b.set_outputs([out])
    return b.build()


def read_vectors(text: str) -> tuple[list[str], list[np.ndarray]]:
    """A TFLM signal test vector file: its first line's fields and every line after it."""
    lines = text.splitlines()
    header = lines[0].split()
    rows = [np.array([int(v) for v in line.split()], dtype=np.int64) for line in lines[1:]]
    return header, rows
