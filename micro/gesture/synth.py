"""Synthetic accelerometer strokes: a kinematic model of a hand drawing a shape in the air.

A *writer* (`Writer`) is one person's habits: the size and speed they draw at, how they
hold the board (its orientation against gravity), how the drawing plane is tilted, which
hand they use, how sharp their corners are, and their sensor's bias. A *stroke* draws one
shape once, with that writer's habits varied a little:

1. The shape is a polyline in the unit square (`SHAPES`; a circle is a 48-gon), mirrored
   for a left hand (an O then runs the other way round).
2. Timing: each segment follows a minimum-jerk profile (10t^3 - 15t^4 + 6t^5), so the hand
   slows to a stop at corners, with a duration growing with the segment's length; a
   Gaussian blur of `corner` seconds rounds the corners as a real hand does.
3. The path is scaled to `size` metres, tilted out of the vertical plane and rotated in it,
   sampled at 400 Hz, and differentiated twice: the hand's acceleration.
4. The board's orientation (held, with a slow wobble) turns that acceleration and gravity
   into the specific force a 3-axis accelerometer measures, in g, at 25 Hz (the average of
   16 samples, as the sensor's filter would), plus the writer's bias, a gain error and
   white noise, quantized as the LSM9DS1 at +-4 g (1/8192 g).

The negative class (`NEGATIVE`) is everything else a wand sees: holding still, random
smooth motions, other shapes (V, Z, S, lines, a triangle, a check mark) whole or only their
start or end, and pieces of the real gestures (at most half of one).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

RATE = 25.0  # Hz, output samples (the Nano's IMU as the demo sets it up)
FINE = 400.0  # Hz, the kinematic simulation
COUNTS_PER_G = 8192  # LSM9DS1 at +-4 g: 0.122 mg per count
GRAVITY = 9.80665
NEGATIVE = "negative"


def _circle(n: int = 48) -> np.ndarray:
    a = np.linspace(0.0, 2 * np.pi, n + 1) + np.pi / 2  # from the top, anticlockwise
    return np.stack([0.5 + 0.5 * np.cos(a), 0.5 + 0.5 * np.sin(a)], axis=1)


#: Shapes as they are drawn, facing the drawing: x right, y up, in the unit square.
SHAPES: dict[str, np.ndarray] = {
    "wing": np.array([[0, 1], [0.25, 0], [0.5, 0.7], [0.75, 0], [1, 1]], float),
    "ring": _circle(),
    "slope": np.array([[0, 1], [0, 0], [0.7, 0]], float),
    # shapes of the negative class
    "v": np.array([[0, 1], [0.5, 0], [1, 1]], float),
    "z": np.array([[0, 1], [1, 1], [0, 0], [1, 0]], float),
    "s": np.array([[1, 1], [0, 0.8], [0.5, 0.5], [1, 0.2], [0, 0]], float),
    "line_h": np.array([[0, 0.5], [1, 0.5]], float),
    "line_v": np.array([[0.5, 1], [0.5, 0]], float),
    "line_d": np.array([[0, 0], [1, 1]], float),
    "triangle": np.array([[0.5, 1], [0, 0], [1, 0], [0.5, 1]], float),
    "check": np.array([[0, 0.5], [0.3, 0], [1, 1]], float),
    "zigzag": np.array([[0, 0], [0.33, 1], [0.67, 0], [1, 1]], float),
}
GESTURES = ("wing", "ring", "slope")
OTHER_SHAPES = ("v", "z", "s", "line_h", "line_v", "line_d", "triangle", "check", "zigzag")


@dataclass(frozen=True)
class Writer:
    """One person's drawing habits (see the module docstring)."""

    size: float  # m, the shape's height
    duration: float  # s, to draw a four-stroke shape (W) of 25 cm
    left_handed: bool
    hold: tuple[float, float, float]  # the board's roll, pitch, yaw (rad) against upright
    tilt: float  # rad, the drawing plane leans back from vertical
    spin: float  # rad, the shape is rotated in its plane
    corner: float  # s, the blur rounding corners
    bias: tuple[float, float, float]  # g, the sensor's zero-g offset
    noise: float  # g, white noise (rms)


def random_writer(rng: np.random.Generator) -> Writer:
    return Writer(
        size=float(rng.uniform(0.12, 0.45)),
        duration=float(rng.uniform(0.7, 1.6)),
        left_handed=bool(rng.random() < 0.2),
        hold=(
            float(rng.normal(0, 0.35)),
            float(rng.normal(0, 0.35)),
            float(rng.uniform(-np.pi, np.pi)),
        ),
        tilt=float(rng.normal(0, 0.3)),
        spin=float(rng.normal(0, 0.12)),
        corner=float(rng.uniform(0.02, 0.08)),
        bias=tuple(float(b) for b in rng.normal(0, 0.03, 3)),  # type: ignore[arg-type]
        noise=float(rng.uniform(0.005, 0.03)),
    )


def _rotations(angles: np.ndarray) -> np.ndarray:
    """Rotation matrices [m, 3, 3] from roll, pitch, yaw [m, 3] (R = Rz Ry Rx)."""
    c, s = np.cos(angles), np.sin(angles)
    one, zero = np.ones(len(angles)), np.zeros(len(angles))
    rx = np.stack([one, zero, zero, zero, c[:, 0], -s[:, 0], zero, s[:, 0], c[:, 0]], 1)
    ry = np.stack([c[:, 1], zero, s[:, 1], zero, one, zero, -s[:, 1], zero, c[:, 1]], 1)
    rz = np.stack([c[:, 2], -s[:, 2], zero, s[:, 2], c[:, 2], zero, zero, zero, one], 1)
    m = (-1, 3, 3)
    return rz.reshape(m) @ ry.reshape(m) @ rx.reshape(m)


def _pieces(points: np.ndarray) -> list[np.ndarray]:
    """The polyline split at its corners (turns of more than 45 degrees): the hand stops
    at a corner, and glides through the gentle turns of a curve."""
    d = np.diff(points, axis=0)
    heading = np.arctan2(d[:, 1], d[:, 0])
    turn = np.abs((np.diff(heading) + np.pi) % (2 * np.pi) - np.pi)
    cuts = [0, *(i + 1 for i in np.flatnonzero(turn > np.pi / 4)), len(points) - 1]
    return [points[a : b + 1] for a, b in itertools.pairwise(cuts)]


def _timed_path(points: np.ndarray, seconds: float, rng: np.random.Generator) -> np.ndarray:
    """The polyline drawn in about `seconds`, each piece between corners along a
    minimum-jerk profile, sampled at FINE Hz: [n, 2]."""
    pieces = _pieces(points)
    lengths = [float(np.hypot(*np.diff(p, axis=0).T).sum()) for p in pieces]
    weights = np.array([0.15 + length for length in lengths]) * rng.uniform(0.85, 1.15, len(pieces))
    out = []
    for piece, share in zip(pieces, weights / weights.sum(), strict=True):
        arc = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(piece, axis=0).T))])
        t = np.linspace(0.0, 1.0, max(2, round(seconds * share * FINE)), endpoint=False)
        s = (10 * t**3 - 15 * t**4 + 6 * t**5) * arc[-1]
        out.append(np.stack([np.interp(s, arc, piece[:, i]) for i in range(2)], axis=1))
    out.append(points[-1:])
    return np.concatenate(out)


def _blur(x: np.ndarray, seconds: float) -> np.ndarray:
    sigma = seconds * FINE
    radius = int(3 * sigma) + 1
    k = np.exp(-0.5 * (np.arange(-radius, radius + 1) / sigma) ** 2)
    k /= k.sum()
    padded = np.pad(x, ((radius, radius), (0, 0)), mode="edge")
    return np.stack([np.convolve(padded[:, i], k, mode="valid") for i in range(x.shape[1])], 1)


def _motion(writer: Writer, rng: np.random.Generator, points: np.ndarray) -> np.ndarray:
    """Hand positions (m, world frame: x right, y away, z up) at FINE Hz for one stroke."""
    pts = points.copy()
    if writer.left_handed:
        pts[:, 0] = 1.0 - pts[:, 0]
    pts = pts - 0.5
    spin = writer.spin + rng.normal(0, 0.08)
    c, s = np.cos(spin), np.sin(spin)
    pts = pts @ np.array([[c, s], [-s, c]])
    pts = pts + rng.normal(0, 0.03, pts.shape)  # a hand is not a plotter
    size = writer.size * rng.uniform(0.8, 1.25)
    seconds = writer.duration * rng.uniform(0.85, 1.2) * (size / 0.25) ** 0.3
    path = _timed_path(pts * size, seconds * min(1.0, 0.4 + len(_pieces(pts)) / 5), rng)
    path = _blur(path, writer.corner * rng.uniform(0.7, 1.4))
    tilt = writer.tilt + rng.normal(0, 0.1)
    plane = np.array([[1, 0, 0], [0, np.sin(tilt), np.cos(tilt)]])  # drawing x, y -> world
    return path @ plane


def _still(seconds: float) -> np.ndarray:
    return np.zeros((max(1, round(seconds * FINE)), 3))


def render(
    writer: Writer,
    rng: np.random.Generator,
    positions: np.ndarray,
) -> np.ndarray:
    """Hand positions at FINE Hz -> accelerometer samples [n, 3] in g at RATE Hz."""
    dt = 1.0 / FINE
    accel = np.gradient(np.gradient(positions, dt, axis=0), dt, axis=0)
    n = len(positions)
    # the board's orientation: the writer's hold plus a slow wobble of the wrist
    wobble = np.cumsum(rng.normal(0, 0.004, (n, 3)), axis=0)
    wobble -= np.linspace(0, 1, n)[:, None] * wobble[-1]
    hold = np.asarray(writer.hold) + rng.normal(0, 0.08, 3)
    g_world = np.array([0.0, 0.0, GRAVITY])  # specific force of a board at rest: up
    r = _rotations(hold + wobble)
    sensed = np.einsum("nij,ni->nj", r, accel + g_world) / GRAVITY  # world -> board: r^T v
    per = round(FINE / RATE)
    m = len(sensed) // per
    sensed = sensed[: m * per].reshape(m, per, 3).mean(axis=1)
    gain = 1.0 + rng.normal(0, 0.015, 3)
    sensed = sensed * gain + np.asarray(writer.bias) + rng.normal(0, writer.noise, sensed.shape)
    return np.round(np.clip(sensed, -4.0, 4.0 - 1 / COUNTS_PER_G) * COUNTS_PER_G) / COUNTS_PER_G


def stroke(
    writer: Writer, rng: np.random.Generator, shape: str, before: float = 0.0, after: float = 0.0
) -> np.ndarray:
    """One shape drawn by `writer`, with `before`/`after` seconds of holding still: [n, 3] g."""
    hand = _motion(writer, rng, SHAPES[shape])
    positions = np.concatenate([_still(before) + hand[0], hand, _still(after) + hand[-1]])
    return render(writer, rng, positions)


def _wander(writer: Writer, rng: np.random.Generator) -> np.ndarray:
    """A random smooth motion of a gesture's size (a few random waypoints)."""
    points = rng.uniform(0, 1, (int(rng.integers(2, 6)), 2))
    return _motion(writer, rng, points)


def window(
    writer: Writer,
    rng: np.random.Generator,
    label: str,
    samples: int,
    others: Sequence[str] = OTHER_SHAPES,
    gestures: Sequence[str] = GESTURES,
) -> np.ndarray:
    """One training example of `samples` samples [samples, 3] in g: a whole gesture inside
    the window (label a gesture), or something else (label NEGATIVE)."""
    seconds = samples / RATE
    if label != NEGATIVE:
        hand = _motion(writer, rng, SHAPES[label])
        return _place(writer, rng, hand, samples, whole=True)
    kind = rng.random()
    if kind < 0.15:  # holding still, with a tremor
        tremor = np.cumsum(rng.normal(0, 2e-4, (round(seconds * FINE), 3)), axis=0)
        return render(writer, rng, tremor)[:samples]
    if kind < 0.45:
        hand = _wander(writer, rng)
    elif kind < 0.8:
        hand = _motion(writer, rng, SHAPES[others[int(rng.integers(len(others)))]])
    else:  # a piece of a gesture: at most half of it
        hand = _motion(writer, rng, SHAPES[gestures[int(rng.integers(len(gestures)))]])
        cut = int(len(hand) * rng.uniform(0.2, 0.5))
        hand = hand[:cut] if rng.random() < 0.5 else hand[-cut:]
    return _place(writer, rng, hand, samples, whole=False)


def _place(
    writer: Writer, rng: np.random.Generator, hand: np.ndarray, samples: int, whole: bool
) -> np.ndarray:
    """The motion at a random place in a window of still hand: all of it (`whole`), or
    anywhere, so the window may hold only its start or only its end, as a window sliding
    over a stream does."""
    total = samples / RATE
    length = len(hand) / FINE
    slack = max(0.0, total - length)
    before = rng.uniform(0, slack) if whole else rng.uniform(-0.7 * length, total)
    if before < 0:  # it began before the window: only its end is seen
        hand = hand[round(-before * FINE) :]
        before = 0.0
    positions = np.concatenate([_still(before) + hand[0], hand, _still(total) + hand[-1]])
    return render(writer, rng, positions)[:samples]


def dataset(
    labels: Sequence[str],
    writers: int,
    per_writer: int,
    samples: int,
    seed: int | tuple[int, ...],
    others: Sequence[str] = OTHER_SHAPES,
) -> tuple[np.ndarray, np.ndarray]:
    """`per_writer` examples of each gesture (3x as many of NEGATIVE) from each of `writers`
    random writers: x [n, samples, 3] float32 g, y [n] label index. Writers differ between
    seeds."""
    rng = np.random.default_rng(seed)
    gestures = [label for label in labels if label != NEGATIVE]
    xs, ys = [], []
    for _ in range(writers):
        writer = random_writer(rng)
        for k, label in enumerate(labels):
            for _ in range(per_writer * (3 if label == NEGATIVE else 1)):
                x = window(writer, rng, label, samples, others, gestures)
                if len(x) < samples:  # a stroke longer than the window: clipped
                    x = np.concatenate([x, np.repeat(x[-1:], samples - len(x), 0)])
                xs.append(x)
                ys.append(k)
    return np.asarray(xs, np.float32), np.asarray(ys, np.int64)


def demo_trace(shapes: Sequence[str], seed: int) -> tuple[np.ndarray, list[tuple[str, float]]]:
    """One writer (drawn from its own random stream) draws `shapes` in turn, holding still
    for 1.5-2.5 s between them: the trace [n, 3] in g and (shape, end time in s) of each."""
    rng = np.random.default_rng((seed, 99))
    writer = random_writer(rng)
    hands: list[np.ndarray] = []
    marks: list[tuple[str, float]] = []
    t = 0.0
    for shape in shapes:
        pause = rng.uniform(1.5, 2.5)
        hand = _motion(writer, rng, SHAPES[shape])
        start = hands[-1][-1] if hands else hand[0]
        hands += [_still(pause) + start, hand - hand[0] + start]
        t += pause + len(hand) / FINE
        marks.append((shape, round(t, 2)))
    hands.append(_still(2.0) + hands[-1][-1])
    return render(writer, rng, np.concatenate(hands)), marks
