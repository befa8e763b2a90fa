"""Patch-based execution (micro/patches.py): every chain and strip height of random conv,
depthwise and pool chains gives TFLM's bytes and the unpatched plan's; the compiler picks
the smallest arena under the overhead limit, and the fastest plan that fits a budget."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from support.oracle import random_inputs, run_tflm
from test_chains import Net

import micro
from micro import cli, patches
from micro.cli.options import overhead_fraction
from micro.compiler import CompiledModel, Compiler
from micro.model import load_model

PERSON_DETECT = "tflm/person_detection/person_detect.tflite"
SEEDS = range(30)


def random_chain(seed: int) -> bytes:
    """2-5 spatial layers on an image whose rows stay whole arena words (8 channels, a
    width that halves to a multiple of 4), so strips can start on any row."""
    rng = np.random.default_rng(seed)
    h, w = int(rng.integers(6, 20)), int(rng.choice([16, 24, 32]))
    net = Net(rng, (1, h, w, 8))
    x = net.x
    for _ in range(int(rng.integers(2, 6))):
        kind = str(rng.choice(["conv", "depthwise", "pool"]))
        if kind == "pool" and min(x.shape[1:3]) > 1:
            x = net.pool(x)
        else:
            x = net.conv(x, depthwise=kind == "depthwise")
    return net.build(x)


def run(compiled: CompiledModel, inputs: list[np.ndarray]) -> list[bytes]:
    it = micro.Interpreter(compiled)
    for i, x in enumerate(inputs):
        it.set_input(x, i)
    it.invoke()
    return [it.get_output(k).tobytes() for k in range(len(compiled.outputs))]


@pytest.mark.parametrize("seed", SEEDS)
def test_every_patching_of_a_random_chain_is_exact(seed: int) -> None:
    model = random_chain(seed)
    compiler = Compiler(load_model(model))
    compiler.prepare()
    original = compiler.steps
    inputs = random_inputs(micro.Interpreter(compiler.build()), seed)
    expected = [e.tobytes() for e in run_tflm(model, inputs, 1)]
    assert run(compiler.build(), inputs) == expected
    for patching, steps, _ in patches.candidates(compiler):
        compiler.steps = steps
        assert run(compiler.build(), inputs) == expected, patching
        compiler.steps = original


def test_random_chains_offer_patchings() -> None:
    """The chains above are patchable (some have no strip height whose rows are whole arena
    words, e.g. 4 output rows of 18 bytes: those run unpatched)."""
    patchable = 0
    for seed in SEEDS:
        compiler = Compiler(load_model(random_chain(seed)))
        compiler.prepare()
        patchable += any(True for _ in patches.candidates(compiler))
    assert patchable >= len(SEEDS) * 3 // 4


def test_needed_rows_is_the_receptive_field() -> None:
    # 3x3, stride 2, pad 1 on 11 rows: output rows [2, 4) read input rows 3..7.
    model = random_chain(0)
    compiler = Compiler(load_model(model))
    compiler.prepare()
    step = compiler.steps[0]
    step.params.update(input_height=11, filter_height=3, stride_height=2, pad_top=1,
                       dilation_height=1)  # fmt: skip
    assert patches.needed_rows(step, 2, 4) == (3, 8)
    assert patches.needed_rows(step, 0, 1) == (0, 2)  # the padding row is not read
    assert patches.needed_rows(step, 5, 6) == (9, 11)  # nor the one below the image


def test_person_detect_patched_under_half_the_tensor_bound(
    reference: Callable[[str], Path],
) -> None:
    path = reference(PERSON_DETECT)
    data = path.read_bytes()
    lean = micro.Interpreter.from_file(path, max_overhead=0.15)
    assert lean.arena_used_bytes() <= 55296 // 2
    base = micro.Interpreter.from_file(path)
    assert patches.overhead(base.compiled.steps, lean.compiled.steps) <= 0.15
    for seed in (0, 1):
        inputs = random_inputs(lean, seed)
        assert run(lean.compiled, inputs) == [e.tobytes() for e in run_tflm(data, inputs, 1)]

    # A budget the unpatched plan fits runs unpatched (the fastest plan that fits)...
    roomy = micro.Interpreter.from_file(path, arena_size=40000, max_overhead=0.15)
    assert len(roomy.compiled.steps) == len(base.compiled.steps)
    # ...one it does not fit takes the cheapest patching that does.
    tight = micro.Interpreter.from_file(path, arena_size=32000, max_overhead=0.15)
    assert tight.arena_used_bytes() <= 32000
    assert len(base.compiled.steps) < len(tight.compiled.steps) < len(lean.compiled.steps)


def test_parse_overhead() -> None:
    assert overhead_fraction("15%") == pytest.approx(0.15)
    assert overhead_fraction("0.05") == pytest.approx(0.05)
    with pytest.raises(argparse.ArgumentTypeError, match="fraction"):
        overhead_fraction("-3%")


def test_plan_shows_the_three_plans_and_arena_picks_the_fastest(
    reference: Callable[[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(reference(PERSON_DETECT))
    assert cli.main(["plan", path, "--json", "--max-overhead", "15%"]) == 0
    plans = {p["plan"]: p for p in json.loads(capsys.readouterr().out)["plans"]}
    assert plans["tensor bound"]["arena"] == 55296
    assert plans["overlapped"]["arena"] < 55296
    assert plans["patched"]["arena"] <= 27648
    assert plans["overlapped"]["estimated_overhead"] == 0
    assert 0 < plans["patched"]["estimated_overhead"] <= 0.15

    assert cli.main(["run", path, "--arena", "30000"]) == 0
    assert "used of 30,000 B" in capsys.readouterr().out
    assert cli.main(["run", path, "--arena", "30000", "--max-overhead", "0%"]) == 1
    assert "arena" in capsys.readouterr().err


# hello_world's layers 1 -> 16, 16 -> 16, 16 -> 1: on a DSP core 16 -> 16 takes int16 groups
# (filter layout 2: groups of 4 columns, 8 rows or more), the other two blocks of 4 rows (1).
@pytest.mark.parametrize(("board", "layouts"), [("mps2-an386", {1, 2}), ("mps2-an385", {0})])
def test_plan_on_a_board_measures_programs_for_its_core(
    board: str,
    layouts: set[int],
    reference: Callable[[str], Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`micro plan --board` counts the Programs `micro flash` would run there: for a DSP core
    the weights in its twins' order (FULLY_CONNECTED's blocks of 4 rows), else row-major."""
    seen: list[CompiledModel] = []

    def count(compiled: CompiledModel, board_id: str) -> list[int]:
        assert board_id == board
        seen.append(compiled)
        return [1000] * len(compiled.steps)

    monkeypatch.setattr(micro.firmware, "step_instructions", count)
    path = str(reference("tflm/hello_world/hello_world_int8.tflite"))
    assert cli.main(["plan", path, "--board", board, "--json"]) == 0
    plans = json.loads(capsys.readouterr().out)["plans"]
    assert [p["instructions"] for p in plans] == [3000] * len(plans) == [3000] * len(seen)
    assert {s.params["filter_layout"] for c in seen for s in c.steps} == layouts


@pytest.mark.parametrize("rel", ["mlperf_tiny/kws_ref_model.tflite", PERSON_DETECT])
def test_plan_rows_say_how_many_steps_keep_their_scratch(
    rel: str, reference: Callable[[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """Plans of the same steps differ in speed by the optional scratch (im2col and the like)
    their arena holds: each row says how many steps keep theirs, out of the same steps with
    one. The tensor bound's arena (no output over its input) has no room for some that the
    overlapped plan keeps: that row is slower for that reason, not for its larger arena."""
    path = reference(rel)
    assert cli.main(["plan", str(path), "--json"]) == 0
    plans = {p["plan"]: p for p in json.loads(capsys.readouterr().out)["plans"]}
    same_steps = [plans[n] for n in ("tensor bound", "overlapped", "overlapped, fastest")]
    optional = {p["scratch_kept"][1] for p in same_steps}
    assert len(optional) == 1 and optional.pop() > 0
    fastest = plans["overlapped, fastest"]["scratch_kept"]
    assert fastest[0] == fastest[1]
    bound, overlapped = plans["tensor bound"], plans["overlapped"]
    assert bound["scratch_kept"][0] <= overlapped["scratch_kept"][0]
    if "kws" in rel:  # 4 of its 5 optional scratch fit only where outputs overlap inputs
        assert bound["scratch_kept"][0] < overlapped["scratch_kept"][0]
    assert cli.main(["plan", str(path)]) == 0
    assert "scratch kept" in capsys.readouterr().out
