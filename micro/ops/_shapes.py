"""Shape arithmetic shared by several ops (windows and padding), TFLite-exact.

`compute_padding` mirrors TFLite's ComputePaddingHeightWidth: the output size of a SAME
window is ceil(in / stride), of a VALID window floor((in - effective_filter) / stride) + 1;
the padding before the data is floor(total / 2) and the odd leftover pixel (`offset`) goes
after it.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..schema import Padding


@dataclass(frozen=True)
class Window:
    """One spatial dimension of a strided window: output size, padding before, extra after."""

    out_size: int
    pad: int  # padding before the first input pixel
    offset: int  # total padding % 2: one more pixel of padding after than before


def effective_filter_size(filter_size: int, dilation: int) -> int:
    return (filter_size - 1) * dilation + 1


def compute_window(
    padding: int, in_size: int, filter_size: int, stride: int, dilation: int = 1
) -> Window:
    """Output size and padding of one dimension; ValueError if the arguments are invalid."""
    if padding not in (Padding.SAME, Padding.VALID):
        raise ValueError(f"unknown padding {padding}")
    if stride == 0 or filter_size == 0:
        raise ValueError(
            f"stride {stride}: the output size divides by the stride (division by zero)"
            if stride == 0
            else "filter size 0: an empty window (an average over it divides by zero)"
        )
    if in_size < 0 or filter_size <= 0 or stride <= 0 or dilation <= 0:
        raise ValueError(
            f"invalid window: input {in_size}, filter {filter_size}, stride {stride}, "
            f"dilation {dilation}"
        )
    effective = effective_filter_size(filter_size, dilation)
    if padding == Padding.SAME:
        out_size = (in_size + stride - 1) // stride
    else:
        numerator = in_size + stride - effective
        # C division truncates toward zero: a filter up to stride - 1 pixels larger than
        # the input still gives an (empty) output of size 0.
        out_size = numerator // stride if numerator >= 0 else -((-numerator) // stride)
    if out_size < 0:
        raise ValueError(f"filter {effective} is larger than the input {in_size}")
    total = max((out_size - 1) * stride + effective - in_size, 0)
    return Window(out_size, total // 2, total % 2)


def compute_padding(
    padding: int,
    in_hw: tuple[int, int],
    filter_hw: tuple[int, int],
    stride_hw: tuple[int, int],
    dilation_hw: tuple[int, int] = (1, 1),
) -> tuple[Window, Window]:
    """(height, width) windows of a 2-D op, as TFLite's ComputePaddingHeightWidth."""
    windows = []
    for i, axis in enumerate(("height", "width")):
        try:
            windows.append(
                compute_window(padding, in_hw[i], filter_hw[i], stride_hw[i], dilation_hw[i])
            )
        except ValueError as exc:
            raise ValueError(f"{axis}: {exc}") from None
    return windows[0], windows[1]
