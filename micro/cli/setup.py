"""`micro setup`: check and install what the board commands need; say what is missing."""

from __future__ import annotations

import argparse
import os
from typing import Any

from ..firmware.install import setup
from .output import out


def cmd_setup(args: argparse.Namespace) -> int:
    apt = not args.no_apt and os.environ.get("MICRO_SKIP_APT") != "1"
    items = setup(install=not args.check, apt=apt)
    width = max(len(item.name) for item in items)
    for item in items:
        state = "present" if item.present else "MISSING"
        out(f"{item.name:<{width}}  {state}  {item.detail}".rstrip())
    missing = [item for item in items if not item.present]
    for command in dict.fromkeys(item.command for item in missing):
        out(f"to install: {command}")
    if not missing:
        out("the board commands (export, flash, profile --board, speech --board) are ready")
    return 1 if missing else 0


def add_commands(sub: Any) -> None:
    p = sub.add_parser(
        "setup",
        help="check and install what the board commands need (compiler, QEMU, PlatformIO)",
    )
    p.add_argument("--check", action="store_true", help="only check; install nothing")
    p.add_argument(
        "--no-apt",
        action="store_true",
        help="do not run apt-get (also MICRO_SKIP_APT=1); say the command instead",
    )
    p.set_defaults(func=cmd_setup)
