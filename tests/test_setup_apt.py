"""`micro setup`'s Debian path, against fake `apt-get` and `sudo` on PATH: the exact
commands it runs as root and as a user, and what it prints when it cannot install (no
passwordless sudo, a failing apt-get, not Debian). The fakes log every call; the fake
apt-get "installs" a package by putting fake tools on PATH, so setup's re-check sees them.
The other items (PlatformIO, SCons, the QEMU plugin) are test_setup.py's."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from micro import cli
from micro.firmware import install

PACKAGES = ["gcc-arm-none-eabi", "libnewlib-arm-none-eabi", "qemu-system-arm", "gcc"]
APT_INSTALL = ["apt-get", "install", "-y", "-qq", "--no-install-recommends"]
SUDO = ["sudo", "-n", "env", "DEBIAN_FRONTEND=noninteractive"]

# The fake tools: Python scripts, as PATH holds nothing but their folder.
LOG = """
import json, os, sys
with open(os.environ["FAKE_LOG"], "a") as log:
    frontend = os.environ.get("DEBIAN_FRONTEND")
    log.write(json.dumps([os.path.basename(sys.argv[0]), *sys.argv[1:], frontend]) + "\\n")
"""
APT_GET = r"""
bin = os.path.dirname(os.path.abspath(sys.argv[0]))
if os.environ.get("FAKE_APT_FAILS") and sys.argv[1] == "install":
    sys.exit("E: Unable to locate package gcc-arm-none-eabi")
tools = {"gcc-arm-none-eabi": "arm-none-eabi-gcc", "qemu-system-arm": "qemu-system-arm",
         "gcc": "gcc", "libnewlib-arm-none-eabi": "libc.a"}
packages = [a for a in sys.argv[2:] if not a.startswith("-")]
for package in packages if sys.argv[1] == "install" else []:
    path = os.path.join(bin, tools[package])
    with open(path, "w") as f:
        f.write(f"#!{sys.executable}\nimport os, sys\n{TOOL}")
    os.chmod(path, 0o755)
"""
TOOL = """
bin = os.path.dirname(os.path.abspath(sys.argv[0]))
if sys.argv[1:] == ["-print-file-name=libc.a"]:
    libc = os.path.join(bin, "libc.a")
    print(libc if os.path.exists(libc) else "libc.a")
"""
SUDO_SCRIPT = """
if os.environ.get("FAKE_SUDO_PASSWORD"):
    sys.exit("sudo: a password is required")
args = sys.argv[2:]  # after -n
env = {k: os.environ[k] for k in ("PATH", "FAKE_LOG")}  # sudo resets the environment
while args[0] == "env" or "=" in args[0]:
    if "=" in args[0]:
        env.update([args[0].split("=", 1)])
    args = args[1:]
os.execvpe(args[0], args, env)
"""


def _script(path: Path, body: str) -> None:
    path.write_text(f"#!{sys.executable}\n{LOG}\nTOOL = {TOOL!r}\n{body}")
    path.chmod(0o755)


def _tool(path: Path) -> None:
    path.write_text(f"#!{sys.executable}\nimport os, sys\n{TOOL}")
    path.chmod(0o755)


@pytest.fixture
def fake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A PATH of fake apt-get and sudo only; the non-Debian items reported present."""
    bin = tmp_path / "bin"
    bin.mkdir()
    _script(bin / "apt-get", APT_GET)
    _script(bin / "sudo", SUDO_SCRIPT)
    monkeypatch.setenv("PATH", str(bin))
    monkeypatch.setenv("FAKE_LOG", str(tmp_path / "calls.log"))
    monkeypatch.delenv("MICRO_SKIP_APT", raising=False)
    for name in ("_platformio", "_scons", "_plugin"):
        monkeypatch.setattr(install, name, lambda _install, n=name: install.Item(n, True))
    return tmp_path


def _calls(fake: Path) -> list[list[str | None]]:
    log = fake / "calls.log"
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def _as(monkeypatch: pytest.MonkeyPatch, uid: int) -> None:
    monkeypatch.setattr(os, "geteuid", lambda: uid)


def test_as_root_it_runs_apt_get_itself(
    fake: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _as(monkeypatch, 0)
    assert cli.main(["setup"]) == 0
    assert _calls(fake) == [
        ["apt-get", "update", "-qq", "noninteractive"],
        [*APT_INSTALL, *PACKAGES, "noninteractive"],
    ]
    out = capsys.readouterr().out
    assert "MISSING" not in out and "the board commands" in out and "are ready" in out
    assert cli.main(["setup"]) == 0  # everything there now: apt-get is not run again
    assert len(_calls(fake)) == 2


def test_as_a_user_it_goes_through_sudo_without_a_password(
    fake: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _as(monkeypatch, 1000)
    _tool(fake / "bin" / "gcc")  # present already
    assert cli.main(["setup"]) == 0
    # sudo starts apt-get in a clean environment: DEBIAN_FRONTEND reaches it through env.
    assert _calls(fake) == [
        [*SUDO, "apt-get", "update", "-qq", "noninteractive"],
        ["apt-get", "update", "-qq", "noninteractive"],
        [*SUDO, *APT_INSTALL, *PACKAGES[:3], "noninteractive"],
        [*APT_INSTALL, *PACKAGES[:3], "noninteractive"],
    ]


def test_sudo_asking_for_a_password_gives_the_command(
    fake: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _as(monkeypatch, 1000)
    monkeypatch.setenv("FAKE_SUDO_PASSWORD", "1")
    assert cli.main(["setup"]) == 1
    assert _calls(fake) == [[*SUDO, "apt-get", "update", "-qq", "noninteractive"]]  # only
    out = capsys.readouterr().out.splitlines()
    for package in PACKAGES:
        line = next(line for line in out if line.startswith(package + " "))
        assert "MISSING" in line, line
    assert any("sudo: a password is required" in line for line in out), out
    assert f"to install: sudo apt-get install {' '.join(PACKAGES)}" in out


def test_a_failing_apt_get_is_reported_with_the_command(
    fake: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _as(monkeypatch, 0)
    monkeypatch.setenv("FAKE_APT_FAILS", "1")
    assert cli.main(["setup"]) == 1
    out = capsys.readouterr().out
    assert "failed: E: Unable to locate package gcc-arm-none-eabi" in out
    assert f"to install: apt-get install {' '.join(PACKAGES)}" in out.splitlines()


def test_without_sudo_or_with_no_apt_it_only_says_the_command(
    fake: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _as(monkeypatch, 1000)
    (fake / "bin" / "sudo").unlink()
    assert cli.main(["setup"]) == 1
    _as(monkeypatch, 0)
    assert cli.main(["setup", "--no-apt"]) == 1
    assert _calls(fake) == []
    out = capsys.readouterr().out.splitlines()
    assert f"to install: sudo apt-get install {' '.join(PACKAGES)}" in out
    assert f"to install: apt-get install {' '.join(PACKAGES)}" in out


def test_not_debian_it_says_what_to_install(
    fake: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _as(monkeypatch, 0)
    (fake / "bin" / "apt-get").unlink()
    assert cli.main(["setup"]) == 1
    assert _calls(fake) == []
    assert f"to install: {install.NOT_DEBIAN}" in capsys.readouterr().out.splitlines()
