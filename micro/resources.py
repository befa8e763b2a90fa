"""Where micro finds its files that are not Python: the board folders (boards/), the
firmware projects, port layer and PlatformIO platform (firmware/), the C runtime (csrc/) and
its PlatformIO manifest (library.json).

The repository holds one copy of each. A wheel or sdist carries them as package data under
micro/_data/ (setup.py copies them in at build time); a checkout reads them in place. Both
are real folders on disk, as PlatformIO and the compiler need. Files micro writes (PlatformIO's
core folder, build folders) go to the checkout, or for an installed package to the user's
cache folder.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from .errors import MicroError

_PACKAGE = Path(str(resources.files("micro")))
_CHECKOUT = _PACKAGE.parent
MANIFEST = "library.json"  # present at the top of either layout


def data_root() -> Path:
    """The folder holding boards/, firmware/, csrc/ and library.json."""
    for root in (_PACKAGE / "_data", _CHECKOUT):
        if (root / MANIFEST).is_file() and (root / "boards").is_dir():
            return root
    raise MicroError(
        f"micro's board and firmware files are missing (looked in {_PACKAGE / '_data'} and "
        f"{_CHECKOUT}); reinstall micro from its wheel or sdist"
    )


def is_checkout() -> bool:
    return data_root() == _CHECKOUT


def boards_dir() -> Path:
    return data_root() / "boards"


def firmware_dir() -> Path:
    return data_root() / "firmware"


def work_dir() -> Path:
    """Where micro writes its own files: the checkout, else ~/.cache/micro."""
    if is_checkout():
        return _CHECKOUT
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "micro"


def pio_core_dir() -> Path:
    """PlatformIO's core folder for micro (not ~/.platformio): MICRO_PIO_CORE_DIR, else
    .pio-core in the work folder. `micro setup` seeds it for offline builds."""
    return Path(os.environ.get("MICRO_PIO_CORE_DIR") or work_dir() / ".pio-core")


def build_root() -> Path:
    """Default parent of generated firmware projects."""
    return work_dir() / ".micro-build"
