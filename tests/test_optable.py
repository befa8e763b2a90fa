"""The operator table (micro/optable.py): generated from the registry, complete against
TFLM's list, and the README shows exactly what `micro ops --markdown` prints."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
from support.models import binary_model, unary_model
from test_int4_weights import layer_model
from test_op_batch_matmul import random_case as bmm_case
from test_op_conv_float import random_float_conv
from test_op_int16x8 import conv_model as conv16_model
from test_op_int16x8 import fc_model as fc16_model
from test_op_pool import random_pool
from test_op_pool_float import random_float_pool
from test_op_transpose_conv import float_tconv_model, tconv_model
from test_overlap_rules import _fc_f32

import micro
from micro import optable, resolver
from micro.cli import main
from micro.schema import BuiltinOperator

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
KERNELS = ROOT / "csrc" / "kernels"


def _module(op: str) -> str:
    """The micro/ops module that prepares builtin operator `op`."""
    return resolver.builtin_ops()[BuiltinOperator[op]].__module__.rsplit(".", 1)[-1]


def test_readme_table_is_generated() -> None:
    text = README.read_text()
    m = re.search(r"<!-- ops-table:begin -->\n(.*?)<!-- ops-table:end -->", text, re.S)
    assert m, "README has no ops-table markers"
    assert m.group(1) == optable.markdown(), "README table is stale: run `micro ops --markdown`"


def test_every_tflm_op_is_run_or_has_a_reason() -> None:
    missing = optable.missing()  # a KeyError here names an op without a reason
    run = {r.name for r in optable.rows()}
    assert not set(optable.NOT_SUPPORTED) & run, "a reason is listed for an op micro runs"
    assert set(optable.NOT_SUPPORTED) <= set(optable.TFLM_BUILTINS + optable.TFLM_CUSTOM)
    assert all(reason for reason in missing.values())
    for name in optable.TFLM_BUILTINS:
        BuiltinOperator[name]  # a real builtin name


def test_rows_match_the_registry() -> None:
    rows = optable.rows()
    assert [r.name for r in rows] == sorted(resolver.supported())
    assert all(r.types for r in rows)
    for r in rows:  # the DSP types are types the operator runs
        assert set(r.dsp) <= {t.strip() for t in r.types.split(",")}, r.name


def _fc(x_type: str, w_type: str) -> bytes:
    return layer_model("FULLY_CONNECTED", (2, 8), np.ones((4, 8), int), (2, 4), [0.1],
                       x_type=x_type, w_type=w_type)  # fmt: skip


def _conv(op: str, w_type: str) -> bytes:
    options: dict[str, object] = {"padding": "VALID", "stride_h": 1, "stride_w": 1}
    shape, axis = (4, 3, 3, 4), 0
    if op == "DEPTHWISE_CONV_2D":
        options["depth_multiplier"] = 1
        shape, axis = (1, 3, 3, 4), 3
    return layer_model(op, (1, 5, 5, 4), np.ones(shape, int), (1, 3, 3, 4), [0.1] * 4,
                       options, axis=axis, w_type=w_type)  # fmt: skip


def _quantize(src: str, dst: str) -> bytes:
    q_in = None if src == "float32" else (0.05, 0 if src in ("int16", "int32") else 3)
    return unary_model("QUANTIZE", (2, 8), src, dst, q_in, (0.1, 0 if dst != "int8" else -2))


# One model per (operator, type) of the operators whose kernels have DSP twins.
MODELS: dict[tuple[str, str], Callable[[], bytes]] = {
    **{
        (op, t): (lambda op=op, t=t: binary_model(op, (2, 8), (2, 8), (2, 8), *QUANTS[t], dtype=t))
        for op in ("ADD", "SUB")
        for t in ("int8", "int16", "int32", "float32")
    },
    **{
        (op, t): (lambda op=op, t=t: random_pool(op, 0, t))
        for op in ("AVERAGE_POOL_2D", "MAX_POOL_2D")
        for t in ("int8", "int16")
    },
    **{
        (op, "float32"): (lambda op=op: random_float_pool(op, 0))
        for op in ("AVERAGE_POOL_2D", "MAX_POOL_2D")
    },
    **{("BATCH_MATMUL", t): (lambda t=t: bmm_case(0, t)) for t in ("int8", "int16", "float32")},
    **{
        (op, t): (lambda op=op, w=w: _conv(op, w))
        for op in ("CONV_2D", "DEPTHWISE_CONV_2D")
        for t, w in (("int8", "INT8"), ("int8 with int4 weights", "INT4"))
    },
    ("CONV_2D", "int16x8"): lambda: conv16_model(0),
    ("DEPTHWISE_CONV_2D", "int16x8"): lambda: conv16_model(0, depthwise=True),
    ("CONV_2D", "float32"): lambda: random_float_conv("CONV_2D", 0),
    ("DEPTHWISE_CONV_2D", "float32"): lambda: random_float_conv("DEPTHWISE_CONV_2D", 0),
    ("FULLY_CONNECTED", "int8"): lambda: _fc("int8", "INT8"),
    ("FULLY_CONNECTED", "int8 with int4 weights"): lambda: _fc("int8", "INT4"),
    ("FULLY_CONNECTED", "int16x8"): lambda: fc16_model(0),
    ("FULLY_CONNECTED", "float32"): lambda: _fc_f32(np.random.default_rng(0)),
    ("TRANSPOSE_CONV", "int8"): lambda: tconv_model(0, "int8"),
    ("TRANSPOSE_CONV", "int16x8"): lambda: tconv_model(0, "int16"),
    ("TRANSPOSE_CONV", "float32"): lambda: float_tconv_model(0),
    **{
        ("QUANTIZE", t): (lambda src=src, dst=dst: _quantize(src, dst))
        for t, src, dst in (
            ("float32 -> int8/int16", "float32", "int8"),
            ("int8 -> int8/uint8/int16/int32", "int8", "int16"),
            ("uint8 -> int8", "uint8", "int8"),
            ("int16 -> int8", "int16", "int8"),
            ("int16 -> int16/int32", "int16", "int32"),
            ("int32 -> int8/int16", "int32", "int8"),
        )
    },
}
QUANTS: dict[str, tuple[object, object, object]] = {
    "int8": ((0.1, 3), (0.2, -5), (0.3, 1)),
    "int16": ((0.1, 0), (0.2, 0), (0.3, 0)),
    "int32": (None, None, None),
    "float32": (None, None, None),
}
# Types whose kernel has a twin that runs the reference for them (the twins' headers say so).
TWIN_RUNS_REFERENCE = {
    ("TRANSPOSE_CONV", "int16x8"),
    ("BATCH_MATMUL", "int16"),
    ("BATCH_MATMUL", "float32"),
    # requantize_int_dsp.c: every type pair but int16 -> int8 runs the reference kernel
    ("QUANTIZE", "int8 -> int8/uint8/int16/int32"),
    ("QUANTIZE", "int16 -> int16/int32"),
    ("QUANTIZE", "int32 -> int8/int16"),
}


def test_dsp_types_are_the_types_whose_kernels_have_twins() -> None:
    """Every type of every operator with a DSP type is covered here, and its model's kernels
    have a csrc/kernels/<kernel>_dsp.c twin exactly when DSP_TYPES lists it (less the
    twins' own reference paths)."""
    rows = {r.name: r for r in optable.rows()}
    with_twins = {op for op, _ in MODELS}
    assert set(optable.DSP_TYPES) <= with_twins
    for op in with_twins:
        assert {t for o, t in MODELS if o == op} == {t.strip() for t in rows[op].types.split(",")}
    for (op, t), build in MODELS.items():
        kernels = {s.kernel for s in micro.Interpreter.from_bytes(build()).compiled.steps}
        twin = any((KERNELS / f"{k}_dsp.c").exists() for k in kernels)
        claimed = t in optable.DSP_TYPES.get(op, ())
        assert claimed == (twin and (op, t) not in TWIN_RUNS_REFERENCE), (op, t, kernels)


def test_no_other_operator_runs_a_twinned_kernel() -> None:
    """Operators outside DSP_TYPES emit no kernel that has a twin (read from their modules'
    ctx.emit calls), so the list misses none."""
    twinned = {p.stem.removesuffix("_dsp") for p in KERNELS.glob("*_dsp.c")}
    covered = {_module(op) for op in optable.DSP_TYPES}
    for path in (ROOT / "micro" / "ops").glob("*.py"):
        if path.stem in covered:
            continue
        text = path.read_text()
        assert not any(f'"{k}"' in text for k in twinned), path.name


def test_cli_prints_the_table(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["ops"]) == 0
    out = capsys.readouterr().out
    assert "BATCH_MATMUL" in out and "not run by micro" in out
    assert main(["ops", "--markdown"]) == 0
    assert capsys.readouterr().out == optable.markdown()


def test_types_not_run_are_not_declared() -> None:
    """A type listed as not run is no type the operator's prepare declares (the list goes
    stale when one lands), and each entry names an operator micro runs."""
    declared = {
        r.name: {t.strip() for t in r.types.replace(";", ",").split(",")} for r in optable.rows()
    }
    for name, t, why in optable.missing_types():
        assert name in declared, f"{name} is not run by micro: list it in NOT_SUPPORTED"
        assert t not in declared[name], f"{name} declares {t}, yet TYPES_NOT_RUN lists it"
        assert why
