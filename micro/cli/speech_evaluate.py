"""`micro speech evaluate`: a keyword model on recorded speakers, as the demo hears them
(micro/speech/evaluate.py measures)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from ..speech import corpus, evaluate
from ..speech.bundled import model_decoys, model_labels, model_recognizer, model_thresholds
from .output import emit_json, out


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="micro speech evaluate",
        description="A keyword model on recorded speakers, as the demo hears them.",
    )
    p.add_argument(
        "--model",
        required=True,
        help="keyword model .tflite (its labels and decoys from its card, else the demo's)",
    )
    p.add_argument("--data", required=True, help="recorded speech, Speech Commands layout")
    p.add_argument("--reserved", required=True, help="the reserved speakers' hashes")
    p.add_argument(
        "--speakers",
        choices=("reserved", "validation"),
        default="reserved",
        help="the reserved speakers (held out: report, never tune) or the validation ones",
    )
    p.add_argument("--validation-fraction", type=float, default=0.3)
    p.add_argument(
        "--noise",
        metavar="DIR",
        action="append",
        default=[],
        help="recorded noise folders (with --speakers validation: their validation files)",
    )
    p.add_argument(
        "--speech",
        metavar="DIR",
        action="append",
        default=[],
        help="other recorded speech (wake words, digits): its held-out share (speakers, else "
        "wake-word folders, split as --validation-fraction; training never reads it) is laid "
        "among the other words for the false alarms",
    )
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument(
        "--threshold",
        metavar="WORD=BAR",
        action="append",
        default=[],
        help="a bar for a word instead of the model card's (repeatable; default: the card's "
        "recognizer.thresholds, else the demo's bar)",
    )
    args = p.parse_args(argv)
    bars = model_thresholds(args.model)
    for given in args.threshold:
        word, _, bar = given.partition("=")
        try:
            bars[word.strip()] = float(bar)
        except ValueError:
            p.error(f"--threshold {given!r}: give WORD=BAR, e.g. no=0.75")
    result, rows, hours = evaluate.speakers_report(
        Path(args.model).read_bytes(),
        args.data,
        corpus.read_reserved(args.reserved),
        args.speakers,
        args.validation_fraction,
        args.noise,
        args.speech,
        bars,
        **model_recognizer(args.model),  # the card's window and min_results, if any
        labels=model_labels(args.model),  # the card's labels and decoys, if any
        decoys=model_decoys(args.model),
    )
    if args.json:
        emit_json(result)
        return 0
    alarms = result["false_alarms"]["count"]
    heard_as = ", ".join(f"{w} at {t:g}" for w, t in bars.items()) or "the demo's bar"
    who = f"{result['count']} {args.speakers} speakers"
    out(f"{who}, as `micro speech FILE` hears them ({heard_as}):")
    for k, r in rows.items():
        out(f"  {k:<12} {r.right}/{r.total} ({r.rate:.1%})")
    per_hour = alarms / hours if hours else 0.0
    out(
        f"  false alarms {alarms} in {hours * 60:.1f} min of other speech on recorded "
        f"noise ({per_hour:.1f} per hour)"
    )
    for source, row in result["false_alarms"]["by_source"].items():
        said = ", ".join(f"{w} {n}" for w, n in row.get("words", {}).items())
        said = f" ({said})" if said else ""
        out(f"    {source:<12} {row['count']} in {row['minutes']:.1f} min{said}")
        for group, tally in row.get("groups", {}).items():
            out(f"      {group}: {', '.join(f'{w} {n}' for w, n in tally.items())}")
    return 0
