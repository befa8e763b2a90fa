"""The keyword network: a small DS-CNN in Keras, and its full-integer int8 conversion.

    conv KxK'/stride (c0) -> [depthwise 3x3/stride + pointwise (c)] per block -> average pool
    -> fully connected -> softmax

The first convolution is strided in both axes: on a Cortex-M4F it is most of the cost (one
input channel), so its stride and channel count set the instructions per inference. With
``batch_size=1`` every shape is static and the converted model holds only RESHAPE, CONV_2D,
DEPTHWISE_CONV_2D, AVERAGE_POOL_2D, FULLY_CONNECTED and SOFTMAX (TFLM's micro_speech ops).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import training
from ..progress import progress

FRAMES, CHANNELS = 49, 40
#: The model's input quantization: float feature = (int8 + 128) * 2**-5 (exact in float32),
#: so the int8 front-end output *is* the model's int8 input.
INPUT_SCALE, INPUT_ZERO_POINT = 2.0**-5, -128


@dataclass(frozen=True)
class Shape:
    """Channels of the first convolution, then (stride, pointwise channels) per block."""

    first: int = 12
    first_kernel: tuple[int, int] = (10, 8)  # 8 wide: whole 8-value rows for the M4F's SMLAD
    first_stride: tuple[int, int] = (2, 4)
    blocks: tuple[tuple[int, int], ...] = ((2, 24), (1, 24))

    @classmethod
    def parse(cls, text: str) -> Shape:
        """``"8,16,16"``: first convolution's channels, then each block's (the first block
        strides by 2, the others by 1)."""
        try:
            numbers = [int(t) for t in text.split(",")]
        except ValueError:
            raise ValueError(f"channels must be comma-separated integers, got {text!r}") from None
        if len(numbers) < 2 or min(numbers) < 1 or max(numbers) > 256:
            raise ValueError(f"channels needs 2+ values in 1..256, got {text!r}")
        blocks = tuple((2 if i == 0 else 1, c) for i, c in enumerate(numbers[1:]))
        return cls(first=numbers[0], blocks=blocks)

    def __str__(self) -> str:
        return ",".join(str(c) for c in (self.first, *(c for _, c in self.blocks)))


def parse_pair(text: str, what: str) -> tuple[int, int]:
    """``"10,4"``: a (time, frequency) pair of the first convolution, each 1..FRAMES (time)
    or 1..CHANNELS (frequency), as ``--first-kernel`` and ``--first-stride`` take it."""
    parts = text.split(",")
    try:
        time, freq = (int(t) for t in parts)
    except ValueError:
        raise ValueError(
            f"{what} must be two comma-separated integers (time,frequency), got {text!r}"
        ) from None
    if not (1 <= time <= FRAMES and 1 <= freq <= CHANNELS):
        raise ValueError(
            f"{what} needs time in 1..{FRAMES} and frequency in 1..{CHANNELS}, got {text!r}"
        )
    return time, freq


def to_float(x: np.ndarray) -> np.ndarray:
    """int8 features [N, 49, 40] -> the float inputs [N, 1960] the Keras model sees (exact)."""
    flat = x.reshape(len(x), FRAMES * CHANNELS)
    return (flat.astype(np.float32) - INPUT_ZERO_POINT) * np.float32(INPUT_SCALE)


def build_model(num_classes: int, shape: Shape, batch_size: int | None = None) -> Any:
    import keras
    from keras import layers

    inp = keras.Input((FRAMES * CHANNELS,), batch_size=batch_size, name="features")
    x = layers.Reshape((FRAMES, CHANNELS, 1))(inp)
    x = layers.Conv2D(
        shape.first, shape.first_kernel, strides=shape.first_stride, padding="same", use_bias=False
    )(x)
    x = layers.BatchNormalization()(x)
    x = layers.ReLU()(x)
    for stride, channels in shape.blocks:
        x = layers.DepthwiseConv2D((3, 3), strides=stride, padding="same", use_bias=False)(x)
        x = layers.BatchNormalization()(x)
        x = layers.ReLU()(x)
        x = layers.Conv2D(channels, 1, use_bias=False)(x)
        x = layers.BatchNormalization()(x)
        x = layers.ReLU()(x)
    x = layers.AveragePooling2D(pool_size=(int(x.shape[1]), int(x.shape[2])))(x)
    x = layers.Reshape((int(x.shape[-1]),))(x)
    x = layers.Dropout(0.1)(x)
    out = layers.Dense(num_classes, activation="softmax", name="labels")(x)
    return keras.Model(inp, out)


def convert_int8(model: Any, x_calibration: np.ndarray, shape: Shape) -> bytes:
    """Full-integer int8 conversion of a batch-1 copy of ``model``; the input keeps the
    front end's int8 values unchanged (see ``INPUT_SCALE``)."""
    single = build_model(int(model.output.shape[-1]), shape, batch_size=1)
    single.set_weights(model.get_weights())
    lo = np.full((1, FRAMES, CHANNELS), -128, np.int8)
    hi = np.full((1, FRAMES, CHANNELS), 127, np.int8)
    calib = np.concatenate([lo, hi, x_calibration])
    return training.convert_int8(single, [to_float(example[None]) for example in calib])


#: What the converted model may contain: ops that micro and TFLM's micro_speech build have.
ALLOWED_OPS = {
    "RESHAPE",
    "CONV_2D",
    "DEPTHWISE_CONV_2D",
    "AVERAGE_POOL_2D",
    "MAX_POOL_2D",
    "FULLY_CONNECTED",
    "SOFTMAX",
    "ADD",
    "MEAN",
}


def check_ops(model: bytes) -> list[str]:
    """The converted model's operators, in order; an error if one is outside ALLOWED_OPS."""
    from ..model import load_model

    names = [op.name for op in load_model(model).subgraphs[0].operators]
    extra = sorted(set(names) - ALLOWED_OPS)
    if extra:
        raise RuntimeError(f"the converted model uses {extra}; allowed: {sorted(ALLOWED_OPS)}")
    return names


def check_io(model: bytes) -> None:
    """The converted model must take the front end's int8 features as they are."""
    from tflite_micro.python.tflite_micro import runtime

    q = runtime.Interpreter.from_bytes(model).get_input_details(0)["quantization_parameters"]
    scale, zp = float(q["scales"][0]), int(q["zero_points"][0])
    if scale != INPUT_SCALE or zp != INPUT_ZERO_POINT:
        raise RuntimeError(
            f"converted input quantization is ({scale}, {zp}), expected "
            f"({INPUT_SCALE}, {INPUT_ZERO_POINT})"
        )


def predict_int8(model: bytes, x: np.ndarray) -> np.ndarray:
    """int8 scores of every example through TFLM's interpreter (the oracle)."""
    from tflite_micro.python.tflite_micro import runtime

    it = runtime.Interpreter.from_bytes(model)
    out = []
    for example in progress(x, "int8 scores"):
        it.set_input(example.reshape(1, -1), 0)
        it.invoke()
        out.append(np.array(it.get_output(0)).reshape(-1))
    return np.stack(out)
