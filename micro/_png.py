"""A small PNG writer and drawing canvas (no plotting dependency): RGB boxes, lines, text.

Text uses a built-in 3x5 pixel font (digits, upper-case letters, a few symbols), scaled.
"""

from __future__ import annotations

import struct
import zlib

import numpy as np

# 3x5 glyphs, one 15-bit row-major bitmap per character (top row first, MSB left).
_FONT = {
    "0": 0b111101101101111,
    "1": 0b010110010010111,
    "2": 0b111001111100111,
    "3": 0b111001111001111,
    "4": 0b101101111001001,
    "5": 0b111100111001111,
    "6": 0b111100111101111,
    "7": 0b111001010010010,
    "8": 0b111101111101111,
    "9": 0b111101111001111,
    "A": 0b010101111101101,
    "B": 0b110101110101110,
    "C": 0b011100100100011,
    "D": 0b110101101101110,
    "E": 0b111100110100111,
    "F": 0b111100110100100,
    "G": 0b011100101101011,
    "H": 0b101101111101101,
    "I": 0b111010010010111,
    "J": 0b001001001101010,
    "K": 0b101101110101101,
    "L": 0b100100100100111,
    "M": 0b101111111101101,
    "N": 0b110101101101101,
    "O": 0b010101101101010,
    "P": 0b110101110100100,
    "Q": 0b010101101110011,
    "R": 0b110101110101101,
    "S": 0b011100010001110,
    "T": 0b111010010010010,
    "U": 0b101101101101111,
    "V": 0b101101101101010,
    "W": 0b101101111111101,
    "X": 0b101101010101101,
    "Y": 0b101101010010010,
    "Z": 0b111001010100111,
    "-": 0b000000111000000,
    "_": 0b000000000000111,
    ".": 0b000000000000010,
    ":": 0b000010000010000,
    "/": 0b001001010100100,
    "%": 0b101001010100101,
    "(": 0b010100100100010,
    ")": 0b010001001001010,
    "=": 0b000111000111000,
    "+": 0b000010111010000,
    ",": 0b000000000010100,
    "'": 0b010010000000000,
    "[": 0b110100100100110,
    "]": 0b011001001001011,
    "#": 0b101111101111101,
    " ": 0,
}


def encode_png(rgb: np.ndarray) -> bytes:
    """PNG bytes of an (height, width, 3) uint8 image."""
    if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
        raise ValueError("expected an (h, w, 3) uint8 array")
    h, w, _ = rgb.shape
    raw = np.zeros((h, 1 + 3 * w), dtype=np.uint8)
    raw[:, 1:] = rgb.reshape(h, 3 * w)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw.tobytes(), 9))
        + chunk(b"IEND", b"")
    )


class Canvas:
    """An RGB image to draw on; coordinates are (x, y) pixels from the top left."""

    def __init__(self, width: int, height: int, background: tuple[int, int, int] = (255,) * 3):
        self.pixels = np.empty((height, width, 3), dtype=np.uint8)
        self.pixels[:] = background

    @property
    def width(self) -> int:
        return int(self.pixels.shape[1])

    @property
    def height(self) -> int:
        return int(self.pixels.shape[0])

    def box(
        self,
        x0: int,
        y0: int,
        x1: int,
        y1: int,
        color: tuple[int, int, int],
        outline: tuple[int, int, int] | None = None,
    ) -> None:
        """Filled rectangle [x0, x1) x [y0, y1), clipped to the canvas."""
        x0, x1 = max(0, x0), min(self.width, x1)
        y0, y1 = max(0, y0), min(self.height, y1)
        if x0 >= x1 or y0 >= y1:
            return
        self.pixels[y0:y1, x0:x1] = color
        if outline is not None:
            self.pixels[y0, x0:x1] = outline
            self.pixels[y1 - 1, x0:x1] = outline
            self.pixels[y0:y1, x0] = outline
            self.pixels[y0:y1, x1 - 1] = outline

    def hline(self, x0: int, x1: int, y: int, color: tuple[int, int, int]) -> None:
        self.box(x0, y, x1, y + 1, color)

    def vline(self, x: int, y0: int, y1: int, color: tuple[int, int, int]) -> None:
        self.box(x, y0, x + 1, y1, color)

    def polyline(self, xs: np.ndarray, ys: np.ndarray, color: tuple[int, int, int]) -> None:
        for i in range(len(xs) - 1):
            n = int(max(abs(xs[i + 1] - xs[i]), abs(ys[i + 1] - ys[i]), 1))
            for t in np.linspace(0.0, 1.0, n + 1):
                x = round(xs[i] + t * (xs[i + 1] - xs[i]))
                y = round(ys[i] + t * (ys[i + 1] - ys[i]))
                if 0 <= x < self.width and 0 <= y < self.height:
                    self.pixels[y, x] = color

    def text(
        self, x: int, y: int, text: str, color: tuple[int, int, int] = (0, 0, 0), scale: int = 2
    ) -> None:
        """Draw `text` (upper-cased; unknown characters as blanks) with its top left at x, y."""
        for ch in text.upper():
            bits = _FONT.get(ch, 0)
            for row in range(5):
                for col in range(3):
                    if bits >> (14 - (row * 3 + col)) & 1:
                        self.box(
                            x + col * scale,
                            y + row * scale,
                            x + (col + 1) * scale,
                            y + (row + 1) * scale,
                            color,
                        )
            x += 4 * scale

    @staticmethod
    def text_width(text: str, scale: int = 2) -> int:
        return 4 * scale * len(text)

    def save(self, path: str) -> None:
        with open(path, "wb") as f:
            f.write(encode_png(self.pixels))
