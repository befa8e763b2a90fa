"""Two read models compared field by field (`same_model`: what a writer must keep; buffer
numbering and the subgraph name may differ), and random values for a model's inputs."""

from __future__ import annotations

from typing import Any

import numpy as np

from micro import schema
from micro.model import Model
from support.models import random_values

SCALARS = set(schema.SCALAR_FORMATS)


def filled_options(options: dict[str, Any], code: int) -> dict[str, Any]:
    """Options with an absent table read as the schema defaults (the writer always writes
    the table of an operator that carries one)."""
    spec = schema.op_options(code)
    if options or spec is None:
        return options
    empty = {"string": "", "[ubyte]": b""}
    return {
        f.name: f.default if f.kind in SCALARS else empty.get(f.kind, ())
        for f in spec.table.fields
        if not f.deprecated
    }


def same_model(a: Model, b: Model) -> None:
    """Same content; buffer numbering and the subgraph name may differ."""
    assert a.description == b.description
    assert a.metadata == b.metadata
    assert len(a.subgraphs) == len(b.subgraphs)
    for ga, gb in zip(a.subgraphs, b.subgraphs, strict=True):
        assert (ga.inputs, ga.outputs) == (gb.inputs, gb.outputs)
        assert len(ga.tensors) == len(gb.tensors)
        for ta, tb in zip(ga.tensors, gb.tensors, strict=True):
            assert (ta.index, ta.name, ta.shape, ta.type, ta.dtype) == (
                tb.index,
                tb.name,
                tb.shape,
                tb.type,
                tb.dtype,
            )
            assert (ta.is_variable, ta.shape_signature, ta.quant) == (
                tb.is_variable,
                tb.shape_signature,
                tb.quant,
            )
            assert (ta.data is None) == (tb.data is None)
            if ta.data is not None and tb.data is not None:
                assert ta.data.tobytes() == tb.data.tobytes()
        assert len(ga.operators) == len(gb.operators)
        for oa, ob in zip(ga.operators, gb.operators, strict=True):
            for name in (
                "builtin_code",
                "name",
                "custom_code",
                "version",
                "inputs",
                "outputs",
                "intermediates",
                "custom_options",
            ):
                assert getattr(oa, name) == getattr(ob, name), (oa.index, name)
            assert filled_options(oa.options, oa.builtin_code) == filled_options(
                ob.options, ob.builtin_code
            )


def random_inputs(model: Model, seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    graph = model.subgraphs[0]
    tensors = [graph.tensors[i] for i in graph.inputs]
    return [random_values(rng, t.shape, t.dtype, float_range=1.0) for t in tensors]
