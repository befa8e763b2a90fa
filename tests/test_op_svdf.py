"""SVDF (full integer, int8 or int16 state): random batches, input sizes, units, ranks,
memory sizes and quantization, byte-exact against TFLM over several consecutive invokes
(the state is a variable tensor that carries over) and after reset()."""

from __future__ import annotations

import math

import numpy as np
import pytest
from support import sanitized
from support.oracle import (
    TFLM_ARENA,
    assert_matches_tflm,
    assert_same_bytes,
    assert_sequence_matches_tflm,
    assert_state_carried_and_reset,
    random_inputs,
    run_micro,
    run_sanitized,
    run_tflm,
    submodel,
    tflm,
)
from support.programs import assert_hostile_params_safe, patched_program

import micro
from micro.errors import ModelError, ProgramError, UnsupportedOpError
from micro.interpreter import Runtime
from micro.writer import ModelBuilder

F32 = np.float32


def svdf_model(
    rng: np.random.Generator,
    batches: int,
    input_size: int,
    units: int,
    rank: int,
    memory: int,
    state_dtype: str = "int8",
    bias: bool = True,
    bias_scale_error: float = 0.0,
    activation: str = "RELU",
    out_rescale: float | None = None,
) -> bytes:
    """`out_rescale`: the output requantization's scale (state * time weights / output)
    instead of a typical one."""
    filters = units * rank
    limit = 127 if state_dtype == "int8" else 32767
    in_scale = float(rng.uniform(0.005, 0.1))
    in_zp = int(rng.integers(-128, 128))
    wf_scale = float(rng.uniform(0.002, 0.02))
    wt_scale = float(rng.uniform(0.002, 0.02)) * (1 if state_dtype == "int8" else 1 / 256)
    # Scales that keep the requantized values mostly inside their types, sometimes not.
    typical_feature = 128 * 74 * math.sqrt(input_size)
    state_scale = in_scale * wf_scale * typical_feature / limit * 2 ** rng.uniform(-2, 2)
    state_zp = int(rng.integers(-128, 128)) if state_dtype == "int8" else 0
    typical_time = (limit / 2) * (limit * 0.6) * math.sqrt(rank * memory)
    out_scale = state_scale * wt_scale * typical_time / 127 * 2 ** rng.uniform(-2, 2)
    if out_rescale is not None:
        out_scale = state_scale * wt_scale / out_rescale
    out_zp = int(rng.integers(-128, 128))
    bias_scale = float(F32(state_scale) * F32(wt_scale)) + bias_scale_error

    b = ModelBuilder()
    x = b.add_tensor("x", (batches, input_size), "int8", scale=in_scale, zero_point=in_zp)
    wf = b.add_tensor(
        "wf", (filters, input_size), "int8",
        data=rng.integers(-127, 128, (filters, input_size), dtype=np.int8), scale=wf_scale,
    )  # fmt: skip
    wt_info = np.iinfo(np.dtype(state_dtype))
    wt = b.add_tensor(
        "wt", (filters, memory), state_dtype,
        data=rng.integers(wt_info.min + 1, wt_info.max + 1, (filters, memory)).astype(
            state_dtype
        ),
        scale=wt_scale,
    )  # fmt: skip
    bias_index = -1
    if bias:
        bias_index = b.add_tensor(
            "bias", (units,), "int32",
            data=rng.integers(-(1 << 14), 1 << 14, units).astype(np.int32), scale=bias_scale,
        )  # fmt: skip
    state = b.add_tensor(
        "state", (batches, memory * filters), state_dtype, scale=state_scale,
        zero_point=state_zp, is_variable=True,
    )  # fmt: skip
    out = b.add_tensor("out", (batches, units), "int8", scale=out_scale, zero_point=out_zp)
    b.add_operator(
        "SVDF", [x, wf, wt, bias_index, state], [out],
        {"rank": rank, "fused_activation_function": activation},
    )  # fmt: skip
    b.set_inputs([x])
    b.set_outputs([out])
    return b.build()


def random_model(seed: int) -> tuple[bytes, int]:
    rng = np.random.default_rng(seed)
    memory = int(rng.integers(1, 11))
    model = svdf_model(
        rng,
        batches=int(rng.integers(1, 4)),
        input_size=int(rng.integers(1, 41)),
        units=int(rng.integers(1, 17)),
        rank=int(rng.integers(1, 4)),
        memory=memory,
        state_dtype=str(rng.choice(["int8", "int16"])),
        activation=str(rng.choice(["NONE", "RELU"])),
    )
    return model, memory


@pytest.mark.parametrize("seed", range(60))
def test_matches_tflm_over_invokes_and_reset(seed: int) -> None:
    model, memory = random_model(seed)
    invokes = memory + 3  # past the first memory steps, when every slot holds real data
    assert_sequence_matches_tflm(model, invokes + 3, seed, resets=(invokes,))


@pytest.mark.parametrize("seed", range(10))
def test_single_invoke_matches_tflm(seed: int) -> None:
    model, _ = random_model(100 + seed)
    assert_matches_tflm(model, seeds=(0,))


def test_state_is_carried_and_reset() -> None:
    """Independent of TFLM: the same input twice gives different outputs (the state moved),
    and after reset() the first output again."""
    rng = np.random.default_rng(5)
    model = svdf_model(rng, 1, 8, 4, 2, 4, "int16")
    assert_state_carried_and_reset(model, rng.integers(-128, 128, (1, 8), dtype=np.int8))


def test_missing_bias_is_unsupported() -> None:
    model = svdf_model(np.random.default_rng(0), 1, 4, 2, 1, 3, bias=False)
    with pytest.raises(UnsupportedOpError, match="needs a bias"):
        micro.Interpreter.from_bytes(model)


def test_bias_scale_mismatch_is_unsupported() -> None:
    model = svdf_model(np.random.default_rng(0), 1, 4, 2, 1, 3, bias_scale_error=1e-4)
    with pytest.raises(UnsupportedOpError, match="bias scale"):
        micro.Interpreter.from_bytes(model)


def small_model(
    rank: int = 1, state_dtype: str = "int8", wt_dtype: str = "int8", variable: bool = True
) -> bytes:
    """A 3-filter SVDF with hand-set shapes, types and options (for the refusals)."""
    b = ModelBuilder()
    x = b.add_tensor("x", (1, 4), "int8", scale=0.1)
    wf = b.add_tensor("wf", (3, 4), "int8", data=np.ones((3, 4), np.int8), scale=0.1)
    wt = b.add_tensor("wt", (3, 2), wt_dtype, data=np.ones((3, 2), wt_dtype), scale=0.1)
    units = 3 // rank if 3 % rank == 0 else 1
    bias = b.add_tensor("bias", (units,), "int32", data=np.zeros(units, np.int32), scale=0.01)
    state = b.add_tensor("state", (1, 6), state_dtype, scale=0.1, is_variable=variable)
    out = b.add_tensor("out", (1, units), "int8", scale=0.1)
    b.add_operator("SVDF", [x, wf, wt, bias, state], [out], {"rank": rank})
    b.set_inputs([x])
    b.set_outputs([out])
    return b.build()


def test_small_model_runs() -> None:
    assert_sequence_matches_tflm(small_model(), 4)


def test_rank_must_divide_filters() -> None:
    with pytest.raises(ModelError, match="rank 2 does not divide"):
        micro.Interpreter.from_bytes(small_model(rank=2))


def test_state_and_time_weights_share_a_type() -> None:
    with pytest.raises(UnsupportedOpError, match="one type"):
        micro.Interpreter.from_bytes(small_model(state_dtype="int16"))


def test_state_must_be_a_variable() -> None:
    with pytest.raises(ModelError, match="not a variable"):
        micro.Interpreter.from_bytes(small_model(variable=False))


@pytest.mark.parametrize("name", ["keyword_scrambled_8bit", "keyword_scrambled"])
def test_keyword_model_svdf_stack_matches_tflm(name: str, reference) -> None:
    """The keyword models' SVDF/FULLY_CONNECTED/SOFTMAX stack (operators 1-13, between
    the int16 QUANTIZE ops at both ends), with their weights: 7 SVDFs with int8 (8bit) or
    int16 state, over 30 consecutive invokes with a reset after 20. Every SVDF's output is
    a model output too (the final scores alone saturate on random inputs)."""
    data = reference(f"tflm/keyword/{name}.tflite").read_bytes()
    model = submodel(data, range(1, 14), [0], [5, 13, 21, 29, 37, 42, 47, 50, 51])
    assert_sequence_matches_tflm(model, 30, seed=3, resets=(20,))


@pytest.mark.parametrize(
    "changes",
    [
        {"state_bytes": 3},
        {"state_zp": 200},
        {"batches": 2},
        {"input_padded": 8},
        {"memory": 100},
        {"feature_shift": 31},
        {"output_multiplier": -1},
    ],
)
def test_hostile_params_are_refused(changes: dict) -> None:
    """A corrupt program (valid checksum) is refused by the kernel's check at load time."""
    model = svdf_model(np.random.default_rng(0), 1, 20, 4, 2, 3, "int8")
    program, arena = patched_program(model, **changes)
    with pytest.raises(ProgramError, match="step 0"):
        Runtime(program, arena)


def f32_bits(bits: int) -> float:
    return float(np.array([bits], np.uint32).view(np.float32)[0])


def test_feature_scale_is_computed_in_double() -> None:
    """Scales (found by a search) whose feature multiplier differs between float32 and double
    arithmetic, and a feature sum on a rounding edge between them: TFLM rounds as double."""
    in_scale, wf_scale, state_scale = (
        f32_bits(1034476463),
        f32_bits(1026381121),
        f32_bits(1077176812),
    )
    acc = -52111  # = 127 * (x0 + ... + x6) + x7
    b = ModelBuilder()
    x = b.add_tensor("x", (1, 8), "int8", scale=in_scale)
    wf = b.add_tensor("wf", (1, 8), "int8", data=np.array([[127] * 7 + [1]], np.int8),
                      scale=wf_scale)  # fmt: skip
    wt = b.add_tensor("wt", (1, 1), "int16", data=np.ones((1, 1), np.int16), scale=1.0)
    bias = b.add_tensor("bias", (1,), "int32", data=np.array([64], np.int32), scale=state_scale)
    state = b.add_tensor("state", (1, 1), "int16", scale=state_scale, is_variable=True)
    out = b.add_tensor("out", (1, 1), "int8", scale=state_scale)
    b.add_operator("SVDF", [x, wf, wt, bias, state], [out], {"rank": 1})
    b.set_inputs([x])
    b.set_outputs([out])
    q, r = divmod(acc, 127)
    values = []
    for _ in range(7):
        v = max(-128, min(127, q))
        values.append(v)
        q -= v
    values.append(r)
    assert sum(v * 127 for v in values[:7]) + values[7] == acc
    model = b.build()
    xs = [np.array([values], np.int8)]
    assert run_micro(model, xs)[0].tobytes() == run_tflm(model, xs, 1)[0].tobytes()


def test_output_scale_is_computed_in_double() -> None:
    """As above for state * time weights / output: the sum is the bias alone."""
    state_scale, wt_scale, out_scale = (
        f32_bits(1012429797),
        f32_bits(1020714844),
        f32_bits(1067025141),
    )
    b = ModelBuilder()
    x = b.add_tensor("x", (1, 2), "int8", scale=0.1)
    wf = b.add_tensor("wf", (1, 2), "int8", data=np.zeros((1, 2), np.int8), scale=0.01)
    wt = b.add_tensor("wt", (1, 1), "int8", data=np.zeros((1, 1), np.int8), scale=wt_scale)
    bias = b.add_tensor("bias", (1,), "int32", data=np.array([-257841], np.int32),
                        scale=float(np.float32(state_scale) * np.float32(wt_scale)))  # fmt: skip
    state = b.add_tensor("state", (1, 1), "int8", scale=state_scale, is_variable=True)
    out = b.add_tensor("out", (1, 1), "int8", scale=out_scale)
    b.add_operator("SVDF", [x, wf, wt, bias, state], [out], {"rank": 1})
    b.set_inputs([x])
    b.set_outputs([out])
    model = b.build()
    xs = [np.zeros((1, 2), np.int8)]
    assert run_micro(model, xs)[0].tobytes() == run_tflm(model, xs, 1)[0].tobytes()


def float_svdf_model(seed: int, activation: str = "NONE", bias_kind: str = "random") -> bytes:
    """bias_kind: "random", "zero" (a constant 0.0 bias) or "none" (no bias input)."""
    rng = np.random.default_rng(seed)
    batches, input_size = int(rng.integers(1, 4)), int(rng.integers(1, 30))
    units, rank, memory = int(rng.integers(1, 9)), int(rng.integers(1, 4)), int(rng.integers(1, 8))
    filters = units * rank
    b = ModelBuilder()
    x = b.add_tensor("x", (batches, input_size), "float32")
    wf = b.add_tensor(
        "wf", (filters, input_size), "float32",
        data=rng.normal(0, 0.5, (filters, input_size)).astype(np.float32),
    )  # fmt: skip
    wt = b.add_tensor(
        "wt", (filters, memory), "float32",
        data=rng.normal(0, 0.5, (filters, memory)).astype(np.float32),
    )  # fmt: skip
    values = rng.normal(0, 1, units).astype(F32) * (bias_kind == "random")
    bias = -1 if bias_kind == "none" else b.add_tensor("b", (units,), "float32", data=values)
    state = b.add_tensor("state", (batches, memory * filters), "float32", is_variable=True)
    out = b.add_tensor("out", (batches, units), "float32")
    b.add_operator(
        "SVDF", [x, wf, wt, bias, state], [out],
        {"rank": rank, "fused_activation_function": activation},
    )  # fmt: skip
    b.set_inputs([x])
    b.set_outputs([out])
    return b.build()


@pytest.mark.parametrize("seed", range(16))
def test_float_matches_tflm_over_invokes_and_reset(seed: int) -> None:
    activation = ("NONE", "RELU", "RELU_N1_TO_1", "RELU6", "SIGN_BIT")[seed % 5]
    model = float_svdf_model(seed, activation)
    assert_sequence_matches_tflm(model, 12, seed, resets=(8,))


def test_float_without_bias_is_a_zero_bias() -> None:
    """TFLM's float SVDF crashes without a bias (its TODO #1751); micro starts the sums at
    0.0f as TFLM's code intends, which TFLM computes with a zero bias."""
    for seed in range(4):
        ours = micro.Interpreter.from_bytes(float_svdf_model(seed, bias_kind="none"))
        zero = float_svdf_model(seed, bias_kind="zero")
        theirs = tflm().Interpreter.from_bytes(zero, arena_size=TFLM_ARENA)
        for k in range(6):
            (x,) = random_inputs(ours, seed * 100 + k)
            ours.set_input(x, 0)
            theirs.set_input(x, 0)
            ours.invoke()
            theirs.invoke()
            assert_same_bytes([ours.get_output(0)], [theirs.get_output(0)], f"invoke {k}")


def test_float_tanh_is_refused() -> None:
    with pytest.raises(micro.UnsupportedOpError, match=r"operator 0.*TANH needs libm"):
        micro.Interpreter.from_bytes(float_svdf_model(0, "TANH"))


def test_float_tampered_params_are_refused_or_safe() -> None:
    assert_hostile_params_safe(float_svdf_model(3))


def test_output_rescale_beyond_tflm_requantization_is_refused() -> None:
    model = svdf_model(np.random.default_rng(3), 1, 8, 4, 1, 3, out_rescale=1e25)
    with pytest.raises(ModelError, match=r"operator 0 \(SVDF.*rescale .* 2\^30"):
        micro.Interpreter.from_bytes(model)


@pytest.mark.parametrize("state_dtype", ["int8", "int16"])
def test_extreme_representable_output_rescale_matches_tflm(state_dtype: str) -> None:
    """A rescale just below 2^30: requantized sums saturate next to INT32_MAX before the
    output zero point is added, as in TFLM (the sanitized build checks the adds are defined)."""
    for seed in range(4):
        rng = np.random.default_rng(seed)
        model = svdf_model(rng, 2, 8, 4, 2, 3, state_dtype, out_rescale=2.0**29.9)
        assert_sequence_matches_tflm(model, invokes=3, seed=seed)
        if sanitized.enabled():
            it = micro.Interpreter.from_bytes(model)
            x = random_inputs(it, seed)
            it.set_input(x[0], 0)
            it.invoke()
            assert np.array_equal(run_sanitized(it, x)[0], it.get_output(0))
