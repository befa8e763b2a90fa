"""The one exception hierarchy of micro: every error the package raises is a `MicroError`."""

from __future__ import annotations


class MicroError(Exception):
    """Base class of every error micro raises.

    Where the error lies in the model, when known: `operator` (the operator's index in its
    subgraph) and `tensor` (the tensor's name), so a caller never parses the message.
    """

    def __init__(self, *args: object, operator: int | None = None, tensor: str | None = None):
        super().__init__(*args)
        self.operator = operator
        self.tensor = tensor


class ModelError(MicroError):
    """The model file is malformed or inconsistent."""


class UnsupportedOpError(MicroError):
    """The model uses an operator (or version, or type) micro does not implement."""


class ArenaTooSmallError(MicroError):
    """The arena budget is smaller than the model needs."""

    def __init__(self, needed: int, given: int) -> None:
        super().__init__(
            f"arena too small: the model needs {needed} bytes, {given} were given; "
            f"pass arena_size={needed} or more (or None for exactly what it needs)"
        )
        self.needed = needed
        self.given = given


class ProgramError(MicroError):
    """A compiled program blob is corrupt or does not match this runtime."""

    step: int | None = None  # the step micro_init refused, when it names one


class InvokeError(MicroError):
    """The C runtime reported an error while running a program."""

    step: int | None = None  # the step that failed
    status: int = 0  # its micro_status_t


class InputError(MicroError, ValueError):
    """A value passed to the interpreter has the wrong shape, dtype or index."""


class FirmwareError(MicroError):
    """Firmware could not be exported, built or run, or does not fit its board."""


class ToolchainError(FirmwareError):
    """A tool the board commands need (compiler, PlatformIO, QEMU) is missing: `micro setup`."""
