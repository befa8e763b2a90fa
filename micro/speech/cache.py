"""Names of cached results computed with a model: a short digest of the model's SHA-256 and
everything else the result depends on, so a changed model, input or recipe gets a new file."""

from __future__ import annotations

import hashlib


def cache_name(model: bytes, *key: object) -> str:
    """12 hex digits naming what `model` gave for `key` (parts whose repr() is stable:
    strings, numbers, tuples and lists of them; include the computing module's VERSION)."""
    text = repr((hashlib.sha256(model).hexdigest(), *key))
    return hashlib.sha1(text.encode()).hexdigest()[:12]
