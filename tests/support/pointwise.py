"""The geometry of a 1x1 CONV_2D case (conv_s8's params but the clamp): the pointwise,
strided 1x1 and classifier-head tests' generators share it."""

from __future__ import annotations


def pointwise_geometry(
    batches: int,
    size: tuple[int, int],
    depth: int,
    out_size: tuple[int, int],
    depth_out: int,
    zps: tuple[int, int],
    strides: tuple[int, int] = (1, 1),
    dilations: tuple[int, int] = (1, 1),
    pads: tuple[int, int] = (0, 0),
) -> dict[str, int]:
    """conv_s8's params of a 1x1 layer of one group, filter layout 0: `size` and `out_size`
    (height, width) of the input and output, K = `depth`, `zps` (input, output)."""
    return {
        "batches": batches,
        "input_height": size[0],
        "input_width": size[1],
        "input_depth": depth,
        "filter_height": 1,
        "filter_width": 1,
        "filter_depth": depth,
        "output_height": out_size[0],
        "output_width": out_size[1],
        "output_depth": depth_out,
        "groups": 1,
        "stride_height": strides[0],
        "stride_width": strides[1],
        "dilation_height": dilations[0],
        "dilation_width": dilations[1],
        "pad_top": pads[0],
        "pad_left": pads[1],
        "input_zp": zps[0],
        "output_zp": zps[1],
        "filter_layout": 0,
    }
