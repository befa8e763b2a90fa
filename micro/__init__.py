"""micro: run int8 .tflite models bit-exact with TFLM, in a fixed arena, on the host and on
Cortex-M boards."""

from __future__ import annotations

from .errors import (
    ArenaTooSmallError,
    InputError,
    InvokeError,
    MicroError,
    ModelError,
    ProgramError,
    UnsupportedOpError,
)
from .interpreter import Interpreter
from .model import load_model

__version__ = "0.1.0"

__all__ = [
    "ArenaTooSmallError",
    "InputError",
    "Interpreter",
    "InvokeError",
    "MicroError",
    "ModelError",
    "ProgramError",
    "UnsupportedOpError",
    "__version__",
    "load_model",
]
