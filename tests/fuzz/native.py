"""The C side of the fuzzing: build tests/fuzz/program_fuzz.c three ways (normal, ASan+UBSan,
libFuzzer), make seed Programs from the reference models, and run hostile-Program campaigns.

A campaign runs the same deterministic mutants in the normal and the sanitized build and
compares them line by line (status and a digest of the outputs): any difference, signal,
hang or sanitizer report is a failure, and the mutant is dumped into the findings folder
(`program_fuzz dump`), where libFuzzer's crash inputs go too: copied to tests/fuzz/regressions/
they are replayed by every test run (tests/test_fuzz_regressions.py).
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DRIVER = ROOT / "tests" / "fuzz" / "program_fuzz.c"
MUTATOR = DRIVER.with_name("program_mutate.c")
REGRESSIONS = ROOT / "tests" / "fuzz" / "regressions"
COMMON = [
    "-std=c99",
    "-Wall",
    "-Wextra",
    "-Werror",
    "-ffp-contract=off",
    f"-I{ROOT / 'csrc' / 'include'}",
]
SANITIZE = ["-fsanitize=address,undefined", "-fno-sanitize-recover=all", "-fno-omit-frame-pointer"]
SANITIZER_ENV = {
    "ASAN_OPTIONS": "detect_leaks=0:abort_on_error=0:allocator_may_return_null=1",
    "UBSAN_OPTIONS": "print_stacktrace=1:halt_on_error=1",
}
# The reference models whose Programs seed the campaigns: every kernel family the reference
# data exercises (dense, conv, depthwise, pooling, softmax, SVDF, LSTM, signal, int16 ops).
SEED_MODELS = [
    "tflm/hello_world/hello_world_int8.tflite",
    "tflm/hello_world/hello_world_float.tflite",
    "tflm/micro_speech/micro_speech_quantized.tflite",
    "tflm/micro_speech/audio_preprocessor_int8.tflite",
    "tflm/keyword/keyword_scrambled_8bit.tflite",
    "tflm/mnist_lstm/trained_lstm_int8.tflite",
    "tflm/simple_add/simple_add_model.tflite",
    "mlperf_tiny/ad01_int8.tflite",
    "mlperf_tiny/kws_ref_model.tflite",
    "tflm/seanet/add/add0.tflite",
    "tflm/seanet/leaky_relu/leaky_relu0.tflite",
    "tflm/seanet/pad/pad0.tflite",
    "tflm/seanet/quantize/quantize0.tflite",
    "tflm/seanet/strided_slice/strided_slice0.tflite",
    "tflm/seanet/sub/sub0.tflite",
]


def _sources() -> list[str]:
    return [*sorted(str(p) for p in (ROOT / "csrc").rglob("*.c")), str(DRIVER), str(MUTATOR)]


@functools.cache
def _build_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="micro-fuzz-"))


def compiler(kind: str) -> str | None:
    """clang for the libFuzzer build (and the sanitized one when present), else gcc."""
    if kind == "libfuzzer":
        return shutil.which("clang")
    if kind == "sanitized":
        return shutil.which("clang") or shutil.which("gcc")
    return shutil.which("gcc") or shutil.which("cc")


@functools.cache
def build(kind: str) -> Path:
    """The driver built as `kind`: "normal" (-O2), "sanitized" or "libfuzzer"."""
    cc = compiler(kind)
    if cc is None:
        raise RuntimeError(f"no compiler for the {kind} fuzz build (Debian: apt install clang)")
    flags = {
        "normal": ["-O2"],
        "sanitized": ["-O1", "-g", *SANITIZE],
        "libfuzzer": ["-O1", "-g", "-DMICRO_FUZZ_LIBFUZZER", "-fsanitize=fuzzer", *SANITIZE],
    }[kind]
    out = _build_dir() / f"program_fuzz_{kind}"
    proc = subprocess.run(
        [cc, *COMMON, *flags, *_sources(), "-o", str(out)], capture_output=True, text=True
    )
    if proc.returncode != 0:
        raise RuntimeError(f"building the {kind} fuzz driver failed:\n{proc.stderr}")
    return out


def seed_programs(reference: Path, out_dir: Path) -> list[Path]:
    """Programs of the seed models present under `reference` (a missing one is skipped), and
    of a generated model with control flow."""
    from micro.compiler import compile_model
    from micro.model import load_model

    out_dir.mkdir(parents=True, exist_ok=True)
    seeds = []
    for rel in SEED_MODELS:
        path = reference / rel
        if path.exists():
            program = compile_model(load_model(path)).program
            seeds.append(out_dir / (Path(rel).stem + ".bin"))
            seeds[-1].write_bytes(program)
    from test_op_control_flow import while_model  # branches: a loop with an IF inside

    seeds.append(out_dir / "while_if.bin")
    seeds[-1].write_bytes(compile_model(load_model(while_model(nested=True))).program)
    return seeds


@dataclass
class Campaign:
    """What a hostile-Program campaign saw."""

    what: str
    mutants: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)  # ran / refused / skipped, or
    # libFuzzer's final coverage
    failures: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = ", ".join(f"{k} {v:,}" for k, v in sorted(self.outcomes.items()))
        return f"{self.mutants:,} {self.what}: {parts}; failures {len(self.failures)}"


def _run(cmd: list[str], timeout: float, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        cmd, capture_output=True, text=True, timeout=timeout, env={**os.environ, **env}
    )


def _outcome(status: int) -> str:
    return "ran" if status == 0 else "skipped" if status < 0 else "refused"


def _check_process(kind: str, proc: subprocess.CompletedProcess[str], what: str) -> list[str]:
    err = proc.stderr
    if proc.returncode != 0 or "runtime error" in err or "Sanitizer" in err:
        last = proc.stdout.strip().splitlines()[-1:] or ["(none)"]
        return [f"{kind} build, {what}: exit {proc.returncode} after {last[0]!r}: {err[-2000:]}"]
    return []


def _suspects(names: list[str], lines: dict[str, list[str]], failed: dict[str, bool]) -> set[str]:
    """The inputs a run over `names` (one output line each, in order) failed on: where the
    builds' lines differ, and in a build that died or reported, the input after its last
    line (the one it was running)."""
    found = {
        a.split()[0] for a, b in zip(lines["normal"], lines["sanitized"], strict=False) if a != b
    }
    for kind, dead in failed.items():
        if dead and len(lines[kind]) < len(names):
            found.add(names[len(lines[kind])])
    return found


def run_campaign(
    seeds: list[Path], count: int, rng_seed: int, findings: Path, timeout: float = 3600
) -> Campaign:
    """`count` mutants of `seeds`, in the normal and the sanitized build, compared. Each
    mutant a build failed on is kept as findings/program-<rng_seed>-<index>.bin."""
    result = Campaign("sealed hostile Programs", count)
    lines, failed = {}, {}
    for kind, env in (("normal", {}), ("sanitized", SANITIZER_ENV)):
        cmd = [str(build(kind)), "generate", str(count), str(rng_seed), *map(str, seeds)]
        proc = _run(cmd, timeout, env)
        problems = _check_process(kind, proc, f"generate {count} {rng_seed}")
        result.failures += problems
        lines[kind], failed[kind] = proc.stdout.splitlines(), bool(problems)
    for a, b in zip(lines["normal"], lines["sanitized"], strict=False):
        if a != b:
            result.failures.append(f"normal and sanitized builds differ: {a!r} vs {b!r}")
    for line in lines["sanitized"]:
        result.outcomes[_outcome(int(line.split()[1]))] += 1
    if len(lines["sanitized"]) != count:
        result.failures.append(f"sanitized build ran {len(lines['sanitized'])} of {count}")
    findings.mkdir(parents=True, exist_ok=True)
    for index in sorted(_suspects([str(i) for i in range(count)], lines, failed), key=int):
        out = findings / f"program-{rng_seed}-{index}.bin"
        dump = [str(build("normal")), "dump", index, str(rng_seed), str(out), *map(str, seeds)]
        subprocess.run(dump, check=True, timeout=60)
    return result


def replay(files: list[Path], findings: Path | None = None, timeout: float = 600) -> Campaign:
    """Kept programs (regressions, accepted mutants) in both builds: same lines, no report.
    With `findings`, the ones a build failed on are copied there."""
    result = Campaign("kept Programs", len(files))
    if not files:
        return result
    lines, failed = {}, {}
    for kind, env in (("normal", {}), ("sanitized", SANITIZER_ENV)):
        proc = _run([str(build(kind)), "run", *map(str, files)], timeout, env)
        problems = _check_process(kind, proc, "run")
        result.failures += problems
        lines[kind], failed[kind] = proc.stdout.splitlines(), bool(problems)
    if lines["normal"] != lines["sanitized"]:
        result.failures.append("normal and sanitized builds differ on the kept programs")
    for line in lines["sanitized"]:
        result.outcomes[_outcome(int(line.split()[1]))] += 1
    if findings is not None:
        findings.mkdir(parents=True, exist_ok=True)
        for name in _suspects([str(f) for f in files], lines, failed):
            shutil.copy(name, findings / Path(name).name)
    return result


def run_libfuzzer(
    seeds: list[Path], runs: int, seconds: int, work: Path, findings: Path
) -> Campaign:
    """libFuzzer with the structure-aware mutator, from the seeds, for `runs` executions or
    `seconds`, whichever ends first. An input it crashed, hung or leaked on is kept as
    findings/libfuzzer-<kind>-<sha1>.bin."""
    corpus = work / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    findings.mkdir(parents=True, exist_ok=True)
    for s in seeds:
        shutil.copy(s, corpus / s.name)
    cmd = [
        str(build("libfuzzer")),
        f"-runs={runs}",
        f"-max_total_time={seconds}",
        "-timeout=20",
        "-rss_limit_mb=2048",
        "-max_len=600000",
        "-seed=1",
        f"-artifact_prefix={findings}/libfuzzer-",
        str(corpus),
    ]
    proc = _run(cmd, seconds + 600, SANITIZER_ENV)
    done = re.search(r"Done (\d+) runs", proc.stderr)
    result = Campaign("libFuzzer executions", int(done.group(1)) if done else 0)
    # libFuzzer's last status line ("#N DONE cov: C ft: F corp: K/...") says how far it got.
    final = re.search(r"DONE\s+cov: (\d+) ft: (\d+) corp: (\d+)", proc.stderr)
    if final:
        names = ("edges covered", "features", "corpus inputs")
        for name, value in zip(names, final.groups(), strict=True):
            result.outcomes[name] = int(value)
    kept = []
    for artifact in findings.glob("libfuzzer-*"):
        if artifact.suffix != ".bin":
            kept.append(artifact.rename(artifact.with_name(artifact.name + ".bin")).name)
    if proc.returncode != 0 or done is None or kept:
        result.failures.append(
            f"libFuzzer exit {proc.returncode}, kept {kept}: {proc.stderr[-3000:]}"
        )
    return result
