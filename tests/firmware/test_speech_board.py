"""The speech pipeline in firmware (firmware/speech, micro/speech/board.py): on the emulated
Cortex-M4F the features of a clip are the host's byte for byte, the scores too, and the
detections are the host pipeline's, for clips compiled into the image and for host .wav
files streamed in through semihosting; the C recognizer gives the Python recognizer's
detections on the same score streams; the Nano 33 BLE Sense build (with its PDM driver)
compiles."""

from __future__ import annotations

import ctypes
import math
import subprocess
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from support.reference import reference_path, require_tools

import micro
from micro import firmware
from micro.boards import load_board
from micro.compiler import compile_model
from micro.model import load_model
from micro.speech import board as speech_board
from micro.speech import frontend, tuning
from micro.speech.wav import read_wav

ROOT = Path(__file__).resolve().parents[2]

Ref = Callable[[str], Path]
SPEECH = "tflm/micro_speech"
CLIPS = ("yes", "no", "silence", "noise")
EXPECTED = {"yes": ["yes"], "no": ["no"], "silence": [], "noise": []}
RECOGNIZER_C = ROOT / "firmware" / "speech" / "src" / "speech_recognizer.c"


# -- the C recognizer against recognizer.py, on the host ------------------------------------


class Config(ctypes.Structure):
    _fields_ = [
        ("n_labels", ctypes.c_uint32),
        ("commands", ctypes.c_uint32),
        ("zero_point", ctypes.c_int32),
        ("window", ctypes.c_uint32),
        ("suppression", ctypes.c_uint32),
        ("min_results", ctypes.c_uint32),
        ("threshold_num", ctypes.c_int64 * 8),  # SPEECH_MAX_LABELS
        ("threshold_den", ctypes.c_int64),
    ]


class Detected(ctypes.Structure):
    _fields_ = [
        ("label", ctypes.c_uint32),
        ("sum", ctypes.c_int32),
        ("count", ctypes.c_uint32),
        ("time", ctypes.c_uint32),
    ]


@pytest.fixture(scope="module")
def c_recognizer(tmp_path_factory: pytest.TempPathFactory) -> ctypes.CDLL:
    """speech_recognizer.c built for the host, with the firmware's strict flags."""
    require_tools("gcc")
    lib = tmp_path_factory.mktemp("recognizer") / "librecognizer.so"
    subprocess.run(
        ["gcc", "-std=c99", "-pedantic", "-Wall", "-Wextra", "-Werror", "-Wconversion",
         "-O2", "-shared", "-fPIC", "-o", str(lib), str(RECOGNIZER_C)],
        check=True,
    )  # fmt: skip
    return ctypes.CDLL(str(lib))


def _c_detections(
    lib: ctypes.CDLL, settings: speech_board.Settings, stream: np.ndarray, every: int
) -> list[tuple[str, float, float]]:
    """The C recognizer on int8 scores (scale 1/256, zero point -128), one result every
    `every` 20 ms strides: (label, average, time in s) per report."""
    n_labels = stream.shape[1]
    values = [Fraction(t).limit_denominator(10**6) * 256 for t in settings.label_thresholds()]
    den = math.lcm(*(v.denominator for v in values))  # independent of the host's arithmetic
    nums = (ctypes.c_int64 * 8)(*(int(v * den) for v in values))
    config = Config(
        n_labels, 0b1100, -128,
        speech_board.samples(settings.window, 16000),
        speech_board.samples(settings.suppression, 16000),
        settings.min_results, nums, den,
    )  # fmt: skip
    state = ctypes.create_string_buffer(8192)  # >= sizeof(speech_recognizer_t)
    assert lib.speech_recognizer_init(state, ctypes.byref(config)) == 1
    out = []
    detection = Detected()
    for i, scores in enumerate(stream):
        time = 480 + 320 * every * i
        row = (ctypes.c_int8 * n_labels)(*scores.tolist())
        if lib.speech_recognizer_update(state, row, ctypes.c_uint32(time), ctypes.byref(detection)):
            assert detection.time == time
            average = detection.sum / (256 * detection.count)
            out.append((settings.labels[detection.label], average, detection.time / 16000))
    return out


def _py_detections(
    settings: speech_board.Settings, stream: np.ndarray, every: int
) -> list[tuple[str, float, float]]:
    r = settings.recognizer()
    out = []
    for i, scores in enumerate(stream):
        d = r.update((scores.astype(np.float64) + 128) / 256, (480 + 320 * every * i) / 16000)
        if d is not None:
            out.append((d.label, d.score, d.time))
    return out


def _assert_same(c: list[tuple[str, float, float]], py: list[tuple[str, float, float]]) -> None:
    assert [(label, round(time * 16000)) for label, _, time in c] == [
        (label, round(time * 16000)) for label, _, time in py
    ]
    for (_, a, _), (_, b, _) in zip(c, py, strict=True):
        assert a == pytest.approx(b, abs=1e-12)


@pytest.mark.parametrize("seed", range(40))
def test_c_recognizer_matches_python_on_random_streams(
    c_recognizer: ctypes.CDLL, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    every = int(rng.integers(1, 4))
    thresholds = [0.5, 0.6015625, 0.75, 0.8, 0.85]
    settings = speech_board.Settings(
        window=float(rng.choice([0.1, 0.2, 0.5, 0.8, 1.0])),
        threshold=float(rng.choice(thresholds)),
        suppression=float(rng.choice([0.0, 0.2, 0.5, 1.0, 1.5])),
        min_results=int(rng.integers(1, 5)),
        # half the streams hold "yes" or "no" to a threshold of its own
        thresholds={str(rng.choice(["yes", "no"])): float(rng.choice(thresholds))}
        if seed % 2
        else {},
    )
    # Scores from a few levels, in runs, so averages often land exactly on the threshold and
    # windows and suppression end exactly on a result.
    levels = np.array([-128, -77, 0, 76, 77, 127], np.int8)
    stream = []
    while len(stream) < 300:
        stream += [levels[rng.integers(0, len(levels), 4)]] * int(rng.integers(1, 30))
    scores = np.array(stream[:300], np.int8)
    py = _py_detections(settings, scores, every)
    _assert_same(_c_detections(c_recognizer, settings, scores, every), py)


@pytest.mark.parametrize("window", tuning.WINDOWS)
def test_c_recognizer_matches_python_on_every_setting_the_tuning_chooses(
    c_recognizer: ctypes.CDLL, window: float
) -> None:
    """Each window and min_results ``tuning.choose_recognizer`` may write to a card (the longest
    holds 60 of the firmware's 64 results), with bars of the tuning grid, run every step."""
    rng = np.random.default_rng(int(window * 10))
    levels = np.array([-128, -77, 0, 76, 77, 127], np.int8)
    stream: list[np.ndarray] = []
    while len(stream) < 400:
        stream += [levels[rng.integers(0, len(levels), 4)]] * int(rng.integers(1, 40))
    scores = np.array(stream[:400], np.int8)
    spoke = 0
    for least in tuning.MIN_RESULTS:
        settings = speech_board.Settings(
            window=window,
            min_results=least,
            thresholds={w: float(rng.choice(tuning.GRID)) for w in ("yes", "no")},
        )
        py = _py_detections(settings, scores, 1)
        _assert_same(_c_detections(c_recognizer, settings, scores, 1), py)
        spoke += len(py)
    assert spoke  # the stream makes the recognizer speak


def test_c_recognizer_matches_python_on_the_clips(
    c_recognizer: ctypes.CDLL, reference: Ref
) -> None:
    """The score streams TFLM's model gives for its four clips, one after the other."""
    model = reference(f"{SPEECH}/micro_speech_quantized.tflite").read_bytes()
    clips = [(c, read_wav(reference(f"{SPEECH}/testdata/{c}_1000ms.wav"))) for c in CLIPS]
    scores = [
        np.frombuffer(s.scores[f], np.int8)
        for s in speech_board.host_streams(model, clips)
        for f in sorted(s.scores)
    ]
    stream = np.array(scores)
    for settings in (  # the four clips back to back: both words are heard at each of these
        speech_board.Settings(window=0.5, threshold=0.82),
        speech_board.Settings(window=1.0, threshold=0.6, suppression=0.3, min_results=3),
        speech_board.Settings(window=0.7, threshold=0.6, thresholds={"yes": 0.95, "no": 0.7}),
    ):
        py = _py_detections(settings, stream, 1)
        assert {label for label, _, _ in py} == {"yes", "no"}
        _assert_same(_c_detections(c_recognizer, settings, stream, 1), py)


# -- on the emulated Cortex-M4F -------------------------------------------------------------


M4fRun = tuple[speech_board.Run, list[speech_board.Stream], speech_board.Bundle, firmware.Build]
DATA = ROOT / "micro" / "speech" / "data"
DEMO = {"demo_yes.wav": ["yes"], "demo_no.wav": ["no"], "demo_silence.wav": []}


def _board_and_host(
    model: bytes, bundled: list[tuple[str, np.ndarray]], files: list[Path], project: Path
) -> M4fRun:
    """The firmware on the emulated M4F: `bundled` compiled in (C arrays), then `files`
    streamed in as host .wav files (semihosting); and the host pipeline on the same clips."""
    board = load_board("mps2-an386")
    bundle = speech_board.export(model, board, project, bundled, trace=True)
    built = firmware.build(project, board)
    run = speech_board.run(bundle, built.elf, files)
    clips = [*bundled, *((f.name, read_wav(f)) for f in files)]
    return run, speech_board.host_streams(model, clips), bundle, built


def _assert_board_equals_host(run: speech_board.Run, host: list[speech_board.Stream]) -> None:
    assert run.status == 0, run.log
    assert [s.name for s in run.streams] == [s.name for s in host]
    for board, want in zip(run.streams, host, strict=True):
        assert board.frames == want.frames == (16000 + 8000 - 480) // 320 + 1
        assert board.features == want.features, f"{board.name}: feature rows differ"
        assert board.scores == want.scores, f"{board.name}: scores differ"
        assert [(d.label, d.time) for d in board.detections] == [
            (d.label, d.time) for d in want.detections
        ], board.name
        for got, expected in zip(board.detections, want.detections, strict=True):
            assert abs(got.score - expected.score) <= 0.0100001  # both rounded to 0.01
        # "heard nothing (mostly 'silence', 0.66 on average)": same label, same average
        assert board.summary.split(",")[0] == want.summary.split(",")[0], board.name
        if want.summary:
            got_average, want_average = (float(x.summary.split(", ")[1][:4]) for x in (board, want))
            assert abs(got_average - want_average) <= 0.0100001


@pytest.fixture(scope="module")
def own_model_run(toolchain: None, tmp_path_factory: pytest.TempPathFactory) -> M4fRun:
    """micro's own yes/no model with its demo clips compiled in and TFLM's four clips
    streamed in from the host."""
    files = [reference_path(f"{SPEECH}/testdata/{c}_1000ms.wav") for c in CLIPS]
    bundled = [(name, read_wav(DATA / name)) for name in DEMO]
    model = (DATA / "yes_no.tflite").read_bytes()
    return _board_and_host(model, bundled, files, tmp_path_factory.mktemp("speech-m4f"))


def test_own_model_on_the_m4f_equals_the_host(own_model_run: M4fRun) -> None:
    run, host, _, _ = own_model_run
    _assert_board_equals_host(run, host)
    assert {s.name: [d.label for d in s.detections] for s in host[: len(DEMO)]} == DEMO


@pytest.mark.slow
def test_tflm_model_on_the_m4f_equals_the_host(
    toolchain: None, reference: Ref, tmp_path: Path
) -> None:
    """TFLM's micro_speech model: two of its clips compiled in, two streamed in."""
    model = reference(f"{SPEECH}/micro_speech_quantized.tflite").read_bytes()
    paths = {c: reference(f"{SPEECH}/testdata/{c}_1000ms.wav") for c in CLIPS}
    bundled = [(f"{c}.wav", read_wav(paths[c])) for c in ("yes", "noise")]
    run, host, _, _ = _board_and_host(model, bundled, [paths["no"], paths["silence"]], tmp_path)
    _assert_board_equals_host(run, host)
    heard = {s.name.split("_")[0].split(".")[0]: [d.label for d in s.detections] for s in host}
    assert heard == EXPECTED


@pytest.mark.slow
def test_a_decoy_is_never_reported_on_the_m4f(toolchain: None, tmp_path: Path) -> None:
    """A model's decoys (`micro speech train --decoys`) are no commands in firmware either:
    the bundled model with "no" made a decoy hears nothing in the "no" clip, on the board as
    on the host, and both name the clip's mostly-"no" scores unknown."""
    model = (DATA / "yes_no.tflite").read_bytes()
    clips = [(name, read_wav(DATA / name)) for name in DEMO]
    settings = speech_board.Settings(decoys=("no",))
    board = load_board("mps2-an386")
    bundle = speech_board.export(model, board, tmp_path, clips, settings, trace=True)
    run = speech_board.run(bundle, firmware.build(tmp_path, board).elf)
    host = speech_board.host_streams(model, clips, settings)
    _assert_board_equals_host(run, host)
    heard = {s.name: [d.label for d in s.detections] for s in run.streams}
    assert heard == {"demo_yes.wav": ["yes"], "demo_no.wav": [], "demo_silence.wav": []}
    (no,) = [s for s in run.streams if s.name == "demo_no.wav"]
    assert no.summary.startswith("heard nothing (mostly 'unknown'")


def test_instructions_per_step(own_model_run: M4fRun) -> None:
    run, host, bundle, built = own_model_run
    assert len(run.steps) == sum(s.frames for s in host)
    assert [s.classified for s in run.steps[:74]] == [f >= 48 for f in range(74)]
    costs = speech_board.costs(run.steps)
    assert 0 < costs.recognizer < costs.features < costs.model
    assert all(s.model < 100 for s in run.steps if not s.classified)
    # issue 8: the bundled model fits every 20 ms step of a 64 MHz M4F (<= 1.0 M instructions)
    assert costs.model <= 1_000_000
    assert costs.total == max(s.total for s in run.steps) >= costs.features + costs.model // 2
    # Memory: both arenas as the host planned them, and what the image holds.
    assert (
        bundle.features_arena
        == micro.Interpreter.from_bytes(frontend.build_preprocessor()).arena_used_bytes()
    )
    # the model's arena keeps the optional scratch of its faster kernels (the board has room)
    board = load_board("mps2-an386")
    features = compile_model(load_model(frontend.build_preprocessor()))
    budget = speech_board.model_arena_budget(board, features)
    with_scratch = compile_model(
        load_model((DATA / "yes_no.tflite").read_bytes()), arena_budget=budget
    )
    assert bundle.model_arena == with_scratch.arena_bytes_needed
    assert (
        bundle.model_arena >= micro.Interpreter.from_file(DATA / "yes_no.tflite").arena_used_bytes()
    )
    assert built.sections[".bss"] >= bundle.features_arena + bundle.model_arena
    assert built.flash > bundle.features_program + bundle.model_program + bundle.clip_bytes


def test_nano33ble_build_links_the_pdm_microphone(toolchain: None, tmp_path: Path) -> None:
    """The Nano variant: same pipeline, the bundled clips, then its PDM microphone
    (boards/nano33ble/pdm.c: compiled and linked here, untested on hardware)."""
    board = load_board("nano33ble")
    clips = [(name, read_wav(DATA / name)) for name in DEMO]
    model = (DATA / "yes_no.tflite").read_bytes()
    speech_board.export(model, board, tmp_path, clips, speech_board.Settings(every=12))
    built = firmware.build(tmp_path, board)
    symbols = firmware.symbols(built.elf)
    assert {"micro_audio_open", "micro_audio_read", "pdm_handler", "main"} <= symbols.keys()
    assert built.flash <= board.flash_size and built.ram <= board.ram_size


def test_firmware_c_is_strict_c99(tmp_path: Path) -> None:
    """The speech firmware, the semihosting audio input and the Nano's PDM driver compile
    under the strictest flags (the platform builds port and board files with -Wall only)."""
    require_tools("arm-none-eabi-gcc")
    sources = [
        *sorted((ROOT / "firmware" / "speech" / "src").glob("*.c")),
        ROOT / "firmware" / "port" / "semihosting_audio.c",
        ROOT / "firmware" / "port" / "semihosting_stream.c",
        ROOT / "firmware" / "port" / "semihosting.c",
        ROOT / "boards" / "nano33ble" / "pdm.c",
    ]
    for source in sources:
        subprocess.run(
            ["arm-none-eabi-gcc", "-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard",
             "-mfpu=fpv4-sp-d16", "-std=c99", "-pedantic", "-Wall", "-Wextra", "-Werror",
             "-Wconversion", "-Wshadow", "-Os", "-DMICRO_BOARD=\"test\"",
             f"-I{ROOT / 'firmware' / 'port'}", f"-I{ROOT / 'firmware' / 'speech' / 'src'}",
             f"-I{ROOT / 'csrc' / 'include'}", "-c", str(source), "-o",
             str(tmp_path / (source.stem + ".o"))],
            check=True,
        )  # fmt: skip


def test_cli_refuses_what_a_board_cannot_do(
    reference: Ref, capsys: pytest.CaptureFixture[str]
) -> None:
    from micro.cli import main

    model = str(reference(f"{SPEECH}/micro_speech_quantized.tflite"))
    wav = str(reference(f"{SPEECH}/testdata/yes_1000ms.wav"))
    assert main(["speech", "--board", "mps2-an386", "--listen", "--model", model]) != 0
    assert "no microphone" in capsys.readouterr().err
    assert main(["speech", "--board", "nano33ble", wav, "--model", model]) != 0
    assert "cannot read host files" in capsys.readouterr().err


@pytest.mark.slow
def test_cli_runs_a_wav_file_on_the_m4f(
    toolchain: None, reference: Ref, capsys: pytest.CaptureFixture[str]
) -> None:
    from micro.cli import main

    model = reference(f"{SPEECH}/micro_speech_quantized.tflite")
    wav = reference(f"{SPEECH}/testdata/no_1000ms.wav")
    (host,) = speech_board.host_streams(model.read_bytes(), [(wav.name, read_wav(wav))])
    assert [d.label for d in host.detections] == ["no"]
    assert main(["speech", "--board", "mps2-an386", str(wav), "--model", str(model)]) == 0
    out = capsys.readouterr().out
    assert f"no_1000ms.wav: {host.detections[0]}\n" in out
    assert "instructions per 20 ms step on the Cortex-M4F: features " in out
    assert "1,280,000 cycles per 20 ms step" in out
