"""Arena planning of the reference models: with no budget the arena is the tensor-only lower
bound (optional im2col scratch dropped), a budget keeps what fits, and every plan gives the
same bytes as TFLM."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from support.oracle import assert_matches_tflm, random_inputs, run_tflm

import micro
from micro._ffi import kernel_predicate
from micro.compiler import compile_model
from micro.model import load_model
from micro.writer import ModelBuilder

MICRO_SPEECH = "tflm/micro_speech/micro_speech_quantized.tflite"
PERSON_DETECT = "tflm/person_detection/person_detect.tflite"
FC = "fully_connected_s8"
ROOMY = 1 << 22


def tensor_only_bound(path: Path) -> int:
    """The largest sum of activation bytes alive at one operator, from the model alone: a
    tensor lives from the operator that writes it (graph inputs: the first) to the last one
    that reads it (graph outputs: the last); a RESHAPE's output is its input's bytes."""
    graph = load_model(path).subgraphs[0]
    tensors = graph.tensors
    same = {}  # reshape output -> the tensor whose bytes it reuses
    for op in graph.operators:
        if op.name == "RESHAPE":
            same[op.outputs[0]] = same.get(op.inputs[0], op.inputs[0])
    last_step = len(graph.operators) - 1
    live: dict[int, list[int]] = {}

    def use(index: int, step: int) -> None:
        if index < 0 or tensors[index].data is not None:
            return  # omitted or constant
        root = same.get(index, index)
        span = live.setdefault(root, [step, step])
        span[0], span[1] = min(span[0], step), max(span[1], step)

    for i in graph.inputs:
        use(i, 0)
    for s, op in enumerate(graph.operators):
        for i in (*op.inputs, *op.outputs):
            use(i, s)
    for o in graph.outputs:
        use(o, last_step)
    return max(
        sum(tensors[t].nbytes for t, (a, b) in live.items() if a <= s <= b)
        for s in range(last_step + 1)
    )


def kept_scratch(it: micro.Interpreter) -> int:
    return sum(b.kind == "scratch" for b in it.compiled.plan.buffers)


def conv_steps(it: micro.Interpreter) -> int:
    return sum(step.kernel == "conv_s8" for step in it.compiled.steps)


@pytest.mark.parametrize(
    ("rel", "bound", "scratch"),
    [
        # RESHAPE'd input 49*40 + conv output 25*20*8; scratch 2 rows of 10*8 taps, int16.
        (MICRO_SPEECH, 1960 + 4000, 2 * 80 * 2),
        # 48*48*8 in + 48*48*16 out of the first 1x1 conv; 8 taps padded to 16, 2 rows, int16.
        (PERSON_DETECT, 18432 + 36864, 2 * 16 * 2),
    ],
    ids=["micro_speech", "person_detect"],
)
def test_arena_plans(rel: str, bound: int, scratch: int, reference: Callable[[str], Path]) -> None:
    path = reference(rel)
    assert tensor_only_bound(path) == bound
    lean = micro.Interpreter.from_file(path, overlap=False, fastest=False)
    assert lean.arena_used_bytes() == bound
    # Only the scratch of the conv at the peak is dropped: the others cost no arena bytes.
    assert kept_scratch(lean) == conv_steps(lean) - 1

    # Room for the scratch: every conv keeps it, and needs exactly its bytes at the peak.
    roomy = micro.Interpreter.from_file(path, arena_size=ROOMY, overlap=False)
    need = roomy.arena_used_bytes()
    assert need == bound + scratch
    assert kept_scratch(roomy) == conv_steps(roomy) > 0
    fastest = micro.Interpreter.from_file(path, overlap=False)  # no arena given: the default
    assert fastest.arena_used_bytes() == need and kept_scratch(fastest) == conv_steps(fastest)
    exact = micro.Interpreter.from_file(path, arena_size=need, overlap=False)
    assert exact.arena_used_bytes() == need and kept_scratch(exact) == conv_steps(exact)

    # In between: again only the scratch at the peak goes.
    between = micro.Interpreter.from_file(path, arena_size=need - 1, overlap=False)
    assert between.arena_used_bytes() <= need - 1
    assert kept_scratch(between) == conv_steps(between) - 1

    with pytest.raises(micro.ArenaTooSmallError):
        micro.Interpreter.from_file(path, arena_size=bound - 1, overlap=False)

    plans = (lean, between, roomy)
    for seed in (0, 1):
        outputs = []
        for it in plans:
            for i, x in enumerate(random_inputs(it, seed)):
                it.set_input(x, i)
            it.invoke()
            outputs.append(it.get_output(0).tobytes())
        assert outputs[0] == outputs[1] == outputs[2]
    assert_matches_tflm(path.read_bytes(), seeds=(2,), arena_sizes=(None, need - 1, ROOMY))


@pytest.mark.parametrize(
    ("op", "out_dtype", "tensor"), [("LOGISTIC", "int16", "z"), ("SOFTMAX", "int16", None)]
)
def test_errors_carry_their_location(op: str, out_dtype: str, tensor: str | None) -> None:
    """A compile error says where it is as attributes (the operator's index, the tensor's
    name when one tensor is at fault), not only in its message."""
    b = ModelBuilder()
    x = b.add_tensor("x", (1, 4), "int8", scale=0.5, zero_point=0)
    y = b.add_tensor("y", (1, 4), "int8", scale=0.5, zero_point=0)
    z = b.add_tensor("z", (1, 4), out_dtype, scale=0.5, zero_point=0)
    b.add_operator("RELU", [x], [y])
    b.add_operator(op, [y], [z])
    b.set_inputs([x])
    b.set_outputs([z])
    with pytest.raises(micro.UnsupportedOpError, match=f"^operator 1 [(]{op} ") as err:
        micro.Interpreter.from_bytes(b.build())
    assert (err.value.operator, err.value.tensor) == (1, tensor)


@pytest.mark.parametrize(("rel", "wide"), [(MICRO_SPEECH, 1), ("mlperf_tiny/ad01_int8.tflite", 2)])
def test_dsp_layout_program_gives_tflm_bytes_on_the_host(
    rel: str, wide: int, reference: Callable[[str], Path]
) -> None:
    """A Program compiled for a DSP core (FULLY_CONNECTED filters in blocks of 4 rows with
    int16 groups, layout 2, from 8 rows on (micro_speech's 4-row head stays int8) or int8
    ones, layout 1, when the flash budget is short; the widened-input scratch where it
    pays) runs on the host's reference kernels to TFLM's bytes, with and without its
    optional scratch."""
    data = reference(rel).read_bytes()
    short = len(compile_model(load_model(data), dsp=True).program) - 1  # int16 do not fit
    for budget, flash, layout in ((None, None, wide), (ROOMY, None, wide), (None, short, 1)):
        compiled = compile_model(
            load_model(data), arena_budget=budget, dsp=True, flash_budget=flash
        )
        layouts = {s.params["filter_layout"] for s in compiled.steps if s.kernel == FC}
        assert layouts == {layout}
        it = micro.Interpreter(compiled)
        for seed in (0, 1):
            inputs = random_inputs(it, seed)
            for i, x in enumerate(inputs):
                it.set_input(x, i)
            it.invoke()
            got = [it.get_output(k) for k in range(len(compiled.outputs))]
            expected = run_tflm(data, inputs, len(got))
            assert [g.tobytes() for g in got] == [e.tobytes() for e in expected]


@pytest.mark.parametrize("rel", [MICRO_SPEECH, "mlperf_tiny/kws_ref_model.tflite"])
def test_int16_conv_filters_only_within_the_flash_budget(
    rel: str, reference: Callable[[str], Path]
) -> None:
    """For a DSP core CONV_2D filters go in int16 quads (layout 1; a first layer in int16
    rows, layout 2), and 3x3 DEPTHWISE_CONV_2D
    filters in int16 pairs (layouts 2 and 1), unless the Program would then exceed the flash
    budget: compiled again, int8 (TFLite's layout for depthwise); TFLM's bytes either way."""
    data = reference(rel).read_bytes()
    wide = compile_model(load_model(data), dsp=True, fastest=True)
    narrow = compile_model(
        load_model(data), dsp=True, fastest=True, flash_budget=len(wide.program) - 1
    )
    assert {s.params["filter_layout"] for s in wide.steps if s.kernel == "conv_s8"} <= {1, 2}
    assert {s.params["filter_layout"] for s in narrow.steps if s.kernel == "conv_s8"} == {0}
    depthwise = [
        (w, n)
        for w, n in zip(wide.steps, narrow.steps, strict=True)
        if w.kernel == "depthwise_conv_s8"
    ]
    assert all(n.params["filter_layout"] == 0 for _, n in depthwise)
    if "kws" in rel:  # 25x5x64 3x3 stride 1: the column path
        assert {w.params["filter_layout"] for w, _ in depthwise} == {2}
    assert len(narrow.program) < len(wide.program)
    roomy = compile_model(load_model(data), dsp=True, fastest=True, flash_budget=len(wide.program))
    assert roomy.program == wide.program
    for compiled in (wide, narrow):
        it = micro.Interpreter(compiled)
        inputs = random_inputs(it, 0)
        for i, x in enumerate(inputs):
            it.set_input(x, i)
        it.invoke()
        got = [it.get_output(k).tobytes() for k in range(len(compiled.outputs))]
        assert got == [e.tobytes() for e in run_tflm(data, inputs, len(got))]


def test_int16_conv_filters_without_scratch_where_the_direct_loop_runs(
    reference: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """ic's smallest arena leaves out the im2col scratch of the convolution at its peak
    (step 2, 3x3 on 16 channels: window rows of 48 bytes, which the DSP twin's direct loop
    reads from the image): it keeps its int16 quads, as every other convolution (the first
    its int16 rows), in the host's arena; compiled as if the direct loop did not take it,
    it gets int8 rows (the reference kernel would read quads one output at a time). The
    Program gives TFLM's bytes."""
    data = reference("mlperf_tiny/pretrainedResnet_quant.tflite").read_bytes()
    fastest = compile_model(load_model(data), dsp=True, fastest=True)
    smallest = compile_model(load_model(data), dsp=True)
    host = compile_model(load_model(data))
    # The first layer (RGB 3x3) in int16 rows (layout 2), the others in int16 quads.
    layouts = [s.params["filter_layout"] for s in fastest.steps if s.kernel == "conv_s8"]
    assert layouts[0] == 2 and set(layouts[1:]) == {1}
    convs = {i: s for i, s in enumerate(smallest.steps) if s.kernel == "conv_s8"}
    assert [s.params["filter_layout"] for s in convs.values()] == layouts
    planned = {b.name for b in smallest.plan.buffers if b.kind == "scratch"}
    assert [i for i in convs if f"scratch of step {i}" not in planned] == [2]
    assert kernel_predicate("conv_s8", "dsp_direct", convs[2].params)
    assert smallest.arena_bytes_needed == host.arena_bytes_needed < fastest.arena_bytes_needed
    monkeypatch.setattr("micro.compiler.kernel_predicate", lambda *_: False)
    rows = compile_model(load_model(data), dsp=True)
    layouts = [s.params["filter_layout"] for s in rows.steps if s.kernel == "conv_s8"]
    assert [i for i, layout in zip(convs, layouts, strict=True) if layout == 0] == [2]
    monkeypatch.undo()
    it = micro.Interpreter(smallest)
    x = np.random.default_rng(1).integers(-128, 128, (1, 32, 32, 3), dtype=np.int8)
    it.set_input(x, 0)
    it.invoke()
    assert it.get_output(0).tobytes() == run_tflm(data, [x], 1)[0].tobytes()
