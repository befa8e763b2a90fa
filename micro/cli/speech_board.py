"""`micro speech --board BOARD [FILE.wav | --demo | --listen]`: the pipeline in firmware.

An emulated board runs on QEMU: the bundled demo clips (compiled in) or a host .wav file
(streamed in through semihosting), printing what it heard, the instructions per step and
what they mean in real time on each real board with the same core (at its manifest's
clock). A real board is built and uploaded: the demo clips (--demo), then its microphone; the model
runs as often as real time allows at the board's clock, measured on an emulated twin.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import replace
from pathlib import Path

import numpy as np

from ..boards import Board, load_board
from ..firmware import Build
from ..progress import Progress
from ..resources import build_root
from ..speech import board as speech
from ..speech.bundled import (
    demo_clips,
    model_decoys,
    model_labels,
    model_path,
    model_recognizer,
    model_thresholds,
)
from ..speech.pipeline import DEMO_WINDOW
from ..speech.wav import SAMPLE_RATE
from .demo_board import build_and_run, check_input, check_run
from .output import note, out


def format_real_time(rt: speech.RealTime) -> str:
    every = "every step" if rt.every == 1 else f"every {rt.every} steps"
    return (
        f"real time on the {rt.board} at {rt.hz / 1e6:g} MHz: {rt.step_cycles:,} cycles per 20 ms "
        f"step; assuming {rt.cpi:g} cycles per instruction, the features take "
        f"{rt.features:.0%} of a step, a step running the model {rt.peak:.0%} "
        f"({rt.peak_ms:.0f} ms), and with the model {every} the average load is "
        f"{rt.average:.0%}"
        + ("" if rt.real_time else " (not real time: run the model less often, --every)")
    )


def _every_for(
    model: bytes, board: Board, settings: speech.Settings, preprocessor: bytes | None
) -> tuple[int, list[str]]:
    """How often the model runs on a real board, as measured on its emulated twin, and the
    lines that say so."""
    clips = demo_clips()
    audio = clips[0][1] if clips else np.zeros(SAMPLE_RATE, np.int16)
    with Progress(1, f"speech on {board.id}", stages=True) as bar:
        bar.stage("measure on the emulated twin (build, run on QEMU)")
        plan = speech.schedule(model, board, audio, settings, preprocessor)
    if plan is None:
        return 1, [f"no emulated {board.core} to measure on: the model runs every step (--every)"]
    c = plan.costs
    lines = [
        f"measured on {plan.twin.id} ({plan.twin.core}): features {c.features:,} instructions "
        f"a step, the keyword model {c.model:,}; the model runs every {plan.every} step(s)",
        format_real_time(plan.real_time),
    ]
    if plan.drops_audio:
        lines.append(
            f"warning: a step running the model takes ~{plan.real_time.peak_ms:.0f} ms, more "
            f"than the {plan.audio_buffer_ms:.0f} ms of audio {board.id} buffers: audio will "
            "be dropped"
        )
    return plan.every, lines


def cmd_speech_board(args: argparse.Namespace) -> int:
    board = load_board(args.board)
    check_input(
        board, args.listen, bool(args.file), "microphone: give a .wav FILE",
        "--demo plays the bundled clips on it, then listens to its microphone",
    )  # fmt: skip
    tuned = model_recognizer(model_path(args.model))  # the card's window, min_results
    settings = speech.Settings(
        labels=model_labels(model_path(args.model)),  # a retrained model's words, its card's
        decoys=model_decoys(model_path(args.model)),  # never reported, from its card
        window=args.window if args.window is not None else tuned.get("window", DEMO_WINDOW),
        threshold=args.threshold,
        suppression=args.suppression,
        every=args.every or 1,
        thresholds=model_thresholds(model_path(args.model)),  # the card's bar per word, if any
        min_results=tuned.get("min_results", 1),
    )
    clips = demo_clips() if args.demo else []
    preprocessor = Path(args.preprocessor).read_bytes() if args.preprocessor else None
    model = Path(model_path(args.model)).read_bytes()
    if not board.emulated and not args.every:
        every, measured = _every_for(model, board, settings, preprocessor)
        for line in measured:
            out(line)
        settings = replace(settings, every=every)
    if settings.every > 1:  # the card's min_results counts results of every step: same span
        settings = replace(settings, min_results=-(-settings.min_results // settings.every))
    project = build_root() / f"speech-{board.id}-{'demo' if clips else 'files'}"
    bundle = speech.export(model, board, project, clips, settings, preprocessor, bool(args.plot))

    def describe(built: Build) -> str:
        return (
            f"{board.name}: flash {built.flash:,} B of {board.flash_size:,} B, RAM "
            f"{built.ram:,} B of {board.ram_size:,} B (arenas: features "
            f"{bundle.features_arena:,} B, model {bundle.model_arena:,} B; stack "
            f"{board.stack_size:,} B; clips {bundle.clip_bytes:,} B)"
        )

    files = [args.file] if args.file else []
    result = build_and_run(
        project, board, describe, "what it hears", False, lambda elf: speech.run(bundle, elf, files)
    )
    if result is None:
        return 0
    names = [name for name, _ in clips] + ([os.path.basename(args.file)] if args.file else [])
    for name, stream in zip(names, result.streams, strict=False):
        for d in stream.detections:
            out(f"{name}: {d}")
        if stream.summary:
            out(f"{name}: {stream.summary}")
    check_run(board, result.status, result.log, len(result.streams) == len(names))
    c = speech.costs(result.steps)
    out(
        f"instructions per 20 ms step on the {board.core}: features {c.features:,}, keyword "
        f"model {c.model:,} (when it runs), recognizer {c.recognizer:,}; "
        f"a whole step at most {c.total:,}"
    )
    for target in speech.real_twins(board):
        out(format_real_time(speech.real_time(c, target, settings.every)))
    if args.plot:
        from ..speech.plot import plot_trace

        plot_trace(speech.stream_trace(result.streams[-1], bundle), settings.labels, args.plot)
        note(f"wrote {args.plot}")
    return 0
