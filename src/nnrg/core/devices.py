"""Where torch computes: one device setting for every torch model and training loop.

The setting is ``pipeline.device`` in ``params.yaml`` (``auto``, ``cpu``, ``cuda`` or
``cuda:N``), overridden by the environment variable ``NNRG_DEVICE``. ``auto`` is CUDA when
torch sees a GPU, else the CPU. Models are built on the CPU from their seeded generators and
then moved, so a GPU run starts from the very weights a CPU run starts from; results come back
to the CPU only to be written. On the CPU nothing moves and every number is what it was before
this setting existed (byte-identical); on a GPU kernels and random streams differ, so results
agree with the CPU's within a stated tolerance only (``tests/core/test_device.py``).
"""

from __future__ import annotations

import torch

from nnrg.core.params import overridden

DEVICE_ENV = "NNRG_DEVICE"
DEVICE_SETTINGS = ("auto", "cpu", "cuda")  # and "cuda:N" for the N-th GPU


def resolve_device(setting: str = "auto") -> torch.device:
    """The device that ``setting`` (or ``$NNRG_DEVICE``, which wins) names, checked here."""
    value, source = overridden(setting, DEVICE_ENV, "pipeline.device")
    if value == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if value != "cpu" and not (value == "cuda" or value.startswith("cuda:")):
        raise ValueError(f"{source}: {value!r} is not a device; use one of "
                         f"{list(DEVICE_SETTINGS)} or cuda:N")  # fmt: skip
    device = torch.device(value)
    if device.type == "cuda":
        if not torch.cuda.is_available():
            raise ValueError(f"{source}: {value!r} asked for, but torch sees no CUDA GPU here")
        if device.index is not None and device.index >= torch.cuda.device_count():
            raise ValueError(f"{source}: {value!r} asked for, but torch sees "
                             f"{torch.cuda.device_count()} GPU(s)")  # fmt: skip
    return device


def seeded_generator(seed: int, device: torch.device | str = "cpu") -> torch.Generator:
    """A seeded torch generator on ``device`` (on the CPU exactly ``Generator().manual_seed``)."""
    return torch.Generator(device=torch.device(device)).manual_seed(seed)


def module_device(model: torch.nn.Module) -> torch.device:
    """The device of a module's first parameter (the CPU for a module without any)."""
    first = next(iter(model.parameters()), None)
    return torch.device("cpu") if first is None else first.device


def uniform(
    shape: tuple[int, ...] | torch.Size,
    gen: torch.Generator | None,
    like: torch.Tensor,
) -> torch.Tensor:
    """Uniform [0, 1) numbers of ``like``'s dtype on ``like``'s device, drawn from ``gen``
    on the generator's own device (a CPU generator's stream is moved: same numbers as on the
    CPU)."""
    where = like.device if gen is None else gen.device
    u = torch.rand(shape, generator=gen, dtype=like.dtype, device=where)
    return u if u.device == like.device else u.to(like.device)
