"""The C library's float32 functions, where TFLM calls them to build a table in prepare
(int8 ELU's calls expf). glibc's expf, the oracle's, is not correctly rounded (one
negative float32 in about 11,500 comes out one ulp off), and a table built from the
correctly rounded value differs from TFLM's for some quantizations, so micro calls the
same function: the host's C math library (glibc's on Linux, where the oracle runs), or,
without one, exp rounded once from double."""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
from typing import Any

import numpy as np


@functools.cache
def _c_expf() -> Any:
    path = ctypes.util.find_library("m")
    if path is None:
        return None
    fn = ctypes.CDLL(path).expf
    fn.restype, fn.argtypes = ctypes.c_float, [ctypes.c_float]
    return fn


def expf(x: np.ndarray) -> np.ndarray:
    """The C library's expf of every float32 value in x."""
    values = np.asarray(x, np.float32)
    fn = _c_expf()
    if fn is None:
        return np.exp(values.astype(np.float64)).astype(np.float32)
    out = [fn(float(v)) for v in values.ravel()]
    return np.array(out, np.float32).reshape(values.shape)
