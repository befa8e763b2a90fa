"""Streaming speech features: the audio preprocessor model run by micro's own Interpreter.

Audio arrives in pieces of any length; every 20 ms a 30 ms window is complete and becomes
one row of 40 int8 features. The preprocessor keeps its noise estimates (spectral
subtraction) across windows in the interpreter's arena, so feeding a clip in one piece or
in many gives the same rows, and rows identical to TFLM's preprocessor fed the same windows.

    gen = FeatureGenerator()          # our bundled preprocessor (same ops and tables as TFLM's)
    rows = gen.push(samples)          # int8[k, 40], k = windows completed by these samples
    features = gen.features(clip)     # reset, then the whole clip: int8[49, 40] for 1 s
"""

from __future__ import annotations

import functools
import os
from importlib import resources

import numpy as np

from ..errors import ModelError
from ..interpreter import Interpreter
from .frontend import FrontendParams, build_preprocessor

BUNDLED_PREPROCESSOR = "audio_preprocessor.tflite"


@functools.cache
def bundled_preprocessor() -> bytes:
    """micro's preprocessor model (micro/speech/data), or built afresh if it is missing."""
    try:
        return (resources.files("micro.speech") / "data" / BUNDLED_PREPROCESSOR).read_bytes()
    except (FileNotFoundError, OSError):
        return build_preprocessor()


class FeatureGenerator:
    """Audio (int16, 16 kHz) in, feature rows (int8[channels]) out, one per stride."""

    def __init__(
        self,
        model: bytes | str | os.PathLike[str] | None = None,
        params: FrontendParams | None = None,
    ) -> None:
        self.params = params or FrontendParams()
        if model is None:
            data = bundled_preprocessor()
        elif isinstance(model, bytes):
            data = model
        else:
            with open(model, "rb") as f:
                data = f.read()
        self.interpreter = Interpreter.from_bytes(data)
        ins, outs = self.interpreter.get_input_details(), self.interpreter.get_output_details()
        if [d["dtype"] for d in ins] != [np.int16] or outs[0]["dtype"] != np.int8:
            kinds = ", ".join(f"{d['dtype'].__name__} {[int(n) for n in d['shape']]}" for d in ins)
            raise ModelError(
                "an audio preprocessor takes one int16 frame of audio and gives int8 features; "
                f"this model takes {kinds} and gives {outs[0]['dtype'].__name__}"
            )
        (shape,) = [tuple(int(d) for d in x["shape"]) for x in ins]
        self.window = int(np.prod(shape))
        self._input_shape = shape
        self.stride = self.params.stride_samples
        self.channels = int(np.prod(self.interpreter.get_output_details(0)["shape"]))
        self._pending = np.zeros(0, np.int16)
        self.frames = 0  # rows produced since the last reset

    def reset(self) -> None:
        """Forget buffered audio and the noise estimates (start of a new stream)."""
        self.interpreter.reset()
        self._pending = np.zeros(0, np.int16)
        self.frames = 0

    def push(self, samples: np.ndarray) -> np.ndarray:
        """Add samples; return the rows of every window they complete (int8[k, channels])."""
        samples = np.asarray(samples)
        if samples.dtype != np.int16:
            raise TypeError(f"audio must be int16 samples, got {samples.dtype}")
        audio = np.concatenate([self._pending, samples.reshape(-1)])
        count = 0 if len(audio) < self.window else (len(audio) - self.window) // self.stride + 1
        rows = np.empty((count, self.channels), np.int8)
        it = self.interpreter
        for k in range(count):
            start = k * self.stride
            it.set_input(audio[start : start + self.window].reshape(self._input_shape), 0)
            it.invoke()
            rows[k] = it.get_output(0).reshape(-1)
        self._pending = audio[count * self.stride :]
        self.frames += count
        return rows

    def features(self, audio: np.ndarray) -> np.ndarray:
        """Reset, then all rows of a clip (a 1 s clip gives 49 rows)."""
        self.reset()
        return self.push(audio)
