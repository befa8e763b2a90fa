"""`micro setup` and what the board commands do when a tool is missing; where the package
finds its board and firmware files; optional extras; progress bars."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from micro import cli
from micro.boards import list_boards, load_board
from micro.errors import ToolchainError
from micro.firmware import install, toolchain
from micro.progress import Progress
from micro.resources import boards_dir, data_root, firmware_dir

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def bare(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No tool on PATH and an empty PlatformIO core folder."""
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.setenv("MICRO_PIO_CORE_DIR", str(tmp_path / "core"))
    return tmp_path


def test_setup_check_names_what_is_missing_and_the_command(
    bare: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["setup", "--check"]) == 1
    out = capsys.readouterr().out
    for name in ("gcc-arm-none-eabi", "qemu-system-arm", "tool-scons", "instruction-count"):
        line = next(line for line in out.splitlines() if name in line)
        assert "MISSING" in line, line
    assert "to install: install the GNU Arm toolchain" in out  # no apt-get: not Debian
    assert "to install: micro setup" in out
    assert "to install: gcc -shared" in out and "insncount.c" in out
    assert not (bare / "core").exists()  # --check installs nothing


def test_setup_on_debian_gives_the_apt_get_line(bare: Path) -> None:
    apt = bare / "bin" / "apt-get"
    apt.write_text("#!/bin/sh\nexit 1\n")
    apt.chmod(0o755)
    items = {item.name: item for item in install.setup(install=False, apt=False)}
    assert not items["gcc-arm-none-eabi"].present
    assert re.fullmatch(
        r"(sudo )?apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm gcc",
        items["gcc-arm-none-eabi"].command,
    )
    assert not items["tool-scons (PlatformIO offline)"].present
    assert all(item.command == "" for item in items.values() if item.present)


def _board_commands(reference: Callable[[str], Path], tmp: Path) -> list[list[str]]:
    """Every command that builds firmware (`micro export` only writes a project)."""
    hello = str(reference("tflm/hello_world/hello_world_int8.tflite"))
    person = reference("tflm/person_detection/person_detect.tflite")
    picture = str(person.parent / "testdata" / "person.bmp")
    classify = ["classify", "--model", str(person), "--labels", "no,yes"]
    return [
        ["flash", hello, "--board", "mps2-an386", "--build-dir", str(tmp / "project")],
        ["flash", hello, "--board", "nano33ble", "--build-dir", str(tmp / "nano")],
        ["profile", hello, "--board", "mps2-an386"],
        ["speech", "--demo", "--board", "mps2-an386"],
        ["speech", "--demo", "--board", "nano33ble"],  # measures on its emulated twin first
        ["gesture", "--demo", "--board", "mps2-an386"],
        [*classify, picture, "--board", "mps2-an386", "--signed-pixels"],
    ]


def test_every_board_command_without_the_toolchain_says_run_setup(
    bare: Path,
    reference: Callable[[str], Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(bare / "cache"))
    for argv in _board_commands(reference, bare):
        assert cli.main(argv) == 1, argv
        err = capsys.readouterr().err.strip()
        assert err.startswith("error: arm-none-eabi-gcc is not installed: run `micro setup`"), (
            argv,
            err,
        )
        assert len(err.splitlines()) == 1, (argv, err)


def test_running_on_qemu_without_it_says_run_setup(bare: Path) -> None:
    from micro.firmware import emulate

    with pytest.raises(
        ToolchainError, match=r"qemu-system-arm is not installed: run `micro setup`"
    ):
        emulate(bare / "firmware.elf", load_board("mps2-an386"))


def test_files_come_from_the_checkout_here() -> None:
    assert data_root() == ROOT
    assert boards_dir() == ROOT / "boards" and firmware_dir() == ROOT / "firmware"
    assert set(list_boards()) == {p.parent.name for p in (ROOT / "boards").glob("*/board.json")}


def test_board_clock_and_name_come_from_the_manifest() -> None:
    for board_id in list_boards():
        manifest = json.loads((ROOT / "boards" / board_id / "board.json").read_text())
        board = load_board(board_id)
        assert board.name == manifest["name"]
        assert board.clock_hz == int(manifest["build"]["f_cpu"].rstrip("L"))


def test_progress_is_quiet_when_not_a_terminal() -> None:
    stream = io.StringIO()
    bar = Progress(3, "work", stream)
    bar.update(1, "a note")
    bar.close()
    assert stream.getvalue() == ""


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_on_a_terminal_names_each_stage_and_ticks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import time

    from micro import progress

    monkeypatch.setattr(progress, "TICK_SECONDS", 0.01)
    stream = _Terminal()
    with Progress(2, "board", stream, stages=True) as bar:
        bar.stage("build (PlatformIO)")
        before = len(stream.getvalue())
        time.sleep(0.2)  # one long step: the line is redrawn meanwhile (its clock runs)
        assert len(stream.getvalue()) > before
        bar.stage("run on QEMU")
    text = stream.getvalue()
    assert "board" in text and "build (PlatformIO)" in text and "run on QEMU" in text
    assert "2/2" in text  # the last stage counted when the block ends


def test_missing_extra_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # as if not installed
    wav = tmp_path / "silence.wav"
    from micro.speech.wav import write_wav

    write_wav(wav, [0] * 16000)
    assert cli.main(["speech", str(wav), "--plot", str(tmp_path / "run.png")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["error: --plot needs the matplotlib package: pip install 'micro[plot]'"]


@pytest.mark.skipif(shutil.which("gcc") is None, reason="needs the host's gcc")
def test_counting_plugin_is_rebuilt_when_its_sources_change_not_by_file_times(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MICRO_PIO_CORE_DIR", str(tmp_path / "core"))
    assert toolchain.plugin_stale()  # nothing built yet
    assert toolchain.build_plugin().returncode == 0
    assert not toolchain.plugin_stale()
    plugin = toolchain.plugin_path()
    os.utime(plugin, (0, 0))  # an old file time (a copy, an upgrade) is not staleness
    assert not toolchain.plugin_stale()
    stamp = plugin.with_suffix(".sources")
    stamp.write_text("built from other sources\n")
    assert toolchain.plugin_stale()
    stamp.unlink()
    assert toolchain.plugin_stale()


@pytest.mark.skipif(shutil.which("gcc") is None, reason="needs the host's gcc")
def test_counting_plugin_stamp_names_what_makes_the_library_not_the_checkout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two checkouts sharing one core folder share the build: the stamp depends on the
    sources, flags and compiler, never on where the sources lie."""
    monkeypatch.setenv("MICRO_PIO_CORE_DIR", str(tmp_path / "core"))
    assert toolchain.build_plugin().returncode == 0
    plugin = toolchain.plugin_path()
    # Only the library and its stamp are left: gcc wrote a temporary file, renamed whole.
    assert sorted(p.name for p in plugin.parent.iterdir()) == [
        "libinsncount.so",
        "libinsncount.sources",
    ]
    other = tmp_path / "elsewhere" / "firmware"
    shutil.copytree(firmware_dir() / "qemu", other / "qemu")
    monkeypatch.setattr(toolchain, "firmware_dir", lambda: other)
    assert not toolchain.plugin_stale()  # the same sources at another path
    source = other / "qemu" / "cortexm_cycles.h"
    source.write_bytes(source.read_bytes() + b"\n/* another cycle model */\n")
    assert toolchain.plugin_stale()  # other sources there
    monkeypatch.setattr(toolchain, "firmware_dir", firmware_dir)  # this checkout again
    assert not toolchain.plugin_stale()
    monkeypatch.setattr(toolchain, "_compiler_identity", lambda gcc: "gcc 99.1 (other)")
    assert toolchain.plugin_stale()  # another compiler
