"""The demo firmwares' C (firmware/classify, firmware/gesture, the semihosting streams) and
the Nano 33 BLE Sense's camera, IMU and I2C drivers compile under the strictest flags (the
platform builds port and board files with -Wall only). The drivers are untested on
hardware (boards/nano33ble/README.md): compiling them is what CI can check."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from support.reference import require_tools

ROOT = Path(__file__).resolve().parents[2]  # the checkout

SOURCES = [
    *sorted((ROOT / "firmware" / "classify" / "src").glob("*.c")),
    *sorted((ROOT / "firmware" / "gesture" / "src").glob("*.c")),
    ROOT / "firmware" / "port" / "semihosting_stream.c",
    ROOT / "boards" / "nano33ble" / "twim.c",
    ROOT / "boards" / "nano33ble" / "imu.c",
    ROOT / "boards" / "nano33ble" / "camera.c",
]
FLAGS = ["-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16", "-std=c99",
         "-pedantic", "-Wall", "-Wextra", "-Werror", "-Wconversion", "-Wshadow", "-Os",
         '-DMICRO_BOARD="test"']  # fmt: skip
INCLUDES = ["firmware/port", "firmware/classify/src", "firmware/gesture/src", "csrc/include"]


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_strict_c99(source: Path, tmp_path: Path) -> None:
    require_tools("arm-none-eabi-gcc")
    includes = [f"-I{ROOT / d}" for d in INCLUDES]
    out = tmp_path / (source.stem + ".o")
    subprocess.run(["arm-none-eabi-gcc", *FLAGS, *includes, "-c", str(source), "-o", str(out)],
                   check=True)  # fmt: skip
