"""A picture as an image model's input tensor.

    file (PNG/JPEG/BMP, Pillow) ──► grayscale or RGB (the input's channels)
        ──► centre crop to the input's aspect ratio ──► resize to its height x width
            (box filter when shrinking, bilinear when enlarging)
        ──► pixel p in 0..255 ──► lookup table ──► int8 / uint8 / float32 values

The table maps each 8-bit pixel value to the model's input value: the real value is
`lo + p * (hi - lo) / 255`, where [lo, hi] is the range the model expects, and is then
quantized with the input's own scale and zero point (round half away from zero, clamp).
The range is read from the quantization: when the int8 (or uint8) codes cover one
convention of image models, [0, 1] (MLPerf Tiny vww), [-1, 1] (TFLM person_detect) or
[0, 255] (MLPerf Tiny ic), within two steps at the low end and 2% in width, each pixel
value is one code: pixel p becomes the lowest code + p (int8: p - 128, as TFLM's camera
code feeds person_detect). Anything else, and any float input, needs the range given.
The same table is what the camera firmware applies to each pixel on a board
(firmware/classify), so both sides convert alike.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import MicroError
from ..extras import require

# Conventions an image model's float input may follow: (low, high) for pixel 0 and 255.
RANGES = ((0.0, 1.0), (-1.0, 1.0), (0.0, 255.0), (-128.0, 127.0))
RANGE_TOLERANCE = 0.02  # relative mismatch of 255 x scale against a range's width


class ImageError(MicroError):
    """A picture cannot be read, or converted to the model's input."""


@dataclass(frozen=True)
class InputFormat:
    """What an image model takes: [1, height, width, channels] of dtype, and how pixels map."""

    height: int
    width: int
    channels: int  # 1 (grayscale) or 3 (RGB)
    dtype: np.dtype[Any]
    scale: float  # 0 for a float input
    zero_point: int
    low: float  # the real value of pixel 0
    high: float  # the real value of pixel 255

    def table(self) -> np.ndarray:
        """The input value of each pixel value 0..255 (256 entries of `dtype`)."""
        real = self.low + np.arange(256, dtype=np.float64) * ((self.high - self.low) / 255.0)
        if self.dtype.kind == "f":
            return real.astype(self.dtype)
        q = real / self.scale
        q = np.sign(q) * np.floor(np.abs(q) + 0.5) + self.zero_point  # half away from zero
        info = np.iinfo(self.dtype)
        return np.clip(q, info.min, info.max).astype(self.dtype)


def input_format(
    details: dict[str, Any], value_range: tuple[float, float] | None = None
) -> InputFormat:
    """The image format of a model input (one of `Interpreter.get_input_details()`)."""
    shape = [int(s) for s in details["shape"]]
    name = details.get("name", "input")
    if len(shape) != 4 or shape[0] != 1 or shape[3] not in (1, 3):
        raise ImageError(
            f"input '{name}' has shape {shape}: an image model takes [1, height, width, 1 or 3]"
        )
    dtype = np.dtype(details["dtype"])
    scale, zero_point = float(details.get("scale", 0.0)), int(details.get("zero_point", 0))
    if dtype.kind == "f":
        scale, zero_point = 0.0, 0
    elif dtype not in (np.dtype(np.int8), np.dtype(np.uint8)) or scale <= 0:
        raise ImageError(
            f"input '{name}' is {dtype.name} with scale {scale}: pictures convert to int8, "
            "uint8 (quantized) or float32 inputs only"
        )
    if value_range is None:
        value_range = _infer_range(name, dtype, scale, zero_point)
    low, high = (float(v) for v in value_range)
    if not high > low:
        raise ImageError(f"the input range [{low}, {high}] is empty")
    return InputFormat(shape[1], shape[2], shape[3], dtype, scale, zero_point, low, high)


def _infer_range(
    name: str, dtype: np.dtype[Any], scale: float, zero_point: int
) -> tuple[float, float]:
    if dtype.kind == "f":
        raise ImageError(
            f"input '{name}' is float: its pixel range cannot be read from the model; "
            "give it with --input-range LOW,HIGH (e.g. 0,1)"
        )
    width = 255.0 * scale
    low = scale * (int(np.iinfo(dtype).min) - zero_point)
    for lo, hi in RANGES:
        step_off = abs(low - lo) <= 2 * scale
        if abs(width - (hi - lo)) <= RANGE_TOLERANCE * (hi - lo) and step_off:
            return low, low + width  # one pixel value per quantization step
    raise ImageError(
        f"input '{name}' (scale {scale:g}, zero point {zero_point}) covers real values "
        f"[{low:g}, {low + width:g}], none of the usual pixel ranges (0..1, -1..1, 0..255): "
        "give the range the model was trained on with --input-range LOW,HIGH"
    )


def _pillow() -> Any:
    return require("PIL.Image", "image", "reading pictures")


def load_pixels(path: str | os.PathLike[str], fmt: InputFormat, signed: bool = False) -> np.ndarray:
    """A picture as uint8 pixels [height, width, channels] of the model's input size.
    signed: the file's bytes are int8 values, not pixels (TFLM's person_detection test
    pictures are stored so): pixel = the byte read as int8, + 128."""
    Image = _pillow()
    try:
        with Image.open(path) as img:
            img.load()
            picture = img.convert("L" if fmt.channels == 1 else "RGB")
            if signed:
                picture = picture.point(lambda byte: byte ^ 0x80)
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise ImageError(f"{path}: not a picture Pillow can read ({exc})") from exc
    return fit(picture, fmt.height, fmt.width, fmt.channels)


def fit(picture: Any, height: int, width: int, channels: int) -> np.ndarray:
    """Centre-crop a Pillow image to height:width, resize to height x width (box filter when
    shrinking, bilinear when enlarging): uint8 [height, width, channels]."""
    Image = _pillow()
    w, h = picture.size
    if w < 1 or h < 1:
        raise ImageError("the picture is empty")
    if w * height > h * width:  # too wide: keep the middle columns
        crop_w = max(1, round(h * width / height))
        left = (w - crop_w) // 2
        box = (left, 0, left + crop_w, h)
    else:
        crop_h = max(1, round(w * height / width))
        top = (h - crop_h) // 2
        box = (0, top, w, top + crop_h)
    shrinking = box[2] - box[0] >= width and box[3] - box[1] >= height
    resample = Image.Resampling.BOX if shrinking else Image.Resampling.BILINEAR
    resized = picture.resize((width, height), resample, box=box)
    return np.asarray(resized, dtype=np.uint8).reshape(height, width, channels)


def to_input(pixels: np.ndarray, fmt: InputFormat) -> np.ndarray:
    """Pixels [height, width, channels] as the model's input [1, height, width, channels]."""
    return fmt.table()[pixels].reshape(1, fmt.height, fmt.width, fmt.channels)


def load_input(path: str | os.PathLike[str], fmt: InputFormat, signed: bool = False) -> np.ndarray:
    return to_input(load_pixels(path, fmt, signed), fmt)
