"""firmware/example, an application of one's own on the C runtime (PlatformIO library),
builds as its README says and prints the host's output on the emulated board."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np

import micro
from micro import firmware
from micro.boards import load_board

ROOT = Path(__file__).resolve().parents[2]

EXAMPLE = ROOT / "firmware" / "example"


def test_example_project_runs_the_host_s_output(
    toolchain: None, reference: Callable[[str], Path], tmp_path: Path
) -> None:
    it = micro.Interpreter.from_file(reference("tflm/hello_world/hello_world_int8.tflite"))
    board = load_board("mps2-an386")
    src = tmp_path / "src"
    shutil.copytree(EXAMPLE / "src", src)
    firmware.export(it.compiled.program, board, src / "model", sources_only=True)
    assert sorted(p.name for p in (src / "model").iterdir()) == [
        "micro_kernels.c",
        "micro_model.c",
        "micro_model.h",
    ]
    # The example's own platformio.ini, with sources and outputs kept out of the tree.
    firmware.pio(
        ["run", "-d", str(EXAMPLE), "-e", board.id],
        {
            "PLATFORMIO_SRC_DIR": str(src),
            "PLATFORMIO_BUILD_DIR": str(tmp_path / "build"),
            "PLATFORMIO_LIBDEPS_DIR": str(tmp_path / "libdeps"),
            # The platform linked here, not in the shared core (another run may relink it).
            "PLATFORMIO_PLATFORMS_DIR": str(tmp_path / "platforms"),
        },
    )
    assert (tmp_path / "platforms").is_dir()
    run = firmware.run_qemu(tmp_path / "build" / board.id / "firmware.elf", board, count=False)
    assert run.status == 0, run.log
    it.set_input(np.zeros((1, 1), np.int8), 0)
    it.invoke()
    expected = " ".join(str(v) for v in it.get_output(0).ravel())
    assert f"output: {expected}\n" in run.log
    assert f"arena bytes: {it.arena_used_bytes()}\n" in run.log
    assert f"steps: {len(it.compiled.steps)}\n" in run.log
