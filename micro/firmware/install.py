"""What the board commands need, checked and, where possible, installed (`micro setup`):

    Debian packages   arm-none-eabi-gcc + newlib, qemu-system-arm, gcc (apt-get, as root)
    PlatformIO        from PyPI, into the running Python
    tool-scons        SCons from its PyPI wheel, seeded into micro's PlatformIO core folder
                      as the package PlatformIO would otherwise fetch from its registry
    QEMU plugin       firmware/qemu/insncount.c, built with gcc (counts instructions,
                      estimates cycles)

Each check reports what it found; what cannot be done here (no root, no apt-get) comes
back with the exact command to run.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..resources import pio_core_dir
from .toolchain import (
    build_plugin,
    plugin_build_command,
    plugin_path,
    plugin_stale,
    scons_ready,
)

PLATFORMIO = "platformio==6.2.0"
# PlatformIO 6.2.0 requires platformio/tool-scons ~4.41101.0, which is SCons 4.11.1.
SCONS = "4.11.1"
SCONS_PIO_VERSION = "4.41101.0"
NEWLIB = Path("/usr/lib/arm-none-eabi/newlib")

# Debian package -> how to tell it is there.
DEBIAN: dict[str, Callable[[], bool]] = {
    "gcc-arm-none-eabi": lambda: shutil.which("arm-none-eabi-gcc") is not None,
    "libnewlib-arm-none-eabi": lambda: NEWLIB.is_dir(),
    "qemu-system-arm": lambda: shutil.which("qemu-system-arm") is not None,
    "gcc": lambda: shutil.which("gcc") is not None,
}


@dataclass
class Item:
    name: str
    present: bool
    detail: str = ""  # where it is, or what went wrong
    command: str = ""  # when missing: the command that installs it


def _run(cmd: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True)


def _debian(apt: bool) -> list[Item]:
    missing = [name for name, present in DEBIAN.items() if not present()]
    if missing and apt and os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing],
            env=env,
            capture_output=True,
        )
        missing = [name for name in missing if not DEBIAN[name]()]
    if shutil.which("apt-get"):
        sudo = "" if os.geteuid() == 0 else "sudo "
        fix = f"{sudo}apt-get install {' '.join(missing)}"
    else:
        fix = (
            "install the GNU Arm toolchain with newlib (arm-none-eabi-gcc), qemu-system-arm "
            "and gcc with your system's package manager"
        )
    return [Item(name, name not in missing, "", fix if name in missing else "") for name in DEBIAN]


def _platformio(install: bool) -> Item:
    def version() -> str | None:
        proc = _run([sys.executable, "-m", "platformio", "--version"])
        return proc.stdout.strip() if proc.returncode == 0 else None

    fix = f"{sys.executable} -m pip install '{PLATFORMIO}'"
    found = version()
    if found is None and install:
        _run([sys.executable, "-m", "pip", "install", "-q", PLATFORMIO])
        found = version()
    return Item("platformio", found is not None, found or "", "" if found else fix)


def _seed_scons(core: Path) -> None:
    """Unpack SCons's wheel as PlatformIO's tool-scons package, with the metadata that makes
    PlatformIO accept it as platformio/tool-scons instead of going to its registry."""
    scons = core / "packages" / "tool-scons"
    with tempfile.TemporaryDirectory() as tmp:
        download = [sys.executable, "-m", "pip", "download", "-q", "--no-deps"]
        proc = _run([*download, "--only-binary=:all:", f"scons=={SCONS}", "-d", tmp])
        wheels = list(Path(tmp).glob(f"scons-{SCONS}-*.whl"))
        if proc.returncode != 0 or not wheels:
            return
        shutil.rmtree(scons, ignore_errors=True)
        (scons / "scons-local").mkdir(parents=True)
        with zipfile.ZipFile(wheels[0]) as whl:
            whl.extractall(scons / "scons-local")
    (scons / "scons.py").write_text(
        "import os\nimport sys\n\n"
        "sys.path.insert(0, os.path.join(os.path.dirname(os.path.realpath(__file__)), "
        '"scons-local"))\n'
        'if __name__ == "__main__":\n    import SCons.Script\n\n    SCons.Script.main()\n'
    )
    package = {
        "name": "tool-scons",
        "version": SCONS_PIO_VERSION,
        "system": "*",
        "license": "MIT",
        "description": f"SCons {SCONS} from its PyPI wheel",
    }
    (scons / "package.json").write_text(json.dumps(package))
    spec = {"owner": "platformio", "id": None, "name": "tool-scons"}
    spec.update(requirements=f"~{SCONS_PIO_VERSION}", uri=None)
    piopm = {"type": "tool", "name": "tool-scons", "version": SCONS_PIO_VERSION, "spec": spec}
    (scons / ".piopm").write_text(json.dumps(piopm))


def _scons(install: bool) -> Item:
    core = pio_core_dir()
    if not scons_ready() and install:
        _seed_scons(core)
    fix = f"micro setup (needs pip to reach PyPI for scons=={SCONS})"
    ok = scons_ready()
    return Item("tool-scons (PlatformIO offline)", ok, str(core), "" if ok else fix)


def _plugin(install: bool) -> Item:
    target = plugin_path()
    cmd = plugin_build_command(target)
    detail = str(target)
    if plugin_stale() and install and shutil.which("gcc"):
        proc = build_plugin()
        if proc.returncode != 0:
            detail = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else detail
    ok = not plugin_stale()
    return Item("QEMU instruction-count plugin", ok, detail, "" if ok else " ".join(cmd))


def setup(install: bool = True, apt: bool = True) -> list[Item]:
    """Check every tool; with `install`, install what is missing and can be installed here
    (`apt`: Debian packages too, when root)."""
    items = _debian(install and apt)
    items.append(_platformio(install))
    items.append(_scons(install))
    items.append(_plugin(install))
    return items
