"""The one builder of one-operator test models, and the random quantizations and values the
op tests draw. Everything is seeded by the caller's generator."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from micro import flexbuffers
from micro.schema import ActivationFunctionType as Act
from micro.writer import ModelBuilder

QUANTIZED_ACTIVATIONS = (Act.NONE, Act.RELU, Act.RELU6, Act.RELU_N1_TO_1)

Quant = tuple[float, int]  # (scale, zero point)


@dataclass
class T:
    """A tensor of a test model: with `data` it is constant, else a model input (or output)."""

    shape: Sequence[int]
    dtype: Any
    data: np.ndarray | None = None
    quant: Quant | None = None
    name: str | None = None


def one_op_model(
    op: str,
    inputs: Sequence[T | None],
    outputs: Sequence[T],
    options: Mapping[str, Any] | None = None,
    custom_code: str | None = None,
    custom_options: bytes | None = None,
) -> bytes:
    """A model of one operator (op="CUSTOM" with `custom_code` for a custom one). Its
    non-constant inputs are the model inputs, in order; None is an omitted optional input."""
    b = ModelBuilder()
    ins, graph_inputs = [], []
    for k, t in enumerate(inputs):
        if t is None:
            ins.append(-1)
            continue
        index = b.add_tensor(
            t.name or f"in{k}", t.shape, t.dtype, data=t.data, **quant_kwargs(t.quant)
        )
        ins.append(index)
        if t.data is None:
            graph_inputs.append(index)
    outs = [
        b.add_tensor(t.name or f"out{k}", t.shape, t.dtype, **quant_kwargs(t.quant))
        for k, t in enumerate(outputs)
    ]
    b.add_operator(op, ins, outs, options, custom_code=custom_code, custom_options=custom_options)
    b.set_inputs(graph_inputs)
    b.set_outputs(outs)
    return b.build()


def unary_model(
    op: str,
    shape: Sequence[int],
    dtype_in: str,
    dtype_out: str,
    q_in: Quant | None,
    q_out: Quant | None,
    options: Mapping[str, Any] | None = None,
) -> bytes:
    """x -> op -> y, same shape."""
    x, y = T(shape, dtype_in, quant=q_in, name="x"), T(shape, dtype_out, quant=q_out, name="y")
    return one_op_model(op, [x], [y], options)


def binary_model(
    op: str,
    shape1: Sequence[int],
    shape2: Sequence[int],
    out_shape: Sequence[int],
    q1: Quant | None,
    q2: Quant | None,
    q_out: Quant | None,
    activation: int = Act.NONE,
    dtype: str = "int8",
    const2: np.ndarray | None = None,
) -> bytes:
    """input1 op input2 -> output; input2 is a constant tensor when `const2` is given."""
    return one_op_model(
        op,
        [T(shape1, dtype, quant=q1, name="x1"), T(shape2, dtype, const2, q2, name="x2")],
        [T(out_shape, dtype, quant=q_out, name="y")],
        {"fused_activation_function": int(activation)},
    )


def custom_op_model(
    code: str,
    inputs: Sequence[T],
    outputs: Sequence[T],
    options: dict[str, Any] | None,
    raw_options: bytes | None = None,
) -> bytes:
    """A model of one custom op with FlexBuffers `options` (or `raw_options` as they are)."""
    custom = raw_options if raw_options is not None else flexbuffers.dumps(options or {})
    return one_op_model("CUSTOM", inputs, outputs, custom_code=code, custom_options=custom)


def quant_kwargs(q: Quant | None) -> dict[str, Any]:
    """ModelBuilder.add_tensor's scale= and zero_point= for a quantization (none for None)."""
    return {} if q is None else {"scale": q[0], "zero_point": q[1]}


def random_quant(
    rng: np.random.Generator,
    dtype: str = "int8",
    lo: float = -3.0,
    hi: float = 0.0,
    any_zero_point: bool = False,
) -> Quant | None:
    """A per-tensor quantization of a `dtype` tensor as converters give one: the scale
    log-uniform in [10^lo, 10^hi] (a float32), the zero point anywhere in int8 and uint8, 0
    in int16 and int32. `any_zero_point`: int16 zero points anywhere half the time, int32
    small ones a third of the time (TFLM's QUANTIZE takes them). None for float32, bool and
    any other type that is not quantized (int32 only quantizes with `any_zero_point`)."""
    if dtype not in ("int8", "uint8", "int16") and not (any_zero_point and dtype == "int32"):
        return None
    scale = float(np.float32(10.0 ** rng.uniform(lo, hi)))
    info = np.iinfo(dtype)
    if dtype == "int32":
        return scale, int(rng.integers(-1000, 1000)) if rng.random() < 0.3 else 0
    if dtype == "int16" and not (any_zero_point and rng.random() >= 0.5):
        return scale, 0
    return scale, int(rng.integers(info.min, info.max, endpoint=True))


def random_values(
    rng: np.random.Generator, shape: Sequence[int], dtype: Any, float_range: float = 4.0
) -> np.ndarray:
    """Values over the type's whole range (floats in [-float_range, float_range])."""
    dt = np.dtype(dtype)
    if dt.kind in "iu":
        info = np.iinfo(dt)
        return rng.integers(info.min, info.max, tuple(shape), endpoint=True, dtype=dt)
    if dt.kind == "b":
        return rng.integers(0, 2, tuple(shape)).astype(bool)
    return rng.uniform(-float_range, float_range, tuple(shape)).astype(dt)


def random_broadcast(rng: np.random.Generator) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Two shapes of rank 0-6 that broadcast: same shape, a scalar, a per-channel vector,
    or any mix of full and unit dims with the leading dims of either dropped."""
    kind = rng.choice(["same", "scalar1", "scalar2", "channel", "channel1", "mixed", "mixed"])
    rank = int(rng.integers(1, 7))
    full = tuple(int(d) for d in rng.integers(1, 6, rank))
    if kind == "same":
        return full, full
    if kind == "scalar1":
        return (() if rng.random() < 0.5 else (1,) * int(rng.integers(1, rank + 1))), full
    if kind == "scalar2":
        return full, (() if rng.random() < 0.5 else (1,))
    if kind == "channel":
        return full, full[-1:]
    if kind == "channel1":
        return full[-1:], full

    def part() -> tuple[int, ...]:
        keep = int(rng.integers(0, rank + 1))
        return tuple(d if rng.random() < 0.6 else 1 for d in full[rank - keep :])

    return part(), part()


def bool_input_model(
    op: str,
    inputs: Sequence[T],
    outputs: Sequence[T],
    options: Mapping[str, Any] | None = None,
) -> bytes:
    """A model of one operator whose non-constant bool inputs are computed in the model as
    float32 input > 0 (TFLM's Python interpreter cannot set bool inputs); random float
    inputs give random bools. The other inputs are model inputs, in order."""
    b = ModelBuilder()
    zero = b.add_tensor("zero", (), "float32", data=np.zeros((), np.float32))
    ins, graph_inputs = [], []
    for k, t in enumerate(inputs):
        index = b.add_tensor(t.name or f"in{k}", t.shape, t.dtype, data=t.data)
        ins.append(index)
        if t.data is not None:
            continue
        if np.dtype(t.dtype) == np.bool_:
            source = b.add_tensor(f"src{k}", t.shape, "float32")
            b.add_operator("GREATER", [source, zero], [index])
            index = source
        graph_inputs.append(index)
    outs = [b.add_tensor(t.name or f"out{k}", t.shape, t.dtype) for k, t in enumerate(outputs)]
    b.add_operator(op, ins, outs, options)
    b.set_inputs(graph_inputs)
    b.set_outputs(outs)
    return b.build()
