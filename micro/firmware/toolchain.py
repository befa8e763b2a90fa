"""The tools the board commands run: PlatformIO (in micro's own core folder, offline), the
GNU Arm toolchain, QEMU and its instruction-count plugin. A missing one is a ToolchainError
that says to run `micro setup`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from ..errors import FirmwareError, ToolchainError
from ..resources import pio_core_dir

SETUP_HINT = "run `micro setup` (it installs what it can and prints the commands for the rest)"


def plugin_path() -> Path:
    return pio_core_dir() / "micro" / "libinsncount.so"


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
