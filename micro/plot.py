"""Pictures drawn with matplotlib (the `plot` extra): the arena plan over time. The file's
suffix picks the format (.png, .svg, .pdf, ...)."""

from __future__ import annotations

import os
from typing import Any

from .extras import require

KIND_COLORS = {
    "input": "#569cd6",
    "output": "#d6784f",
    "tensor": "#78b478",
    "scratch": "#c8c85a",
    "variable": "#aa78c8",
}


def figure(width: float, height: float, what: str) -> Any:
    """A matplotlib Figure (no pyplot, so no display is needed), or MissingExtraError."""
    require("matplotlib", "plot", what)
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def bytes_axis(axis: Any) -> None:
    from matplotlib.ticker import FuncFormatter

    axis.set_major_formatter(FuncFormatter(lambda v, _: f"{int(v):,}"))


PLOT_PX = (960, 620)  # the plan's axes in pixels at the saved size, to fit labels in boxes
CHAR_PX = 6.5  # width of one character at the labels' font size


def _label(ax: Any, buffer: dict[str, Any], width: float, height: float) -> None:
    """The buffer's name and size inside its box, turned upright in tall narrow boxes,
    cut to fit from the left, left out when even a few characters would not fit."""
    vertical = height > width
    along, across = (height, width) if vertical else (width, height)
    chars = int(along / CHAR_PX) - 1
    if chars < 5 or across < 12:
        return
    # Names share long scope prefixes (Model/Block/...): keep the end, which differs.
    name = buffer["name"] if len(buffer["name"]) <= chars else "…" + buffer["name"][1 - chars :]
    text = name if across < 26 else f"{name}\n{buffer['size']:,} B"
    ax.text(
        buffer["first_step"] + (buffer["last_step"] - buffer["first_step"] + 1) / 2,
        buffer["offset"] + buffer["size"] / 2,
        text,
        ha="center",
        va="center",
        rotation=90 if vertical else 0,
        fontsize=7,
        clip_on=True,
    )


def draw_plan(data: dict[str, Any], path: str | os.PathLike[str]) -> None:
    """The arena over time: x = step, y = byte offset; each buffer a box from its first to
    its last step, named when there is room; the lower bound and the peak step marked."""
    fig = figure(11, 6.5, "drawing the plan")  # first: it says when matplotlib is missing
    from matplotlib.patches import Patch, Rectangle

    ax = fig.add_subplot()
    n = max(data["n_steps"], 1)
    arena = max(data["arena_size"], 1)
    for b in data["buffers"]:
        steps = b["last_step"] - b["first_step"] + 1
        ax.add_patch(
            Rectangle(
                (b["first_step"], b["offset"]),
                steps,
                b["size"],
                facecolor=KIND_COLORS.get(b["kind"], "#999999"),
                edgecolor="#333333",
                linewidth=0.6,
            )
        )
        _label(ax, b, steps / n * PLOT_PX[0], b["size"] / arena * PLOT_PX[1])
    ax.axhline(data["lower_bound"], color="#c00000", linestyle="--", linewidth=1)
    peak = data["peak_step"]
    ax.axvline(peak + 0.5, color="#c00000", linestyle=":", linewidth=1)
    ax.set_xlim(0, n)
    ax.set_ylim(0, arena * 1.02)
    ax.set_xlabel("step (operator in execution order)")
    ax.set_ylabel("arena offset (bytes)")
    bytes_axis(ax.yaxis)
    ax.set_title(
        f"arena {data['arena_size']:,} B, lower bound {data['lower_bound']:,} B "
        f"(peak at step {peak})"
    )
    kinds = sorted({b["kind"] for b in data["buffers"]})
    handles = [Patch(facecolor=KIND_COLORS.get(k, "#999999"), label=k) for k in kinds]
    handles += [
        ax.plot([], [], color="#c00000", linestyle="--", label="lower bound")[0],
        ax.plot([], [], color="#c00000", linestyle=":", label="peak step")[0],
    ]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)
    fig.savefig(os.fspath(path), dpi=120)
