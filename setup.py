"""Build steps pyproject.toml cannot state: the cffi extension (cffi_modules is a setup()
keyword), the builtin invoke (micro/_invoke.c, CPython's limited API), and micro's
non-Python files copied into the wheel as package data.

The repository keeps one copy of boards/, firmware/, csrc/ and library.json at its top
level; build_py copies them to micro/_data/ inside the build, never into the source tree,
so an installed micro finds them through importlib.resources (micro/resources.py).
"""

import shutil
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
DATA = ("boards", "firmware", "csrc", "library.json")
SKIP = {"__pycache__", ".pio", ".pio-core", ".micro-build"}


def data_files() -> list[Path]:
    files = []
    for name in DATA:
        top = ROOT / name
        candidates = [top] if top.is_file() else sorted(top.rglob("*"))
        for path in candidates:
            parts = set(path.relative_to(ROOT).parts)
            if path.is_file() and not parts & SKIP and path.suffix not in (".o", ".so", ".pyc"):
                files.append(path.relative_to(ROOT))
    return files


class BuildPyWithData(build_py):
    def run(self) -> None:
        if not self.editable_mode:
            # Start from an empty package: a module renamed or deleted since the last build
            # would otherwise stay in build/ and end up in the wheel.
            shutil.rmtree(Path(self.build_lib) / "micro", ignore_errors=True)
        super().run()
        if self.editable_mode:  # an editable install reads the checkout itself
            return
        target = Path(self.build_lib) / "micro" / "_data"
        for rel in data_files():
            dest = target / rel
            self.mkpath(str(dest.parent))
            self.copy_file(str(ROOT / rel), str(dest))


# Interpreter.invoke without a cffi call's overhead (a tiny model's invoke is mostly that).
INVOKE = Extension(
    "micro._invoke",
    sources=["micro/_invoke.c"],
    py_limited_api=True,
    extra_compile_args=["-O2", "-Wall", "-Wextra", "-Werror"],
)

setup(
    cffi_modules=["micro/_build.py:ffibuilder"],
    ext_modules=[INVOKE],
    cmdclass={"build_py": BuildPyWithData},
)
