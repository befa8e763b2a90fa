"""UNIDIRECTIONAL_SEQUENCE_LSTM (TFLM's integer 8x8->16 LSTM): generated models with random
batch, time steps, sizes, layout, quantization and cell clip, byte-exact against TFLM over
consecutive invokes (the hidden and cell states carry over) and after reset(); the
mnist_lstm reference model on its digit samples and on random inputs; the sigmoid table
against TFLM's int16 LOGISTIC and TANH."""

from __future__ import annotations

import math
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from support.oracle import (
    TFLM_ARENA,
    assert_matches_tflm,
    assert_sequence_matches_tflm,
    assert_state_carried_and_reset,
    run_micro,
    run_tflm,
    submodel,
    tflm,
)
from support.programs import patched_program

import micro
from micro.errors import ModelError, ProgramError, UnsupportedOpError
from micro.interpreter import Runtime
from micro.quant import sigmoid_table_u16
from micro.writer import ModelBuilder

MNIST = "tflm/mnist_lstm/trained_lstm_int8.tflite"


def lstm_model(
    rng: np.random.Generator,
    batches: int,
    steps: int,
    size: int,
    units: int,
    time_major: bool = False,
    cell_power: float = -12,
    cell_clip: float = 0.0,
    activation: str = "TANH",
    weight_zp: int = 0,
    peephole: bool = False,
    wide: bool = False,
) -> bytes:
    """int8 activations, int32 biases; wide: TFLM's 16x8 (int16 activations, zero points 0,
    int64 biases)."""
    act, bias_type = ("int16", "int64") if wide else ("int8", "int32")
    rms = 18900 if wide else 74  # of uniformly random activations
    in_scale = float(rng.uniform(0.002, 0.05)) * (74 / rms)
    in_zp = 0 if wide else int(rng.integers(-128, 128))
    hidden_scale = float(2 ** rng.uniform(-8.5, -6)) * (74 / rms)
    hidden_zp = 0 if wide else int(rng.integers(-20, 21))
    cell_scale = float(2.0**cell_power)
    b = ModelBuilder()
    shape = (steps, batches, size) if time_major else (batches, steps, size)
    x = b.add_tensor("x", shape, act, scale=in_scale, zero_point=in_zp)
    inputs = [x] + [-1] * 23

    def weights(name: str, cols: int, activation_scale: float) -> int:
        # Gate pre-activations (Q3.12) spread over about [-8, 8].
        typical = activation_scale * 74 * rms * math.sqrt(cols)
        scale = float(2 ** rng.uniform(-1.5, 2.5)) / typical
        data = rng.integers(-127, 128, (units, cols), dtype=np.int8)
        return b.add_tensor(name, (units, cols), "int8", data=data, scale=scale,
                            zero_point=weight_zp)  # fmt: skip

    for k, gate in enumerate(["input", "forget", "cell", "output"]):
        w_in = weights(f"w_{gate}", size, in_scale)
        w_rec = weights(f"r_{gate}", units, hidden_scale)
        inputs[1 + k] = w_in
        inputs[5 + k] = w_rec
        bias_range = (1 << 20) if wide else (1 << 12)
        inputs[12 + k] = b.add_tensor(
            f"bias_{gate}", (units,), bias_type,
            data=rng.integers(-bias_range, bias_range, units).astype(bias_type), scale=in_scale,
        )  # fmt: skip
    if peephole:
        inputs[9] = b.add_tensor("peep", (units,), "int16", data=np.ones(units, np.int16),
                                 scale=1.0)  # fmt: skip
    inputs[18] = b.add_tensor(
        "hidden", (batches, units), act, scale=hidden_scale, zero_point=hidden_zp,
        is_variable=True,
    )  # fmt: skip
    inputs[19] = b.add_tensor("cell", (batches, units), "int16", scale=cell_scale,
                              is_variable=True)  # fmt: skip
    out_shape = (steps, batches, units) if time_major else (batches, steps, units)
    out = b.add_tensor("out", out_shape, act, scale=hidden_scale, zero_point=hidden_zp)
    b.add_operator(
        "UNIDIRECTIONAL_SEQUENCE_LSTM", inputs, [out],
        {"fused_activation_function": activation, "cell_clip": cell_clip,
         "time_major": time_major},
    )  # fmt: skip
    b.set_inputs([x])
    b.set_outputs([out])
    return b.build()


def random_model(seed: int, wide: bool = False) -> bytes:
    rng = np.random.default_rng(seed)
    power = float(rng.choice([-15, -14, -13, -12, -11, -10]))
    if rng.random() < 0.2:  # not a power of two: TFLM rounds its log2
        power += float(rng.uniform(-0.3, 0.3))
    return lstm_model(
        rng,
        batches=int(rng.integers(1, 4)),
        steps=int(rng.integers(1, 7)),
        size=int(rng.integers(1, 33)),
        units=int(rng.integers(1, 25)),
        time_major=bool(rng.random() < 0.4),
        cell_power=power,
        cell_clip=float(rng.choice([0.0, rng.uniform(0.5, 8.0)])),
        wide=wide,
    )


@pytest.mark.parametrize("seed", range(60))
def test_matches_tflm_over_invokes_and_reset(seed: int) -> None:
    assert_sequence_matches_tflm(random_model(seed), 6, seed, resets=(4,))


@pytest.mark.parametrize("seed", range(8))
def test_single_invoke_matches_tflm(seed: int) -> None:
    assert_matches_tflm(random_model(100 + seed), seeds=(0,))


# -- the int16 sigmoid / tanh table ------------------------------------------------------


def interpolate(x: np.ndarray, table: np.ndarray, step_bits: int) -> np.ndarray:
    """The table lookup of TFLM's int16 sigmoid (step 2^9 of 3x) or tanh (2^8), in numpy."""
    v = x.astype(np.int64) * 3
    a = np.abs(v)
    i = np.minimum(a >> step_bits, 254)
    lo, hi = table[i].astype(np.int64), table[i + 1].astype(np.int64)
    frac = a & ((1 << step_bits) - 1)
    if step_bits == 9:
        r = np.where(a >> 9 >= 255, 0x7FFF << 10, (lo << 9) + frac * (hi - lo))
        r = np.where(v >= 0, r + (1 << 9), (1 << 25) - r + (1 << 9) - 1)
        return (r >> 10).astype(np.int16)
    r = np.where(a >> 8 >= 255, 0xFFFF << 8, (lo << 8) + frac * (hi - lo))
    r = np.where(v >= 0, r - (1 << 23) + (1 << 7), -r + (1 << 23) + (1 << 7) - 1)
    return (r >> 8).astype(np.int16)


@pytest.mark.parametrize(("op", "step_bits"), [("LOGISTIC", 9), ("TANH", 8)])
def test_sigmoid_table_matches_tflm_int16_activations(op: str, step_bits: int) -> None:
    """Every int16 input of TFLM's int16 LOGISTIC / TANH (Q3.12 in, Q0.15 out: the LSTM's
    gate case) equals the interpolation of micro's table."""
    runtime = tflm()

    b = ModelBuilder()
    x = b.add_tensor("x", (65536,), "int16", scale=2.0**-12, zero_point=0)
    y = b.add_tensor("y", (65536,), "int16", scale=2.0**-15, zero_point=0)
    b.add_operator(op, [x], [y])
    b.set_inputs([x])
    b.set_outputs([y])
    it = runtime.Interpreter.from_bytes(b.build(), arena_size=TFLM_ARENA)
    values = np.arange(-32768, 32768, dtype=np.int16)
    it.set_input(values, 0)
    it.invoke()
    expected = np.array(it.get_output(0))
    got = interpolate(values, sigmoid_table_u16(), step_bits)
    assert np.array_equal(got, expected), f"{np.sum(got != expected)} values differ"


# -- the mnist_lstm reference model --------------------------------------------------------


def read_png_gray(path: Path) -> np.ndarray:
    """An 8-bit grayscale, non-interlaced PNG as a uint8 array (enough for the samples)."""
    data = path.read_bytes()
    width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", data[16:29])
    assert (depth, color, interlace) == (8, 0, 0), "only 8-bit grayscale PNGs"
    pos, idat = 8, b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        if data[pos + 4 : pos + 8] == b"IDAT":
            idat += data[pos + 8 : pos + 8 + length]
        pos += 12 + length
    raw = zlib.decompress(idat)
    rows, prev = [], np.zeros(width, np.int64)
    for r in range(height):
        kind = raw[r * (width + 1)]
        line = np.frombuffer(raw, np.uint8, width, r * (width + 1) + 1).astype(np.int64)
        out = np.zeros(width, np.int64)
        for c in range(width):
            left = out[c - 1] if c else 0
            up, up_left = prev[c], (prev[c - 1] if c else 0)
            if kind == 0:
                pred = 0
            elif kind == 1:
                pred = left
            elif kind == 2:
                pred = up
            elif kind == 3:
                pred = (left + up) // 2
            else:
                p = left + up - up_left
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - up_left)
                pred = left if pa <= pb and pa <= pc else (up if pb <= pc else up_left)
            out[c] = (line[c] + pred) & 0xFF
        rows.append(out)
        prev = out
    return np.array(rows, np.uint8)


def mnist_input(path: Path, scale: float, zero_point: int) -> np.ndarray:
    """The example's preprocessing (evaluate.py): float32 pixels / 255, then / scale + zp,
    truncated to int8."""
    data = read_png_gray(path).astype(np.float32) / np.float32(255.0)
    return (data / np.float32(scale) + np.float32(zero_point)).astype(np.int8).reshape(1, 28, 28)


def test_mnist_samples_match_tflm_and_their_labels(reference: Callable[[str], Path]) -> None:
    """Each digit sample is classified as its digit, with TFLM's bytes; the LSTM state
    carries from one image to the next unless reset, in both."""
    runtime = tflm()

    data = reference(MNIST).read_bytes()
    ours = micro.Interpreter.from_bytes(data)
    theirs = runtime.Interpreter.from_bytes(data, arena_size=TFLM_ARENA)
    slot = ours.compiled.inputs[0]
    for reset in (True, False):
        for digit in range(10):
            path = reference(f"tflm/mnist_lstm/samples/sample{digit}.png")
            x = mnist_input(path, slot.scale, slot.zero_point)
            for it in (ours, theirs):
                if reset:
                    it.reset()
                it.set_input(x, 0)
                it.invoke()
            got, expected = ours.get_output(0), np.array(theirs.get_output(0))
            assert got.tobytes() == expected.tobytes(), f"sample {digit}, reset {reset}"
            if reset:
                assert int(np.argmax(got)) == digit


def test_mnist_lstm_output_matches_tflm(reference: Callable[[str], Path]) -> None:
    """The LSTM's own output (before the classifier saturates it) over 12 invokes of random
    inputs, state carried, reset after 8."""
    data = reference(MNIST).read_bytes()
    model = submodel(data, range(4), [0], [23, 26])
    assert_sequence_matches_tflm(model, 12, seed=1, resets=(8,))


# -- refusals ------------------------------------------------------------------------------


def test_state_is_carried_and_reset() -> None:
    rng = np.random.default_rng(2)
    model = lstm_model(rng, 1, 3, 8, 6)
    assert_state_carried_and_reset(model, rng.integers(-128, 128, (1, 3, 8), dtype=np.int8))


def test_peephole_is_unsupported() -> None:
    model = lstm_model(np.random.default_rng(0), 1, 2, 4, 3, peephole=True)
    with pytest.raises(UnsupportedOpError, match="peephole"):
        micro.Interpreter.from_bytes(model)


def test_other_cell_activation_is_unsupported() -> None:
    model = lstm_model(np.random.default_rng(0), 1, 2, 4, 3, activation="RELU")
    with pytest.raises(UnsupportedOpError, match="TANH only"):
        micro.Interpreter.from_bytes(model)


def test_weight_zero_point_is_unsupported() -> None:
    model = lstm_model(np.random.default_rng(0), 1, 2, 4, 3, weight_zp=3)
    with pytest.raises(UnsupportedOpError, match="zero point 3"):
        micro.Interpreter.from_bytes(model)


def test_extreme_cell_scale_is_unsupported() -> None:
    model = lstm_model(np.random.default_rng(0), 1, 2, 4, 3, cell_power=4)
    with pytest.raises(UnsupportedOpError, match="cell state scale"):
        micro.Interpreter.from_bytes(model)


def test_wrong_weight_shape_is_malformed() -> None:
    data = lstm_model(np.random.default_rng(0), 1, 2, 4, 3)
    (graph,) = micro.load_model(data).subgraphs
    b = ModelBuilder()
    for t in graph.tensors:
        q = t.quant
        shape, values = t.shape, t.data
        if t.name == "w_forget":
            shape, values = (3, 5), np.zeros((3, 5), np.int8)
        b.add_tensor(t.name, shape, t.type, data=values, is_variable=t.is_variable,
                     scale=None if q is None else q.scale,
                     zero_point=None if q is None else q.zero_point)  # fmt: skip
    (op,) = graph.operators
    b.add_operator(op.builtin_code, op.inputs, op.outputs, op.options)
    b.set_inputs(graph.inputs)
    b.set_outputs(graph.outputs)
    with pytest.raises(ModelError, match=r"input weights 2 \[3, 5\]"):
        micro.Interpreter.from_bytes(b.build())


@pytest.mark.parametrize(
    "changes",
    [
        {"time_steps": 3},
        {"state_size": 20},
        {"input_padded": 24},
        {"tanh_multiplier": 50000},
        {"tanh_shift": 32},
        {"cell_clip": -1},
        {"gate_shift": [0, 0, 0, 0, 0, 0, 0, 31]},
    ],
)
def test_hostile_params_are_refused(changes: dict) -> None:
    """A corrupt program (valid checksum) is refused by the kernel's check at load time."""
    model = lstm_model(np.random.default_rng(0), 1, 2, 4, 3)
    program, arena = patched_program(model, **changes)
    with pytest.raises(ProgramError, match="step 0"):
        Runtime(program, arena)


def test_projection_scale_is_computed_in_double() -> None:
    """Scales (found by a search) whose gate multiplier differs between a float32 and a double
    product, and a cell gate sum (its bias) on a rounding edge between them: TFLM rounds as
    double, and the tiny hidden scale makes the difference visible in the output."""
    bits = np.array([955612731, 971120431], np.uint32).view(np.float32)
    in_scale, w_scale = float(bits[0]), float(bits[1])
    b = ModelBuilder()
    x = b.add_tensor("x", (1, 1, 1), "int8", scale=in_scale)
    inputs = [x] + [-1] * 23
    for k in range(4):
        inputs[1 + k] = b.add_tensor(f"w{k}", (1, 1), "int8", data=np.zeros((1, 1), np.int8),
                                     scale=w_scale)  # fmt: skip
        inputs[5 + k] = b.add_tensor(f"r{k}", (1, 1), "int8", data=np.zeros((1, 1), np.int8),
                                     scale=0.01)  # fmt: skip
        bias = 21760 if k == 2 else 10**7  # input/forget/output gates saturate open
        inputs[12 + k] = b.add_tensor(f"b{k}", (1,), "int32", data=np.array([bias], np.int32),
                                      scale=in_scale * w_scale)  # fmt: skip
    inputs[18] = b.add_tensor("h", (1, 1), "int8", scale=2.0**-15, is_variable=True)
    inputs[19] = b.add_tensor("c", (1, 1), "int16", scale=2.0**-15, is_variable=True)
    y = b.add_tensor("y", (1, 1, 1), "int8", scale=2.0**-15)
    b.add_operator("UNIDIRECTIONAL_SEQUENCE_LSTM", inputs, [y],
                   {"fused_activation_function": "TANH"})  # fmt: skip
    b.set_inputs([x])
    b.set_outputs([y])
    model = b.build()
    xs = [np.zeros((1, 1, 1), np.int8)]
    assert run_micro(model, xs)[0].tobytes() == run_tflm(model, xs, 1)[0].tobytes()


def test_nan_cell_clip_means_no_clip_as_in_tflm() -> None:
    """TFLM clips only when cell_clip > 0, which NaN is not (it used to be a ValueError)."""
    model = lstm_model(np.random.default_rng(3), 1, 3, 4, 5, cell_clip=float("nan"))
    assert_matches_tflm(model, seeds=(0, 1))
