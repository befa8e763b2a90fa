"""`micro speech`: the yes/no demo on the host (a .wav file, the microphone, or bundled clips).

micro speech clip.wav [--plot run.png]     any PCM .wav: mono-mixed, resampled to 16 kHz
micro speech --listen [--seconds 10]       the default microphone (needs sounddevice)
micro speech --demo                        the bundled clips
micro speech --board mps2-an386 [FILE | --demo]   the whole pipeline in firmware (board.py)
"""

from __future__ import annotations

import argparse
import os
import sys
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import MicroError
from .pipeline import Listener
from .recognizer import LABELS, Recognizer
from .wav import SAMPLE_RATE, read_wav

BUNDLED_MODEL = "yes_no.tflite"
DEMO_CLIPS = ("demo_yes.wav", "demo_no.wav", "demo_silence.wav")
TAIL_SECONDS = 0.5  # silence appended to a file so a word at its very end is still heard


def data_file(name: str) -> Path | None:
    path = Path(str(resources.files("micro.speech") / "data" / name))
    return path if path.is_file() else None


def _model_path(args: argparse.Namespace) -> str:
    if args.model:
        return str(args.model)
    bundled = data_file(BUNDLED_MODEL)
    if bundled is None:
        raise MicroError(
            "no keyword model is bundled with this install yet; pass one with --model PATH "
            "(e.g. TFLM's micro_speech_quantized.tflite)"
        )
    return str(bundled)


def _listener(args: argparse.Namespace) -> Listener:
    recognizer = Recognizer(
        LABELS,
        window=args.window,
        threshold=args.threshold,
        suppression=args.suppression,
        min_results=1,
    )
    return Listener(_model_path(args), args.preprocessor, recognizer)


def _out(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def run_clip(listener: Listener, audio: np.ndarray, name: str) -> list[str]:
    """Run one clip (plus a short silent tail); print and return what was heard."""
    listener.reset()
    tail = np.zeros(int(TAIL_SECONDS * SAMPLE_RATE), np.int16)
    heard = listener.push(np.concatenate([audio, tail]))
    for d in heard:
        _out(f"{name}: {d}")
    if not heard:
        if listener.trace.scores:
            best = np.mean(listener.trace.scores, axis=0)
            k = int(np.argmax(best))
            _out(f"{name}: heard nothing (mostly '{LABELS[k]}', {best[k]:.2f} on average)")
        else:
            _out(f"{name}: heard nothing (the clip is shorter than one 30 ms window)")
    return [d.label for d in heard]


def cmd_speech(args: argparse.Namespace) -> int:
    if sum(bool(x) for x in (args.file, args.listen, args.demo)) != 1:
        raise MicroError("give exactly one of: a .wav FILE, --listen or --demo")
    if args.board:
        from .board import cmd_speech_board

        return cmd_speech_board(args, _model_path(args))
    listener = _listener(args)
    if args.demo:
        for clip in DEMO_CLIPS:
            path = data_file(clip)
            if path is None:
                raise MicroError(f"the demo clip {clip} is missing from this install")
            run_clip(listener, read_wav(path), clip)
    elif args.listen:
        listen(listener, args.seconds)
    else:
        run_clip(listener, read_wav(args.file), os.path.basename(args.file))
    if args.plot:
        from .plot import plot_trace

        plot_trace(listener.trace, LABELS, args.plot)
        _out(f"wrote {args.plot}")
    return 0


def listen(listener: Listener, seconds: float) -> None:
    """Stream the default microphone through the listener, printing detections."""
    try:
        import sounddevice
    except ImportError:
        raise MicroError(
            "--listen needs the sounddevice package (pip install sounddevice) and a microphone"
        ) from None
    try:
        device = sounddevice.query_devices(kind="input")
    except Exception as exc:
        raise MicroError(f"no microphone is available ({exc})") from None
    listener.reset()
    _out(f"listening on {device['name']} for {seconds:g} s (say 'yes' or 'no'; Ctrl-C stops)")
    block = listener.features.stride
    try:
        with sounddevice.InputStream(
            samplerate=SAMPLE_RATE, channels=1, dtype="int16", blocksize=block
        ) as stream:
            for _ in range(int(seconds * SAMPLE_RATE / block)):
                data, _overflow = stream.read(block)
                for d in listener.push(np.asarray(data, np.int16).reshape(-1)):
                    _out(str(d))
    except KeyboardInterrupt:
        pass
    except Exception as exc:
        raise MicroError(f"the microphone stopped: {exc}") from None


def add_speech_command(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "speech",
        help="the yes/no speech demo: a .wav file, the microphone or bundled clips",
        epilog="Retrain for other words: micro speech train --words WORD,WORD "
        "(needs pip install 'micro[train]' and Debian's espeak-ng, flite, festival).",
    )
    p.add_argument("file", nargs="?", help="a PCM .wav file (any rate, width and channels)")
    p.add_argument("--listen", action="store_true", help="listen to the default microphone")
    p.add_argument("--seconds", type=float, default=10.0, help="how long --listen listens")
    p.add_argument("--demo", action="store_true", help="run the bundled demo clips")
    p.add_argument("--model", help="keyword model .tflite (default: the bundled yes/no model)")
    p.add_argument("--preprocessor", help="audio preprocessor .tflite (default: micro's own)")
    p.add_argument("--plot", metavar="FILE.png", help="draw the features and scores over time")
    p.add_argument("--board", help="run the pipeline in firmware on this board (see boards/)")
    p.add_argument(
        "--every",
        type=int,
        help="with --board: run the model every N steps of 20 ms (default: every step on an "
        "emulated board; on a real one, as often as real time allows, measured on the "
        "emulated twin)",
    )
    p.add_argument("--threshold", type=float, default=0.8, help="averaged score to report")
    p.add_argument("--window", type=float, default=0.5, help="seconds of scores averaged")
    p.add_argument(
        "--suppression",
        type=float,
        default=1.0,
        help="seconds after a report in which nothing more is reported",
    )
    p.set_defaults(func=cmd_speech)
