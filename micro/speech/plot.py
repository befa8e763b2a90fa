"""A PNG of a speech run: the features as a heatmap over time, the class scores as lines
below it, and each detection marked (micro/_png.py, no plotting dependency)."""

from __future__ import annotations

import os

import numpy as np

from .._png import Canvas
from .pipeline import Trace

COLORS = [(150, 150, 150), (230, 160, 40), (30, 150, 60), (200, 40, 40), (60, 90, 200)]
LEFT, TOP, GAP, SCORE_H = 50, 30, 30, 160


def _heat(value: np.ndarray) -> np.ndarray:
    """int8 features -> RGB (dark blue, through red, to yellow)."""
    t = (value.astype(np.float64) + 128.0) / 255.0
    r = np.clip(3 * t - 0.5, 0, 1)
    g = np.clip(3 * t - 1.8, 0, 1)
    b = np.clip(1.2 - 2.5 * abs(t - 0.3), 0, 1) * 0.8
    return (np.stack([r, g, b], axis=-1) * 255).astype(np.uint8)


def plot_trace(trace: Trace, labels: tuple[str, ...], path: str | os.PathLike[str]) -> None:
    frames = max(1, len(trace.features))
    px = max(2, min(8, 1200 // frames))  # pixels per frame
    rows = np.array(trace.features, dtype=np.int8).reshape(-1, 40) if trace.features else None
    channels = 40 if rows is None else rows.shape[1]
    cell = 3
    width = LEFT + frames * px + 150
    feat_h = channels * cell
    height = TOP + feat_h + GAP + SCORE_H + 40
    c = Canvas(width, height)
    c.text(LEFT, 8, "FEATURES (CHANNEL UP) AND SCORES OVER TIME", (0, 0, 0), 2)
    if rows is not None:
        image = _heat(rows.T[::-1])  # low channels at the bottom
        image = np.repeat(np.repeat(image, cell, axis=0), px, axis=1)
        c.pixels[TOP : TOP + feat_h, LEFT : LEFT + image.shape[1]] = image
    y0 = TOP + feat_h + GAP
    c.box(LEFT, y0, LEFT + frames * px, y0 + SCORE_H, (248, 248, 248), (120, 120, 120))
    t_end = trace.times[-1] if trace.times else 1.0
    t_start = trace.times[0] if trace.times else 0.0

    def x_of(t: float) -> float:
        return LEFT + (t - t_start) / max(t_end - t_start, 1e-9) * (frames - 1) * px

    if trace.scores:
        scores = np.array(trace.scores)
        xs = np.array([x_of(t) for t in trace.score_times])
        for k, label in enumerate(labels):
            color = COLORS[k % len(COLORS)]
            ys = y0 + SCORE_H - 1 - np.clip(scores[:, k], 0, 1) * (SCORE_H - 2)
            c.polyline(xs, ys, color)
            c.box(
                LEFT + frames * px + 10,
                y0 + 10 + 16 * k,
                LEFT + frames * px + 20,
                y0 + 20 + 16 * k,
                color,
            )
            c.text(LEFT + frames * px + 26, y0 + 11 + 16 * k, label.upper(), (0, 0, 0), 2)
    for d in trace.detections:
        x = int(x_of(d.time))
        c.vline(x, TOP, y0 + SCORE_H, (0, 0, 0))
        c.text(x + 3, y0 + SCORE_H + 6, f"{d.label.upper()} {d.score:.2f}", (0, 0, 0), 2)
    for t in np.arange(np.ceil(t_start * 2) / 2, t_end + 1e-9, 0.5):
        x = int(x_of(float(t)))
        c.vline(x, y0 + SCORE_H, y0 + SCORE_H + 4, (0, 0, 0))
    c.text(4, y0 + SCORE_H - 10, "0", (0, 0, 0), 2)
    c.text(4, y0, "1", (0, 0, 0), 2)
    c.text(LEFT, height - 14, f"{t_start:.2f} S", (0, 0, 0), 2)
    c.text(LEFT + frames * px - 60, height - 14, f"{t_end:.2f} S", (0, 0, 0), 2)
    c.save(os.fspath(path))
