"""The default microphone streamed through a Listener (needs the `audio` extra)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from ..errors import MicroError
from ..extras import require
from .pipeline import Listener
from .recognizer import Detection
from .wav import SAMPLE_RATE


def input_device() -> str:
    """The default input device's name; MicroError when there is none."""
    sounddevice = require("sounddevice", "audio", "--listen")
    try:
        device: Any = sounddevice.query_devices(kind="input")
    except Exception as exc:
        raise MicroError(f"no microphone is available ({exc})") from None
    return str(device["name"])


def listen(listener: Listener, seconds: float) -> Iterator[Detection]:
    """Detections from `seconds` of the default microphone, as they happen; Ctrl-C ends early."""
    sounddevice = require("sounddevice", "audio", "--listen")
    listener.reset()
    block = listener.features.stride
    try:
        with sounddevice.InputStream(
            samplerate=SAMPLE_RATE, channels=1, dtype="int16", blocksize=block
        ) as stream:
            for _ in range(int(seconds * SAMPLE_RATE / block)):
                data, _overflow = stream.read(block)
                yield from listener.push(np.asarray(data, np.int16).reshape(-1))
    except KeyboardInterrupt:
        return
    except Exception as exc:
        raise MicroError(f"the microphone stopped: {exc}") from None
