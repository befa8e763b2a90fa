"""Optional dependencies: each belongs to an extra of the package (pyproject.toml), and a
missing one is a one-line error naming the `pip install` that brings it."""

from __future__ import annotations

import importlib
from types import ModuleType

from .errors import MicroError


class MissingExtraError(MicroError):
    """A feature needs a package that is not installed."""


def require(module: str, extra: str, what: str) -> ModuleType:
    """Import `module`, or raise MissingExtraError saying which extra to install."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingExtraError(
            f"{what} needs the {module.split('.')[0]} package: pip install 'micro[{extra}]'"
        ) from None
