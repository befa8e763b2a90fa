"""The tools the board commands run: PlatformIO (in micro's own core folder, offline), the
GNU Arm toolchain, QEMU and its instruction-count plugin. A missing one is a ToolchainError
that says to run `micro setup`."""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from ..errors import FirmwareError, ToolchainError
from ..resources import firmware_dir, pio_core_dir

SETUP_HINT = "run `micro setup` (it installs what it can and prints the commands for the rest)"


def plugin_path() -> Path:
    return pio_core_dir() / "micro" / "libinsncount.so"


def plugin_sources() -> list[Path]:
    qemu = firmware_dir() / "qemu"
    # insncount.c, the cycle model it includes and the vendored copy of QEMU's plugin API
    # header (which fixes the API version the library is built for).
    return [qemu / "insncount.c", qemu / "cortexm_cycles.h", qemu / "qemu_plugin_api.h"]


PLUGIN_CFLAGS = ["-shared", "-fPIC", "-O2", "-Wall", "-Wextra", "-Werror"]


@functools.lru_cache(maxsize=4)
def _compiler_identity(gcc: str) -> str:
    """The compiler the plugin is built with: its version banner and target."""
    try:
        version = subprocess.run([gcc, "--version"], capture_output=True, text=True, timeout=60)
        machine = subprocess.run([gcc, "-dumpmachine"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    banner = version.stdout.splitlines()[0] if version.stdout else ""
    return f"{banner} ({machine.stdout.strip()})"


def _sources_digest() -> str:
    """What determines the library: the sources' bytes and the compiler flags. Not where
    the checkout lies, so checkouts sharing one core folder share one build."""
    digest = hashlib.sha256(" ".join(PLUGIN_CFLAGS).encode())
    for path in plugin_sources():
        digest.update(b"\0" + path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _stamp() -> str:
    """The stamp of a build here and now: the sources' digest, then the compiler."""
    gcc = shutil.which("gcc")
    return f"{_sources_digest()}\n{_compiler_identity(gcc) if gcc else 'none'}\n"


def _stamp_path() -> Path:
    return plugin_path().with_suffix(".sources")


def plugin_stale() -> bool:
    """Missing, or built from other sources or by another compiler than these (it would
    count without the newer estimate). Judged by content, not file times, which an upgrade
    or a copy can reorder. Without gcc here only the sources are compared: the library
    cannot be rebuilt, and the one there was built from these sources."""
    stamp = _stamp_path()
    if not plugin_path().is_file() or not stamp.is_file():
        return True
    built = stamp.read_text().splitlines()
    now = _stamp().splitlines()
    if not built or built[0] != now[0]:
        return True
    return now[1] != "none" and built[1:2] != now[1:2]


def plugin_build_command(target: Path) -> list[str]:
    return ["gcc", *PLUGIN_CFLAGS, "-o", str(target), str(plugin_sources()[0])]


def build_plugin() -> subprocess.CompletedProcess[str]:
    """Build the plugin with the host's gcc, atomically: gcc writes a temporary file that is
    renamed over the library, so a concurrent run sees the old or the new library whole
    (and its stamp is renamed into place after it)."""
    target = plugin_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    stamp_text = _stamp()
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        proc = subprocess.run(plugin_build_command(tmp), capture_output=True, text=True)
        if proc.returncode == 0:
            tmp.chmod(0o755)
            os.replace(tmp, target)
            stamp = _stamp_path().with_name(f".{_stamp_path().name}.{tmp.name}")
            stamp.write_text(stamp_text)
            os.replace(stamp, _stamp_path())
    finally:
        tmp.unlink(missing_ok=True)
    return proc


def scons_ready() -> bool:
    """PlatformIO's build tool seeded into the core folder (it cannot fetch it offline)."""
    return (pio_core_dir() / "packages" / "tool-scons" / ".piopm").is_file()


def require_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise ToolchainError(f"{name} is not installed: {SETUP_HINT}")
    return path


def require_build_tools() -> None:
    require_tool("arm-none-eabi-gcc")
    try:
        import platformio  # noqa: F401
    except ImportError:
        raise ToolchainError(f"PlatformIO is not installed: {SETUP_HINT}") from None
    if not scons_ready():
        raise ToolchainError(f"PlatformIO is not set up for offline builds: {SETUP_HINT}")


def require_plugin() -> Path:
    """The QEMU counting plugin, rebuilt first when older than its sources."""
    if plugin_stale() and shutil.which("gcc"):
        proc = build_plugin()
        if proc.returncode != 0:
            raise ToolchainError(f"building the QEMU counting plugin failed:\n{proc.stderr}")
    if not plugin_path().is_file():
        raise ToolchainError(f"the QEMU instruction-count plugin is not built: {SETUP_HINT}")
    return plugin_path()


def pio_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        PLATFORMIO_CORE_DIR=str(pio_core_dir()),
        PLATFORMIO_SETTING_ENABLE_TELEMETRY="No",  # else a DNS query per command
        PLATFORMIO_DISABLE_UPGRADE_CHECK="true",  # else a 60 s network timeout once a week
    )
    return env


def pio(args: Sequence[str], extra_env: dict[str, str] | None = None, timeout: float = 900) -> str:
    """Run PlatformIO (offline settings, micro's core folder); its output, or FirmwareError."""
    cmd = [sys.executable, "-m", "platformio", *args]
    env = {**pio_env(), **(extra_env or {})}
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-40:])
        raise FirmwareError(f"`pio {' '.join(args)}` failed:\n{tail}")
    return proc.stdout


def binutil(tool: str, elf: Path) -> str:
    """The output of arm-none-eabi-`tool` on `elf`."""
    cmd = [require_tool(f"arm-none-eabi-{tool}"), str(elf)]
    if tool == "size":
        cmd[1:1] = ["-A", "-d"]
    return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
