"""Recorded speech for training: a folder in the Speech Commands layout, minus reserved speakers.

    DIR/<word>/<speaker>_nohash_<n>.wav          one folder per word
    DIR/_unknown_/<word>_<speaker>_nohash_<n>.wav[.wav]   (the test partition's mixed folder)

The rules the training code enforces (and tests check):

- a file whose name holds a reserved speaker's hash is never used, whatever its folder;
- Speech Commands' ``_background_noise_`` and ``_silence_`` folders are never read;
- TFLM's ``yes_1000ms.wav`` and ``no_1000ms.wav`` are test clips, never training data;
- the pool is split into train and validation by *speaker* (a hash of the speaker id), so no
  voice is on both sides;
- with a tuning fraction, the train side's speakers are split once more (another hash): a
  *tuning* part, which training never reads, is where the recognizer's bar per word is chosen
  (``tuning_split``; the other speech's training share likewise, ``speech_tuning_split``).

Further copies of parts of Speech Commands (a second ``--data DIR`` and on) join the same pool:
the split is a pure function of the speaker id, so a speaker's clips in any folder land on the
same side, and a reserved speaker is dropped from every folder. A folder may say where it came
from in a ``SOURCE.json`` beside its word folders (``source_info``): the model card credits it.

Noise recordings (any folder of .wav files) are split the same way, by file name. Other
speech (any folder of .wav files: wake words, digits, ...) is split by speaker, else by
subfolder (``speech_split``): its training share only widens the *unknown* class of the
train side (its loudest second is the clip, ``load_speech``), its held-out share is where
false alarms are counted.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from .wav import AudioError, read_wav

log = logging.getLogger(__name__)

#: Folders that hold no training speech (Speech Commands' noise and its silence clips).
RESERVED_FOLDERS = frozenset({"_background_noise_", "_silence_"})
#: TFLM's micro_speech test clips: evaluation only.
TEST_ONLY_FILES = frozenset({"yes_1000ms.wav", "no_1000ms.wav"})

_NAME = re.compile(
    r"^(?:(?P<word>[a-z]+)_)?(?P<speaker>[0-9a-f]{8})_nohash_(?P<n>\d+)\.wav(?:\.wav)?$"
)


@dataclass(frozen=True, order=True)
class Clip:
    """One recording: its word, its speaker's hash and its path."""

    word: str
    speaker: str
    path: Path
    source: str = ""  # the folder's name when the clip comes from a further copy (scan_many)

    @property
    def name(self) -> str:
        """The path relative to the data set's folder (how the training list names it),
        after the folder's own name for a further copy."""
        return "/".join(p for p in (self.source, self.path.parent.name, self.path.name) if p)

    @property
    def key(self) -> str:
        """``<word>/<speaker>_nohash_<n>``: Speech Commands names a recording the same in
        every copy and partition (and in the test partition's mixed folder)."""
        match = _NAME.match(self.path.name)
        take = match["n"] if match else self.path.stem
        return f"{self.word}/{self.speaker}_nohash_{take}"


def read_reserved(path: str | os.PathLike[str]) -> frozenset[str]:
    """Speaker hashes from a text file: one per line, ``#`` starts a comment."""
    hashes = set()
    for line in Path(path).read_text().splitlines():
        text = line.split("#", 1)[0].strip()
        if text:
            hashes.add(text.lower())
    return frozenset(hashes)


def is_reserved(file_name: str, reserved: Iterable[str]) -> bool:
    """The rule as the issue states it: the file's name holds a reserved hash."""
    lowered = file_name.lower()
    return lowered in TEST_ONLY_FILES or any(h in lowered for h in reserved)


def scan(root: str | os.PathLike[str], reserved: Iterable[str] = ()) -> list[Clip]:
    """Every usable clip under ``root`` (sorted), reserved speakers and folders left out."""
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"{root}: no such folder (expected DIR/<word>/<file>.wav)")
    reserved = frozenset(reserved)
    clips, dropped = [], 0
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        if folder.name in RESERVED_FOLDERS:
            continue
        for path in sorted(folder.iterdir()):
            match = _NAME.match(path.name)
            if match is None:
                continue
            if is_reserved(path.name, reserved):
                dropped += 1
                continue
            word = match["word"] or folder.name
            if folder.name.startswith("_") and not match["word"]:
                continue  # a mixed folder's file that does not say its word
            clips.append(Clip(word, match["speaker"], path))
    log.info("%s: %d clips, %d of reserved speakers left out", root, len(clips), dropped)
    return clips


def scan_many(roots: Sequence[str | os.PathLike[str]], reserved: Iterable[str] = ()) -> list[Clip]:
    """``scan`` of several folders (copies of parts of the data set), each recording once: a
    clip whose ``key`` an earlier folder holds is left out. Clips of the second and later
    folders carry the folder's name (``Clip.source``)."""
    reserved = frozenset(reserved)
    seen: set[str] = set()
    clips: list[Clip] = []
    for i, root in enumerate(roots):
        repeated = 0
        for clip in scan(root, reserved):
            if clip.key in seen:
                repeated += 1
                continue
            seen.add(clip.key)
            clips.append(clip if i == 0 else replace(clip, source=Path(root).name))
        if repeated:
            log.info("%s: %d clips already found in an earlier folder", root, repeated)
    return clips


#: A copy's own credit, beside its word folders: what the data set is, the repository it
#: came from, its commit(s) and licence (``source_info``).
SOURCE_FILE = "SOURCE.json"
#: The fields of ``SOURCE_FILE`` the model card takes (text, or a list of text for commits).
SOURCE_FIELDS = ("name", "source", "commit", "commits", "licence")


def source_info(root: str | os.PathLike[str]) -> dict[str, object]:
    """The credit a folder gives itself in ``SOURCE_FILE`` (only ``SOURCE_FIELDS``, only
    text or lists of text); {} when it has none, or none that can be read."""
    path = Path(root) / SOURCE_FILE
    if not path.is_file():
        return {}
    try:
        info = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        log.warning("%s: unreadable (%s); the folder is not credited", path, exc)
        return {}
    if not isinstance(info, dict):
        log.warning("%s: not a JSON object; the folder is not credited", path)
        return {}
    out: dict[str, object] = {}
    for key in SOURCE_FIELDS:
        value = info.get(key)
        if isinstance(value, str):
            out[key] = value
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            out[key] = list(value)
    return out


def listing(roots: Sequence[str | os.PathLike[str]]) -> list[tuple[str, str, int]]:
    """(folder, relative path, size) of every .wav file and ``SOURCE_FILE`` under the
    folders, sorted: what the pool is made of, to name cached features by."""
    out = []
    for root in map(Path, roots):
        if not root.is_dir():
            continue
        for path in root.rglob("*"):
            if path.is_file() and (path.suffix == ".wav" or path.name == SOURCE_FILE):
                out.append((str(root), str(path.relative_to(root)), path.stat().st_size))
    return sorted(out)


def _fraction(key: str, salt: str) -> float:
    digest = hashlib.sha1(f"{salt}:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2.0**64


def is_validation(speaker: str, fraction: float, salt: str = "micro-speech") -> bool:
    """Whether a speaker (or a noise file) belongs to the validation side: a pure function of
    its name, so the split never moves when files are added."""
    return _fraction(speaker, salt) < fraction


def split(clips: Sequence[Clip], fraction: float) -> tuple[list[Clip], list[Clip]]:
    """(train, validation) by speaker."""
    train = [c for c in clips if not is_validation(c.speaker, fraction)]
    validation = [c for c in clips if is_validation(c.speaker, fraction)]
    return train, validation


#: The salt of the second split (train side -> training part, tuning part): independent of
#: the train/validation split's, so the tuning speakers are a hash-random share of the train
#: side's.
TUNING_SALT = "micro-speech-tuning"


def is_tuning(name: str, fraction: float) -> bool:
    """Whether a train-side speaker (or other-speech group) is in the tuning part."""
    return fraction > 0 and _fraction(name, TUNING_SALT) < fraction


def tuning_split(train: Sequence[Clip], fraction: float) -> tuple[list[Clip], list[Clip]]:
    """(training part, tuning part) of the train side's clips, by speaker (``is_tuning``);
    with ``fraction`` 0 every clip stays in training."""
    tune = [c for c in train if is_tuning(c.speaker, fraction)]
    return [c for c in train if not is_tuning(c.speaker, fraction)], tune


def load(clips: Sequence[Clip], seconds: float = 1.0) -> list[np.ndarray]:
    """The clips' audio (16 kHz int16), each padded or cut to ``seconds``; an unreadable file
    is skipped with a warning (and its slot holds silence)."""
    n = round(seconds * 16000)
    out = []
    for clip in clips:
        audio = np.zeros(n, np.int16)
        try:
            samples = read_wav(clip.path)[:n]
            audio[: len(samples)] = samples
        except AudioError as exc:
            log.warning("skipped %s", exc)
        out.append(audio)
    return out


def noise_files(root: str | os.PathLike[str]) -> list[Path]:
    """The .wav files under ``root`` (any depth), sorted; none if it is absent."""
    root = Path(root)
    return sorted(root.rglob("*.wav")) if root.is_dir() else []


#: Free Spoken Digit Dataset names its speaker: ``<digit>_<speaker>_<n>.wav``.
_DIGITS = re.compile(r"^\d+_(?P<speaker>[a-z]+)_\d+\.wav$")


def speech_group(root: str | os.PathLike[str], path: Path) -> str:
    """Who a recording of other speech (``--speech``) is held out with: its speaker where the
    file name says it (FSDD's ``<digit>_<speaker>_<n>.wav``), else its first folder under
    ``root`` (Picovoice's wake-word benchmark names no speaker: one folder per wake word, so
    a held-out word is one training never heard, said by speakers it may have), else the file."""
    match = _DIGITS.match(path.name)
    if match:
        return match["speaker"]
    parts = path.relative_to(root).parts
    return parts[0] if len(parts) > 1 else path.stem


def speech_split(root: str | os.PathLike[str], fraction: float) -> tuple[list[Path], list[Path]]:
    """(training share, held-out share) of the .wav files under a folder of other speech, by
    ``speech_group`` (``is_validation``, as speakers are split): the held-out share is for
    counting false alarms only, and training never reads it (``training_speech``)."""
    files = noise_files(root)
    held = {p for p in files if is_validation(speech_group(root, p), fraction)}
    return [p for p in files if p not in held], [p for p in files if p in held]


def speech_tuning_split(
    root: str | os.PathLike[str], fraction: float, tuning: float
) -> tuple[list[Path], list[Path]]:
    """(training part, tuning part) of a folder's training share (``speech_split``), by
    ``speech_group`` (``is_tuning``): the tuning part joins the tuning stream, never training."""
    share = speech_split(root, fraction)[0]
    tune = {p for p in share if is_tuning(speech_group(root, p), tuning)}
    return [p for p in share if p not in tune], [p for p in share if p in tune]


def training_speech(
    root: str | os.PathLike[str], fraction: float, tuning: float = 0.0
) -> list[Path]:
    """The files of a folder of other speech that training may read: its training share,
    less the tuning part when ``tuning`` > 0."""
    return speech_tuning_split(root, fraction, tuning)[0]


def tuning_speech(root: str | os.PathLike[str], fraction: float, tuning: float) -> list[Path]:
    """The files of a folder of other speech in the tuning stream (none when ``tuning`` is 0)."""
    return speech_tuning_split(root, fraction, tuning)[1]


def held_out_speech(root: str | os.PathLike[str], fraction: float) -> list[Path]:
    """The files of a folder of other speech kept for false alarms: its held-out share."""
    return speech_split(root, fraction)[1]


def speech_split_card(
    root: str | os.PathLike[str], fraction: float, tuning: float = 0.0
) -> dict[str, object]:
    """How a folder of other speech was split, for the model card."""
    train, held = speech_split(root, fraction)
    card: dict[str, object] = {
        "rule": f"speaker (else wake-word folder) hash < {fraction}: held out",
        "train_groups": sorted({speech_group(root, p) for p in train}),
        "held_out_groups": sorted({speech_group(root, p) for p in held}),
        "train_files": len(train),
        "held_out_files": len(held),
    }
    if tuning > 0:
        tune = set(tuning_speech(root, fraction, tuning))
        card["tuning_rule"] = f"of the training share, group hash ({TUNING_SALT}) < {tuning}"
        card["tuning_groups"] = sorted({speech_group(root, p) for p in tune})
        card["tuning_files"] = len(tune)
        card["train_files"] = len(train) - len(tune)
    return card


def load_noise(paths: Sequence[Path], min_seconds: float = 1.0) -> list[np.ndarray]:
    """Readable noise recordings of at least ``min_seconds`` (16 kHz int16)."""
    out = []
    for path in paths:
        try:
            audio = read_wav(path)
        except AudioError as exc:
            log.warning("skipped noise %s", exc)
            continue
        if len(audio) >= min_seconds * 16000:
            out.append(audio)
    return out


def loudest_second(audio: np.ndarray, n: int = 16000) -> np.ndarray:
    """The ``n`` samples that hold the most energy of a recording (the middle one of equal
    candidates), padded with silence on both sides when it is shorter: where a word sits in
    a longer take."""
    x = np.asarray(audio, np.int16)
    if len(x) <= n:
        out = np.zeros(n, np.int16)
        start = (n - len(x)) // 2
        out[start : start + len(x)] = x
        return out
    energy = np.concatenate([[0.0], np.cumsum(x.astype(np.float64) ** 2)])
    windows = energy[n:] - energy[:-n]
    best = np.flatnonzero(windows >= windows.max())
    start = int(best[len(best) // 2])
    return x[start : start + n]


def load_speech(paths: Sequence[Path]) -> list[np.ndarray]:
    """One-second clips of other speech (``loudest_second`` of each readable file)."""
    out = []
    for path in paths:
        try:
            out.append(loudest_second(read_wav(path)))
        except AudioError as exc:
            log.warning("skipped speech %s", exc)
    return out


def reserved_only(root: str | os.PathLike[str], reserved: Iterable[str]) -> list[Clip]:
    """The clips of reserved speakers only: for the final held-out evaluation, never for
    training, validation or tuning."""
    reserved = frozenset(reserved)
    every = scan(root)
    return [c for c in every if any(h in c.path.name.lower() for h in reserved)]


def silence_folder(root: str | os.PathLike[str]) -> list[Path]:
    """Speech Commands' ``_silence_`` clips (evaluation only)."""
    folder = Path(root) / "_silence_"
    return sorted(folder.glob("*.wav")) if folder.is_dir() else []
