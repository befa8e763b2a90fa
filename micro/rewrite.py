"""Re-encode a loaded model through the writer (micro/writer.py): what the reader tolerates
comes out normalised, e.g. a stale quantized_dimension that LiteRT refuses."""

from __future__ import annotations

from typing import Any

from .model import Model
from .writer import ModelBuilder

__all__ = ["rewrite_model"]


def rewrite_model(model: Model, **build: Any) -> bytes:
    """Re-encode a loaded model (e.g. to normalise what the reader
    tolerates, such as a stale quantized_dimension that LiteRT refuses)."""
    b = ModelBuilder(model.description)
    for graph in model.subgraphs:
        if graph.index:
            b.add_subgraph(graph.name)
        else:
            b.select_subgraph(0)
        for t in graph.tensors:
            q = t.quant
            b.add_tensor(
                t.name,
                t.shape,
                t.type,
                data=t.data,
                scale=None if q is None else q.scale,
                zero_point=None if q is None else q.zero_point,
                quantized_dimension=0 if q is None else q.quantized_dimension,
                is_variable=t.is_variable,
                shape_signature=t.shape_signature,
            )
        for op in graph.operators:
            b.add_operator(
                op.builtin_code,
                op.inputs,
                op.outputs,
                op.options,
                version=op.version,
                custom_code=op.custom_code,
                custom_options=op.custom_options,
                intermediates=op.intermediates,
            )
        b.set_inputs(graph.inputs)
        b.set_outputs(graph.outputs)
    for name, value in model.metadata.items():
        b.add_metadata(name, value)
    return b.build(**build)
