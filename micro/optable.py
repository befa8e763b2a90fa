"""The operator table: what micro runs (from the resolver's registry), and every operator
TFLM registers that micro does not run, with the reason. `micro ops` prints it; the README's
table is this module's markdown output (tests/test_optable.py keeps the two equal)."""

from __future__ import annotations

import ast
import functools
from dataclasses import dataclass
from pathlib import Path

from . import resolver
from .ops.base import OP_TYPES
from .schema import BuiltinOperator as B

# Every builtin TFLM's MicroMutableOpResolver can register (micro_mutable_op_resolver.h).
TFLM_BUILTINS = [
    "ABS",
    "ADD",
    "ADD_N",
    "ARG_MAX",
    "ARG_MIN",
    "ASSIGN_VARIABLE",
    "AVERAGE_POOL_2D",
    "BATCH_MATMUL",
    "BATCH_TO_SPACE_ND",
    "BROADCAST_ARGS",
    "BROADCAST_TO",
    "CALL_ONCE",
    "CAST",
    "CEIL",
    "CONCATENATION",
    "CONV_2D",
    "COS",
    "CUMSUM",
    "DEPTH_TO_SPACE",
    "DEPTHWISE_CONV_2D",
    "DEQUANTIZE",
    "DIV",
    "DYNAMIC_UPDATE_SLICE",
    "ELU",
    "EMBEDDING_LOOKUP",
    "EQUAL",
    "EXP",
    "EXPAND_DIMS",
    "FILL",
    "FLOOR",
    "FLOOR_DIV",
    "FLOOR_MOD",
    "FULLY_CONNECTED",
    "GATHER",
    "GATHER_ND",
    "GREATER",
    "GREATER_EQUAL",
    "HARD_SWISH",
    "IF",
    "L2_NORMALIZATION",
    "L2_POOL_2D",
    "LEAKY_RELU",
    "LESS",
    "LESS_EQUAL",
    "LOG",
    "LOG_SOFTMAX",
    "LOGICAL_AND",
    "LOGICAL_NOT",
    "LOGICAL_OR",
    "LOGISTIC",
    "MAX_POOL_2D",
    "MAXIMUM",
    "MEAN",
    "MINIMUM",
    "MIRROR_PAD",
    "MUL",
    "NEG",
    "NOT_EQUAL",
    "PACK",
    "PAD",
    "PADV2",
    "PRELU",
    "QUANTIZE",
    "READ_VARIABLE",
    "REDUCE_ALL",
    "REDUCE_MAX",
    "REDUCE_MIN",
    "RELU",
    "RELU6",
    "RESHAPE",
    "RESIZE_BILINEAR",
    "RESIZE_NEAREST_NEIGHBOR",
    "REVERSE_V2",
    "ROUND",
    "RSQRT",
    "SELECT_V2",
    "SHAPE",
    "SIN",
    "SLICE",
    "SOFTMAX",
    "SPACE_TO_BATCH_ND",
    "SPACE_TO_DEPTH",
    "SPLIT",
    "SPLIT_V",
    "SQRT",
    "SQUARE",
    "SQUARED_DIFFERENCE",
    "SQUEEZE",
    "STRIDED_SLICE",
    "SUB",
    "SUM",
    "SVDF",
    "TANH",
    "TRANSPOSE",
    "TRANSPOSE_CONV",
    "UNIDIRECTIONAL_SEQUENCE_LSTM",
    "UNPACK",
    "VAR_HANDLE",
    "WHILE",
    "ZEROS_LIKE",
]

# Custom operators TFLM registers (the signal library, detection, NPU, decompression).
TFLM_CUSTOM = [
    "SignalWindow",
    "SignalFftAutoScale",
    "SignalRfft",
    "SignalIrfft",
    "SignalEnergy",
    "SignalFilterBank",
    "SignalFilterBankSquareRoot",
    "SignalFilterBankSpectralSubtraction",
    "SignalPCAN",
    "SignalFilterBankLog",
    "SignalFramer",
    "SignalOverlapAdd",
    "SignalStacker",
    "SignalDelay",
    "CIRCULAR_BUFFER",
    "TFLite_Detection_PostProcess",
    "ethos-u",
    "DECODE",
]

_NOT_YET = "not implemented yet (issue 14)"
_LIBM = (
    "float transcendental: TFLM's bytes are the host libm's; micro's C has no libm, so it "
    "cannot promise the same bytes on every board"
)
_SUBGRAPHS = "needs several subgraphs (control flow or resource variables); micro compiles one"

# Why micro does not run an operator TFLM registers. Every TFLM operator micro lacks has
# an entry; an entry for an operator micro runs is an error (tests/test_optable.py).
NOT_SUPPORTED: dict[str, str] = {
    "ASSIGN_VARIABLE": _SUBGRAPHS,
    "BATCH_TO_SPACE_ND": _NOT_YET,
    "BROADCAST_ARGS": _NOT_YET,
    "CALL_ONCE": _SUBGRAPHS,
    "CEIL": _NOT_YET,
    "COS": _LIBM,
    "DYNAMIC_UPDATE_SLICE": _NOT_YET,
    "EMBEDDING_LOOKUP": _NOT_YET,
    "EXP": _LIBM,
    "FILL": _NOT_YET,
    "FLOOR": _NOT_YET,
    "FLOOR_DIV": _NOT_YET,
    "FLOOR_MOD": _NOT_YET,
    "GATHER_ND": _NOT_YET,
    "IF": _SUBGRAPHS,
    "L2_POOL_2D": _NOT_YET,
    "LOG": _LIBM,
    "LOGICAL_AND": _NOT_YET,
    "LOGICAL_NOT": _NOT_YET,
    "LOGICAL_OR": _NOT_YET,
    "READ_VARIABLE": _SUBGRAPHS,
    "REDUCE_ALL": _NOT_YET,
    "ROUND": _NOT_YET,
    "SIN": _LIBM,
    "SPACE_TO_BATCH_ND": _NOT_YET,
    "VAR_HANDLE": _SUBGRAPHS,
    "WHILE": _SUBGRAPHS,
    "ZEROS_LIKE": _NOT_YET,
    "SignalIrfft": _NOT_YET,
    "SignalFramer": "not implemented: micro's speech front end frames audio on the host side",
    "SignalOverlapAdd": _NOT_YET,
    "SignalStacker": _NOT_YET,
    "SignalDelay": _NOT_YET,
    "CIRCULAR_BUFFER": _NOT_YET,
    "TFLite_Detection_PostProcess": _NOT_YET,
    "ethos-u": "runs on an Arm Ethos-U NPU through its driver; micro targets the CPU only",
    "DECODE": "TFLM's compressed-tensor decoding; micro stores weights uncompressed",
}

KERNELS = Path(__file__).resolve().parent.parent / "csrc" / "kernels"


@dataclass(frozen=True)
class OpRow:
    name: str
    types: str
    host: bool
    board: bool
    dsp: bool


@functools.cache
def _emitted_by_module() -> dict[str, set[str]]:
    """Kernel names each op module emits (string literals passed to ctx.emit / emit_*)."""
    out: dict[str, set[str]] = {}
    for path in (Path(__file__).parent / "ops").glob("*.py"):
        names = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "emit"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                names.add(str(node.args[0].value))
        out[path.stem] = names
    return out


def rows() -> list[OpRow]:
    """One row per operator micro runs. Host and board run the same C kernels (the firmware
    compiles all of csrc/); DSP: a kernel the op's module emits has a Cortex-M DSP twin."""
    registry: dict[str, tuple[str, str]] = {}
    for code, fn in resolver.builtin_ops().items():
        registry[B(code).name] = (fn.__module__, OP_TYPES[code])
    for name, fn in resolver.custom_ops().items():
        registry[name] = (fn.__module__, OP_TYPES[name])
    result = []
    for name in sorted(registry):
        module, types = registry[name]
        kernels = _emitted_by_module().get(module.rsplit(".", 1)[1], set())
        dsp = any((KERNELS / f"{k}_dsp.c").exists() for k in kernels)
        result.append(OpRow(name, types, True, True, dsp))
    return result


def missing() -> dict[str, str]:
    """TFLM operators micro does not run -> why (a KeyError names one without a reason)."""
    have = {r.name for r in rows()}
    return {n: NOT_SUPPORTED[n] for n in TFLM_BUILTINS + TFLM_CUSTOM if n not in have}


def markdown() -> str:
    yes = "yes"
    lines = [
        "| operator | types | host | board | DSP-optimised |",
        "|---|---|---|---|---|",
    ]
    for r in rows():
        lines.append(
            f"| `{r.name}` | {r.types} | {yes if r.host else ''} | {yes if r.board else ''} "
            f"| {yes if r.dsp else ''} |"
        )
    lines += ["", "Registered by TFLM, not run by micro:", ""]
    lines += [f"- `{name}`: {why}" for name, why in missing().items()]
    return "\n".join(lines) + "\n"


def text() -> str:
    width = max(len(r.name) for r in rows())
    out = [f"{'operator':<{width}}  types"]
    out += [f"{r.name:<{width}}  {r.types}" + ("  [DSP]" if r.dsp else "") for r in rows()]
    out += ["", f"not run by micro ({len(missing())} of TFLM's operators):"]
    out += [f"  {name}: {why}" for name, why in missing().items()]
    return "\n".join(out) + "\n"
