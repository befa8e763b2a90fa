"""Real time on a board: from the instructions each 20 ms step took on an emulated Cortex-M,
the share of a step the pipeline takes at the board's clock (its manifest's f_cpu), and how
often the keyword model can run."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from ...boards import Board, list_boards, load_board
from ...firmware import build, fault_error
from ...resources import build_root
from .generate import Settings, SpeechBoardError, export
from .run import StepCost, run

CYCLES_PER_INSTRUCTION = 1.25  # an assumption for a Cortex-M4 running from cached flash
MAX_LOAD = 0.8  # on a real board the model runs as often as keeps the average load below this
STEP_SECONDS = 0.02
MAX_EVERY = 50  # the model runs at least once a second


@dataclass
class Costs:
    features: int  # instructions, the most any step took
    model: int  # the most a step running the model took for it
    recognizer: int
    total: int  # the most a whole step took
    features_mean: float
    model_mean: float


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


def step_budget(hz: int) -> int:
    """Cycles in one 20 ms step at `hz`."""
    return round(hz * STEP_SECONDS)


def load(costs: Costs, every: int, hz: int, cpi: float = CYCLES_PER_INSTRUCTION) -> float:
    """The average share of real time the pipeline takes with the model every `every` steps."""
    cycles = (every * costs.features_mean + costs.model_mean + costs.recognizer) * cpi
    return cycles / (every * step_budget(hz))


def choose_every(costs: Costs, hz: int, max_load: float = MAX_LOAD) -> int:
    """How often the model can run: the smallest `every` keeping the average load under
    `max_load` (the features alone must fit; at most once a second)."""
    for every in range(1, MAX_EVERY + 1):
        if load(costs, every, hz) <= max_load:
            return every
    raise SpeechBoardError(
        f"the pipeline cannot keep up at {hz / 1e6:g} MHz: the features alone take "
        f"{load(costs, 10**9, hz):.0%} of real time"
    )


@dataclass
class RealTime:
    """The pipeline's share of real time on one board, the model every `every` steps."""

    board: str  # the board's name (its manifest's)
    hz: int
    every: int
    cpi: float
    step_cycles: int  # the budget of one 20 ms step
    features: float  # share of a step the features take, on average
    peak: float  # share of a step the heaviest step (one running the model) takes
    average: float  # average load

    @property
    def peak_ms(self) -> float:
        return self.peak * STEP_SECONDS * 1000

    @property
    def real_time(self) -> bool:
        return self.average < 1


def real_time(
    costs: Costs, board: Board, every: int, cpi: float = CYCLES_PER_INSTRUCTION
) -> RealTime:
    hz = board.clock_hz
    budget = step_budget(hz)
    return RealTime(
        board=board.name,
        hz=hz,
        every=every,
        cpi=cpi,
        step_cycles=budget,
        features=costs.features_mean * cpi / budget,
        peak=costs.total * cpi / budget,
        average=load(costs, every, hz, cpi),
    )


def real_twins(board: Board) -> list[Board]:
    """The boards an emulated board's counts speak for: the real boards with its core (the
    board itself when there is none, or when it is real)."""
    if not board.emulated:
        return [board]
    twins = [b for b in map(load_board, list_boards()) if not b.emulated and b.core == board.core]
    return twins or [board]


def emulated_twin(board: Board) -> Board | None:
    """An emulated board with the same core, to count instructions for a real one."""
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
    out = build_root() / f"speech-{board.id}-measure"
    bundle = export(
        model, board, out, [("measure", audio)], replace(settings, every=1), preprocessor
    )
    result = run(bundle, build(out, board).elf)
    if result.status != 0:
        failed = f"the firmware failed on {board.id} (status {result.status}):\n{result.log}"
        raise SpeechBoardError(fault_error(result.log, board.id) or failed)
    return costs(result.steps)


@dataclass
class Schedule:
    """How often the model runs on a real board, measured on its emulated twin."""

    twin: Board
    costs: Costs
    every: int
    real_time: RealTime
    audio_buffer_ms: float  # audio the board buffers (0: not stated)

    @property
    def drops_audio(self) -> bool:
        return bool(self.audio_buffer_ms) and self.real_time.peak_ms > self.audio_buffer_ms


def schedule(
    model: bytes,
    board: Board,
    audio: np.ndarray,
    settings: Settings,
    preprocessor: bytes | None = None,
) -> Schedule | None:
    """Measure on the board's emulated twin, then run the model as often as real time
    allows at the board's clock; None when no emulated board has its core."""
    twin = emulated_twin(board)
    if twin is None:
        return None
    measured = measure(model, twin, audio, settings, preprocessor)
    every = choose_every(measured, board.clock_hz)
    buffer_ms = float(board.manifest["micro"].get("audio_buffer_ms", 0))
    return Schedule(twin, measured, every, real_time(measured, board, every), buffer_ms)
