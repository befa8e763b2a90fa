"""`micro speech train`: retrain the keyword model (micro/speech/train.py does the work)."""

from __future__ import annotations

import argparse
import importlib.util
import logging
import shutil
import sys
from collections.abc import Callable, Sequence

from ..speech import realdata, teachers, train, tuning
from ..speech.network import Shape, parse_pair
from . import options
from .output import out


def _text(pair: tuple[int, int]) -> str:
    return f"{pair[0]},{pair[1]}"


def _pair(what: str) -> Callable[[str], tuple[int, int]]:
    """An argparse type for a (time, frequency) pair of the first convolution."""

    def parse(text: str) -> tuple[int, int]:
        try:
            return parse_pair(text, what)
        except ValueError as e:
            raise argparse.ArgumentTypeError(str(e)) from None

    return parse


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--words", default="yes,no", help="comma-separated keywords (default yes,no)")
    p.add_argument(
        "--decoys",
        metavar="WORDS",
        help="comma-separated words the model learns as classes of their own but never "
        "reports (e.g. go,down,left: the other words it takes for a keyword); each trains from "
        "the recorded clips --data holds of it (as many copies as --unknown-copies), never "
        "synthetic speech (synthesizing more words makes training far slower), and leaves "
        "the unknown class; the recognizer (host, "
        "board, tuning, evaluation) treats a decoy's score as unknown's; the card lists them",
    )
    p.add_argument(
        "--out",
        help="output .tflite (default WORD_WORD.tflite); a .json report is written beside it",
    )
    p.add_argument(
        "--cache",
        default=".cache/micro-speech",
        help="where synthesized audio and features are cached",
    )
    p.add_argument("--epochs", type=int, default=20)
    p.add_argument(
        "--channels",
        default=str(Shape()),
        help="channels of the first convolution, then of each depthwise-separable block",
    )
    p.add_argument(
        "--first-kernel",
        type=_pair("--first-kernel"),
        default=Shape.first_kernel,
        metavar="T,F",
        help="the first convolution's kernel in frames (time) and channels (frequency) "
        f"(default {_text(Shape.first_kernel)})",
    )
    p.add_argument(
        "--first-stride",
        type=_pair("--first-stride"),
        default=Shape.first_stride,
        metavar="T,F",
        help="the first convolution's stride in frames and channels (default "
        f"{_text(Shape.first_stride)}); a smaller "
        "frequency stride keeps finer frequency detail for the blocks at more instructions "
        "per inference (measure with `micro speech --board`)",
    )
    p.add_argument(
        "--data",
        metavar="DIR",
        action="append",
        default=[],
        help="recorded speech in the Speech Commands layout (DIR/<word>/<speaker>_nohash_<n>.wav;"
        " repeatable: a recording an earlier DIR holds under the same name counts once)",
    )
    p.add_argument(
        "--reserved",
        metavar="FILE",
        help="speaker hashes never to use, one a line (../shared/speech/reserved_speakers.txt)",
    )
    p.add_argument(
        "--noise",
        metavar="DIR",
        action="append",
        default=[],
        help="a folder of recorded noise .wav files (repeatable); split by file name",
    )
    p.add_argument(
        "--speech",
        metavar="DIR",
        action="append",
        default=[],
        help="a folder of other recorded speech .wav files for the unknown class (repeatable; "
        "the loudest second of each file of its training share: a share of its speakers, else "
        "of its subfolders, is held out for the card's false alarms)",
    )
    p.add_argument(
        "--hard-negatives",
        metavar="TFLITE",
        help="a trained model whose false alarms become unknown examples: it listens to the "
        "train side's other words and other speech on its noise, and every window it takes "
        "for a keyword joins the training set (the card records its SHA-256)",
    )
    p.add_argument(
        "--teacher",
        metavar="TFLITE",
        action="append",
        default=[],
        help="a trained int8 model of the same labels whose probabilities on each training "
        "example, averaged over the teachers (repeatable), are mixed into the targets "
        "(distillation; micro/speech/teachers.py; the card records each one's SHA-256)",
    )
    p.add_argument(
        "--distill-weight",
        type=float,
        default=teachers.DEFAULT_WEIGHT,
        help="with --teacher: the teachers' share of each target, the label's the rest "
        f"(default {teachers.DEFAULT_WEIGHT:g})",
    )
    p.add_argument(
        "--mine-threshold",
        type=float,
        default=0.5,
        help="keyword score at which --hard-negatives keeps a window (default 0.5)",
    )
    p.add_argument(
        "--mine-repeats",
        type=int,
        metavar="N",
        help="augmented copies of each train-side keyword clip --hard-negatives lays into its "
        "streams, whose whole-word windows train as the keyword (default 8); fewer keep the "
        "model from taking the training noise bed itself for a keyword",
    )
    p.add_argument(
        "--mine-skip",
        metavar="WORDS",
        help="recorded words (comma-separated, e.g. go,down,left) --hard-negatives does not "
        "stream: near-rhymes of a keyword whose windows, mined as unknown, would teach the "
        "model to reject the keyword too; their clips still train as unknown",
    )
    p.add_argument(
        "--keyword-copies",
        type=int,
        default=16,
        help="augmented copies of each recorded keyword clip (default 16)",
    )
    p.add_argument(
        "--unknown-copies",
        type=options.nonnegative_int,
        default=realdata.RealConfig.unknown_copies,
        metavar="N",
        help="augmented copies of each recorded other-word clip, the unknown class "
        f"(default {realdata.RealConfig.unknown_copies}); fewer keep feature building short "
        "when further --data folders bring many other words; 0: recorded other words do not "
        "train",
    )
    p.add_argument(
        "--speech-copies",
        type=int,
        default=1,
        help="augmented copies of each --speech file's loudest second (default 1)",
    )
    p.add_argument(
        "--speed-change",
        type=float,
        default=0.0,
        help="play 80%% of the recorded clips' copies up to this fraction faster or slower, "
        "e.g. 0.12 (default 0: as recorded)",
    )
    p.add_argument(
        "--low-snr",
        type=options.share,
        default=0.0,
        metavar="SHARE",
        help="mix this share of the recorded clips' copies (keywords and other words) with "
        f"noise at {realdata.LOW_SNR_DB[0]:g}..{realdata.LOW_SNR_DB[1]:g} dB SNR, the keyword "
        "stream's low range, instead of 0..30 dB (default 0)",
    )
    p.add_argument(
        "--edge",
        type=options.share,
        default=0.0,
        metavar="SHARE",
        help="put the word onset of this share of the recorded clips' copies (keywords and "
        "other words) in the window's first 0.2 s or at 0.6-0.8 s, as a stream's model sees "
        "a word leave or come, instead of a shift of up to 1/6 s (default 0)",
    )
    p.add_argument(
        "--frame-shift",
        type=int,
        default=0,
        metavar="FRAMES",
        help="each epoch, move every training example's feature frames by a new random "
        "offset of up to FRAMES either way (default 0: as cached)",
    )
    p.add_argument(
        "--average-last",
        type=int,
        default=0,
        metavar="EPOCHS",
        help="end with the mean of the weights at the end of each of the last EPOCHS epochs, "
        "batch-norm statistics recomputed on the training examples (default 0: the last "
        "weights)",
    )
    p.add_argument(
        "--balance",
        action="store_true",
        help="weight the classes by the inverse of their number of training examples",
    )
    p.add_argument(
        "--sources",
        default="synthetic,recorded",
        help="what to train on: synthetic, recorded or both (validation is always recorded)",
    )
    p.add_argument(
        "--validation-fraction",
        type=float,
        default=0.3,
        help="share of the recorded speakers (and noise files) kept for validation",
    )
    p.add_argument(
        "--tuning-fraction",
        type=float,
        default=0.0,
        help="share of the train side's speakers (and other-speech groups) held out of "
        "training for a tuning stream, on which each keyword's bar is chosen (the card's "
        "recognizer thresholds; micro/speech/tuning.py); 0: none, the demo's bar",
    )
    p.add_argument(
        "--tune-budget",
        type=float,
        default=1.0,
        help="with --tune-rule budget: false alarms an hour each keyword may raise on the "
        "tuning stream (the rule: the lowest bar that keeps within it)",
    )
    p.add_argument(
        "--tune-rule",
        choices=tuning.RULES,
        default="score",
        help="how each keyword's bar is chosen on the tuning stream: score = the most hits "
        "less --alarm-cost x false alarms (default); budget = the lowest bar within "
        "--tune-budget",
    )
    p.add_argument(
        "--alarm-cost",
        type=float,
        default=tuning.ALARM_COST,
        help=f"missed keywords one false alarm weighs in --tune-rule score (default "
        f"{tuning.ALARM_COST:g})",
    )
    p.add_argument(
        "--tuning-passes",
        type=int,
        default=tuning.PASSES,
        help=f"times the tuning part is laid in the tuning stream, each pass in a new order "
        f"on new noise (default {tuning.PASSES})",
    )
    p.add_argument(
        "--no-rhymes",
        dest="rhymes",
        action="store_false",
        help="leave the keywords' near-rhymes out of the synthetic unknown words",
    )
    p.add_argument(
        "--drop-unknown",
        metavar="WORDS",
        help="comma-separated synthetic unknown words whose training clips are left out (an "
        "ablation: the cached features minus theirs, nothing else changes)",
    )
    p.add_argument(
        "--confuser-weight",
        metavar="WORD=W,...",
        help="weigh each augmented copy of these recorded other words W times in the loss, "
        "e.g. go=3,left=3: the words a model takes for a keyword (default: all 1)",
    )
    p.add_argument("--seed", type=int, default=1234)
    p.add_argument(
        "--train-seed",
        type=int,
        help="seed of the network's initial weights, example order and masks only, the data "
        "as --seed makes it (default: --seed); trains the same data again to measure the "
        "spread between runs",
    )
    p.add_argument("--jobs", type=int, default=2, help="parallel synthesizer processes")
    p.add_argument("--rebuild", action="store_true", help="recompute cached features")
    p.add_argument(
        "--frontend-model",
        metavar="TFLITE",
        help="compute features by running this preprocessor .tflite in TFLM's "
        "interpreter instead of micro's front end (a cross-check)",
    )


def cmd_train(args: argparse.Namespace) -> int:
    report = train.run(args)
    out(f"wrote {args.out or 'the model'} ({report['size_bytes']:,} B)")
    if "held_out_accuracy" in report:
        acc = report["held_out_accuracy"]
        per = ", ".join(f"{k} {v['accuracy']:.1%}" for k, v in acc["per_class"].items())
        out(f"held-out synthetic voices: {acc['accuracy']:.1%} ({per})")
    for word, where in report["sources"]["keywords"].items():
        out(f"'{word}': {where}")
    for word, where in report["sources"].get("decoys", {}).items():
        out(f"'{word}' (decoy, never reported): {where}")
    if "tuning" in report:
        tune = report["tuning"]
        bars = ", ".join(f"{w} {t:g}" for w, t in tune["thresholds"].items())
        got = ", ".join(
            f"{w} {v['hits']}/{v['total']} heard, {v['alarms']} alarms"
            for w, v in tune["at_chosen"].items()
        )
        out(f"bars chosen on the tuning stream ({tune['stream_minutes']} min): {bars} ({got})")
        out(f"with a {tune['window_s']:g} s window and min_results {tune['min_results']}")
    if "validation_speakers" in report:
        val = report["validation_speakers"]
        rows = ", ".join(f"{k} {v['right']}/{v['total']}" for k, v in val["demo"].items())
        alarms = val["false_alarms"]
        out(f"validation speakers, as the demo hears them: {rows}")
        out(
            f"false alarms: {alarms['count']} in {alarms['minutes']} min "
            f"({alarms['per_hour']} per hour)"
        )
        stream = val["keywords_in_a_stream"]
        out(f"keywords in a stream: {stream['heard']}/{stream['total']} ({stream['stray']} stray)")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="micro speech train", description=(train.__doc__ or "").split("\n")[0]
    )
    add_arguments(parser)
    args = parser.parse_args(argv)
    missing = [m for m in ("tensorflow", "keras") if importlib.util.find_spec(m) is None]
    missing += [t for t in ("espeak-ng", "flite", "festival") if shutil.which(t) is None]
    if missing:
        print(
            f"error: training needs {', '.join(missing)}: pip install 'micro[train]' and "
            "apt-get install espeak-ng flite festival festvox-kallpc16k festvox-kdlpc16k "
            "festvox-us-slt-hts",
            file=sys.stderr,
        )
        return 2
    logging.basicConfig(level=logging.INFO)
    return cmd_train(args)
