"""The speech pipeline in firmware: features, keyword model and recognizer on a board.

    export ──► DIR/ platformio.ini            the board, micro's C runtime, firmware/speech
                    src/speech_bundle.c       both Programs (the host's bytes), arenas, sizes,
                                              settings, labels, clips: everything that
                                              depends on the models (speech_bundle.h)
                    src/micro_kernels.c       the kernels the two Programs use, no others
    build  ──► micro.firmware.build (PlatformIO, offline)
    run    ──► QEMU: the bundled clips, then host .wav files streamed in through semihosting;
               what it heard, every feature row and score (trace builds), and the
               instructions of each 20 ms step (features, model, recognizer)

Two Programs run side by side, each in its own arena: the preprocessor (its noise
estimates persist in its arena from step to step) and the keyword model. The recognizer is
firmware/speech/src/speech_recognizer.c, the integer twin of recognizer.py.
"""

from __future__ import annotations

import math
import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from .. import firmware
from ..boards import ROOT, Board
from ..compiler import CompiledModel, compile_model
from ..errors import MicroError
from ..model import load_model
from ..program import read_header
from .features import bundled_preprocessor
from .frontend import FrontendParams
from .pipeline import Listener
from .recognizer import LABELS, TIME_TOLERANCE, Detection, Recognizer
from .wav import SAMPLE_RATE, read_wav, write_wav

SPEECH_DIR = ROOT / "firmware" / "speech"
TAIL_SECONDS = 0.5  # silence after each clip or file, as `micro speech` on the host
MAX_LABELS = 8  # SPEECH_MAX_LABELS in speech_recognizer.h
MAX_RESULTS = 64  # SPEECH_MAX_RESULTS
MARKS_PER_STEP = 4  # speech_main.c: before the features, after them, after the model, after
NANO_HZ = 64_000_000  # the Nano 33 BLE Sense's nRF52840
CYCLES_PER_INSTRUCTION = 1.25  # an assumption for a Cortex-M4 running from cached flash
MAX_LOAD = 0.8  # on a real board the model runs as often as keeps the average load below this
STEP_SECONDS = 0.02
INT64_MAX = (1 << 63) - 1


class SpeechBoardError(firmware.FirmwareError):
    """The speech firmware cannot be built for these models or settings, or failed."""


@dataclass(frozen=True)
class Settings:
    """The recognizer's settings (as `micro speech`'s options) and how often the model runs."""

    labels: tuple[str, ...] = LABELS
    window: float = 0.5  # s of scores averaged
    threshold: float = 0.8
    suppression: float = 1.0  # s
    min_results: int = 1
    every: int = 1  # run the model every this many steps once the window is full
    ignore: tuple[str, ...] = ("silence", "unknown")
    tail: float = TAIL_SECONDS

    def recognizer(self) -> Recognizer:
        return Recognizer(
            self.labels,
            window=self.window,
            threshold=self.threshold,
            suppression=self.suppression,
            min_results=self.min_results,
            ignore=self.ignore,
        )


@dataclass
class Stream:
    """One clip or file as the pipeline saw it."""

    name: str
    frames: int = 0
    features: list[bytes] = field(default_factory=list)  # per frame (trace builds)
    scores: dict[int, bytes] = field(default_factory=dict)  # frame -> int8 scores (trace)
    detections: list[Detection] = field(default_factory=list)
    summary: str = ""  # "heard nothing (...)" when nothing was reported


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


@dataclass
class StepCost:
    """Instructions of one 20 ms step on the board."""

    features: int
    model: int  # 0-ish when the model did not run at this step
    recognizer: int
    classified: bool

    @property
    def total(self) -> int:
        return self.features + self.model + self.recognizer


@dataclass
class Run:
    status: int
    streams: list[Stream]
    steps: list[StepCost]
    log: str


# -- export ----------------------------------------------------------------------------------


def _compile(data: bytes, what: str, arena_budget: int | None = None) -> CompiledModel:
    try:
        return compile_model(load_model(data), arena_budget=arena_budget)
    except MicroError as exc:
        raise SpeechBoardError(f"the {what} cannot be compiled: {exc}") from exc


def model_arena_budget(board: Board, features: CompiledModel) -> int:
    """The keyword model keeps its optional scratch (faster kernels) when the board's RAM
    holds it beside the features' arena and audio buffers; else it gets its smallest arena."""
    spare = firmware.arena_budget(board) - features.arena_size - 4 * features.inputs[0].size
    return max(spare, 0)


def _samples(seconds: float, rate: int) -> int:
    """A duration in samples, rounded as the host recognizer compares times (to 1 ns)."""
    return max(0, math.ceil(seconds * rate - TIME_TOLERANCE * rate))


def _fraction(value: Fraction, what: str, limit: int) -> tuple[int, int]:
    if value.numerator > limit or value.denominator > limit:
        raise SpeechBoardError(f"{what} {float(value)} cannot be represented in the firmware")
    return value.numerator, value.denominator


def _c_string(text: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9_.\- ]*", text):
        raise SpeechBoardError(f"{text!r}: names and labels may hold letters, digits, _ . - only")
    return f'"{text}"'


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
    features = _compile(preprocessor or bundled_preprocessor(), "audio preprocessor")
    keywords = _compile(model, "keyword model", model_arena_budget(board, features))
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
    if settings.every < 1 or settings.min_results < 1 or settings.window <= 0:
        raise SpeechBoardError("every and min_results must be >= 1 and the window > 0")
    if not 0 < settings.threshold <= 1 or y.scale <= 0:
        raise SpeechBoardError("the threshold must be in (0, 1] and the scores' scale > 0")
    window_samples = _samples(settings.window, rate)
    in_view = -(-window_samples // (stride * settings.every))
    if in_view > MAX_RESULTS:
        raise SpeechBoardError(
            f"a {settings.window} s window holds {in_view} results; the firmware keeps "
            f"{MAX_RESULTS} (run the model less often with every, or shorten the window)"
        )
    scale = Fraction(float(y.scale))
    threshold_num, threshold_den = _fraction(
        Fraction(settings.threshold).limit_denominator(10**6) / scale, "threshold", 1 << 40
    )
    scale_num, scale_den = _fraction(scale, "the scores' scale", 1 << 40)

    programs = {"features": features.program, "model": keywords.program}
    arenas = {name: read_header(p).arena_size for name, p in programs.items()}
    clip_bytes = sum(2 * len(a) for _, a in clips)
    firmware.check_fit(
        board,
        sum(len(p) for p in programs.values()),
        sum(arenas.values()) + 2 * window + rows * channels,
        clip_bytes,
    )
    kernels = sorted({k for p in programs.values() for k in firmware.program_kernels(p)})

    out = Path(out_dir)
    (out / "src").mkdir(parents=True, exist_ok=True)
    defs = ["\n".join(firmware.program_c(f"speech_{n}_program", p)) for n, p in programs.items()]
    ignored = set(settings.ignore)
    commands = sum(1 << k for k, label in enumerate(settings.labels) if label not in ignored)
    arrays, table = [], []
    for i, (name, audio_data) in enumerate(clips):
        samples = np.asarray(audio_data, np.int16).reshape(-1)
        lines = [
            "    " + ", ".join(str(int(v)) for v in samples[k : k + 16]) + ","
            for k in range(0, len(samples), 16)
        ]
        arrays.append(
            f"static const int16_t clip_{i}[{max(1, len(samples))}] = {{\n"
            + ("\n".join(lines) or "    0")
            + "\n};"
        )
        table.append(f"    {{{_c_string(name)}, clip_{i}, {len(samples)}u}},")
    labels = ", ".join(_c_string(label) for label in settings.labels)
    (out / "src" / "speech_bundle.c").write_text(
        f"""/* Generated by micro (micro/speech/board.py) for {board.id}: the speech firmware's
 * Programs (exactly the host's bytes), arenas, sizes, settings, labels and clips
 * (firmware/speech/src/speech_bundle.h). */
#include <stddef.h>

#include "speech_bundle.h"

{(chr(10) * 2).join(defs)}

static union {{
    uint64_t align;
    uint8_t bytes[{arenas["features"]}];
}} features_arena;

static union {{
    uint64_t align;
    uint8_t bytes[{arenas["model"]}];
}} model_arena;

static union {{
    uint32_t align;
    int16_t samples[{window}];
}} audio;

static int8_t window[{rows * channels}];

static const char *const labels[{n_labels}] = {{{labels}}};

{(chr(10) * 2).join(arrays)}

static const speech_clip_t clips[] = {{
{chr(10).join(table) or "    {NULL, NULL, 0u},"}
}};

const speech_bundle_t speech_bundle = {{
    .features_program = speech_features_program.bytes,
    .features_program_size = {len(programs["features"])}u,
    .model_program = speech_model_program.bytes,
    .model_program_size = {len(programs["model"])}u,
    .features_arena = features_arena.bytes,
    .features_arena_size = {arenas["features"]}u,
    .model_arena = model_arena.bytes,
    .model_arena_size = {arenas["model"]}u,
    .audio = audio.samples,
    .window = window,
    .sample_rate = {rate}u,
    .window_samples = {window}u,
    .stride_samples = {stride}u,
    .channels = {channels}u,
    .rows = {rows}u,
    .every = {settings.every}u,
    .tail_samples = {_samples(settings.tail, rate)}u,
    .trace = {int(trace)}u,
    .scale_num = {scale_num},
    .scale_den = {scale_den},
    /* window {settings.window} s and suppression {settings.suppression} s in samples;
     * threshold {settings.threshold} = {threshold_num}/{threshold_den} in units of the scale */
    .recognizer = {{
        .n_labels = {n_labels}u,
        .commands = {commands}u,
        .zero_point = {int(y.zero_point)},
        .window = {window_samples}u,
        .suppression = {_samples(settings.suppression, rate)}u,
        .min_results = {settings.min_results}u,
        .threshold_num = {threshold_num},
        .threshold_den = {threshold_den},
    }},
    .labels = labels,
    .clips = clips,
    .n_clips = {len(clips)}u,
}};
"""
    )
    firmware.write_kernel_table(out / "src" / "micro_kernels.c", kernels)
    firmware.write_platformio_ini(out, board, [SPEECH_DIR])
    return Bundle(
        out,
        board,
        len(programs["features"]),
        arenas["features"],
        len(programs["model"]),
        arenas["model"],
        clip_bytes,
        rows,
        float(y.scale),
        int(y.zero_point),
        kernels,
        settings,
        trace,
    )


# -- run -------------------------------------------------------------------------------------

_HEARD_RE = re.compile(r"^(.*): heard '(.*)' \(([\d.]+)\) at ([\d.]+) s$")
_NOTHING_RE = re.compile(r"^(.*): (heard nothing .*)$")
_FIELDS_RE = re.compile(r"(\w+)=(\S*)")


def parse(text: str, status: int, marks: Sequence[int] = (), rows: int = 0, every: int = 1) -> Run:
    """The firmware's console (speech_main.c's format) and marker counts, as a Run."""
    streams: list[Stream] = []
    for line in text.splitlines():
        kind, _, rest = line.partition(" ")
        fields = dict(_FIELDS_RE.findall(rest))
        if kind == "stream" and "name" in fields:
            streams.append(Stream(rest.partition("name=")[2]))
        elif not streams:
            continue
        elif kind == "features":
            streams[-1].features.append(bytes.fromhex(fields["hex"]))
        elif kind == "scores":
            streams[-1].scores[int(fields["frame"])] = bytes.fromhex(fields["hex"])
        elif kind == "end":
            streams[-1].frames = int(fields["frames"])
        elif m := _HEARD_RE.match(line):
            streams[-1].detections.append(Detection(m[2], float(m[3]), float(m[4])))
        elif m := _NOTHING_RE.match(line):
            streams[-1].summary = m[2]
    steps = []
    frames = [k for s in streams for k in range(s.frames)]
    for i, frame in enumerate(frames):
        group = marks[MARKS_PER_STEP * i : MARKS_PER_STEP * (i + 1)]
        if len(group) < MARKS_PER_STEP:
            break
        classified = frame + 1 >= rows and frame % every == 0
        steps.append(
            StepCost(group[1] - group[0], group[2] - group[1], group[3] - group[2], classified)
        )
    return Run(status, streams, steps, text)


def run(
    bundle: Bundle,
    elf: Path,
    files: Sequence[str | os.PathLike[str]] = (),
    count: bool = True,
    timeout: float = 600,
) -> Run:
    """Run the firmware on QEMU: its bundled clips, then `files` (any .wav: converted to
    16 kHz mono 16-bit as the host reads them, then streamed in through semihosting)."""
    with tempfile.TemporaryDirectory(prefix="micro-speech-") as tmp:
        paths = []
        for i, f in enumerate(files):
            name = re.sub(r"[^A-Za-z0-9_.\-]", "_", Path(f).name)
            path = Path(tmp) / f"{i}" / name
            path.parent.mkdir()
            write_wav(path, read_wav(f))
            paths.append(str(path))
        result = firmware.run_qemu(elf, bundle.board, count=count, timeout=timeout, args=paths)
    return parse(result.log, result.status, result.marks, bundle.rows, bundle.settings.every)


def host_streams(
    model: bytes,
    clips: Sequence[tuple[str, np.ndarray]],
    settings: Settings | None = None,
    preprocessor: bytes | None = None,
) -> list[Stream]:
    """What the host pipeline (Listener) makes of the same clips, tail included: feature
    rows, the model's int8 scores at the frames it ran, detections (rounded as printed)."""
    settings = settings or Settings()
    listener = Listener(model, preprocessor, settings.recognizer(), settings.labels, settings.every)
    tail = np.zeros(_samples(settings.tail, SAMPLE_RATE), np.int16)
    it = listener.model.interpreter
    streams = []
    for name, audio in clips:
        listener.reset()
        detections = listener.push(np.concatenate([np.asarray(audio, np.int16), tail]))
        rows = listener.trace.features
        stream = Stream(name, len(rows), [r.tobytes() for r in rows])
        for frame in range(listener.rows - 1, len(rows)):
            if frame % settings.every:
                continue  # as Listener.push: the model runs on frames divisible by every
            window = np.stack(rows[frame + 1 - listener.rows : frame + 1])
            it.set_input(window.reshape(listener.model.input_shape), 0)
            it.invoke()
            stream.scores[frame] = it.get_output(0).tobytes()
        stream.detections = [
            Detection(d.label, round(d.score, 2), round(d.time, 2)) for d in detections
        ]
        if not detections and listener.trace.scores:  # as `micro speech` says it
            average = np.mean(listener.trace.scores, axis=0)
            k = int(np.argmax(average))
            label = settings.labels[k]
            stream.summary = f"heard nothing (mostly '{label}', {average[k]:.2f} on average)"
        streams.append(stream)
    return streams


# -- costs -----------------------------------------------------------------------------------


@dataclass
class Costs:
    features: int  # instructions, the most any step took
    model: int  # the most a step running the model took for it
    recognizer: int
    total: int  # the most a whole step took
    features_mean: float
    model_mean: float

    def budget(self, hz: int = NANO_HZ) -> int:
        return round(hz * STEP_SECONDS)


def costs(steps: Sequence[StepCost]) -> Costs:
    if not steps:
        raise SpeechBoardError("no step was measured")
    classified = [s for s in steps if s.classified] or list(steps)
    return Costs(
        features=max(s.features for s in steps),
        model=max(s.model for s in classified),
        recognizer=max(s.recognizer for s in classified),
        total=max(s.total for s in steps),
        features_mean=float(np.mean([s.features for s in steps])),
        model_mean=float(np.mean([s.model for s in classified])),
    )


def load(costs: Costs, every: int, hz: int, cpi: float = CYCLES_PER_INSTRUCTION) -> float:
    """The average share of real time the pipeline takes with the model every `every` steps."""
    cycles = (every * costs.features_mean + costs.model_mean + costs.recognizer) * cpi
    return cycles / (every * costs.budget(hz))


def choose_every(costs: Costs, hz: int, max_load: float = MAX_LOAD) -> int:
    """How often the model can run: the smallest `every` keeping the average load under
    `max_load` (the features alone must fit; at most once a second)."""
    for every in range(1, 51):
        if load(costs, every, hz) <= max_load:
            return every
    raise SpeechBoardError(
        f"the pipeline cannot keep up at {hz / 1e6:g} MHz: the features alone take "
        f"{load(costs, 10**9, hz):.0%} of real time"
    )


def margin(
    costs: Costs,
    every: int,
    hz: int = NANO_HZ,
    cpi: float = CYCLES_PER_INSTRUCTION,
    where: str = "",
) -> str:
    """Real time on a `hz` Cortex-M, from instruction counts and an assumed CPI."""
    budget = costs.budget(hz)
    features = costs.features_mean * cpi / budget
    peak = costs.total * cpi / budget
    average = load(costs, every, hz, cpi)
    return (
        f"real time at {hz / 1e6:g} MHz{where}: {budget:,} cycles per 20 ms step; assuming {cpi:g} "
        f"cycles per instruction, the features take {features:.0%} of a step, a step running "
        f"the model {peak:.0%} ({peak * 20:.0f} ms), and with the model "
        f"{'every step' if every == 1 else f'every {every} steps'} the average load is "
        f"{average:.0%}"
        + ("" if average < 1 else " (not real time: run the model less often, --every)")
    )


def board_hz(board: Board) -> int:
    return int(str(board.manifest["build"]["f_cpu"]).rstrip("L"))


def emulated_twin(board: Board) -> Board | None:
    """An emulated board with the same core, to count instructions for a real one."""
    from ..boards import list_boards, load_board

    for other in map(load_board, list_boards()):
        if other.emulated and other.core == board.core:
            return other
    return None


def measure(
    model: bytes,
    board: Board,
    audio: np.ndarray,
    settings: Settings,
    preprocessor: bytes | None = None,
) -> Costs:
    """Instructions per step of the pipeline on `board` (emulated), the model every step."""
    out = ROOT / ".micro-build" / f"speech-{board.id}-measure"
    bundle = export(
        model, board, out, [("measure", audio)], replace(settings, every=1), preprocessor
    )
    result = run(bundle, firmware.build(out, board).elf)
    if result.status != 0:
        raise SpeechBoardError(f"the firmware failed on {board.id}:\n{result.log}")
    return costs(result.steps)


def _report(text: str) -> None:
    import sys

    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def cmd_speech_board(args: Any, model_path: str) -> int:
    """`micro speech --board BOARD [FILE.wav | --demo | --listen]`: the pipeline in firmware.

    An emulated board runs on QEMU: the bundled demo clips (compiled in) or a host .wav file
    (streamed in through semihosting), printing what it heard and the instructions per step.
    A real board is built and uploaded: the demo clips (--demo), then its microphone.
    """
    from ..boards import load_board
    from .cli import DEMO_CLIPS, data_file

    board = load_board(args.board)
    if args.listen and board.emulated:
        raise MicroError(f"{board.id} is emulated and has no microphone: give a .wav FILE")
    if args.file and not board.emulated:
        raise MicroError(
            f"{board.id} cannot read host files: --demo plays the bundled clips on it, then "
            "listens to its microphone"
        )
    settings = Settings(
        window=args.window,
        threshold=args.threshold,
        suppression=args.suppression,
        every=args.every or 1,
    )
    clips = []
    if args.demo:
        for name in DEMO_CLIPS:
            path = data_file(name)
            if path is None:
                raise MicroError(f"the demo clip {name} is missing from this install")
            clips.append((name, read_wav(path)))
    preprocessor = Path(args.preprocessor).read_bytes() if args.preprocessor else None
    model = Path(model_path).read_bytes()
    if not board.emulated and not args.every:
        settings = replace(settings, every=_real_time_every(model, board, settings, preprocessor))
    out = ROOT / ".micro-build" / f"speech-{board.id}-{'demo' if clips else 'files'}"
    bundle = export(model, board, out, clips, settings, preprocessor, bool(args.plot))
    built = firmware.build(out, board)
    _report(
        f"{board.name}: flash {built.flash:,} B of {board.flash_size:,} B, RAM {built.ram:,} B "
        f"of {board.ram_size:,} B (arenas: features {bundle.features_arena:,} B, model "
        f"{bundle.model_arena:,} B; stack {board.stack_size:,} B; clips {bundle.clip_bytes:,} B)"
    )
    if not board.emulated:
        firmware.pio(["run", "-d", str(out), "-e", board.id, "-t", "upload"])
        _report(f"uploaded {built.elf}: the board prints what it hears on its console")
        return 0
    result = run(bundle, built.elf, [args.file] if args.file else [])
    names = [name for name, _ in clips] + ([os.path.basename(args.file)] if args.file else [])
    for name, stream in zip(names, result.streams, strict=False):
        for d in stream.detections:
            _report(f"{name}: {d}")
        if stream.summary:
            _report(f"{name}: {stream.summary}")
    if result.status != 0 or len(result.streams) != len(names):
        _report(f"the firmware failed (status {result.status}):\n{result.log}")
        return 1
    c = costs(result.steps)
    _report(
        f"instructions per 20 ms step on the {board.core}: features {c.features:,}, keyword "
        f"model {c.model:,} (when it runs), recognizer {c.recognizer:,}; "
        f"a whole step at most {c.total:,}"
    )
    _report(margin(c, settings.every, where=" (Nano 33 BLE Sense)"))
    if args.plot:
        _plot(result.streams[-1], bundle, args.plot)
        _report(f"wrote {args.plot}")
    return 0


def _real_time_every(
    model: bytes, board: Board, settings: Settings, preprocessor: bytes | None
) -> int:
    """Measure on the board's emulated twin, then run the model as often as real time allows."""
    twin = emulated_twin(board)
    if twin is None:
        _report(f"no emulated {board.core} to measure on: the model runs every step (--every)")
        return 1
    from .cli import DEMO_CLIPS, data_file

    path = data_file(DEMO_CLIPS[0])
    audio = read_wav(path) if path is not None else np.zeros(SAMPLE_RATE, np.int16)
    c = measure(model, twin, audio, settings, preprocessor)
    hz = board_hz(board)
    every = choose_every(c, hz)
    _report(
        f"measured on {twin.id} ({twin.core}): features {c.features:,} instructions a step, "
        f"the keyword model {c.model:,}; the model runs every {every} step(s)"
    )
    _report(margin(c, every, hz, where=f" ({board.id})"))
    buffer_ms = float(board.manifest["micro"].get("audio_buffer_ms", 0))
    peak_ms = c.total * CYCLES_PER_INSTRUCTION / hz * 1000
    if buffer_ms and peak_ms > buffer_ms:
        _report(
            f"warning: a step running the model takes ~{peak_ms:.0f} ms, more than the "
            f"{buffer_ms:.0f} ms of audio {board.id} buffers: audio will be dropped"
        )
    return every


def _plot(stream: Stream, bundle: Bundle, path: str) -> None:
    from .pipeline import Trace
    from .plot import plot_trace

    params = FrontendParams()
    trace = Trace()
    for k, row in enumerate(stream.features):
        trace.features.append(np.frombuffer(row, np.int8))
        trace.times.append((k * params.stride_samples + params.window_samples) / SAMPLE_RATE)
    for frame, scores in sorted(stream.scores.items()):
        q = np.frombuffer(scores, np.int8).astype(np.float64)
        trace.scores.append(bundle.score_scale * (q - bundle.score_zero_point))
        trace.score_times.append(trace.times[frame])
    trace.detections = list(stream.detections)
    plot_trace(trace, bundle.settings.labels, path)
