"""What the board commands need, checked and, where possible, installed (`micro setup`):

    Debian packages   arm-none-eabi-gcc + newlib, qemu-system-arm, gcc (apt-get, as root
                      or through `sudo -n`, which fails rather than ask for a password)
    PlatformIO        from PyPI, into the running Python
    tool-scons        SCons from its PyPI wheel, seeded into micro's PlatformIO core folder
                      as the package PlatformIO would otherwise fetch from its registry
    QEMU plugin       firmware/qemu/insncount.c, built with gcc (counts instructions,
                      estimates cycles)

Each check reports what it found; what cannot be done here (no root and no passwordless
sudo, no apt-get, a failed install) comes back with the exact command to run.
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

from ..progress import Progress
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


def _newlib() -> bool:
    """The Arm compiler finds newlib's C library (it prints just the name when it cannot)."""
    gcc = shutil.which("arm-none-eabi-gcc")
    if gcc is None:
        return False
    found = _run([gcc, "-print-file-name=libc.a"]).stdout.strip()
    return os.path.isabs(found) and os.path.isfile(found)


# Debian package -> how to tell it is there.
DEBIAN: dict[str, Callable[[], bool]] = {
    "gcc-arm-none-eabi": lambda: shutil.which("arm-none-eabi-gcc") is not None,
    "libnewlib-arm-none-eabi": _newlib,
    "qemu-system-arm": lambda: shutil.which("qemu-system-arm") is not None,
    "gcc": lambda: shutil.which("gcc") is not None,
}
NOT_DEBIAN = (
    "install the GNU Arm toolchain with newlib (arm-none-eabi-gcc), qemu-system-arm and gcc "
    "with your system's package manager"
)


@dataclass
class Item:
    name: str
    present: bool
    detail: str = ""  # where it is, or what went wrong
    command: str = ""  # when missing: the command that installs it


def _run(cmd: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL)


def apt_commands(packages: list[str]) -> list[list[str]] | None:
    """The commands that install Debian `packages` from here: apt-get as root, or through
    `sudo -n` (never asks for a password: it fails instead); None without either."""
    if os.geteuid() == 0:
        prefix = []
    elif shutil.which("sudo"):
        prefix = ["sudo", "-n", "env", "DEBIAN_FRONTEND=noninteractive"]
    else:
        return None
    install = ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages]
    return [[*prefix, "apt-get", "update", "-qq"], [*prefix, *install]]


def _debian(apt: bool) -> list[Item]:
    missing = [name for name, present in DEBIAN.items() if not present()]
    failure = ""
    commands = apt_commands(missing) if missing and apt and shutil.which("apt-get") else None
    if commands is not None:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        for cmd in commands:
            proc = _run(cmd, env)
            if proc.returncode != 0:
                lines = (proc.stderr or proc.stdout).strip().splitlines()
                failure = f"`{' '.join(cmd)}` failed: {lines[-1] if lines else proc.returncode}"
                break
        missing = [name for name in missing if not DEBIAN[name]()]
    if shutil.which("apt-get"):
        sudo = "" if os.geteuid() == 0 else "sudo "
        fix = f"{sudo}apt-get install {' '.join(missing)}"
    else:
        fix = NOT_DEBIAN
    return [  # the failure once, on the first package still missing
        Item(name, False, failure if name == missing[0] else "", fix)
        if name in missing
        else Item(name, True)
        for name in DEBIAN
    ]


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
    (`apt`: Debian packages too, as root or through passwordless sudo)."""
    with Progress(4, "micro setup", stages=True) as bar:
        bar.stage("Debian packages (apt-get)" if install and apt else "Debian packages")
        items = _debian(install and apt)
        bar.stage("PlatformIO")
        items.append(_platformio(install))
        bar.stage("tool-scons")
        items.append(_scons(install))
        bar.stage("QEMU plugin")
        items.append(_plugin(install))
    return items
