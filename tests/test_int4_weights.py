"""INT4 weights of FULLY_CONNECTED, CONV_2D and DEPTHWISE_CONV_2D (int8 activations): the
reader unpacks them (micro/int4.py) into the int8 weights the kernels take. Generated models
against TFLM, per-tensor and per-channel, and the malformed ones refused."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from support.oracle import assert_matches_tflm, run_tflm

import micro
from micro import int4
from micro.compiler import compile_model
from micro.errors import ModelError, UnsupportedOpError
from micro.writer import ModelBuilder


def layer_model(
    op: str,
    x_shape: tuple[int, ...],
    w: Any,
    out_shape: tuple[int, ...],
    w_scales: list[float],
    options: dict[str, Any] | None = None,
    axis: int = 0,
    w_type: str = "INT4",
    x_type: str = "int8",
    w_shape: tuple[int, ...] | None = None,
    seed: int = 0,
) -> bytes:
    """x -> op(weights `w`, a random int32 bias) -> y; `w` an int array in [-8, 7] or raw
    bytes (then `w_shape` is the weights' shape)."""
    rng = np.random.default_rng(seed)
    shape = w_shape if w_shape is not None else np.shape(w)
    channels = shape[axis]
    b = ModelBuilder()
    x = b.add_tensor("x", x_shape, x_type, scale=0.05, zero_point=3 if x_type == "int8" else 0)
    wt = b.add_tensor(
        "w", shape, w_type, data=w, scale=w_scales, zero_point=[0] * len(w_scales),
        quantized_dimension=axis,
    )  # fmt: skip
    bias = b.add_tensor(
        "b", (channels,), "int32", data=rng.integers(-300, 300, channels),
        scale=[0.05 * s for s in w_scales], zero_point=[0] * len(w_scales),
    )  # fmt: skip
    y = b.add_tensor("y", out_shape, x_type, scale=0.3, zero_point=-2 if x_type == "int8" else 0)
    b.add_operator(op, [x, wt, bias], [y], options)
    b.set_inputs([x])
    b.set_outputs([y])
    return b.build()


def scales(rng: np.random.Generator, n: int, per_channel: bool) -> list[float]:
    return [float(s) for s in rng.uniform(0.02, 0.3, n if per_channel else 1)]


@pytest.mark.parametrize("seed", range(6))
def test_fully_connected(seed: int) -> None:
    rng = np.random.default_rng(seed)
    batches, depth, units = (
        int(rng.integers(1, 4)),
        int(rng.integers(1, 24)),
        int(rng.integers(1, 12)),
    )
    w = rng.integers(-8, 8, (units, depth))
    model = layer_model(
        "FULLY_CONNECTED", (batches, depth), w, (batches, units),
        scales(rng, units, per_channel=False), seed=seed,
    )  # fmt: skip
    assert_matches_tflm(model)


def test_fully_connected_per_channel_is_refused() -> None:
    """TFLM's FULLY_CONNECTED refuses per-channel INT4 weights in prepare; so does micro."""
    model = layer_model("FULLY_CONNECTED", (1, 3), np.ones((2, 3), int), (1, 2), [0.1, 0.2])
    with pytest.raises(UnsupportedOpError, match="per-channel INT4 weights"):
        micro.Interpreter.from_bytes(model)
    with pytest.raises(RuntimeError, match="allocate tensors"):
        run_tflm(model, [np.zeros((1, 3), np.int8)], 1)


@pytest.mark.parametrize("seed", range(6))
def test_conv(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    cin, cout = int(rng.integers(1, 6)), int(rng.integers(1, 7))
    fh, fw = int(rng.integers(1, 4)), int(rng.integers(1, 4))
    stride = int(rng.integers(1, 3))
    h, w_ = int(rng.integers(fh, 9)), int(rng.integers(fw, 9))
    padding = "SAME" if seed % 2 else "VALID"
    oh = -(-h // stride) if padding == "SAME" else (h - fh) // stride + 1
    ow = -(-w_ // stride) if padding == "SAME" else (w_ - fw) // stride + 1
    w = rng.integers(-8, 8, (cout, fh, fw, cin))
    options = {"padding": padding, "stride_h": stride, "stride_w": stride}
    model = layer_model(
        "CONV_2D", (1, h, w_, cin), w, (1, oh, ow, cout),
        scales(rng, cout, per_channel=seed % 3 != 0), options, seed=seed,
    )  # fmt: skip
    assert_matches_tflm(model, arena_sizes=(None, 1 << 22))


@pytest.mark.parametrize("seed", range(6))
def test_depthwise_conv(seed: int) -> None:
    rng = np.random.default_rng(200 + seed)
    cin, mult = int(rng.integers(1, 5)), int(rng.integers(1, 3))
    fh, fw = int(rng.integers(1, 4)), int(rng.integers(1, 4))
    h, w_ = int(rng.integers(fh, 8)), int(rng.integers(fw, 8))
    cout = cin * mult
    w = rng.integers(-8, 8, (1, fh, fw, cout))
    options = {"padding": "VALID", "stride_h": 1, "stride_w": 1, "depth_multiplier": mult}
    model = layer_model(
        "DEPTHWISE_CONV_2D", (1, h, w_, cin), w, (1, h - fh + 1, w_ - fw + 1, cout),
        scales(rng, cout, per_channel=seed % 2 == 0), options, axis=3, seed=seed,
    )  # fmt: skip
    assert_matches_tflm(model, arena_sizes=(None, 1 << 22))


def test_packing_is_tflms() -> None:
    """Low nibble first, sign-extended; an odd count leaves the last high nibble unused
    (tensor_utils::UnpackDenseInt4IntoInt8): independent arithmetic on known bytes."""
    assert list(int4.unpack(bytes([0x21, 0xF8, 0x07]), 5)) == [1, 2, -8, -1, 7]
    assert int4.pack(np.array([1, 2, -8, -1, 7])) == bytes([0x21, 0xF8, 0x07])
    values = np.arange(-8, 8).repeat(3)
    assert np.array_equal(int4.unpack(int4.pack(values), values.size), values)


@pytest.mark.parametrize("nbytes", [4, 6, 9])
def test_wrong_packed_size_is_refused(nbytes: int) -> None:
    """A [1, 3, 3, 1] filter of 9 values takes 5 bytes; 4 (too few), 6 (one over) and 9 (one
    byte a value) are each refused by the reader, naming the tensor."""
    model = layer_model(
        "CONV_2D", (1, 3, 3, 1), bytes(nbytes), (1, 1, 1, 1), [0.1],
        {"padding": "VALID", "stride_h": 1, "stride_w": 1}, w_shape=(1, 3, 3, 1),
    )  # fmt: skip
    with pytest.raises(ModelError, match=rf"'w'.*holds {nbytes} bytes.*INT4 needs 5"):
        micro.load_model(model)


def test_int4_outside_weights_is_refused() -> None:
    """int16 activations with INT4 weights (TFLM takes INT4 with int8 only), INT4 weights
    that are not constant, and INT4 anywhere else are refused by name."""
    w = np.zeros((2, 3), dtype=np.int64)
    s16 = layer_model("FULLY_CONNECTED", (1, 3), w, (1, 2), [0.1], x_type="int16")
    with pytest.raises(UnsupportedOpError, match=r"'w'.*is int4; supported: int8"):
        micro.Interpreter.from_bytes(s16)
    b = ModelBuilder()
    x = b.add_tensor("x", (1, 3), "int8", scale=0.05)
    w_in = b.add_tensor("w", (2, 3), "INT4", scale=0.1)
    y = b.add_tensor("y", (1, 2), "int8", scale=0.3)
    b.add_operator("FULLY_CONNECTED", [x, w_in, -1], [y])
    b.set_inputs([x, w_in])
    b.set_outputs([y])
    with pytest.raises(UnsupportedOpError, match=r"weights must be constant \(tensor 1, 'w'\)"):
        micro.Interpreter.from_bytes(b.build())
    b = ModelBuilder()
    x = b.add_tensor("x", (4,), "int8", scale=0.05)
    c = b.add_tensor("c", (4,), "INT4", data=np.array([1, -2, 3, -4]), scale=0.05)
    y = b.add_tensor("y", (4,), "int8", scale=0.1)
    b.add_operator("ADD", [x, c], [y])
    b.set_inputs([x])
    b.set_outputs([y])
    with pytest.raises(UnsupportedOpError, match=r"'c'.*int4"):
        micro.Interpreter.from_bytes(b.build())


def test_writer_refuses_values_outside_int4() -> None:
    with pytest.raises(ValueError, match=r"'w'.*\[-8, 7\]"):
        ModelBuilder().add_tensor("w", (2,), "INT4", data=np.array([3, 8]))


@pytest.mark.parametrize("op", ["FULLY_CONNECTED", "CONV_2D"])
def test_dsp_weight_layout(op: str) -> None:
    """Compiled for a DSP core (weights reordered for the *_dsp twins), INT4 weights still
    give TFLM's bytes on the host's reference kernels."""
    rng = np.random.default_rng(5)
    if op == "FULLY_CONNECTED":
        w = rng.integers(-8, 8, (20, 19))
        model = layer_model(op, (2, 19), w, (2, 20), [0.07])
    else:
        w = rng.integers(-8, 8, (6, 3, 3, 5))
        options = {"padding": "SAME", "stride_h": 1, "stride_w": 1}
        model = layer_model(op, (1, 6, 6, 5), w, (1, 6, 6, 6), scales(rng, 6, True), options)
    it = micro.Interpreter(compile_model(micro.load_model(model), dsp=True))
    x = rng.integers(-128, 128, it.get_input_details()[0]["shape"], dtype=np.int8)
    it.set_input(x, 0)
    it.invoke()
    assert it.get_output(0).tobytes() == run_tflm(model, [x], 1)[0].tobytes()
