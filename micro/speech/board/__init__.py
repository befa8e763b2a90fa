"""The speech pipeline in firmware: features, keyword model and recognizer on a board.

    generate ──► the PlatformIO project (both Programs, settings, clips as C)
    build    ──► micro.firmware.build (PlatformIO, offline)
    run      ──► QEMU: the bundled clips, then host .wav files streamed in through
                 semihosting; what it heard, features and scores, instructions per step
    budget   ──► real time at the board's clock; how often the model can run

The recognizer is firmware/speech/src/speech_recognizer.c, the integer twin of
micro/speech/recognizer.py.
"""

from __future__ import annotations

from .budget import (
    Costs,
    RealTime,
    Schedule,
    choose_every,
    costs,
    emulated_twin,
    load,
    measure,
    real_time,
    real_twins,
    schedule,
)
from .generate import (
    MAX_LABELS,
    MAX_RESULTS,
    Bundle,
    Settings,
    SpeechBoardError,
    export,
    model_arena_budget,
    samples,
)
from .run import Run, StepCost, Stream, host_streams, parse, run, stream_trace

__all__ = [
    "MAX_LABELS",
    "MAX_RESULTS",
    "Bundle",
    "Costs",
    "RealTime",
    "Run",
    "Schedule",
    "Settings",
    "SpeechBoardError",
    "StepCost",
    "Stream",
    "choose_every",
    "costs",
    "emulated_twin",
    "export",
    "host_streams",
    "load",
    "measure",
    "model_arena_budget",
    "parse",
    "real_time",
    "real_twins",
    "run",
    "samples",
    "schedule",
    "stream_trace",
]
