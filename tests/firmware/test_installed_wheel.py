"""`pip install micro` does everything: the wheel built from this checkout, installed into a
fresh virtual environment outside it, runs inspect, plan, profile, run, flash on the
emulated M4F, profile --board, export for the Nano 33 BLE Sense, the speech demo (on the
host and on the emulated M4F) and `micro speech` on a .wav, the gesture demo (host and
board), and, with the image extra, the person-detection demo as the README shows it (host
and board), after `micro setup`; `micro --help` and every command's --help; and a missing
extra is one line.

The venv is a clean one (no system site-packages): pip fetches numpy and cffi, and `micro
setup` fetches PlatformIO and SCons, from PyPI, as for a user. Its PlatformIO core and
cache live in the test's temporary folder, so nothing of the checkout is used.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

import micro

ROOT = Path(__file__).resolve().parents[2]
HELLO = "tflm/hello_world/hello_world_int8.tflite"
COMMANDS = [
    "inspect", "run", "plan", "profile", "ops", "export", "flash", "speech", "classify",
    "gesture", "setup",
]  # fmt: skip


def _run(cmd: list[str], cwd: Path, env: dict[str, str], timeout: float = 900) -> str:
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, f"{' '.join(cmd)} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


@pytest.mark.slow
def test_installed_wheel_runs_every_command(
    toolchain: None, reference: Callable[[str], Path], tmp_path: Path
) -> None:
    model = reference(HELLO)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "MICRO_"))}
    env.update(XDG_CACHE_HOME=str(tmp_path / "cache"), MICRO_PIO_CORE_DIR=str(tmp_path / "core"))
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    wheels = tmp_path / "wheels"
    _run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", str(ROOT), "-w", str(wheels)],
        tmp_path,
        env,
    )
    (wheel,) = wheels.glob("micro-*.whl")
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], tmp_path, env)
    python, cli = str(venv / "bin" / "python"), str(venv / "bin" / "micro")
    _run([python, "-m", "pip", "install", "-q", str(wheel)], tmp_path, env)
    where = _run([python, "-c", "import micro.resources as r; print(r.data_root())"], tmp_path, env)
    assert Path(where.strip()).is_relative_to(venv), where

    setup = _run([cli, "setup", "--no-apt"], tmp_path, env)
    assert "MISSING" not in setup, setup

    assert "arena" in _run([cli, "inspect", str(model)], tmp_path, env)
    assert "lower bound" in _run([cli, "plan", str(model)], tmp_path, env)
    assert "per inference" in _run([cli, "profile", str(model)], tmp_path, env)
    assert "usage: micro" in _run([cli, "--help"], tmp_path, env)
    for command in [*COMMANDS, "speech train", "gesture train"]:
        assert "usage: micro" in _run([cli, *command.split(), "--help"], tmp_path, env)
    # The venv has no matplotlib (the plot extra): one line naming the extra, no traceback.
    proc = subprocess.run(
        [cli, "plan", str(model), "--png", "plan.png"], cwd=tmp_path, env=env,
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 1 and proc.stderr.splitlines() == [
        "error: drawing the plan needs the matplotlib package: pip install 'micro[plot]'"
    ], proc.stderr

    # The host and the emulated board give the same bytes for the same input.
    x = np.array([[37]], dtype=np.int8)
    np.save(tmp_path / "x.npy", x)
    _run([cli, "run", str(model), "--input", "x.npy", "--output", "y.npy"], tmp_path, env)
    host = np.load(tmp_path / "y.npy")
    it = micro.Interpreter.from_file(model)
    it.set_input(x, 0)
    it.invoke()
    assert host.tobytes() == it.get_output(0).tobytes()
    report = json.loads(
        _run(
            [cli, "flash", str(model), "--board", "mps2-an386", "--input", "x.npy", "--json"],
            tmp_path,
            env,
        )
    )
    assert report["ok"] and report["instructions"] > 0
    assert report["outputs"][0]["values"] == host.reshape(-1).tolist()

    out = _run([cli, "export", str(model), "--board", "nano33ble", "-o", "nano"], tmp_path, env)
    assert "build it with: pio run" in out
    assert (tmp_path / "nano" / "platformio.ini").is_file()
    assert (tmp_path / "nano" / "src" / "micro_model.c").is_file()

    yes = reference("tflm/micro_speech/testdata/yes_1000ms.wav")
    assert "yes_1000ms.wav: heard 'yes'" in _run([cli, "speech", str(yes)], tmp_path, env)
    lines = _run([cli, "speech", "--demo"], tmp_path, env).splitlines()
    assert any(line.startswith("demo_yes.wav: heard 'yes'") for line in lines), lines
    assert any(line.startswith("demo_no.wav: heard 'no'") for line in lines), lines
    board = ["--board", "mps2-an386"]
    profile = _run([cli, "profile", str(model), *board], tmp_path, env)
    assert "instructions per inference" in profile and "stack used:" in profile
    lines = _run([cli, "speech", "--demo", *board], tmp_path, env).splitlines()
    assert any(line.startswith("demo_yes.wav: heard 'yes'") for line in lines), lines
    assert any(line.startswith("demo_no.wav: heard 'no'") for line in lines), lines
    assert any("instructions per 20 ms step on the Cortex-M4F" in line for line in lines), lines

    # The demo trace draws wing, ring, slope in turn; the firmware sees the same.
    host = _gestures(_run([cli, "gesture", "--demo"], tmp_path, env))
    assert host == ["wing", "ring", "slope"]
    assert _gestures(_run([cli, "gesture", "--demo", *board], tmp_path, env)) == host

    # Person detection as the README runs it: first a one-line error naming the extra, then
    # with it installed, each of TFLM's two pictures' label on the host and on the board.
    person = reference("tflm/person_detection/person_detect.tflite")
    for name in PICTURES:
        shutil.copy(reference(f"tflm/person_detection/testdata/{name}.bmp"), tmp_path)
    classify = [cli, "classify", *(f"{n}.bmp" for n in PICTURES), "--model", str(person),
                "--labels", "no_person,person", "--signed-pixels"]  # fmt: skip
    proc = subprocess.run(classify, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert proc.returncode == 1 and proc.stderr.splitlines() == [
        "error: reading pictures needs the PIL package: pip install 'micro[image]'"
    ], proc.stderr
    _run([python, "-m", "pip", "install", "-q", f"{wheel}[image]"], tmp_path, env)
    host = _labels(_run(classify, tmp_path, env))
    assert host == PICTURES
    assert _labels(_run([*classify, *board], tmp_path, env)) == host


PICTURES = ["person", "no_person"]  # TFLM's test pictures, named by what they show


def _gestures(out: str) -> list[str]:
    """The gestures a `micro gesture` run reported, in order."""
    return re.findall(r": gesture '(\w+)'", out)


def _labels(out: str) -> list[str]:
    """The top label of each picture a `micro classify` run printed, checked to be its own."""
    found = re.findall(r"^(\w+)\.bmp: (\w+) \(", out, re.MULTILINE)
    assert [name for name, _ in found] == PICTURES, out
    return [label for _, label in found]
