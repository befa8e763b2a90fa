"""cffi build script: compiles csrc/ into the extension `micro._micro_c` (API mode).

The cdef is read from the C headers themselves (csrc/include/micro/micro.h and what it
includes), so Python and C cannot drift apart.
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

_INCLUDE_RE = re.compile(r'#include\s+"(micro/[^"]+)"')
_DEFINE_RE = re.compile(r"#define\s+\w+\s+(0x[0-9A-Fa-f]+|\d+)\b")


def cdef_source(header: Path = INCLUDE / "micro" / "micro.h", seen: set[Path] | None = None) -> str:
    """The header with its micro/ includes inlined and other preprocessor lines dropped."""
    seen = set() if seen is None else seen
    if header in seen:
        return ""
    seen.add(header)
    text = re.sub(r"/\*.*?\*/", "", header.read_text(), flags=re.S)
    out = []
    for line in text.splitlines():
        stripped = line.strip()
        include = _INCLUDE_RE.match(stripped)
        if include:
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


def compile_args() -> list[str]:
    # -fno-wrapv undoes CPython's -fwrapv: the kernels never rely on signed wrap-around
    # (the UBSan build checks), and with it GCC stops vectorising indexed loops.
    args = ["-std=c99", "-O3", "-fno-wrapv", "-ffp-contract=off", "-Wall", "-Wextra", "-Werror"]
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

# The speech firmware's limits, read from its header so the host checks settings against
# the values the firmware was compiled with (micro.speech.board).
SPEECH_CDEF = """
#define SPEECH_MAX_LABELS ...
#define SPEECH_MAX_RESULTS ...
"""

ffibuilder = FFI()
ffibuilder.cdef(cdef_source() + HOST_PROFILER_CDEF + SPEECH_CDEF)
ffibuilder.set_source(
    "micro._micro_c",
    '#include "micro/micro.h"\n#include "speech_recognizer.h"\n' + HOST_PROFILER,
    sources=c_sources(),
    include_dirs=[str(INCLUDE.relative_to(ROOT)), str(SPEECH_SRC.relative_to(ROOT))],
    extra_compile_args=compile_args(),
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
