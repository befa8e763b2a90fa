"""TFLite_Detection_PostProcess (float32) against TFLM: regular and fast NMS, with and
without a background class, score ties, every threshold, extra encoding values; refusals."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from support import sanitized
from support.models import T, custom_op_model
from support.oracle import assert_same_bytes, run_micro, run_sanitized, run_tflm
from support.programs import assert_hostile_params_safe

import micro

CODE = "TFLite_Detection_PostProcess"


def anchors(rng: np.random.Generator, n: int) -> np.ndarray:
    """(yc, xc, h, w) as SSD anchor generators make them."""
    centers = rng.uniform(0.0, 1.0, (n, 2))
    sizes = rng.uniform(0.05, 0.6, (n, 2))
    return np.concatenate([centers, sizes], axis=1).astype(np.float32)


def detection_model(
    n: int,
    classes: int,
    options: dict[str, Any],
    rng: np.random.Generator,
    background: bool = True,
    coords: int = 4,
    slots: int | None = None,
) -> bytes:
    max_det = int(options["max_detections"])
    slots = slots or max_det
    full = {
        "max_classes_per_detection": 1,
        "nms_score_threshold": 0.0,
        "nms_iou_threshold": 0.5,
        "num_classes": classes,
        "y_scale": 10.0,
        "x_scale": 10.0,
        "h_scale": 5.0,
        "w_scale": 5.0,
        **options,
    }
    inputs = [
        T((1, n, coords), "float32", name="boxes"),
        T((1, n, classes + int(background)), "float32", name="scores"),
        T((n, 4), "float32", anchors(rng, n), name="anchors"),
    ]
    outputs = [
        T((1, slots, 4), "float32"),
        T((1, slots), "float32"),
        T((1, slots), "float32"),
        T((1,), "float32"),
    ]
    return custom_op_model(CODE, inputs, outputs, full)


def assert_detections_match(model: bytes, inputs: list[np.ndarray]) -> int:
    """The detections TFLM reports equal micro's byte for byte; micro's slots past the
    count are zeros (TFLM's fast NMS leaves them unwritten). The count."""
    want = run_tflm(model, inputs, 4)
    got = run_micro(model, inputs)
    if sanitized.enabled():
        it = micro.Interpreter.from_bytes(model)
        assert_same_bytes(run_sanitized(it, inputs), got, "sanitized build")
    count = int(want[3][0])
    assert_same_bytes([got[3]], [want[3]], "count")
    for k in range(3):
        g, w = got[k].reshape(got[k].shape[1], -1), want[k].reshape(want[k].shape[1], -1)
        assert_same_bytes([g[:count]], [w[:count]], f"output {k}")
        assert not g[count:].any(), f"output {k}: slots past the count are not zero"
    return count


def random_inputs(rng: np.random.Generator, n: int, width: int, coords: int = 4) -> list:
    boxes = rng.normal(0.0, 1.5, (1, n, coords)).astype(np.float32)
    scores = rng.uniform(0.0, 1.0, (1, n, width)).astype(np.float32)
    return [boxes, scores]


@pytest.mark.parametrize("regular", [False, True])
@pytest.mark.parametrize("seed", range(16))
def test_matches_tflm(regular: bool, seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 120))
    classes = int(rng.integers(1, 8))
    background = bool(seed % 4 != 3)
    coords = 4 if seed % 5 else 6  # extra encoding values (keypoints) are skipped
    options = {
        "max_detections": int(rng.integers(1, 25)),
        "use_regular_nms": regular,
        "detections_per_class": int(rng.integers(1, 30)),
        "nms_score_threshold": float(rng.choice([0.0, 0.3, 0.7, 0.99])),
        "nms_iou_threshold": float(rng.choice([0.1, 0.45, 0.6, 1.0])),
    }
    model = detection_model(n, classes, options, rng, background, coords)
    for k in range(2):
        inputs = random_inputs(rng, n, classes + int(background), coords)
        assert_detections_match(model, inputs)
        if k == 0 and seed % 3 == 0:  # quantized-looking scores: many exact ties
            inputs[1] = (np.round(inputs[1] * 8) / 8).astype(np.float32)
            assert_detections_match(model, inputs)


def test_ssd_mobilenet_configuration() -> None:
    """The TF Object Detection API's export: 90 classes + background, 1917 anchors... here
    300 anchors, max 10 detections, score threshold 1e-8, IoU 0.6, both NMS kinds."""
    rng = np.random.default_rng(5)
    for regular in (False, True):
        options = {
            "max_detections": 10,
            "nms_score_threshold": 1e-8,
            "nms_iou_threshold": 0.6,
            "use_regular_nms": regular,
            "detections_per_class": 100,
        }
        model = detection_model(300, 90, options, rng)
        inputs = random_inputs(rng, 300, 91)
        inputs[1] = (inputs[1] ** 8).astype(np.float32)  # mostly small scores, as after sigmoid
        assert assert_detections_match(model, inputs) == 10


def test_larger_outputs_and_no_detections() -> None:
    rng = np.random.default_rng(2)
    model = detection_model(20, 3, {"max_detections": 4, "nms_score_threshold": 2.0}, rng, slots=6)
    assert assert_detections_match(model, random_inputs(rng, 20, 4)) == 0


def test_invalid_boxes_stop_the_run_as_in_tflm() -> None:
    """A box whose height underflows to 0 (TFLM's ValidateBoxes fails its Eval)."""
    rng = np.random.default_rng(3)
    model = detection_model(4, 2, {"max_detections": 3}, rng)
    boxes, scores = random_inputs(rng, 4, 3)
    boxes[0, 1, 2] = -3000.0
    with pytest.raises(micro.InvokeError):
        run_micro(model, [boxes, scores])
    with pytest.raises(RuntimeError):
        run_tflm(model, [boxes, scores], 4)


def test_refusals() -> None:
    rng = np.random.default_rng(4)
    cases = [
        ({"max_detections": 3, "max_classes_per_detection": 2}, {}, "max_classes_per_detection"),
        ({"max_detections": 3, "nms_iou_threshold": 1.5}, {}, r"nms_iou_threshold 1.5"),
        ({"max_detections": 0}, {}, "must be positive"),
        ({"max_detections": 3, "num_classes": 5}, {}, "num_classes 5"),
        ({"max_detections": 3}, {"slots": 2}, "must hold 3 boxes"),
    ]
    for options, kwargs, message in cases:
        model = detection_model(6, 3, options, rng, **kwargs)
        with pytest.raises(micro.MicroError, match=rf"operator 0.*{message}"):
            micro.Interpreter.from_bytes(model)
    missing = custom_op_model(
        CODE,
        [T((1, 2, 4), "float32"), T((1, 2, 2), "float32"), T((2, 4), "float32")],
        [T((1, 1, 4), "float32"), T((1, 1), "float32"), T((1, 1), "float32"), T((1,), "float32")],
        {"max_detections": 1},
    )
    with pytest.raises(micro.ModelError, match="custom options lack"):
        micro.Interpreter.from_bytes(missing)


@pytest.mark.parametrize("regular", [False, True])
def test_tampered_params_are_refused_or_safe(regular: bool) -> None:
    rng = np.random.default_rng(6)
    options = {"max_detections": 5, "use_regular_nms": regular, "detections_per_class": 4}
    assert_hostile_params_safe(detection_model(12, 3, options, rng))
