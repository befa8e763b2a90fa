"""Training audio made on this machine: text-to-speech words, synthetic backgrounds, augmentation.

Nothing here reads recorded audio. Words come from the speech synthesizers Debian packages
(``espeak-ng`` with its accents and voice variants, ``flite``, ``festival`` and its voices);
backgrounds are generated noise (white to brown, hum, clicks, modulated noise); augmentation
changes speed and pitch (resampling), gain, adds noise at a random SNR, convolves with a
synthetic room impulse response, colours the spectrum like a cheap microphone and shifts
the word in time. Every random choice comes from a seeded ``numpy.random.Generator``, so a
data set is a pure function of the seed and of the synthesizers' versions.

Synthesized utterances are cached as 16 kHz mono int16 WAV files, one per *take* (voice,
word, speaking rate, pitch), under a cache directory; a rerun only synthesizes what is missing.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .wav import read_wav, resample, write_wav

SAMPLE_RATE = 16000
CLIP_SAMPLES = SAMPLE_RATE  # one-second clips, like TFLM's micro_speech

#: English accents of espeak-ng that need no extra package (the ``mb-*`` ones need MBROLA).
ESPEAK_ACCENTS = (
    "en-us",
    "en-gb",
    "en-gb-scotland",
    "en-gb-x-gbclan",
    "en-gb-x-rp",
    "en-gb-x-gbcwmd",
    "en-029",
    "en-us-nyc",
)
#: flite's voices at 16 kHz (``kal`` is the 8 kHz twin of ``kal16``; ``awb_time`` tells the time).
FLITE_VOICES = ("kal16", "awb", "rms", "slt")
#: festival voices from Debian's ``festvox-*`` packages (directory name == voice name).
FESTIVAL_VOICES = ("kal_diphone", "ked_diphone", "cmu_us_slt_arctic_hts")

#: Other English words, the "unknown" class. None sounds like "yes" or "no" (no "know").
UNKNOWN_WORDS = (
    "bed", "bird", "cat", "dog", "down", "eight", "five", "four", "go", "happy", "house",
    "left", "marvin", "nine", "off", "on", "one", "right", "seven", "sheila", "six", "stop",
    "three", "tree", "two", "up", "wow", "zero", "learn", "follow", "forward", "backward",
    "visual", "hello", "light", "music", "open", "close", "start", "next", "back", "play",
    "pause", "water", "coffee", "table", "window", "green", "red", "blue", "black", "white",
    "yellow", "yet", "yard", "young", "yoga", "nose", "note", "nice", "new", "never",
    "mess", "less", "guess", "chess", "dress", "test", "bless", "show", "slow", "snow",
    "toe", "row", "bow", "hey", "okay", "maybe", "sure", "thanks", "please", "morning",
    "computer", "phone", "turn", "lamp", "door", "kitchen", "garden", "apple",
    "banana", "orange", "pizza", "rabbit", "tiger", "monkey", "zebra", "volume", "channel",
)  # fmt: skip


@dataclass(frozen=True, order=True)
class Voice:
    """One synthesizer voice: ``engine`` is espeak, flite or festival; ``name`` its voice."""

    engine: str
    name: str

    @property
    def id(self) -> str:
        return f"{self.engine}:{self.name}"


@dataclass(frozen=True, order=True)
class Take:
    """One utterance to synthesize. ``rate`` scales the speaking rate (1 = the voice's own),
    ``pitch`` is espeak-ng's 0..99 pitch (50 = default; ignored by the other engines)."""

    voice: Voice
    word: str
    rate: float = 1.0
    pitch: int = 50

    def key(self) -> str:
        text = f"{self.voice.id}|{self.word}|{self.rate:.3f}|{self.pitch}"
        return hashlib.sha1(text.encode()).hexdigest()[:16]


# --------------------------------------------------------------------------- voices


def available_voices() -> list[Voice]:
    """Every voice of the installed synthesizers (an engine that is missing gives none)."""
    voices: list[Voice] = []
    if shutil.which("espeak-ng"):
        for accent in ESPEAK_ACCENTS:
            voices.append(Voice("espeak", accent))
            voices.extend(Voice("espeak", f"{accent}+{v}") for v in espeak_variants())
    if shutil.which("flite"):
        out = subprocess.run(["flite", "-lv"], capture_output=True, text=True).stdout
        have = set(out.replace("Voices available:", "").split())
        voices.extend(Voice("flite", v) for v in FLITE_VOICES if v in have)
    if shutil.which("festival"):
        roots = [Path("/usr/share/festival/voices")]
        have = {p.name for root in roots if root.is_dir() for p in root.glob("*/*") if p.is_dir()}
        voices.extend(Voice("festival", v) for v in FESTIVAL_VOICES if v in have)
    return voices


def espeak_variants() -> list[str]:
    """Names of espeak-ng's voice variants (``m1``, ``f3``, ``croak``, ``whisper``, ...)."""
    out = subprocess.run(
        ["espeak-ng", "--voices=variant"], capture_output=True, text=True, check=True
    ).stdout
    names = re.findall(r"!v/(\S+)", out)
    return sorted(set(names))


# --------------------------------------------------------------------------- synthesis


def _synth_espeak(take: Take, path: Path) -> None:
    wpm = round(175 * take.rate)
    cmd = ["espeak-ng", "-v", take.voice.name, "-s", str(wpm), "-p", str(take.pitch)]
    subprocess.run([*cmd, "-w", str(path), take.word], check=True, capture_output=True)


def _synth_flite(take: Take, path: Path) -> None:
    stretch = f"duration_stretch={1.0 / take.rate:.3f}"
    cmd = ["flite", "-voice", take.voice.name, "--setf", stretch, "-t", take.word, "-o", str(path)]
    subprocess.run(cmd, check=True, capture_output=True)


def _festival_script(takes: Sequence[Take], paths: Sequence[Path]) -> str:
    lines = []
    for take, path in zip(takes, paths, strict=True):
        lines += [
            f"(voice_{take.voice.name})",
            f"(Parameter.set 'Duration_Stretch {1.0 / take.rate:.3f})",
            f'(set! utt (utt.synth (Utterance Text "{take.word}")))',
            f"(utt.wave.resample utt {SAMPLE_RATE})",
            f'(utt.save.wave utt "{path}" \'riff)',
        ]
    return "\n".join(lines) + "\n"


def _store(raw: Path, dest: Path) -> None:
    """Convert a synthesizer's WAV to the cache's format (16 kHz mono int16)."""
    tmp = dest.with_suffix(".tmp")
    write_wav(tmp, read_wav(raw))
    tmp.replace(dest)


def synthesize(
    takes: Iterable[Take],
    cache_dir: str | os.PathLike[str],
    jobs: int = 2,
    progress: Callable[[int], None] | None = None,
) -> dict[Take, np.ndarray]:
    """Synthesize every take (reusing the cache) and return its 16 kHz int16 samples.

    ``progress(n)`` is called as takes complete (cached ones included)."""
    cache = Path(cache_dir) / "tts"
    cache.mkdir(parents=True, exist_ok=True)
    takes = sorted(set(takes))
    path_of = {t: cache / f"{t.voice.engine}-{t.key()}.wav" for t in takes}
    missing = [t for t in takes if not path_of[t].exists()]
    if progress and len(takes) > len(missing):
        progress(len(takes) - len(missing))

    with tempfile.TemporaryDirectory(prefix="micro-tts-") as tmpdir:
        tmp = Path(tmpdir)

        def one(take: Take) -> None:
            raw = tmp / f"{take.key()}.wav"
            if take.voice.engine == "espeak":
                _synth_espeak(take, raw)
            else:
                _synth_flite(take, raw)
            _store(raw, path_of[take])
            raw.unlink()

        singles = [t for t in missing if t.voice.engine != "festival"]
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            for _ in pool.map(one, singles):
                if progress:
                    progress(1)

        batch = [t for t in missing if t.voice.engine == "festival"]
        for start in range(0, len(batch), 50):
            chunk = batch[start : start + 50]
            raws = [tmp / f"{t.key()}.wav" for t in chunk]
            script = tmp / "batch.scm"
            script.write_text(_festival_script(chunk, raws))
            subprocess.run(["festival", "-b", str(script)], check=True, capture_output=True)
            for take, raw in zip(chunk, raws, strict=True):
                _store(raw, path_of[take])
            if progress:
                progress(len(chunk))

    return {t: read_wav(path_of[t]) for t in takes}


# --------------------------------------------------------------------------- backgrounds


def colored_noise(rng: np.random.Generator, n: int, slope_db_per_octave: float) -> np.ndarray:
    """Gaussian noise whose power falls by ``slope`` dB per octave (0 white, -3 pink,
    -6 brown), scaled to unit RMS."""
    spectrum = np.fft.rfft(rng.standard_normal(n))
    freqs = np.fft.rfftfreq(n, 1.0 / SAMPLE_RATE)
    freqs[0] = freqs[1]
    spectrum *= (freqs / 1000.0) ** (slope_db_per_octave / (20.0 * np.log10(2.0)))
    x = np.fft.irfft(spectrum, n)
    return x / (np.sqrt(np.mean(x**2)) + 1e-12)


def hum(rng: np.random.Generator, n: int) -> np.ndarray:
    """Mains hum (50 or 60 Hz and a few harmonics), unit RMS."""
    t = np.arange(n) / SAMPLE_RATE
    base = rng.choice([50.0, 60.0]) * rng.uniform(0.995, 1.005)
    x = np.zeros(n)
    for h in range(1, 8):
        x += rng.uniform(0, 1) / h * np.sin(2 * np.pi * base * h * t + rng.uniform(0, 2 * np.pi))
    return x / (np.sqrt(np.mean(x**2)) + 1e-12)


def clicks(rng: np.random.Generator, n: int) -> np.ndarray:
    """Sparse short clicks and ticks (a few per second), unit RMS."""
    x = np.zeros(n)
    for _ in range(rng.integers(1, 12)):
        at = int(rng.integers(0, n - 64))
        length = int(rng.integers(4, 64))
        x[at : at + length] += rng.standard_normal(length) * np.exp(-np.arange(length) / 8.0)
    return x / (np.sqrt(np.mean(x**2)) + 1e-12)


def background(rng: np.random.Generator, n: int = CLIP_SAMPLES) -> np.ndarray:
    """A random synthetic background: coloured noise, possibly modulated in level, mixed
    with hum and clicks. Unit RMS."""
    x = colored_noise(rng, n, rng.uniform(-9.0, 1.0))
    if rng.random() < 0.5:  # slow level changes (wind, traffic, a fan speeding up)
        knots = rng.uniform(0.3, 1.7, size=int(rng.integers(2, 12)))
        x *= np.interp(np.linspace(0, 1, n), np.linspace(0, 1, len(knots)), knots)
    if rng.random() < 0.25:
        x += rng.uniform(0.1, 1.5) * hum(rng, n)
    if rng.random() < 0.2:
        x += rng.uniform(0.1, 2.0) * clicks(rng, n)
    return x / (np.sqrt(np.mean(x**2)) + 1e-12)


def silence_clip(rng: np.random.Generator) -> np.ndarray:
    """A one-second 'silence' example: anything but a word, from digital near-silence
    (a few LSBs of dither) to loud background noise. int16."""
    if rng.random() < 0.1:
        x = rng.standard_normal(CLIP_SAMPLES) * rng.uniform(0.0, 3.0)
    else:
        rms = 10.0 ** rng.uniform(0.0, 3.6)  # 1 .. 4000 LSB RMS
        x = background(rng) * rms
        if rng.random() < 0.3:
            x = microphone(rng, x)
    return _to_int16(x)


# --------------------------------------------------------------------------- augmentation


def trim(x: np.ndarray, threshold: float = 0.02) -> np.ndarray:
    """Cut leading and trailing quiet parts (below ``threshold`` of the peak, in 10 ms blocks)."""
    x = np.asarray(x, dtype=np.float64)
    peak = np.max(np.abs(x)) if len(x) else 0.0
    if peak == 0:
        return x[:0]
    block = SAMPLE_RATE // 100
    nblocks = len(x) // block
    if nblocks == 0:
        return x
    levels = np.abs(x[: nblocks * block]).reshape(nblocks, block).max(axis=1)
    loud = np.flatnonzero(levels > threshold * peak)
    return x[loud[0] * block : (loud[-1] + 1) * block]


def room_impulse(rng: np.random.Generator, rt60: float) -> np.ndarray:
    """A synthetic room: a direct path, then exponentially decaying noise (RT60 in seconds)
    after a short pre-delay, low-passed a little as real walls do."""
    n = int(rt60 * SAMPLE_RATE)
    tail = rng.standard_normal(n) * np.exp(-6.9 * np.arange(n) / max(n, 1))
    tail = np.convolve(tail, np.ones(3) / 3.0, mode="same")
    delay = int(rng.uniform(0.002, 0.02) * SAMPLE_RATE)
    ir = np.zeros(delay + n)
    ir[0] = 1.0
    ir[delay:] += tail * rng.uniform(0.05, 0.4)
    return ir


def convolve(x: np.ndarray, ir: np.ndarray) -> np.ndarray:
    """Full linear convolution by the FFT (a room's impulse response is thousands of taps)."""
    n = len(x) + len(ir) - 1
    size = 1 << (n - 1).bit_length()
    out: np.ndarray = np.fft.irfft(np.fft.rfft(x, size) * np.fft.rfft(ir, size), size)[:n]
    return out


def microphone(rng: np.random.Generator, x: np.ndarray) -> np.ndarray:
    """Colour the spectrum like a small microphone or a cheap loudspeaker: a random
    high-pass, low-pass and tilt (zero-phase, applied in the frequency domain)."""
    spectrum = np.fft.rfft(x)
    f = np.fft.rfftfreq(len(x), 1.0 / SAMPLE_RATE)
    f[0] = 1e-3
    hp = rng.uniform(40.0, 400.0)
    lp = rng.uniform(2500.0, 8000.0)
    gain = 1.0 / np.sqrt(1.0 + (hp / f) ** 2) / np.sqrt(1.0 + (f / lp) ** 4)
    gain *= (f.clip(100.0) / 1000.0) ** (rng.uniform(-3.0, 3.0) / 20.0 / np.log10(2.0))
    return np.fft.irfft(spectrum * gain, len(x))


def _to_int16(x: np.ndarray) -> np.ndarray:
    return np.clip(np.round(x), -32768, 32767).astype(np.int16)


def place_word(rng: np.random.Generator, word: np.ndarray, strength: float = 1.0) -> np.ndarray:
    """Augment one utterance and place it in a one-second clip (int16).

    ``strength`` in [0, 1] scales how often the stronger effects (reverb, microphone
    colour, noise) are applied; 0 gives a clean, level-normalised, time-shifted word."""
    x = np.asarray(word, dtype=np.float64)
    if rng.random() < 0.8:  # tape speed: pitch and tempo together, +-12%
        x = resample(x, SAMPLE_RATE, SAMPLE_RATE * rng.uniform(0.88, 1.12))
    x = trim(x)
    if len(x) == 0:
        x = np.zeros(1)
    limit = int(0.95 * CLIP_SAMPLES)
    if len(x) > limit:  # long takes: keep the middle, fade the cut edges
        start = (len(x) - limit) // 2
        x = x[start : start + limit] * np.hanning(limit) ** 0.1
    x = x / (np.max(np.abs(x)) + 1e-9)

    if rng.random() < 0.4 * strength:
        ir = room_impulse(rng, rng.uniform(0.05, 0.5))
        wet = convolve(x, ir)[: min(len(x) + len(ir), limit)]
        x = wet / (np.max(np.abs(wet)) + 1e-9)

    clip = np.zeros(CLIP_SAMPLES)
    offset = int(rng.integers(int(0.02 * CLIP_SAMPLES), CLIP_SAMPLES - len(x) + 1))
    clip[offset : offset + len(x)] = x
    if rng.random() < 0.5 * strength:
        clip = microphone(rng, clip)
    peak_dbfs = rng.uniform(-30.0, -0.5)
    clip *= 32767.0 * 10.0 ** (peak_dbfs / 20.0) / (np.max(np.abs(clip)) + 1e-9)

    if rng.random() < 0.85 * strength:
        speech_rms = np.sqrt(np.mean(clip[offset : offset + len(x)] ** 2)) + 1e-9
        snr_db = rng.uniform(3.0, 40.0)
        clip += background(rng) * speech_rms * 10.0 ** (-snr_db / 20.0)
    else:
        clip += rng.standard_normal(CLIP_SAMPLES) * rng.uniform(0.0, 2.0)  # dither
    return _to_int16(clip)
