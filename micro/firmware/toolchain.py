"""The tools the board commands run: PlatformIO (in micro's own core folder, offline), the
GNU Arm toolchain, QEMU and its instruction-count plugin. A missing one is a ToolchainError
that says to run `micro setup`."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from ..errors import FirmwareError, ToolchainError
from ..resources import firmware_dir, pio_core_dir

SETUP_HINT = "run `micro setup` (it installs what it can and prints the commands for the rest)"


def plugin_path() -> Path:
    return pio_core_dir() / "micro" / "libinsncount.so"


def plugin_sources() -> list[Path]:
    qemu = firmware_dir() / "qemu"
    return [qemu / "insncount.c", qemu / "cortexm_cycles.h", qemu / "qemu_plugin_api.h"]


def _sources_digest() -> str:
    """What the plugin is built from: its sources' bytes and the build command."""
    digest = hashlib.sha256(" ".join(plugin_build_command(Path("plugin"))).encode())
    for path in plugin_sources():
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _stamp_path() -> Path:
    return plugin_path().with_suffix(".sources")


def plugin_stale() -> bool:
    """Missing, or built from other sources than these (it would count without the newer
    estimate). Judged by content, not file times, which an upgrade or a copy can reorder."""
    stamp = _stamp_path()
    if not plugin_path().is_file() or not stamp.is_file():
        return True
    return stamp.read_text().strip() != _sources_digest()


def plugin_build_command(target: Path) -> list[str]:
    cmd = ["gcc", "-shared", "-fPIC", "-O2", "-Wall", "-Wextra", "-Werror"]
    return [*cmd, "-o", str(target), str(plugin_sources()[0])]


def build_plugin() -> subprocess.CompletedProcess[str]:
    """Build the plugin with the host's gcc, atomically: a concurrent run sees the old or
    the new library whole."""
    target = plugin_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}")
    proc = subprocess.run(plugin_build_command(tmp), capture_output=True, text=True)
    if proc.returncode == 0:
        os.replace(tmp, target)
        stamp = _stamp_path().with_name(f".{_stamp_path().name}.{os.getpid()}")
        stamp.write_text(_sources_digest() + "\n")
        os.replace(stamp, _stamp_path())
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
