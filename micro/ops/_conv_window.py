"""The window of a convolution, shared by the CONV_2D and DEPTHWISE_CONV_2D prepares of
every type: strides, dilations and padding (TFLM's ComputePaddingHeightWidth), the checked
grouping of the channels and the output shape, and the layout fields of the kernels'
params (conv_s8's first fields; micro_conv_geometry_t of conv_s16 and conv_f32)."""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Tensor
from ._shapes import Window, compute_padding
from .base import OpContext


@dataclass(frozen=True)
class Geometry:
    """Strides, dilations and the (height, width) windows of a convolution."""

    stride_h: int
    stride_w: int
    dilation_h: int
    dilation_w: int
    y: Window
    x: Window

    def params(self) -> dict[str, int]:
        """The window fields every convolution kernel's params struct has."""
        return {
            "output_height": self.y.out_size,
            "output_width": self.x.out_size,
            "stride_height": self.stride_h,
            "stride_width": self.stride_w,
            "dilation_height": self.dilation_h,
            "dilation_width": self.dilation_w,
            "pad_top": self.y.pad,
            "pad_left": self.x.pad,
        }


def conv_layout(
    x: Tensor, filter_shape: tuple[int, ...], groups: int, win: Geometry
) -> dict[str, int]:
    """The window of a convolution, NHWC input `x`, OHWI filter: conv_s8's first fields, the
    micro_conv_geometry_t of conv_s16 and conv_f32."""
    batches, in_h, in_w, channels = x.shape
    depth_out, filter_h, filter_w, filter_depth = filter_shape
    return {
        "batches": batches,
        "input_height": in_h,
        "input_width": in_w,
        "input_depth": channels,
        "filter_height": filter_h,
        "filter_width": filter_w,
        "filter_depth": filter_depth,
        "output_depth": depth_out,
        "groups": groups,
        **win.params(),
    }


def geometry(ctx: OpContext, in_h: int, in_w: int, filter_h: int, filter_w: int) -> Geometry:
    """Strides, dilations and padding from the options (TFLM's ComputePaddingHeightWidth)."""
    o = ctx.options
    stride_h, stride_w = int(o["stride_h"]), int(o["stride_w"])
    dil_h, dil_w = int(o["dilation_h_factor"]), int(o["dilation_w_factor"])
    padding = int(o["padding"])
    try:
        y, x = compute_padding(
            padding, (in_h, in_w), (filter_h, filter_w), (stride_h, stride_w), (dil_h, dil_w)
        )
    except ValueError as exc:
        raise ctx.malformed(str(exc)) from None
    if y.out_size < 1 or x.out_size < 1:
        raise ctx.malformed(
            f"a {filter_h}x{filter_w} window (dilation {dil_h}x{dil_w}) leaves no output "
            f"on a {in_h}x{in_w} input"
        )
    return Geometry(stride_h, stride_w, dil_h, dil_w, y, x)


def check_output_shape(ctx: OpContext, out: Tensor, expected: tuple[int, ...]) -> None:
    if tuple(out.shape) != expected:
        raise ctx.malformed(f"output shape {tuple(out.shape)} != expected {expected}")


def grouped_window(ctx: OpContext, x: Tensor, w: Tensor, out: Tensor) -> tuple[int, Geometry]:
    """(groups, window) of a CONV_2D with 4-D input `x`, OHWI filter `w`, output `out`."""
    batches, in_h, in_w, channels = x.shape
    depth_out, filter_h, filter_w, filter_depth = w.shape
    if channels % filter_depth or depth_out % (channels // filter_depth):
        raise ctx.malformed(f"input channels {channels} do not group into filter {w.shape}")
    win = geometry(ctx, in_h, in_w, filter_h, filter_w)
    check_output_shape(ctx, out, (batches, win.y.out_size, win.x.out_size, depth_out))
    return channels // filter_depth, win


def depthwise_window(ctx: OpContext, x: Tensor, w: Tensor, out: Tensor) -> Geometry:
    """The window of a DEPTHWISE_CONV_2D with 4-D input `x`, filter `w` [1, H, W, O]."""
    batches, in_h, in_w, channels = x.shape
    one, filter_h, filter_w, depth_out = w.shape
    if one != 1 or depth_out % channels:
        raise ctx.malformed(f"filter {w.shape} is not [1, H, W, a multiple of {channels}]")
    win = geometry(ctx, in_h, in_w, filter_h, filter_w)
    check_output_shape(ctx, out, (batches, win.y.out_size, win.x.out_size, depth_out))
    return win
