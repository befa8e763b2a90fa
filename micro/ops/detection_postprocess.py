"""TFLite_Detection_PostProcess (float32), the SSD head as TFLM runs it: box decoding
against the anchors, then regular (per class) or fast (best class per anchor) non-maximum
suppression. One `detection_postprocess` step; prepare reads the FlexBuffers options as
TFLM's Init does (floats read as float32, detections_per_class 100 and use_regular_nms
false when absent) and checks what TFLM checks only while it runs."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._ffi import scratch_size
from ._signal import read_int32, read_options
from .base import OpContext, prepares

CODE = "TFLite_Detection_PostProcess"
REQUIRED = (
    "max_detections",
    "max_classes_per_detection",
    "nms_score_threshold",
    "nms_iou_threshold",
    "num_classes",
    "y_scale",
    "x_scale",
    "h_scale",
    "w_scale",
)


def _float(ctx: OpContext, options: dict[str, Any], key: str) -> float:
    value = options[key]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ctx.malformed(f"option {key} must be a number, got {value!r}")
    return float(np.float32(value))


@prepares(CODE, types="float32")
def prepare(ctx: OpContext) -> None:
    ctx.check_io_count((3,), outputs=4)
    boxes, scores, anchors = ctx.input(0), ctx.input(1), ctx.input(2)
    for t in (boxes, scores, anchors, *(ctx.output(i) for i in range(4))):
        ctx.check_dtype(t, "float32")
    options = read_options(ctx, *REQUIRED)
    num_classes = read_int32(ctx, options, "num_classes")
    max_det = read_int32(ctx, options, "max_detections")
    per_anchor = read_int32(ctx, options, "max_classes_per_detection")
    per_class = (
        read_int32(ctx, options, "detections_per_class")
        if ("detections_per_class" in options)
        else 100
    )
    regular = bool(options.get("use_regular_nms", False))
    iou = _float(ctx, options, "nms_iou_threshold")

    if len(boxes.shape) != 3 or boxes.shape[0] != 1 or boxes.shape[2] < 4:
        raise ctx.malformed(f"box encodings must be [1, boxes, >= 4], not {boxes.shape}")
    n = boxes.shape[1]
    if tuple(anchors.shape) != (n, 4):
        raise ctx.malformed(f"anchors must be [{n}, 4], not {anchors.shape}")
    if len(scores.shape) != 3 or tuple(scores.shape[:2]) != (1, n):
        raise ctx.malformed(f"class predictions must be [1, {n}, classes], not {scores.shape}")
    label_offset = scores.shape[2] - num_classes
    if num_classes < 1 or label_offset not in (0, 1):
        raise ctx.malformed(
            f"num_classes {num_classes} must be the class predictions' last dim "
            f"{scores.shape[2]}, or one less (a background class)"
        )
    if n == 0:
        raise ctx.unsupported("no boxes: tensors with no elements are not supported")
    if max_det < 1 or per_class < 1 or per_anchor < 1:
        raise ctx.malformed(
            f"max_detections {max_det}, detections_per_class {per_class} and "
            f"max_classes_per_detection {per_anchor} must be positive"
        )
    if not regular and min(per_anchor, num_classes) > 1:
        raise ctx.unsupported(
            f"fast NMS with max_classes_per_detection {per_anchor}: TFLM writes the extra "
            "classes of a detection at offsets that run past its outputs; use 1 or regular NMS"
        )
    if not 0.0 < iou <= 1.0:
        raise ctx.malformed(f"nms_iou_threshold {iou} must be in (0, 1] (TFLM)")

    slots = [math.prod(ctx.output(i).shape) for i in range(4)]
    out_slots = slots[1]
    if slots[0] != 4 * out_slots or slots[2] != out_slots or out_slots < max_det:
        raise ctx.malformed(
            f"outputs {[ctx.output(i).shape for i in range(3)]} must hold {max_det} boxes "
            "(4 floats each), classes and scores"
        )
    if slots[3] != 1:
        raise ctx.malformed(f"the detection count output must be one float, not {slots[3]}")
    params = {
        "num_boxes": n,
        "encoding_stride": boxes.shape[2],
        "num_classes": num_classes,
        "label_offset": label_offset,
        "max_detections": max_det,
        "out_slots": out_slots,
        "detections_per_class": per_class,
        "use_regular_nms": int(regular),
        "score_threshold": _float(ctx, options, "nms_score_threshold"),
        "iou_threshold": iou,
        **{key: _float(ctx, options, key) for key in ("y_scale", "x_scale", "h_scale", "w_scale")},
    }
    operands = {
        "boxes": ctx.ref(boxes),
        "scores": ctx.ref(scores),
        "anchors": ctx.ref(anchors),
        "scratch": ctx.scratch(scratch_size("detection_postprocess", params)),
        "out_boxes": ctx.ref(ctx.output(0)),
        "out_classes": ctx.ref(ctx.output(1)),
        "out_scores": ctx.ref(ctx.output(2)),
        "out_count": ctx.ref(ctx.output(3)),
    }
    ctx.emit("detection_postprocess", params, operands, n * scores.shape[2])
