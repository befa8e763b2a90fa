"""The operator table: what micro runs (from the resolver's registry), and every operator
TFLM registers that micro does not run, with the reason. `micro ops` prints it; the README's
table is this module's markdown output (tests/test_optable.py keeps the two equal)."""

from __future__ import annotations

from dataclasses import dataclass

from . import resolver
from .boards import load_board
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
    "TFLM_DECODE",
]

# The C library functions TFLM's float32 kernels call (the float overloads of std::exp, log,
# sin, cos, tanh, expm1), and the emulated boards whose newlib (Debian 12's newlib 3.3,
# newlib-nano) gives other float32 bytes than glibc, the oracle's, on some input. Measured on
# 5.1 M inputs per function: the M3 and M4F builds use newlib's older single-precision
# routines, the M7 (double-precision FPU) build the ones glibc uses; the hard-float builds
# contract expm1f (which tanhf calls) into fused multiply-adds. The real boards link one of
# these builds (nano33ble, disco_f746ng: the M4F's; pico: a soft-float one, unmeasured).
# tests/firmware/test_libm_parity.py re-measures this table and checks that the wheel's
# bytes are glibc's.
LIBM_DIFFERS: dict[str, tuple[str, ...]] = {
    "expf": ("mps2-an385", "mps2-an386"),
    "logf": ("mps2-an385", "mps2-an386"),
    "sinf": ("mps2-an385", "mps2-an386"),
    "cosf": ("mps2-an385", "mps2-an386"),
    "tanhf": ("mps2-an386", "mps2-an500"),
    "expm1f": ("mps2-an386", "mps2-an500"),
}


def _libm(*fns: str) -> str:
    named = " and ".join(fns)
    boards = sorted({b for f in fns for b in LIBM_DIFFERS[f]})
    where = " and ".join(f"{load_board(b).core} ({b})" for b in boards)
    return (
        f"TFLM calls the C library's {named}: glibc's on the oracle's host, newlib's on a board, "
        f"and newlib's gives other bytes on the emulated {where} (measured, "
        "tests/firmware/test_libm_parity.py); micro's C links no libm, and a correctly rounded "
        f"kernel of its own would miss glibc's bytes too (glibc 2.36's {named} "
        f"{'is' if len(fns) == 1 else 'are'} not correctly rounded)"
    )


# Why micro does not run an operator TFLM registers. Every TFLM operator micro lacks has
# an entry; an entry for an operator micro runs is an error (tests/test_optable.py).
NOT_SUPPORTED: dict[str, str] = {
    "COS": "float32 only in TFLM; " + _libm("cosf"),
    "EXP": "float32 only in TFLM; " + _libm("expf"),
    "LOG": "float32 only in TFLM; " + _libm("logf"),
    "SIN": "float32 only in TFLM; " + _libm("sinf"),
    "ethos-u": "runs on an Arm Ethos-U NPU through its driver; micro targets the CPU only",
}

# Types TFLM's kernels run for operators micro runs, which micro does not: operator ->
# {types: why}. tests/test_optable.py checks that no type listed here is one the operator's
# prepare declares.
TYPES_NOT_RUN: dict[str, dict[str, str]] = {
    "ELU": {"float32": _libm("expm1f")},
    "TFLM_DECODE": {
        "Huffman and pruning decoding": (
            "the wheel decodes them, but its compressor's Huffman and pruning methods are "
            "stubs that raise, so no oracle-written model exists to test a decoder against"
        ),
        "lookup tables along another axis than the output's quantization": (
            "TFLM takes the channels from the quantization, not from the header, and its "
            "bytes are then not the compressed tensor's"
        ),
    },
    "GREATER": {
        "int16": (
            "TFLM's answer is undefined, so no kernel can match it: GREATER's eval has an "
            "int16 case (tflite-micro #3028) but the comparisons' shared prepare fills the "
            "rescaling parameters for int8 inputs only, so int16 reads parameters nothing "
            "wrote (an uncleared persistent arena buffer). Measured on the wheel: one model, "
            "one pair of 256-element inputs, six interpreters answered true for 135, 0, 0, "
            "256, 135 and 0 elements (the comparison holds for 133). TFLM's other comparisons "
            "have no int16 case"
        )
    },
    "LOGISTIC": {"float32": _libm("expf")},
    "LOG_SOFTMAX": {"float32": _libm("expf", "logf")},
    "SOFTMAX": {"float32": _libm("expf")},
    "TANH": {"float32": _libm("tanhf")},
    "UNIDIRECTIONAL_SEQUENCE_LSTM": {
        "float32": "its gates' sigmoid and tanh are the float LOGISTIC and TANH kernels; "
        + _libm("expf", "tanhf")
    },
}

# The types of an operator whose kernel has a Cortex-M DSP twin (csrc/kernels/*_dsp.c, run
# on cores with the DSP extension). A twin runs its reference kernel for the types not listed
# (int16 TRANSPOSE_CONV and BATCH_MATMUL, float32 BATCH_MATMUL: the same kernel, no twin
# path) and for some shapes (each twin's header says which). tests/test_optable.py checks
# the list against the kernels each (operator, type)'s model runs.
DSP_TYPES: dict[str, tuple[str, ...]] = {
    "ADD": ("int8",),
    "AVERAGE_POOL_2D": ("int8",),
    "BATCH_MATMUL": ("int8",),
    "CONV_2D": ("int8", "int8 with int4 weights", "int16x8"),
    "DEPTHWISE_CONV_2D": ("int8", "int8 with int4 weights", "int16x8"),
    "FULLY_CONNECTED": ("int8", "int8 with int4 weights", "int16x8"),
    "MAX_POOL_2D": ("int8",),
    "QUANTIZE": ("int16 -> int8",),
    "SUB": ("int8",),
    "TRANSPOSE_CONV": ("int8",),
}


@dataclass(frozen=True)
class OpRow:
    name: str
    types: str
    host: bool
    board: bool
    dsp: tuple[str, ...]  # the types with a DSP twin (DSP_TYPES)


def rows() -> list[OpRow]:
    """One row per operator micro runs. Host and board run the same C kernels (the firmware
    compiles all of csrc/)."""
    registry: dict[str, str] = {B(code).name: OP_TYPES[code] for code in resolver.builtin_ops()}
    registry |= {name: OP_TYPES[name] for name in resolver.custom_ops()}
    return [
        OpRow(name, registry[name], True, True, DSP_TYPES.get(name, ()))
        for name in sorted(registry)
    ]


def missing() -> dict[str, str]:
    """TFLM operators micro does not run -> why (a KeyError names one without a reason)."""
    have = {r.name for r in rows()}
    return {n: NOT_SUPPORTED[n] for n in TFLM_BUILTINS + TFLM_CUSTOM if n not in have}


def missing_types() -> list[tuple[str, str, str]]:
    """(operator, type, why) for each type TFLM runs and micro does not, operators sorted."""
    return [(n, t, why) for n in sorted(TYPES_NOT_RUN) for t, why in TYPES_NOT_RUN[n].items()]


def markdown() -> str:
    yes = "yes"
    lines = [
        "| operator | types | host | board | DSP-optimised types |",
        "|---|---|---|---|---|",
    ]
    for r in rows():
        lines.append(
            f"| `{r.name}` | {r.types} | {yes if r.host else ''} | {yes if r.board else ''} "
            f"| {', '.join(r.dsp)} |"
        )
    lines += ["", "Types TFLM runs that micro does not, for operators micro runs:", ""]
    lines += [f"- `{name}` {t}: {why}" for name, t, why in missing_types()]
    lines += ["", "Registered by TFLM, not run by micro:", ""]
    lines += [f"- `{name}`: {why}" for name, why in missing().items()]
    return "\n".join(lines) + "\n"


def text() -> str:
    width = max(len(r.name) for r in rows())
    out = [f"{'operator':<{width}}  types"]
    out += [
        f"{r.name:<{width}}  {r.types}" + (f"  [DSP: {', '.join(r.dsp)}]" if r.dsp else "")
        for r in rows()
    ]
    out += ["", "types TFLM runs that micro does not:"]
    out += [f"  {name} {t}: {why}" for name, t, why in missing_types()]
    out += ["", f"not run by micro ({len(missing())} of TFLM's operators):"]
    out += [f"  {name}: {why}" for name, why in missing().items()]
    return "\n".join(out) + "\n"
