"""The op contract: each op module's `prepare(ctx)` validates one operator and emits the C
steps that compute it. Everything model-dependent is computed here, once; the C kernels
only do integer arithmetic on what prepare froze into their params struct.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from .._ffi import operand_slots
from ..errors import ModelError, UnsupportedOpError
from ..model import Operator, Subgraph, Tensor
from ..schema import TensorType
from ..variables import Resource


@dataclass(frozen=True)
class Operand:
    """A step operand before planning: an arena tensor, constant bytes, scratch, or absent."""

    # "tensor", "const", "scratch", "state", "strip", "stream" (micro/patches.py), "resource"
    # (a resource variable's state buffer: `tensor` is its id, micro/variables.py), "once"
    # (a CALL_ONCE's run-once flag: `tensor` is its id, micro/control.py), "none"
    kind: str
    tensor: int = -1
    data: bytes = b""
    size: int = 0  # of a tensor: 0 for all of it, else the bytes of a view from `offset`
    optional: bool = False  # scratch the kernel can also run without (slower, less memory)
    offset: int = 0  # of a tensor view: its first byte in the tensor


@dataclass
class StepInfo:
    """One C step and the operator it came from (for profiling and reports): main's
    operator, and for a step of a subgraph that a control operator runs, the subgraph's
    own operator (`inner`, its inputs in the compiled graph's tensor numbering)."""

    op_index: int
    op_name: str
    kernel: str
    macs: int
    operands: list[Operand]
    params: dict[str, Any]
    inner: Operator | None = None
    subgraph: int = 0  # of `inner`
    # The control operators the step runs under, outermost first: (operator index in its
    # own subgraph, the subgraph it runs). Empty for a step of main's own operators.
    calls: tuple[tuple[int, int], ...] = ()

    @property
    def key(self) -> tuple[tuple[tuple[int, int], ...], int]:
        """Which operator made the step, told apart from the same subgraph run elsewhere:
        (calls, the operator's index in its own subgraph)."""
        return self.calls, (self.op_index if self.inner is None else self.inner.index)

    def origin(self) -> str:
        """The operator that made the step, as messages name it."""
        where = f"operator {self.op_index} ({self.op_name})"
        if self.inner is None:
            return where
        inner = f"operator {self.inner.index} ({self.inner.name}) of subgraph {self.subgraph}"
        return f"{inner}, run by {where}"


NONE = Operand("none")


class Graph(Protocol):
    """The graph being compiled, as an op's prepare may use it (the compiler provides it)."""

    def tensor(self, index: int) -> Tensor:
        """Tensor `index` of the subgraph; a bad index is a malformed model."""

    def const_value(self, index: int) -> np.ndarray | None:
        """The constant contents of tensor `index` (also through aliases), or None."""

    def emit(
        self, op: Operator, kernel: str, params: dict[str, Any], operands: list[Operand], macs: int
    ) -> None:
        """Append a step running `kernel` for `op`."""

    def constant(self, output: int, value: np.ndarray) -> None:
        """Tensor `output` is this constant, computed at compile time."""

    def alias(self, output: int, source: int) -> None:
        """Tensor `output` is tensor `source`'s bytes under another shape."""

    def resource(self, handle: int) -> Resource | None:
        """The resource variable handle tensor `handle` names (None: not resolved)."""

    @property
    def outputs(self) -> list[int]:
        """The subgraph's output tensors."""

    @property
    def dsp(self) -> bool:
        """The Program targets a core with the DSP extension: lay weights out in the order
        the *_dsp twins read (the reference kernels read either order, more slowly)."""

    @property
    def wide_weights(self) -> bool:
        """With `dsp`, weights may also be widened to int16 where a twin runs faster on them
        (more flash: compile_model's flash_budget turns it off); else they stay int8."""

    @property
    def narrow_ops(self) -> frozenset[int]:
        """Operators (by index) whose weights stay int8 even with `wide_weights`
        (compile_model: those whose plan leaves out the scratch the wide kernels need)."""

    @property
    def quad_ops(self) -> frozenset[int]:
        """Operators (by index) of first layers whose int16 weights go in quads (CONV_2D's
        filter layout 1) rather than rows (layout 2, whose scratch is wider: compile_model
        takes them where that makes the arena smaller)."""

    # Control flow (micro/control.py, micro/ops/control_flow.py).
    def subgraph(self, index: int) -> Subgraph:
        """Subgraph `index` with its tensors renumbered into this graph's."""

    def label(self) -> int:
        """The index the next step emitted gets."""

    def inline(self, op: Operator, index: int) -> None:
        """Emit subgraph `index`'s operators as steps of `op`."""

    def land(self, branch: int, target: int | None = None) -> None:
        """Branch step `branch` continues at `target` (default: the next step emitted)."""

    def loop(self, first: int) -> None:
        """The steps from `first` to the last emitted are a loop's."""

    def once_flag(self) -> Operand:
        """A new run-once flag (a variable: 0 after micro_init, kept by micro_reset)."""

    def folded(self, op: Operator) -> bool:
        """CALL_ONCE `op`'s init subgraph was folded into the initial state."""


class OpContext:
    """What an op's prepare sees: its operator, its tensors, and ways to emit steps."""

    def __init__(self, graph: Graph, op: Operator) -> None:
        self._graph = graph
        self.op = op
        self.options: dict[str, Any] = op.options
        self.dsp = graph.dsp
        self.wide_weights = graph.wide_weights and op.index not in graph.narrow_ops
        self.first_rows = op.index not in graph.quad_ops  # CONV_2D layout 2 allowed

    @property
    def graph(self) -> Graph:
        """The graph being compiled (control-flow operators emit through it)."""
        return self._graph

    # -- tensors ---------------------------------------------------------------------
    @property
    def n_inputs(self) -> int:
        return len(self.op.inputs)

    def input(self, i: int) -> Tensor:
        """Input i; a missing input is a malformed model."""
        tensor = self.optional_input(i)
        if tensor is None:
            raise self.malformed(f"input {i} is missing")
        return tensor

    def optional_input(self, i: int) -> Tensor | None:
        if i >= len(self.op.inputs) or self.op.inputs[i] < 0:
            return None
        return self._graph.tensor(self.op.inputs[i])

    def output(self, i: int = 0) -> Tensor:
        if i >= len(self.op.outputs):
            raise self.malformed(f"output {i} is missing")
        return self._graph.tensor(self.op.outputs[i])

    def value(self, tensor: Tensor) -> np.ndarray | None:
        """The constant contents of a tensor (also through aliases), or None."""
        return self._graph.const_value(tensor.index)

    def const_input(self, i: int, what: str) -> np.ndarray:
        """Input i, which this op needs to be constant (a shape, axes, paddings, ...)."""
        value = self.value(self.input(i))
        if value is None:
            raise self.unsupported(f"{what} (input {i}) must be a constant tensor")
        return value

    # -- checks ----------------------------------------------------------------------
    def check_io_count(self, inputs: Sequence[int], outputs: int = 1) -> None:
        if len(self.op.inputs) not in inputs:
            raise self.malformed(
                f"has {len(self.op.inputs)} inputs, expected {' or '.join(map(str, inputs))}"
            )
        if len(self.op.outputs) != outputs:
            raise self.malformed(f"has {len(self.op.outputs)} outputs, expected {outputs}")

    def check_dtype(self, tensor: Tensor, *dtypes: str) -> None:
        if tensor.dtype.name not in dtypes:
            raise self.unsupported(
                f"tensor {tensor.index} ('{tensor.name}') is {tensor.type_name}; "
                f"supported: {', '.join(dtypes)}",
                tensor,
            )

    def check_weights(self, tensor: Tensor) -> np.ndarray:
        """The constant int8 weights of an int8 FULLY_CONNECTED, CONV_2D or DEPTHWISE_CONV_2D:
        int8, or INT4 (as TFLM: the reader unpacked them to int8, micro/int4.py)."""
        if tensor.type != TensorType.INT4:
            self.check_dtype(tensor, "int8")
        weights = self.value(tensor)
        if weights is None:
            raise self.unsupported(
                f"weights must be constant (tensor {tensor.index}, '{tensor.name}')", tensor
            )
        return weights

    def quant(self, tensor: Tensor) -> tuple[float, int]:
        """Per-tensor (scale, zero_point); a missing or per-channel quantization is an error."""
        scales, zero_points = self.channel_quant(tensor, 1)
        return float(scales[0]), int(zero_points[0])

    def channel_quant(self, tensor: Tensor, channels: int) -> tuple[np.ndarray, np.ndarray]:
        """(scales as float64, zero points as int64) with 1 or `channels` entries, validated:
        scales finite and positive, zero points inside the tensor type's range."""
        q = tensor.quant
        label = f"tensor {tensor.index} ('{tensor.name}')"
        if q is None or len(q.scale) == 0:
            raise self.malformed(f"{label} is not quantized", tensor)
        if len(q.scale) not in (1, channels):
            raise self.unsupported(
                f"{label} has {len(q.scale)} scales; expected 1"
                + (f" or {channels}" if channels != 1 else ""),
                tensor,
            )
        scales = q.scale.astype(np.float64)
        if not np.all(np.isfinite(scales) & (scales > 0)):
            at = int(np.flatnonzero(~(np.isfinite(scales) & (scales > 0)))[0])
            which = f"scale {scales[at]:g}" + (f" (channel {at})" if len(scales) > 1 else "")
            why = (
                "its requantization divides by the scale: division by zero"
                if scales[at] == 0
                else "a scale must be a positive finite number"
            )
            raise self.malformed(f"{label} has {which}; {why}", tensor)
        zero_points = q.zero_point.astype(np.int64)
        if tensor.dtype.kind in "iu":
            info = np.iinfo(tensor.dtype)
            if np.any(zero_points < info.min) or np.any(zero_points > info.max):
                raise self.malformed(
                    f"{label} has a zero point outside {tensor.dtype.name}", tensor
                )
        return scales, zero_points

    def unsupported(self, message: str, tensor: Tensor | None = None) -> UnsupportedOpError:
        """The error for what micro does not implement, located at this operator (and at
        `tensor` when the fault is one tensor's)."""
        return UnsupportedOpError(f"{self.where}: {message}", **self._location(tensor))

    def malformed(self, message: str, tensor: Tensor | None = None) -> ModelError:
        """The error for a model that is wrong, located as `unsupported`'s."""
        return ModelError(f"{self.where}: {message}", **self._location(tensor))

    def _location(self, tensor: Tensor | None) -> dict[str, Any]:
        return {"operator": self.op.index, "tensor": None if tensor is None else tensor.name}

    @property
    def where(self) -> str:
        return f"operator {self.op.index} ({self.op.name} v{self.op.version})"

    # -- operands and steps ----------------------------------------------------------
    def ref(self, tensor: Tensor | None) -> Operand:
        """The operand for a tensor: constant data if it has any, else its arena buffer."""
        if tensor is None:
            return NONE
        value = self.value(tensor)
        if value is not None:
            return Operand("const", data=np.ascontiguousarray(value).tobytes())
        return Operand("tensor", tensor=tensor.index, size=tensor.nbytes)

    @staticmethod
    def const(array: np.ndarray | bytes) -> Operand:
        data = array if isinstance(array, bytes) else np.ascontiguousarray(array).tobytes()
        return Operand("const", data=data)

    @staticmethod
    def scratch(nbytes: int, optional: bool = False) -> Operand:
        """Arena bytes for this step only. `optional`: the kernel also runs with the operand
        absent (NULL), so the compiler may drop it when that makes the arena smaller."""
        return Operand("scratch", size=nbytes, optional=optional) if nbytes > 0 else NONE

    def resource(self, i: int) -> tuple[Resource, Operand]:
        """Input i, a resource handle, as its variable and the operand of its state buffer."""
        handle = self.input(i)
        resource = self._graph.resource(handle.index)
        if resource is None:
            raise self.unsupported(
                f"resource variable (tensor {handle.index}, '{handle.name}') is never assigned "
                "(no ASSIGN_VARIABLE in any subgraph): TFLM has no buffer for it to read"
            )
        return resource, Operand("resource", tensor=resource.id, size=resource.nbytes)

    @staticmethod
    def state(nbytes: int) -> Operand:
        """Arena bytes private to this op that persist across invocations (as TFLM's
        persistent buffers): zeros after init and after reset."""
        if nbytes <= 0:
            raise ValueError("state needs at least one byte")
        return Operand("state", size=nbytes)

    def emit(
        self, kernel: str, params: dict[str, Any], operands: Mapping[str, Operand], macs: int = 0
    ) -> None:
        """A step running `kernel` with its params struct and its operands by slot name
        (the kernel's micro_<kernel>_operand_t: every slot, NONE for an absent one)."""
        slots = operand_slots(kernel)
        if set(operands) != set(slots):
            raise TypeError(
                f"operands of {kernel}: missing {sorted(set(slots) - set(operands))}, "
                f"unexpected {sorted(set(operands) - set(slots))}"
            )
        self._graph.emit(self.op, kernel, params, [operands[s] for s in slots], macs)

    def constant(self, output: Tensor, value: np.ndarray) -> None:
        """`output` is `value` (its dtype and element count), folded at compile time: later
        operators read it as constant data, and no step computes it."""
        if value.dtype != output.dtype or value.size != math.prod(output.shape):
            raise self.malformed(
                f"output {output.index} is {output.dtype.name} {list(output.shape)}; "
                f"the value is {value.dtype.name} of {value.size} elements"
            )
        if output.index in self._graph.outputs:
            raise self.unsupported(
                f"output {output.index} ('{output.name}') is a model output: micro folds it "
                "into constant data, which has no place in the arena to be read from"
            )
        self._graph.constant(output.index, value)

    def alias(self, output: Tensor, source: Tensor) -> None:
        """`output` is `source`'s bytes under another shape (RESHAPE, SQUEEZE, ...)."""
        if output.nbytes != source.nbytes:
            raise self.malformed(
                f"output {output.index} has {output.nbytes} bytes, input {source.index} "
                f"has {source.nbytes}"
            )
        self._graph.alias(output.index, source.index)


PrepareFn = Callable[[OpContext], None]

# The operator registry: builtin code or custom code -> prepare, filled by @prepares as the
# op modules are imported (micro/resolver.py imports them all).
BUILTIN_OPS: dict[int, PrepareFn] = {}
CUSTOM_OPS: dict[str, PrepareFn] = {}
# The tensor types each registered operator runs, as declared next to its prepare (the
# operator table of `micro ops` and the README is generated from this).
OP_TYPES: dict[int | str, str] = {}


def prepares(*ops: int | str, types: str) -> Callable[[PrepareFn], PrepareFn]:
    """Register the decorated function as the prepare of these operators: BuiltinOperator
    codes, or the custom_code strings of custom operators. `types` lists the tensor types
    it runs, e.g. "int8, int16x8, float32" (int16x8: int16 activations, int8 weights)."""

    def register(fn: PrepareFn) -> PrepareFn:
        for op in ops:
            table: dict[Any, PrepareFn] = CUSTOM_OPS if isinstance(op, str) else BUILTIN_OPS
            key = op if isinstance(op, str) else int(op)
            if key in table:
                raise RuntimeError(f"operator {op!r} is registered twice")
            table[key] = fn
            OP_TYPES[key] = types
        return fn

    return register
