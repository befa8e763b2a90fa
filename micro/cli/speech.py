"""`micro speech`: the yes/no demo on the host (a .wav file, the microphone, the bundled
clips) or in firmware on a board (speech_board.py); `micro speech train` retrains it."""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from typing import Any

from ..errors import MicroError
from ..speech.bundled import (
    demo_clips,
    model_decoys,
    model_labels,
    model_path,
    model_recognizer,
    model_thresholds,
)
from ..speech.pipeline import (
    DEMO_SUPPRESSION,
    DEMO_THRESHOLD,
    DEMO_WINDOW,
    Listener,
    heard_nothing,
)
from ..speech.recognizer import Recognizer, ignored
from ..speech.wav import read_wav
from . import speech_board
from .options import positive_int
from .output import note, out


def train_main(argv: Sequence[str]) -> int:
    from . import speech_train  # TensorFlow and the synthesizers load only for training

    return speech_train.main(list(argv))


def _run_clip(listener: Listener, name: str, audio: Any, decoys: Sequence[str]) -> None:
    heard = listener.run_clip(audio)
    for d in heard:
        out(f"{name}: {d}")
    if not heard:
        out(f"{name}: {heard_nothing(listener.trace.scores, listener.model.labels, decoys)}")


def cmd_speech(args: argparse.Namespace) -> int:
    if sum(bool(x) for x in (args.file, args.listen, args.demo)) != 1:
        raise MicroError("give exactly one of: a .wav FILE, --listen or --demo")
    if args.board:
        return speech_board.cmd_speech_board(args)
    model = model_path(args.model)
    labels = model_labels(model)  # a retrained model's words, from its card
    decoys = model_decoys(model)  # labels never reported, from its card
    tuned = model_recognizer(model)  # the window and min_results of the card, if any
    recognizer = Recognizer(
        labels,
        window=args.window if args.window is not None else tuned.get("window", DEMO_WINDOW),
        threshold=args.threshold,
        suppression=args.suppression,
        min_results=tuned.get("min_results", 1),
        ignore=ignored(decoys),
        thresholds=model_thresholds(model),  # a bar per word from the model's card, if any
    )
    listener = Listener(model, args.preprocessor, recognizer, labels)
    if args.demo:
        for name, audio in demo_clips():
            _run_clip(listener, name, audio, decoys)
    elif args.listen:
        from ..speech.microphone import input_device, listen

        device = input_device()
        out(f"listening on {device} for {args.seconds:g} s (say 'yes' or 'no'; Ctrl-C stops)")
        for detection in listen(listener, args.seconds):
            out(str(detection))
    else:
        _run_clip(listener, os.path.basename(args.file), read_wav(args.file), decoys)
    if args.plot:
        from ..speech.plot import plot_trace

        plot_trace(listener.trace, labels, args.plot)
        note(f"wrote {args.plot}")
    return 0


def add_commands(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "speech",
        help="the yes/no speech demo: a .wav file, the microphone or bundled clips",
        epilog="Retrain for other words: micro speech train --words WORD,WORD "
        "(needs pip install 'micro[train]' and Debian's espeak-ng, flite, festival).",
    )
    p.add_argument("file", nargs="?", help="a PCM .wav file (any rate, width and channels)")
    p.add_argument(
        "--listen",
        action="store_true",
        help="listen to the default microphone (needs micro[audio])",
    )
    p.add_argument("--seconds", type=float, default=10.0, help="how long --listen listens")
    p.add_argument("--demo", action="store_true", help="run the bundled demo clips")
    p.add_argument("--model", help="keyword model .tflite (default: the bundled yes/no model)")
    p.add_argument("--preprocessor", help="audio preprocessor .tflite (default: micro's own)")
    p.add_argument(
        "--plot",
        metavar="FILE",
        help="draw the features and scores over time (.png, .svg or .pdf; needs micro[plot])",
    )
    p.add_argument("--board", help="run the pipeline in firmware on this board (see boards/)")
    p.add_argument(
        "--every",
        type=positive_int,
        help="with --board: run the model every N steps of 20 ms (default: every step on an "
        "emulated board; on a real one, as often as real time allows, measured on the "
        "emulated twin)",
    )
    p.add_argument(
        "--threshold",
        type=float,
        default=DEMO_THRESHOLD,
        help="averaged score to report (for the words whose bar the model's card does not set)",
    )
    p.add_argument(
        "--window",
        type=float,
        help="seconds of scores averaged (default: the model card's recognizer.window_s, else "
        f"{DEMO_WINDOW:g})",
    )
    p.add_argument(
        "--suppression",
        type=float,
        default=DEMO_SUPPRESSION,
        help="seconds after a report in which nothing more is reported",
    )
    p.set_defaults(func=cmd_speech)
