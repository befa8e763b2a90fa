"""A speech run as a picture (matplotlib, the `plot` extra): the features as a heatmap over
time, the class scores below it on the same time axis, each detection marked."""

from __future__ import annotations

import os

import numpy as np

from ..plot import figure
from .pipeline import Trace

COLORS = ("#969696", "#e6a028", "#1e963c", "#c82828", "#3c5ac8", "#8c50b4", "#50a0a0", "#b47850")


def plot_trace(trace: Trace, labels: tuple[str, ...], path: str | os.PathLike[str]) -> None:
    fig = figure(11, 6.5, "--plot")
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=[3, 2])
    times = np.asarray(trace.times) if trace.times else np.zeros(1)
    stride = float(times[1] - times[0]) if len(times) > 1 else 0.02
    if trace.features:
        rows = np.array(trace.features, dtype=np.int8)
        image = top.imshow(
            rows.T,
            origin="lower",
            aspect="auto",
            cmap="magma",
            vmin=-128,
            vmax=127,
            extent=(times[0] - stride, times[-1], 0, rows.shape[1]),
            interpolation="nearest",
        )
        fig.colorbar(image, ax=top, label="feature (int8)", pad=0.01)
    top.set_ylabel("channel")
    top.set_title("features (one row per 30 ms window, every 20 ms) and class scores")
    if trace.scores:
        scores = np.array(trace.scores)
        for k, label in enumerate(labels):
            bottom.plot(trace.score_times, scores[:, k], color=COLORS[k % len(COLORS)], label=label)
    for d in trace.detections:
        for ax in (top, bottom):
            ax.axvline(d.time, color="black", linewidth=1, linestyle="--")
        bottom.annotate(
            f"{d.label} {d.score:.2f}",
            (d.time, 1.0),
            xytext=(3, -12),
            textcoords="offset points",
            fontsize=8,
        )
    bottom.set_ylim(-0.02, 1.05)
    bottom.set_ylabel("score")
    bottom.set_xlabel("time (s, end of each window)")
    bottom.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)
    fig.savefig(os.fspath(path), dpi=120)
