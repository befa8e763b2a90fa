"""Op resolver: which prepare function handles which operator.

Each op module in micro/ops registers its prepare functions with @prepares (ops/base.py);
the resolver imports every op module once, on first use, and looks operators up in what
they registered.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil

from . import ops
from .errors import UnsupportedOpError
from .model import Operator
from .ops.base import BUILTIN_OPS, CUSTOM_OPS, PrepareFn
from .schema import BuiltinOperator as B


@functools.cache
def op_modules() -> tuple[str, ...]:
    """Import every module of micro.ops (which registers its operators); their names."""
    names = tuple(sorted(m.name for m in pkgutil.iter_modules(ops.__path__)))
    for name in names:
        importlib.import_module(f"{ops.__name__}.{name}")
    return names


def builtin_ops() -> dict[int, PrepareFn]:
    op_modules()
    return BUILTIN_OPS


def custom_ops() -> dict[str, PrepareFn]:
    op_modules()
    return CUSTOM_OPS


def supported() -> list[str]:
    return sorted([B(code).name for code in builtin_ops()] + list(custom_ops()))


def lookup(op: Operator) -> PrepareFn:
    if op.custom_code:
        prepare = custom_ops().get(op.custom_code)
    else:
        prepare = builtin_ops().get(op.builtin_code)
    if prepare is None:
        raise UnsupportedOpError(
            f"operator {op.index}: {op.name} (version {op.version}) is not supported; "
            f"micro supports: {', '.join(supported())}",
            operator=op.index,
        )
    return prepare
