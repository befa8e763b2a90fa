"""What training a demo model (speech, gesture) needs besides Keras: the full-integer int8
conversion by TFLite's converter, and the versions a model card records."""

from __future__ import annotations

import platform
from collections.abc import Sequence
from typing import Any

import numpy as np


def convert_int8(model: Any, samples: Sequence[np.ndarray]) -> bytes:
    """Full-integer int8 conversion of a Keras model with static (batch 1) shapes: int8
    builtin ops only, int8 input and output, ranges calibrated on `samples` (each one
    batch-1 input)."""
    import tensorflow as tf

    def representative() -> Any:
        for x in samples:
            yield [x]

    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = representative
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    converter.inference_input_type = tf.int8
    converter.inference_output_type = tf.int8
    return bytes(converter.convert())


def versions() -> dict[str, str]:
    """The versions of what trained a model: micro, Python, NumPy, TensorFlow."""
    import tensorflow as tf

    from . import __version__

    return {
        "micro": __version__,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "tensorflow": tf.__version__,
    }
