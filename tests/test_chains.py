"""Small random networks mixing every op group (convolutions, pooling, elementwise, data
movement, classifier heads), byte for byte against TFLM. Where single-op tests check each
kernel, these check that ops compose: aliasing, arena reuse across branches, quantization
handed from op to op, residual adds, concatenations of live branches."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
from support.oracle import assert_matches_tflm

from micro.ops._shapes import compute_window
from micro.schema import ActivationFunctionType as Act
from micro.schema import Padding
from micro.writer import ModelBuilder


@dataclass
class Node:
    tensor: int
    shape: tuple[int, ...]
    quant: tuple[float, int]


class Net:
    """A random NHWC int8 network under construction."""

    def __init__(self, rng: np.random.Generator, shape: tuple[int, int, int, int]) -> None:
        self.rng = rng
        self.b = ModelBuilder()
        self.count = 0
        x = self.tensor(shape)
        self.b.set_inputs([x.tensor])
        self.x = x

    def tensor(self, shape: tuple[int, ...], quant: tuple[float, int] | None = None) -> Node:
        self.count += 1
        scale, zp = quant or (
            float(self.rng.uniform(0.01, 0.2)),
            int(self.rng.integers(-40, 40)),
        )
        t = self.b.add_tensor(f"t{self.count}", shape, "int8", scale=scale, zero_point=zp)
        return Node(t, shape, (scale, zp))

    def act(self) -> int:
        return int(self.rng.choice([Act.NONE, Act.RELU, Act.RELU6]))

    def conv(self, x: Node, depthwise: bool = False) -> Node:
        rng = self.rng
        n, h, w, c = x.shape
        fh, fw = (int(v) for v in rng.integers(1, 4, 2))
        stride = int(rng.integers(1, 3))
        padding = int(rng.choice([Padding.SAME, Padding.VALID]))
        if padding == Padding.VALID and (fh > h or fw > w):
            padding = Padding.SAME
        oh = compute_window(padding, h, fh, stride, 1).out_size
        ow = compute_window(padding, w, fw, stride, 1).out_size
        mult = int(rng.integers(1, 3)) if depthwise else 1
        oc = c * mult if depthwise else int(rng.integers(1, 9))
        fshape = (1, fh, fw, oc) if depthwise else (oc, fh, fw, c)
        scales = rng.uniform(0.002, 0.02, oc)
        self.count += 1
        wt = self.b.add_tensor(
            f"w{self.count}",
            fshape,
            "int8",
            data=rng.integers(-127, 128, fshape),
            scale=scales,
            zero_point=np.zeros(oc, np.int64),
            quantized_dimension=3 if depthwise else 0,
        )
        in_scale = x.quant[0]
        bias = self.b.add_tensor(
            f"b{self.count}",
            (oc,),
            "int32",
            data=rng.integers(-3000, 3000, oc),
            scale=in_scale * scales,
            zero_point=np.zeros(oc, np.int64),
        )
        y = self.tensor((n, oh, ow, oc))
        options = {
            "padding": padding,
            "stride_h": stride,
            "stride_w": stride,
            "fused_activation_function": self.act(),
        }
        if depthwise:
            options["depth_multiplier"] = mult
        self.b.add_operator(
            "DEPTHWISE_CONV_2D" if depthwise else "CONV_2D",
            [x.tensor, wt, bias],
            [y.tensor],
            options,
        )
        return y

    def pool(self, x: Node) -> Node:
        n, h, w, c = x.shape
        k = int(self.rng.integers(1, 3))
        oh = compute_window(Padding.SAME, h, k, k, 1).out_size
        ow = compute_window(Padding.SAME, w, k, k, 1).out_size
        op = str(self.rng.choice(["AVERAGE_POOL_2D", "MAX_POOL_2D"]))
        # TFLM's int8 pooling needs the output quantization to equal the input's.
        y = self.tensor((n, oh, ow, c), x.quant)
        self.b.add_operator(
            op,
            [x.tensor],
            [y.tensor],
            {
                "padding": Padding.SAME,
                "stride_h": k,
                "stride_w": k,
                "filter_height": k,
                "filter_width": k,
                "fused_activation_function": Act.NONE,
            },
        )
        return y

    def residual(self, x: Node) -> Node:
        """x + conv1x1(x): two live branches meeting in an ADD (or SUB, MUL)."""
        c = x.shape[3]
        self.count += 1
        wt = self.b.add_tensor(
            f"w{self.count}",
            (c, 1, 1, c),
            "int8",
            data=self.rng.integers(-127, 128, (c, 1, 1, c)),
            scale=np.full(c, 0.01),
            zero_point=np.zeros(c, np.int64),
        )
        branch = self.tensor(x.shape)
        self.b.add_operator(
            "CONV_2D",
            [x.tensor, wt],
            [branch.tensor],
            {
                "padding": Padding.SAME,
                "stride_h": 1,
                "stride_w": 1,
                "fused_activation_function": Act.NONE,
            },
        )
        y = self.tensor(x.shape)
        op = str(self.rng.choice(["ADD", "SUB", "MUL"]))
        self.b.add_operator(
            op, [x.tensor, branch.tensor], [y.tensor], {"fused_activation_function": self.act()}
        )
        return y

    def concat(self, x: Node) -> Node:
        """x beside an activation of x along channels (shared quantization, as TFLM needs)."""
        n, h, w, c = x.shape
        q = x.quant
        branch = self.tensor(x.shape, q)
        self.b.add_operator("RELU", [x.tensor], [branch.tensor])
        y = self.tensor((n, h, w, 2 * c), q)
        self.b.add_operator(
            "CONCATENATION",
            [x.tensor, branch.tensor],
            [y.tensor],
            {"axis": 3, "fused_activation_function": Act.NONE},
        )
        return y

    def elementwise(self, x: Node) -> Node:
        op = str(self.rng.choice(["LEAKY_RELU", "HARD_SWISH", "LOGISTIC", "TANH"]))
        quant = {"LOGISTIC": (1 / 256, -128), "TANH": (1 / 128, 0)}.get(op)
        y = self.tensor(x.shape, quant)
        options = {"alpha": float(self.rng.uniform(0.05, 0.5))} if op == "LEAKY_RELU" else {}
        self.b.add_operator(op, [x.tensor], [y.tensor], options)
        return y

    def head(self, x: Node) -> Node:
        """MEAN over H, W or RESHAPE to a vector, then FULLY_CONNECTED and SOFTMAX."""
        n, h, w, c = x.shape
        if self.rng.integers(0, 2):
            self.count += 1
            axes = self.b.add_tensor(
                f"axes{self.count}", (2,), "int32", data=np.array([1, 2], np.int32)
            )
            v = self.tensor((n, c))
            self.b.add_operator("MEAN", [x.tensor, axes], [v.tensor], {"keep_dims": False})
        else:
            self.count += 1
            shape = self.b.add_tensor(
                f"shape{self.count}", (2,), "int32", data=np.array([n, h * w * c], np.int32)
            )
            v = self.tensor((n, h * w * c), x.quant)
            self.b.add_operator("RESHAPE", [x.tensor, shape], [v.tensor])
        depth = v.shape[1]
        classes = int(self.rng.integers(2, 7))
        self.count += 1
        wt = self.b.add_tensor(
            f"fc{self.count}",
            (classes, depth),
            "int8",
            data=self.rng.integers(-127, 128, (classes, depth)),
            scale=0.005,
            zero_point=0,
        )
        logits = self.tensor((n, classes))
        self.b.add_operator(
            "FULLY_CONNECTED",
            [v.tensor, wt, -1],
            [logits.tensor],
            {"fused_activation_function": Act.NONE},
        )
        y = self.tensor((n, classes), (1 / 256, -128))
        self.b.add_operator("SOFTMAX", [logits.tensor], [y.tensor], {"beta": 1.0})
        return y

    def build(self, out: Node) -> bytes:
        self.b.set_outputs([out.tensor])
        return self.b.build()


def random_network(seed: int) -> bytes:
    rng = np.random.default_rng(seed)
    h, w = (int(v) for v in rng.integers(3, 13, 2))
    net = Net(rng, (1, h, w, int(rng.integers(1, 5))))
    x = net.x
    layers = ["conv", "depthwise", "pool", "residual", "concat", "elementwise"]
    for _ in range(int(rng.integers(2, 6))):
        kind = str(rng.choice(layers))
        if kind == "conv":
            x = net.conv(x)
        elif kind == "depthwise":
            x = net.conv(x, depthwise=True)
        elif kind == "pool" and min(x.shape[1:3]) > 1:
            x = net.pool(x)
        elif kind == "residual":
            x = net.residual(x)
        elif kind == "concat" and x.shape[3] <= 16:
            x = net.concat(x)
        elif kind == "elementwise":
            x = net.elementwise(x)
    if rng.integers(0, 4):
        x = net.head(x)
    return net.build(x)


@pytest.mark.parametrize("seed", range(120))
def test_random_network_matches_tflm(seed: int) -> None:
    assert_matches_tflm(random_network(seed), seeds=(seed, seed + 1000))
