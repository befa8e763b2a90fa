"""PlatformIO extra script of micro's C runtime (library.json: build.extraScript): the
optimisation level of each file, in one place.

The image is built for size (-Os, the platform's default) except the hot kernels named
here, which are built for speed: -O2 inlines their requantization and keeps their loops
compact, and -fno-schedule-insns stops GCC's first scheduling pass from hoisting loads
until the 4 accumulators, operands and pointers of a 2x2 SMLAD block no longer fit in
the 13 registers (it then spills inside the inner loop); -fno-tree-loop-distribute-patterns
keeps the short inline copies of a conv patch from becoming memcpy/memset calls, which
cost more than the copies. firmware/README.md has the numbers (instructions per inference
and flash, -Os against -O2 per file).
"""

Import("env")  # noqa: F821 - SCons

SPEED = ["-O2", "-fno-schedule-insns", "-fno-tree-loop-distribute-patterns"]
HOT = (
    "conv_s8_dsp.c",
    "depthwise_conv_s8_dsp.c",
    "fully_connected_s8_dsp.c",
    "add_s8_dsp.c",
)


def for_speed(env, node):
    return env.Object(node, CCFLAGS=env["CCFLAGS"] + SPEED)


for name in HOT:
    env.AddBuildMiddleware(for_speed, "*/csrc/kernels/" + name)  # noqa: F821
