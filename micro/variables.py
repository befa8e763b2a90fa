"""Resource variables, resolved at compile time: each (container, shared_name) a VAR_HANDLE
names becomes one state buffer in the arena that persists across invokes, as TFLM's
MicroResourceVariables keeps one persistent buffer per name.

What TFLM does, and micro folds into the Program (checked against the tflite-micro wheel):
  - a variable's buffer is allocated by the first ASSIGN_VARIABLE prepared (subgraphs in
    order, operators in order): its bytes are that value's bytes, and it is filled with that
    value's zero point (its low byte; 0 when unquantized) at allocation and on every reset;
  - READ_VARIABLE copies the buffer out, ASSIGN_VARIABLE copies a value in;
  - CALL_ONCE runs its init subgraph at the first invoke only, and never again, not even
    after a reset.
The converter's init subgraph is VAR_HANDLE + ASSIGN_VARIABLE of constants; micro runs it
at compile time, so a variable's value after micro_init is what the init subgraph assigns
and its value after micro_reset is the zero-point fill (the Program carries both). Any other
init subgraph (one that computes, or a CALL_ONCE after a use of its variables) runs in the
Program behind a run-once flag (micro/control.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .errors import UnsupportedOpError
from .model import Model, Operator, Subgraph, Tensor
from .schema import BuiltinOperator as B
from .schema import TensorType


@dataclass
class Resource:
    """One resource variable: its bytes as the first assignment gave them."""

    id: int
    name: str  # shared_name
    tensor: Tensor  # the value of the assignment that allocated it (dtype, shape, quant)
    where: str  # that assignment, for messages
    init: bytes | None = None  # set by a CALL_ONCE init subgraph (None: the fill)
    assigned: bool = False

    @property
    def nbytes(self) -> int:
        return self.tensor.nbytes

    @property
    def fill(self) -> bytes:
        """The value after allocation and reset: the zero point's low byte in every byte."""
        q = self.tensor.quant
        byte = int(q.zero_point[0]) & 0xFF if q is not None and len(q.zero_point) else 0
        return bytes([byte]) * self.nbytes if byte else b""

    @property
    def initial(self) -> bytes:
        return self.fill if self.init is None else self.init


def _where(graph: Subgraph, op: Operator) -> str:
    return f"subgraph {graph.index}, operator {op.index} ({op.name})"


def _refuse(graph: Subgraph, op: Operator, why: str) -> UnsupportedOpError:
    return UnsupportedOpError(f"{_where(graph, op)}: {why}", operator=op.index)


class Resources:
    """The resource variables of a model compiled from subgraph `main`."""

    def __init__(self, model: Model, main: int) -> None:
        self.model = model
        self.by_name: dict[tuple[str, str], Resource] = {}
        self._ids: dict[tuple[str, str], int] = {}  # every name a VAR_HANDLE gives: its id
        # Per subgraph: handle tensor -> the name its VAR_HANDLE gives.
        self._names = [self._scan(graph) for graph in model.subgraphs]
        # (subgraph, operator) of each CALL_ONCE folded into the initial values
        self.folded: set[tuple[int, int]] = set()
        if 0 <= main < len(model.subgraphs):
            self._fold_call_once(model.subgraphs[main])

    def _scan(self, graph: Subgraph) -> dict[int, tuple[str, str]]:
        """VAR_HANDLE names and ASSIGN_VARIABLE allocations of one subgraph, in order."""
        handles: dict[int, tuple[str, str]] = {}
        for op in graph.operators:
            if op.builtin_code == B.VAR_HANDLE:
                if len(op.outputs) != 1:
                    raise _refuse(graph, op, f"has {len(op.outputs)} outputs, expected 1")
                out_tensor = graph.tensors[op.outputs[0]]
                if out_tensor.type != TensorType.RESOURCE:
                    raise _refuse(
                        graph,
                        op,
                        f"output '{out_tensor.name}' is {out_tensor.type.name}, expected RESOURCE",
                    )
                key = (op.options["container"], op.options["shared_name"])
                # TFLM's FindId: names match by (container, shared_name), and an absent
                # container matches any; the reader reads absent and empty alike as "".
                if any(n == key[1] and "" in (c, key[0]) and c != key[0] for c, n in self._ids):
                    raise _refuse(
                        graph,
                        op,
                        f"resource variable '{key[1]}' is named with and without a container: "
                        "TFLM matches an absent container to any, an empty one to none, and "
                        "micro cannot tell the two apart",
                    )
                handles[op.outputs[0]] = key
                self._ids.setdefault(key, len(self._ids))
            elif op.builtin_code in (B.ASSIGN_VARIABLE, B.READ_VARIABLE):
                n_in = 2 if op.builtin_code == B.ASSIGN_VARIABLE else 1
                if len(op.inputs) != n_in or min(op.inputs) < 0:
                    raise _refuse(graph, op, f"has {len(op.inputs)} inputs, expected {n_in}")
                name = handles.get(op.inputs[0])
                if name is None:
                    raise _refuse(
                        graph,
                        op,
                        f"its resource (tensor {op.inputs[0]}) is not the output of "
                        "an earlier VAR_HANDLE of its subgraph: micro resolves every resource "
                        "variable at compile time and cannot take one passed in",
                    )
                if op.builtin_code == B.ASSIGN_VARIABLE:
                    self._allocate(graph, op, name)
        return handles

    def _allocate(self, graph: Subgraph, op: Operator, key: tuple[str, str]) -> None:
        value = graph.tensors[op.inputs[1]]
        resource = self.by_name.get(key)
        if resource is None:
            self.by_name[key] = Resource(self._ids[key], key[1], value, _where(graph, op))
            return
        first = resource.tensor
        if value.dtype != first.dtype or value.nbytes != first.nbytes:
            raise _refuse(
                graph,
                op,
                f"assigns {value.dtype.name} {list(value.shape)} to resource "
                f"variable '{key[1]}', which {resource.where} made {first.dtype.name} "
                f"{list(first.shape)}: every assignment of a variable must have one type and size",
            )

    def name(self, resource_id: int) -> str:
        return next(r.name for r in self.by_name.values() if r.id == resource_id)

    def resource(self, graph: int, tensor: int) -> Resource | None:
        """The resource a handle tensor of subgraph `graph` names (None: not a handle or never
        assigned anywhere)."""
        key = self._names[graph].get(tensor)
        return None if key is None else self.by_name.get(key)

    def _fold_call_once(self, graph: Subgraph) -> None:
        """Each CALL_ONCE's init subgraph into the initial values of what it assigns."""
        used: dict[int, str] = {}  # resource id -> the operator of main that first used it
        for op in graph.operators:
            if op.builtin_code in (B.READ_VARIABLE, B.ASSIGN_VARIABLE):
                r = self.resource(graph.index, op.inputs[0])
                if r is not None:
                    used.setdefault(r.id, _where(graph, op))
            if op.builtin_code != B.CALL_ONCE:
                continue
            index = op.options.get("init_subgraph_index", -1)
            if not 0 <= index < len(self.model.subgraphs) or index == graph.index:
                raise _refuse(
                    graph,
                    op,
                    f"init_subgraph_index {index} is not another subgraph "
                    f"(the model has {len(self.model.subgraphs)})",
                )
            if op.inputs or op.outputs:
                raise _refuse(graph, op, "takes no inputs and gives no outputs")
            init = self.model.subgraphs[index]
            folded = self._constants(init, used)
            if folded is not None:
                self.folded.add((graph.index, op.index))
                for r, data in folded:
                    r.init = data
                continue
            for inner in init.operators:  # it runs here: a later fold must not precede it
                if inner.builtin_code == B.ASSIGN_VARIABLE:
                    r = self.resource(index, inner.inputs[0])
                    if r is not None:
                        used.setdefault(r.id, _where(graph, op))

    def _constants(
        self, init: Subgraph, used: dict[int, str]
    ) -> list[tuple[Resource, bytes]] | None:
        """What init subgraph `init` assigns, if it only assigns constants to variables
        no operator used before (else None: it runs in the Program)."""
        values = []
        for inner in init.operators:
            if inner.builtin_code == B.VAR_HANDLE:
                continue
            if inner.builtin_code != B.ASSIGN_VARIABLE:
                return None
            value = init.tensors[inner.inputs[1]]
            r = self.resource(init.index, inner.inputs[0])
            if not value.is_constant or r is None or r.id in used:
                return None
            values.append((r, np.ascontiguousarray(value.data).tobytes()))
        return values
