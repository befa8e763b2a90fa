"""Firmware tests need arm-none-eabi-gcc, qemu-system-arm and an offline-ready PlatformIO
(`micro setup`). Without them they skip with the reason, or fail instead when
MICRO_REQUIRE_FIRMWARE=1 (CI, which runs the setup script first)."""

from __future__ import annotations

import importlib.util
import os
import shutil

import pytest

from micro import firmware
from micro.firmware.toolchain import scons_ready
from micro.resources import pio_core_dir


def missing_tools() -> list[str]:
    missing = [t for t in ("arm-none-eabi-gcc", "qemu-system-arm") if shutil.which(t) is None]
    if importlib.util.find_spec("platformio") is None:
        missing.append("platformio (pip)")
    if not scons_ready():
        missing.append(f"seeded PlatformIO core ({pio_core_dir()})")
    if not firmware.plugin_path().is_file():
        missing.append("QEMU counting plugin")
    return missing


@pytest.fixture(scope="session")
def toolchain() -> None:
    missing = missing_tools()
    if missing:
        message = f"firmware tools missing: {', '.join(missing)}; run `micro setup`"
        if os.environ.get("MICRO_REQUIRE_FIRMWARE") == "1":
            pytest.fail(message)
        pytest.skip(message)
