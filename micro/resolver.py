"""Op resolver: which prepare function handles which operator. One line per op."""

from __future__ import annotations

from .errors import UnsupportedOpError
from .model import Operator
from .ops import fully_connected
from .ops.base import PrepareFn
from .schema import BuiltinOperator as B

BUILTINS: dict[int, PrepareFn] = {
    B.FULLY_CONNECTED: fully_connected.prepare,
}

CUSTOM: dict[str, PrepareFn] = {}


def supported() -> list[str]:
    return sorted([B(code).name for code in BUILTINS] + list(CUSTOM))


def lookup(op: Operator) -> PrepareFn:
    fn = CUSTOM.get(op.custom_code or "") if op.custom_code else BUILTINS.get(op.builtin_code)
    if fn is None:
        raise UnsupportedOpError(
            f"operator {op.index}: {op.name} (version {op.version}) is not supported; "
            f"micro supports: {', '.join(supported())}"
        )
    return fn
