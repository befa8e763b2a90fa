"""A fuzzing campaign over the whole trust boundary, as one command.

    PYTHONPATH=tests python3 -m fuzz.campaign                      # CI's bounded run
    PYTHONPATH=tests nice python3 -m fuzz.campaign --programs 100000 --models 100000 \\
        --cli 2000 --libfuzzer-runs 200000 --libfuzzer-seconds 1800  # the long one

1. hostile Programs: deterministic structure-aware mutants of the reference models'
   Programs (CRC resealed), run in the normal and the ASan+UBSan build, compared;
2. libFuzzer over micro_init + micro_invoke with the same mutator (needs clang);
3. mutated models through load_model / compile_model / invoke; the Programs of the
   accepted ones are then replayed in both C builds;
4. hostile models and wavs through the command line.
It first replays the kept regressions (tests/fuzz/regressions/) in both C builds. Every
finding is kept as a file under --keep (default: a temporary directory, kept when anything
failed) in findings/: program-<seed>-<index>.bin and libfuzzer-*.bin (Programs), *.tflite
(models), *.wav (the CLI's wavs). Copied into tests/fuzz/regressions/, each is replayed by
every test run (tests/test_fuzz_regressions.py). The exit status is 1 if anything failed.
Reference models come from ../shared/reference (see tests/support/reference.py).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from support.reference import REFERENCE

from fuzz import models, native


def _report(title: str, summary: str, failures: list[str], seconds: float) -> int:
    sys.stdout.write(f"{title}: {summary} ({seconds:.0f} s)\n")
    for f in failures[:20]:
        sys.stdout.write(f"  FAIL {f[:3000]}\n")
    sys.stdout.flush()
    return len(failures)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="fuzz.campaign", description=__doc__.split("\n")[0])
    p.add_argument("--programs", type=int, default=20000, help="hostile Programs")
    p.add_argument("--models", type=int, default=3000, help="mutated models")
    p.add_argument("--cli", type=int, default=200, help="hostile files through the CLI")
    p.add_argument("--libfuzzer-runs", type=int, default=20000)
    p.add_argument("--libfuzzer-seconds", type=int, default=60)
    p.add_argument(
        "--seed", type=int, default=1, help="campaign seed (mutants are a function of it)"
    )
    p.add_argument("--keep", type=Path, help="where findings and seed Programs go")
    args = p.parse_args(argv)
    if not REFERENCE.is_dir():
        sys.stderr.write(f"reference models not found at {REFERENCE}\n")
        return 2
    work = args.keep or Path(tempfile.mkdtemp(prefix="micro-campaign-"))
    seeds = native.seed_programs(REFERENCE, work / "seeds")
    findings = work / "findings"
    failed = 0

    kept = sorted(native.REGRESSIONS.glob("*.bin"))
    k = native.replay(kept, findings)
    failed += _report("C, kept regressions", k.summary(), k.failures, 0)

    start = time.monotonic()
    c = native.run_campaign(seeds, args.programs, args.seed, findings)
    failed += _report("C, hostile Programs", c.summary(), c.failures, time.monotonic() - start)

    if args.libfuzzer_runs and native.compiler("libfuzzer"):
        start = time.monotonic()
        lf = native.run_libfuzzer(
            seeds, args.libfuzzer_runs, args.libfuzzer_seconds, work / "lf", findings
        )
        failed += _report("C, libFuzzer", lf.summary(), lf.failures, time.monotonic() - start)
    elif args.libfuzzer_runs:
        sys.stdout.write("C, libFuzzer: skipped (no clang)\n")

    start = time.monotonic()
    model_bytes = [(REFERENCE / rel).read_bytes() for rel in native.SEED_MODELS]
    m = models.run_models(model_bytes, args.models, args.seed, keep=findings)
    failed += _report("Python, models", m.summary(), m.failures, time.monotonic() - start)
    programs = work / "accepted"
    programs.mkdir(exist_ok=True)
    for name, blob in m.programs.items():
        (programs / f"{name}.bin").write_bytes(blob)
    r = native.replay(sorted(programs.glob("*.bin")), findings)
    failed += _report("C, accepted mutants' Programs", r.summary(), r.failures, 0)

    start = time.monotonic()
    from micro.speech.wav import write_wav

    write_wav(work / "seed.wav", (np.sin(np.arange(4000) / 5.0) * 8000).astype(np.int16))
    cli = models.run_cli(
        model_bytes[:4],
        (work / "seed.wav").read_bytes(),
        args.cli,
        args.seed,
        work / "cli",
        findings=findings,
    )
    failed += _report("CLI", cli.summary(), cli.failures, time.monotonic() - start)

    sys.stdout.write(f"failures: {failed}; findings in {findings}, seeds in {work / 'seeds'}\n")
    if args.keep is None and failed == 0:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
