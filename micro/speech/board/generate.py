"""The speech firmware's PlatformIO project for a board:

    DIR/ platformio.ini            the board, micro's C runtime, firmware/speech (main())
         src/speech_bundle.c       both Programs (the host's bytes), arenas, sizes,
                                   settings, labels, clips: everything that depends on the
                                   models (firmware/speech/src/speech_bundle.h)
         src/micro_kernels.c       the kernels the two Programs use, no others

Two Programs run side by side, each in its own arena: the preprocessor (its noise
estimates persist in its arena from step to step) and the keyword model.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import numpy as np

from ..._ffi import lib
from ...boards import Board
from ...compiler import CompiledModel, compile_model
from ...errors import FirmwareError, MicroError
from ...firmware import (
    arena_budget,
    c_array_rows,
    check_fit,
    flash_budget,
    program_c,
    program_kernels,
    program_paths,
    render,
    write_kernel_table,
    write_platformio_ini,
)
from ...model import load_model
from ...resources import firmware_dir
from ..features import bundled_preprocessor
from ..frontend import FrontendParams
from ..pipeline import DEMO_SUPPRESSION, DEMO_THRESHOLD, DEMO_WINDOW, TAIL_SECONDS, shown
from ..recognizer import LABELS, NOT_COMMANDS, TIME_TOLERANCE, Recognizer, label_thresholds
from ..wav import SAMPLE_RATE

# The firmware's fixed capacities, from speech_recognizer.h through cffi.
MAX_LABELS = int(lib.SPEECH_MAX_LABELS)
MAX_RESULTS = int(lib.SPEECH_MAX_RESULTS)


class SpeechBoardError(FirmwareError):
    """The speech firmware cannot be built for these models or settings, or failed."""


@dataclass(frozen=True)
class Settings:
    """The recognizer's settings (as `micro speech`'s options) and how often the model runs."""

    labels: tuple[str, ...] = LABELS
    window: float = DEMO_WINDOW  # s of scores averaged
    threshold: float = DEMO_THRESHOLD
    suppression: float = DEMO_SUPPRESSION  # s
    thresholds: Mapping[str, float] = field(default_factory=dict)  # per label, over threshold
    min_results: int = 1
    every: int = 1  # run the model every this many steps once the window is full
    ignore: tuple[str, ...] = NOT_COMMANDS
    tail: float = TAIL_SECONDS
    # labels never reported either (the model card's decoys: `micro speech train --decoys`);
    # the firmware's label table names them "unknown"
    decoys: tuple[str, ...] = ()

    def recognizer(self) -> Recognizer:
        return Recognizer(
            self.labels,
            window=self.window,
            threshold=self.threshold,
            suppression=self.suppression,
            min_results=self.min_results,
            ignore=(*self.ignore, *self.decoys),
            thresholds=self.thresholds,
        )

    def label_thresholds(self) -> tuple[float, ...]:
        return label_thresholds(self.labels, self.threshold, self.thresholds)


@dataclass
class Bundle:
    dir: Path
    board: Board
    features_program: int  # bytes
    features_arena: int
    model_program: int
    model_arena: int
    clip_bytes: int
    rows: int  # feature rows the model sees
    score_scale: float
    score_zero_point: int
    kernels: list[str]
    settings: Settings
    trace: bool


def samples(seconds: float, rate: int = SAMPLE_RATE) -> int:
    """A duration in samples, rounded as the host recognizer compares times (to 1 ns)."""
    return max(0, math.ceil(seconds * rate - TIME_TOLERANCE * rate))


def model_arena_budget(board: Board, features: CompiledModel) -> int:
    """The keyword model keeps its optional scratch (faster kernels) when the board's RAM
    holds it beside the features' arena and audio buffers; else it gets its smallest arena."""
    spare = arena_budget(board) - features.arena_bytes_needed - 4 * features.inputs[0].size
    return max(spare, 0)


def _compile(
    data: bytes, what: str, board: Board, arena_budget: int | None = None
) -> CompiledModel:
    try:
        return compile_model(
            load_model(data),
            arena_budget=arena_budget,
            dsp=board.dsp,
            flash_budget=flash_budget(board),
        )
    except MicroError as exc:
        raise SpeechBoardError(f"the {what} cannot be compiled: {exc}") from exc


def _fraction(value: Fraction, what: str, limit: int) -> tuple[int, int]:
    if value.numerator > limit or value.denominator > limit:
        raise SpeechBoardError(f"{what} {float(value)} cannot be represented in the firmware")
    return value.numerator, value.denominator


def threshold_fractions(thresholds: Sequence[float], scale: Fraction) -> tuple[list[int], int]:
    """Each label's threshold in units of the scores' scale, over one common denominator
    (the C recognizer's threshold_num[k] / threshold_den)."""
    values = [Fraction(t).limit_denominator(10**6) / scale for t in thresholds]
    den = math.lcm(*(v.denominator for v in values))
    nums = [v.numerator * (den // v.denominator) for v in values]
    if max(den, *nums) > 1 << 40:
        raise SpeechBoardError(f"thresholds {list(thresholds)} cannot be represented on the board")
    return nums, den


def _c_string(text: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9_.\- ]*", text):
        raise SpeechBoardError(f"{text!r}: names and labels may hold letters, digits, _ . - only")
    return f'"{text}"'


def _clips_c(clips: Sequence[tuple[str, np.ndarray]]) -> tuple[str, str]:
    """The clips as C: (static int16 arrays, rows of the clips table)."""
    arrays, table = [], []
    for i, (name, audio) in enumerate(clips):
        values = np.asarray(audio, np.int16).reshape(-1)
        body = c_array_rows([str(int(v)) for v in values])
        arrays.append(f"static const int16_t clip_{i}[{max(1, len(values))}] = {{\n{body}\n}};")
        table.append(f"    {{{_c_string(name)}, clip_{i}, {len(values)}u}},")
    return "\n\n".join(arrays), "\n".join(table) or "    {NULL, NULL, 0u},"


def export(
    model: bytes,
    board: Board,
    out_dir: str | os.PathLike[str],
    clips: Sequence[tuple[str, np.ndarray]] = (),
    settings: Settings | None = None,
    preprocessor: bytes | None = None,
    trace: bool = False,
) -> Bundle:
    """Write the speech firmware's PlatformIO project for `board`.

    model: the keyword model (.tflite bytes, int8 in and out). clips: (name, int16 audio at
    16 kHz) compiled into the image and run first. preprocessor: the features model
    (default: micro's bundled one). trace: print every feature row and score.
    """
    settings = settings or Settings()
    params = FrontendParams()
    features = _compile(preprocessor or bundled_preprocessor(), "audio preprocessor", board)
    keywords = _compile(model, "keyword model", board, model_arena_budget(board, features))
    (audio,), (row,) = features.inputs, features.outputs
    if audio.dtype != np.int16 or row.dtype != np.int8 or len(features.inputs) != 1:
        raise SpeechBoardError("the preprocessor must take int16 audio and give int8 features")
    window, stride, rate = audio.size // 2, params.stride_samples, params.sample_rate
    channels = row.size
    if not 0 < stride <= window or rate != SAMPLE_RATE:
        raise SpeechBoardError(f"windows of {window} samples every {stride} are not supported")
    if len(keywords.inputs) != 1 or len(keywords.outputs) != 1:
        raise SpeechBoardError("the keyword model must have one input and one output")
    (x,), (y,) = keywords.inputs, keywords.outputs
    if x.dtype != np.int8 or y.dtype != np.int8 or x.size % channels:
        raise SpeechBoardError(
            f"the keyword model must take int8 rows of {channels} features and give int8 "
            f"scores; it takes {x.dtype.name} {list(x.shape)} and gives {y.dtype.name}"
        )
    rows, n_labels = x.size // channels, y.size
    if n_labels != len(settings.labels) or n_labels > MAX_LABELS:
        raise SpeechBoardError(
            f"the model gives {n_labels} scores for {len(settings.labels)} labels "
            f"(at most {MAX_LABELS})"
        )
    if not set(settings.decoys) <= set(settings.labels[2:]):
        raise SpeechBoardError(f"decoys {list(settings.decoys)} are not among the model's words")
    if settings.every < 1 or settings.min_results < 1 or settings.window <= 0:
        raise SpeechBoardError("every and min_results must be >= 1 and the window > 0")
    thresholds = settings.label_thresholds()
    if not all(0 < t <= 1 for t in thresholds) or y.scale <= 0:
        raise SpeechBoardError("the thresholds must be in (0, 1] and the scores' scale > 0")
    window_samples = samples(settings.window, rate)
    in_view = -(-window_samples // (stride * settings.every))
    if in_view > MAX_RESULTS:
        raise SpeechBoardError(
            f"a {settings.window} s window holds {in_view} results; the firmware keeps "
            f"{MAX_RESULTS} (run the model less often with every, or shorten the window)"
        )
    scale = Fraction(float(y.scale))
    threshold_nums, threshold_den = threshold_fractions(thresholds, scale)
    scale_num, scale_den = _fraction(scale, "the scores' scale", 1 << 40)

    programs = {"features": features, "model": keywords}
    clip_bytes = sum(2 * len(a) for _, a in clips)
    check_fit(
        board,
        sum(len(c.program) for c in programs.values()),
        features.arena_bytes_needed + keywords.arena_bytes_needed + 2 * window + rows * channels,
        clip_bytes,
    )
    kernels = sorted({k for c in programs.values() for k in program_kernels(c.program)})
    ignored = {*settings.ignore, *settings.decoys}
    clip_arrays, clip_table = _clips_c(clips)

    out = Path(out_dir)
    (out / "src").mkdir(parents=True, exist_ok=True)
    (out / "src" / "speech_bundle.c").write_text(
        render(
            "speech_bundle.c.in",
            board=board.id,
            features_program="\n".join(program_c("speech_features_program", features.program)),
            model_program="\n".join(program_c("speech_model_program", keywords.program)),
            features_arena=features.arena_bytes_needed,
            model_arena=keywords.arena_bytes_needed,
            features_program_size=len(features.program),
            model_program_size=len(keywords.program),
            window_samples=window,
            window_values=rows * channels,
            n_labels=n_labels,
            labels=", ".join(_c_string(label) for label in shown(settings.labels, settings.decoys)),
            clip_arrays=clip_arrays,
            clip_table=clip_table,
            sample_rate=rate,
            stride_samples=stride,
            channels=channels,
            rows=rows,
            every=settings.every,
            tail_samples=samples(settings.tail, rate),
            trace=int(trace),
            scale_num=scale_num,
            scale_den=scale_den,
            window_seconds=settings.window,
            suppression_seconds=settings.suppression,
            thresholds=", ".join(
                f"{label} {t:g}" for label, t in zip(settings.labels, thresholds, strict=True)
            ),
            threshold_nums=", ".join(str(n) for n in threshold_nums),
            threshold_den=threshold_den,
            commands=sum(1 << k for k, label in enumerate(settings.labels) if label not in ignored),
            zero_point=int(y.zero_point),
            recognizer_window=window_samples,
            recognizer_suppression=samples(settings.suppression, rate),
            min_results=settings.min_results,
            n_clips=len(clips),
        )
    )
    write_kernel_table(out / "src" / "micro_kernels.c", kernels)
    # Only the kernel paths the two Programs take (firmware/README.md: "Only the kernel
    # paths a model takes"); a Program the runtime refuses (None) keeps them all.
    first, second = program_paths(features.program), program_paths(keywords.program)
    paths = None if first is None or second is None else first | second
    write_platformio_ini(out, board, [firmware_dir() / "speech"], paths)
    return Bundle(
        dir=out,
        board=board,
        features_program=len(features.program),
        features_arena=features.arena_bytes_needed,
        model_program=len(keywords.program),
        model_arena=keywords.arena_bytes_needed,
        clip_bytes=clip_bytes,
        rows=rows,
        score_scale=float(y.scale),
        score_zero_point=int(y.zero_point),
        kernels=kernels,
        settings=settings,
        trace=trace,
    )
