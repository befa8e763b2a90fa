"""Firmware tests need what `micro setup` installs (arm-none-eabi-gcc, qemu-system-arm, an
offline-ready PlatformIO, the QEMU plugin). Without it they skip with the reason, or fail
instead when MICRO_REQUIRE_FIRMWARE=1 (CI, which runs `micro setup` first)."""

from __future__ import annotations

import pytest
from support.reference import firmware_absent

from micro.firmware.install import setup


@pytest.fixture(scope="session")
def toolchain() -> None:
    missing = [item.name for item in setup(install=False, apt=False) if not item.present]
    if missing:
        firmware_absent(f"firmware tools missing: {', '.join(missing)}; run `micro setup`")
