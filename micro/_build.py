"""cffi build script: compiles csrc/ into the extension `micro._micro_c` (API mode).

The cdef is read from the C headers themselves (csrc/include/micro/micro.h and every
kernel header in csrc/include/micro/kernels/), so Python and C cannot drift apart.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from cffi import FFI

ROOT = Path(__file__).resolve().parent.parent
CSRC = ROOT / "csrc"
INCLUDE = CSRC / "include"
SPEECH_SRC = ROOT / "firmware" / "speech" / "src"
PORT = ROOT / "firmware" / "port"

KERNEL_HEADERS = INCLUDE / "micro" / "kernels"
REGISTRY = INCLUDE / "micro" / "kernels.def"

_INCLUDE_RE = re.compile(r'#include\s+"(micro/[^"]+)"')
_DEFINE_RE = re.compile(r"#define\s+\w+\s+(0x[0-9A-Fa-f]+|\d+)\b")
_KERNEL_RE = re.compile(
    r'^MICRO_KERNEL\(\s*(\d+)\s*,\s*(\w+)\s*,\s*(\w+)\s*,\s*"([icosvr]*)"\s*\)\s*$'
)


def registry(path: Path = REGISTRY) -> list[tuple[int, str, str]]:
    """The kernel registry micro/kernels.def as (id, NAME, name), in file order."""
    text = re.sub(r"/\*.*?\*/", "", path.read_text(), flags=re.S)
    rows = []
    for line in text.splitlines():
        if line.strip():
            match = _KERNEL_RE.match(line.strip())
            if match is None:
                raise ValueError(
                    f"{path.name}: not a MICRO_KERNEL(id, NAME, name, access) line: {line}"
                )
            rows.append((int(match.group(1)), match.group(2), match.group(3)))
    return rows


def kernel_headers() -> list[Path]:
    return sorted(KERNEL_HEADERS.glob("*.h"))


def cdef_source(header: Path = INCLUDE / "micro" / "micro.h", seen: set[Path] | None = None) -> str:
    """The header with its micro/ includes inlined and other preprocessor lines dropped."""
    seen = set() if seen is None else seen
    if header in seen:
        return ""
    seen.add(header)
    text = re.sub(r"/\*.*?\*/", "", header.read_text(), flags=re.S)
    out: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        include = _INCLUDE_RE.match(stripped)
        if include and INCLUDE / include.group(1) == REGISTRY:  # the enum's X-macro list
            out.extend(f"MICRO_K_{upper} = {id_}," for id_, upper, _ in registry())
        elif include:
            out.append(cdef_source(INCLUDE / include.group(1), seen))
        elif stripped.startswith("#"):
            define = _DEFINE_RE.match(stripped)
            if define:
                out.append(re.sub(r"(\d)[uU]\b", r"\1", stripped.split("/*")[0]))
        else:
            out.append(line)
    return "\n".join(out)


def c_sources() -> list[str]:
    return sorted(str(p.relative_to(ROOT)) for p in CSRC.rglob("*.c"))


def c_headers() -> list[str]:
    """Every header the extension includes: listed so a header-only change rebuilds it."""
    dirs = (CSRC, SPEECH_SRC, PORT)
    return sorted(str(p.relative_to(ROOT)) for d in dirs for p in d.rglob("*.h"))


def compile_args() -> list[str]:
    # -fno-wrapv undoes CPython's -fwrapv: the kernels never rely on signed wrap-around
    # (the UBSan build checks), and with it GCC stops vectorising indexed loops.
    # -fvisibility=hidden: only the module's init function is exported (Python marks it
    # default), so calls between csrc's files go direct, not through the PLT, and GCC may
    # inline a global function into its own file's callers (a tiny model's invoke is mostly
    # such calls).
    args = ["-std=c99", "-O3", "-fno-wrapv", "-ffp-contract=off", "-fvisibility=hidden"]
    args += ["-Wall", "-Wextra", "-Werror"]
    if os.environ.get("MICRO_NATIVE") == "1":
        args.append("-march=native")
    return args


# Host-only glue (not part of csrc/, which never sees a clock or libc): a step hook that
# adds each step's wall time, in nanoseconds, to a per-step array.
HOST_PROFILER = """
#include <time.h>
typedef struct {
    uint64_t *step_ns;   /* n_steps accumulators */
    uint32_t n_steps;
    uint64_t started;
} micro_host_profile_t;

static uint64_t micro_host_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void micro_host_profile_hook(void *ctx, uint32_t step, uint32_t kernel, uint32_t phase)
{
    micro_host_profile_t *p = ctx;
    (void)kernel;
    if (phase == 0) {
        p->started = micro_host_now_ns();
    } else if (step < p->n_steps) {
        p->step_ns[step] += micro_host_now_ns() - p->started;
    }
}
"""

HOST_PROFILER_CDEF = """
typedef struct { uint64_t *step_ns; uint32_t n_steps; uint64_t started; } micro_host_profile_t;
static void micro_host_profile_hook(void *ctx, uint32_t step, uint32_t kernel, uint32_t phase);
"""

# Host-only glue: micro_invoke on a runtime's address, with an int status. Interpreter.invoke
# calls it through its address from the builtin of micro/_invoke.c (no cffi call per
# inference); Runtime.invoke and streamed inputs' invoke call it through cffi, which
# converts an integer argument and an int result inline. The address is that of a
# micro_runtime_t the caller keeps alive (micro.interpreter.Runtime).
HOST_INVOKE = """
static int micro_host_invoke(uintptr_t rt)
{
    return (int)micro_invoke((micro_runtime_t *)rt);
}
"""

HOST_INVOKE_CDEF = """
static int micro_host_invoke(uintptr_t rt);
"""


def full_cdef() -> str:
    """micro.h and every kernel header (params structs, kernel entry points)."""
    seen: set[Path] = set()
    parts = [cdef_source(INCLUDE / "micro" / "micro.h", seen)]
    parts += [cdef_source(header, seen) for header in kernel_headers()]
    return "\n".join(parts)


def includes() -> str:
    headers = [INCLUDE / "micro" / "micro.h", *kernel_headers()]
    return "".join(f'#include "{h.relative_to(INCLUDE)}"\n' for h in headers)


# The speech firmware's limits, read from its header so the host checks settings against
# the values the firmware was compiled with, and cuts its instruction counts at its marks
# (micro.speech.board).
SPEECH_CDEF = """
#define SPEECH_MAX_LABELS ...
#define SPEECH_MAX_RESULTS ...
#define SPEECH_MARKS_PER_STEP ...
"""

# The marks of the runner, classify and gesture firmware (firmware/port/micro_marks.h),
# likewise (micro.firmware.run).
MARKS_CDEF = """
#define MICRO_MARKS_PER_INVOKE ...
#define MICRO_MARKS_PER_STEP ...
"""

ffibuilder = FFI()
ffibuilder.cdef(full_cdef() + HOST_PROFILER_CDEF + HOST_INVOKE_CDEF + SPEECH_CDEF + MARKS_CDEF)
ffibuilder.set_source(
    "micro._micro_c",
    includes()
    + '#include "speech_bundle.h"\n#include "micro_marks.h"\n'
    + HOST_PROFILER
    + HOST_INVOKE,
    sources=c_sources(),
    depends=[*c_headers(), str(REGISTRY.relative_to(ROOT))],
    include_dirs=[str(d.relative_to(ROOT)) for d in (INCLUDE, SPEECH_SRC, PORT)],
    extra_compile_args=compile_args(),
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
