"""The Python API: load → resolve → prepare → plan → run in a fixed arena.

it = micro.Interpreter.from_file("model.tflite", arena_size=32_000)
it.set_input(x, 0)
it.invoke()
y = it.get_output(0)
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Callable
from typing import Any

import numpy as np

from ._ffi import bind_invoke, ffi, lib, status_message
from .compiler import compile_model
from .errors import ArenaTooSmallError, InputError, InvokeError, ModelError, ProgramError
from .model import Model, load_model
from .program import U32_MAX, check_arena_size
from .serialize import CompiledModel, TensorSlot

_ALIGN = 64
_OK = int(lib.MICRO_OK)


def aligned_buffer(size: int, alignment: int = _ALIGN) -> np.ndarray:
    """A zeroed uint8 array of `size` bytes whose data pointer is `alignment`-aligned."""
    raw = np.zeros(size + alignment, dtype=np.uint8)
    start = (-raw.ctypes.data) % alignment
    return raw[start : start + size]


class Runtime:
    """The C executor over one program and one arena (also used for raw program blobs)."""

    def __init__(self, program: bytes, arena_size: int) -> None:
        check_arena_size(arena_size)
        if len(program) > U32_MAX:
            raise ProgramError(f"program of {len(program)} bytes: the format ends at 4 GiB")
        self.program = aligned_buffer(len(program))
        self.program[:] = np.frombuffer(program, dtype=np.uint8)
        self.arena = aligned_buffer(arena_size)
        self._rt = ffi.new("micro_runtime_t *")
        status = lib.micro_init(
            self._rt,
            ffi.from_buffer(self.program),
            len(program),
            ffi.from_buffer(self.arena),
            arena_size,
        )
        if status != lib.MICRO_OK:
            step = self._rt.error_step
            failed = step != lib.MICRO_NO_STEP
            where = f" (step {step})" if failed else ""
            error = ProgramError(
                f"program rejected by the runtime{where}: {status_message(status)}"
            )
            error.step = step if failed else None
            raise error

        # Every step's operand pointers, resolved once: invoke then skips resolving them
        # per step, most of a step's cost in a tiny model.
        self._slots = ffi.new("void *[]", max(1, int(lib.micro_n_refs(self._rt))))
        self._check(lib.micro_set_operand_slots(self._rt, self._slots, len(self._slots)))
        self._address = int(ffi.cast("uintptr_t", self._rt))

    @property
    def address(self) -> int:
        """The micro_runtime_t's address: valid while this runtime lives."""
        return self._address

    def invoke(self) -> bool:
        return self._check(lib.micro_host_invoke(self._address))

    def invoker(self) -> tuple[Any, int]:
        """The C call of invoke and its argument, for a caller that calls it per inference
        (fewer Python lookups per call) and hands a status other than MICRO_OK to
        check_status. The argument is this runtime's address: valid while it lives."""
        return lib.micro_host_invoke, self._address

    def check_status(self, status: int) -> bool:
        return self._check(status)

    def invoke_range(self, first: int, last: int) -> bool:
        return self._check(lib.micro_invoke_range(self._rt, first, last))

    def _check(self, status: int) -> bool:
        """True: every step ran; False: a step ended the invocation early (MICRO_STOPPED)."""
        if status == lib.MICRO_STOPPED:
            return False
        if status != lib.MICRO_OK:
            step = int(self._rt.error_step)
            error = InvokeError(f"step {step} failed: {status_message(status)}")
            error.step, error.status = step, int(status)
            raise error
        return True

    def reset(self) -> None:
        lib.micro_reset(self._rt)

    def set_loop_limit(self, limit: int) -> None:
        """The most loop iterations (backward branches) one invoke may take; 0: no limit."""
        self._check(lib.micro_set_loop_limit(self._rt, limit))

    def stream_from(self, data: np.ndarray) -> None:
        """Serve a streamed input's rows from `data` (uint8), kept alive here: the
        runtime's row reader is micro_memory_rows over it."""
        self._rows = data
        self._source = ffi.new("micro_memory_rows_t *", (ffi.from_buffer(data), data.nbytes))
        reader = ffi.addressof(lib, "micro_memory_rows")
        lib.micro_set_row_reader(self._rt, reader, self._source)

    def set_hook(self, hook: Any, ctx: Any) -> None:
        """Install a C step hook (micro_step_hook_fn) with its context; NULL removes it."""
        self._rt.hook = hook
        self._rt.hook_ctx = ctx


class Interpreter:
    """Runs one model in an arena of a fixed size, bit-exact with TFLM's reference kernels."""

    def __init__(self, compiled: CompiledModel, arena_size: int | None = None) -> None:
        needed = compiled.arena_bytes_needed
        if arena_size is None:
            arena_size = needed
        check_arena_size(arena_size)
        if arena_size < needed:
            raise ArenaTooSmallError(needed, arena_size)
        self.compiled = compiled
        try:
            self._runtime = Runtime(compiled.program, arena_size)
        except ProgramError as exc:
            if exc.step is None or exc.step >= len(compiled.steps):
                raise
            s = compiled.steps[exc.step]  # a model the compiler let through: name its op
            raise ModelError(
                f"{s.origin()}: the runtime refuses its {s.kernel} step "
                f"({exc}); its shapes, strides, dilation or padding are outside what the "
                f"kernel supports"
            ) from exc
        self._arena = self._runtime.arena
        self._streams_set: set[int] = set()
        # invoke's per-call path, resolved once: the C call, its argument, and the streamed
        # inputs that must be set first. Without streamed inputs, invoke is one builtin
        # function (_direct_invoke).
        self._invoke_c, self._invoke_rt = self._runtime.invoker()
        self._streamed = tuple(k for k, slot in enumerate(compiled.inputs) if slot.streamed)
        if not self._streamed:
            self.invoke = _direct_invoke(self)  # type: ignore[method-assign]

    @classmethod
    def from_file(
        cls,
        path: str | os.PathLike[str],
        arena_size: int | None = None,
        overlap: bool = True,
        max_overhead: float = 0.0,
        keep_inputs: bool = False,
        stream: bool = False,
        fastest: bool = True,
    ) -> Interpreter:
        """`arena_size`: the fastest plan that fits it. None: the fastest plan (every
        optional scratch kept, as TFLM's kernels always get theirs) in the arena it needs,
        or with `fastest=False` the smallest arena (slower where a convolution loses its
        im2col scratch; `micro plan` shows both).
        `overlap=False`: no step's output shares bytes with its input (the tensor bound).
        `max_overhead` > 0: a chain of steps may run in strips for a smaller arena, at most
        that fraction of extra instructions (estimated; see micro/patches.py).
        `keep_inputs`: inputs survive invoke (see compile_model); by default, as in TFLM,
        set them again before every invoke. `stream`: the first patched stage pulls the
        image input's rows on demand; no copy of the input is kept in the arena (set_input
        keeps the array and serves its rows)."""
        model = load_model(path)
        return cls._compiled(model, arena_size, overlap, max_overhead, keep_inputs, stream, fastest)

    @classmethod
    def from_bytes(
        cls,
        data: bytes,
        arena_size: int | None = None,
        overlap: bool = True,
        max_overhead: float = 0.0,
        keep_inputs: bool = False,
        stream: bool = False,
        fastest: bool = True,
    ) -> Interpreter:
        model = load_model(data)
        return cls._compiled(model, arena_size, overlap, max_overhead, keep_inputs, stream, fastest)

    @classmethod
    def _compiled(
        cls,
        model: Model,
        arena_size: int | None,
        overlap: bool,
        max_overhead: float,
        keep_inputs: bool,
        stream: bool = False,
        fastest: bool = True,
    ) -> Interpreter:
        compiled = compile_model(
            model,
            arena_budget=arena_size,
            overlap=overlap,
            max_overhead=max_overhead,
            keep_inputs=keep_inputs,
            stream=stream,
            fastest=fastest,
        )
        return cls(compiled, arena_size)

    # -- running ---------------------------------------------------------------------
    def set_input(self, value: Any, index: int = 0) -> None:
        slot = self._slot(self.compiled.inputs, index, "input")
        try:
            array = np.asarray(value)
        except (ValueError, TypeError) as exc:
            raise InputError(
                f"input {index} ('{slot.name}') is not an array ({exc}); pass a numpy array "
                f"of shape {list(slot.shape)}"
            ) from None
        if array.dtype != slot.dtype:
            raise InputError(
                f"input {index} ('{slot.name}') expects dtype {slot.dtype.name}, got "
                f"{array.dtype.name}; quantize or cast it first"
            )
        if array.shape != slot.shape:
            if array.size != int(np.prod(slot.shape)):
                raise InputError(
                    f"input {index} ('{slot.name}') expects shape {list(slot.shape)}, got "
                    f"{list(array.shape)}"
                )
            array = array.reshape(slot.shape)
        flat = np.ascontiguousarray(array).reshape(-1).view(np.uint8)
        if slot.streamed:  # its rows reach the arena through the row reader, strip by strip
            self._runtime.stream_from(flat.copy())
            self._streams_set.add(index)
            return
        view = self._arena[slot.offset : slot.offset + slot.size]
        view[:] = flat

    def invoke(self) -> bool:
        """Run the model once. True when every step ran; False when a step ended the
        invocation early, as TFLM's invoke returns kTfLiteAbort: a streaming model's
        CIRCULAR_BUFFER stored the input frame and waits for more before the later steps
        run, so the outputs hold no new result (feed the next frame and invoke again)."""
        if self._streamed:
            self._check_streams()
        status = self._invoke_c(self._invoke_rt)
        if status == _OK:
            return True
        return self._finish(status)

    def _finish(self, status: int) -> bool:
        """invoke's result for a status other than MICRO_OK: False for MICRO_STOPPED, else
        the step's error."""
        try:
            return self._runtime.check_status(status)
        except InvokeError as exc:
            if exc.status != lib.MICRO_ERR_DIV_ZERO or exc.step is None:
                raise
            raise self._division_by_zero(exc.step) from None

    def _check_streams(self) -> None:
        for k in self._streamed:
            if k not in self._streams_set:
                slot = self.compiled.inputs[k]
                raise InputError(
                    f"input {k} ('{slot.name}') is streamed (its rows are read on demand): "
                    f"set it with set_input before invoke"
                )

    def _division_by_zero(self, step: int) -> InvokeError:
        """The error of a step that found a zero divisor: its operator (a subgraph's own,
        with the control operator that ran it), and the divisor (input 1 of every TFLite
        division) with the first zero it holds."""
        info = self.compiled.steps[step]
        op = info.inner or self.compiled.graph.operators[info.op_index]
        tensor = self.compiled.graph.tensors[op.inputs[1]]
        where = ""
        buffer = self.compiled.buffer_of.get(tensor.index)
        if buffer is not None and buffer.offset >= 0:
            raw = self._arena[buffer.offset : buffer.offset + tensor.nbytes]
            zeros = np.flatnonzero(raw.view(tensor.dtype) == 0)
            where = f" at element {int(zeros[0])}" if zeros.size else ""
        error = InvokeError(
            f"{info.origin()}: division by zero: the divisor, input 1 ('{tensor.name}'), "
            f"holds 0{where}",
            operator=info.op_index,
            tensor=tensor.name,
        )
        error.step, error.status = step, int(lib.MICRO_ERR_DIV_ZERO)
        return error

    def get_output(self, index: int = 0) -> np.ndarray:
        slot = self._slot(self.compiled.outputs, index, "output")
        raw = self._arena[slot.offset : slot.offset + slot.size]
        return raw.view(slot.dtype).reshape(slot.shape).copy()

    def reset(self) -> None:
        """Restore variable tensors (recurrent state) and resource variables as TFLM's
        MicroInterpreter::Reset does: a resource variable returns to its zero-point fill (not
        to what CALL_ONCE's init subgraph set, which does not run again)."""
        self._runtime.reset()

    # -- description -----------------------------------------------------------------
    def get_input_details(self, index: int | None = None) -> Any:
        return self._details(self.compiled.inputs, index, "input")

    def get_output_details(self, index: int | None = None) -> Any:
        return self._details(self.compiled.outputs, index, "output")

    @property
    def arena_size(self) -> int:
        """The arena budget this interpreter was given (>= arena_used_bytes())."""
        return int(self._arena.size)

    def arena_used_bytes(self) -> int:
        """Bytes of the arena the model uses: an arena of this size always runs it."""
        return self.compiled.arena_bytes_needed

    @property
    def lower_bound(self) -> int:
        return self.compiled.lower_bound

    def _slot(self, slots: list[TensorSlot], index: int, what: str) -> TensorSlot:
        if not isinstance(index, (int, np.integer)) or not 0 <= index < len(slots):
            raise InputError(f"{what} index {index} out of range (model has {len(slots)})")
        return slots[int(index)]

    def _details(self, slots: list[TensorSlot], index: int | None, what: str) -> Any:
        if index is not None:
            return _describe(self._slot(slots, index, what))
        return [_describe(s) for s in slots]


# A model of at most this many multiply-accumulates and no control flow runs in a few
# microseconds on a host core: its invoke keeps the GIL, which releasing and retaking would
# cost a tenth of (hello_world). Longer ones release it, so other threads run meanwhile.
GIL_KEPT_MACS = 100_000


def _direct_invoke(interpreter: Interpreter) -> Callable[[], bool]:
    """Interpreter.invoke for a model without streamed inputs: one builtin function
    (micro/_invoke.c) calling the C executor, so that a call runs no Python code unless a
    step fails or stops the invocation, then `on_status` does. For a tiny model the call
    is most of invoke's time (hello_world, benchmarks/bench_host.py). It holds the
    interpreter weakly (no reference cycle keeps the arena alive after the interpreter is
    gone) and its runtime strongly (the address stays valid while the builtin lives)."""
    runtime, owner = interpreter._runtime, weakref.ref(interpreter)

    def on_status(status: int) -> bool:
        it = owner()
        return it._finish(status) if it is not None else runtime.check_status(status)

    steps = interpreter.compiled.steps
    release = sum(s.macs for s in steps) > GIL_KEPT_MACS or any(s.calls for s in steps)
    doc = Interpreter.invoke.__doc__ or ""
    return bind_invoke(runtime.address, runtime, on_status, release, doc)


def _describe(slot: TensorSlot) -> dict[str, Any]:
    q = slot.quant
    return {
        "name": slot.name,
        "index": slot.index,
        "shape": np.array(slot.shape, dtype=np.int32),
        "dtype": slot.dtype.type,
        "scale": slot.scale,
        "zero_point": slot.zero_point,
        "quantization": (slot.scale, slot.zero_point),
        "quantization_parameters": {
            "scales": q.scale.copy() if q is not None else np.zeros(0, np.float32),
            "zero_points": q.zero_point.astype(np.int32)
            if q is not None
            else np.zeros(0, np.int32),
            "quantized_dimension": q.quantized_dimension if q is not None else 0,
        },
    }
