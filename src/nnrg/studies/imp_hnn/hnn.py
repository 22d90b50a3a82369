"""Batched Hamiltonian neural-network ODE solvers (Mattheakis et al. 2022; study 000).

R independent replicas of the network t -> N(t) (input t, two sin-activated hidden layers of
``hidden`` units, output ``dim``) are stored as stacked weights and evaluated with batched
matrix products, so R seeds train at the cost of one larger model. The solution carries its
initial condition, z(t) = z0 + (1 - exp(-t)) N(t), and dz/dt is computed by forward-mode
differentiation written out by hand (a scalar input makes it one extra pass).
Weights are multiplied by 0/1 masks in the forward pass, so pruned weights get zero gradient.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn

LAYERS = ("input", "hidden", "output")
Tensors = tuple[torch.Tensor, ...]  # one tensor per layer, in LAYERS order


class BatchedHNN(nn.Module):
    """``n_replicas`` HNNs 1 -> hidden -> hidden -> dim with sin activations."""

    def __init__(
        self, n_replicas: int, dim: int, hidden: int = 50, generator: torch.Generator | None = None
    ) -> None:
        super().__init__()
        shapes = {"input": (1, hidden), "hidden": (hidden, hidden), "output": (hidden, dim)}
        self.weights = nn.ParameterDict()
        self.biases = nn.ParameterDict()
        for name, (fan_in, fan_out) in shapes.items():
            bound = 1.0 / math.sqrt(fan_in)  # torch.nn.Linear's default initialisation range
            w = (torch.rand(n_replicas, fan_in, fan_out, generator=generator) * 2 - 1) * bound
            b = (torch.rand(n_replicas, fan_out, generator=generator) * 2 - 1) * bound
            self.weights[name] = nn.Parameter(w)
            self.biases[name] = nn.Parameter(b)
        self.masks = {
            name: torch.ones_like(w, dtype=torch.bool) for name, w in self.weights.items()
        }

    def _apply(self, fn, recurse: bool = True):  # noqa: ANN001 - torch's own signature
        """Move / cast the masks with the parameters (``.to(device)``, ``.cuda()``, ...)."""
        super()._apply(fn, recurse)
        self.masks = {name: fn(m) for name, m in self.masks.items()}
        return self

    @property
    def device(self) -> torch.device:
        """Where the weights (and masks) live."""
        return self.weights["input"].device

    @property
    def n_replicas(self) -> int:
        """Number of stacked replicas R."""
        return self.weights["input"].shape[0]

    def masked(self, name: str) -> torch.Tensor:
        """Layer ``name``'s weights times its mask, ``(R, fan_in, fan_out)``."""
        return self.weights[name] * self.masks[name]

    def parts(self) -> tuple[Tensors, Tensors, Tensors]:
        """(weights, masks, biases), each in ``LAYERS`` order: :func:`network`'s inputs."""
        weights, masks, biases = (tuple(d[n] for n in LAYERS)
                                  for d in (self.weights, self.masks, self.biases))  # fmt: skip
        return weights, masks, biases

    def forward(self, t: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """N(t) and dN/dt for times ``t`` ``(T,)``; both ``(R, T, dim)``."""
        return network(*self.parts(), t)


def network(
    weights: Tensors,
    masks: Tensors,
    biases: Tensors,
    t: torch.Tensor,
) -> tuple[torch.Tensor, torch.Tensor]:
    """N(t) and dN/dt of the masked network (weights times masks), as a function of tensors
    only, so that it can be compiled (``torch.compile``); both ``(R, T, dim)``."""
    w0, w1, w2 = (w * m for w, m in zip(weights, masks, strict=True))
    b0, b1, b2 = biases
    a1 = t[None, :, None] * w0 + b0[:, None, :]
    h1, dh1 = torch.sin(a1), torch.cos(a1) * w0
    a2 = torch.bmm(h1, w1) + b1[:, None, :]
    h2, dh2 = torch.sin(a2), torch.cos(a2) * torch.bmm(dh1, w1)
    return torch.bmm(h2, w2) + b2[:, None, :], torch.bmm(dh2, w2)


def with_initial_condition(
    n: torch.Tensor, dn: torch.Tensor, t: torch.Tensor, z0: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """z(t) = z0 + (1 - e^-t) N(t) and dz/dt from N and dN/dt, ``(R, T, dim)`` each."""
    decay = torch.exp(-t)[None, :, None]
    return z0 + (1 - decay) * n, decay * n + (1 - decay) * dn


def solution(
    model: BatchedHNN, t: torch.Tensor, z0: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """z(t) = z0 + (1 - e^-t) N(t) and dz/dt, ``(R, T, dim)`` each."""
    n, dn = model(t)
    return with_initial_condition(n, dn, t, z0)


def residual_loss(system_field, t: torch.Tensor, z: torch.Tensor, dz: torch.Tensor) -> torch.Tensor:
    """The thesis's loss per replica ``(R,)`` (study 000 eqs. 45 and 49): the squared
    residuals of Hamilton's equations summed over the state's components and averaged over
    the K time points, L = (1/K) sum_n sum_i (dz_i/dt - f_i(z))^2 at t_n."""
    return ((dz - system_field(z)) ** 2).sum(dim=2).mean(dim=1)


def weight_shapes(model: BatchedHNN) -> dict[str, tuple[int, ...]]:
    """Per-layer weight shape of one replica, ``(fan_in, fan_out)``."""
    return {n: tuple(model.weights[n].shape[1:]) for n in LAYERS}


def tiled(model: BatchedHNN, copies: int) -> BatchedHNN:
    """A model whose replicas are ``copies`` back-to-back copies of ``model``'s (and masks).

    Used to run several pruning modes on the same initial weights in one batched model.
    """
    out = BatchedHNN(
        model.n_replicas * copies,
        model.weights["output"].shape[-1],
        hidden=model.weights["input"].shape[-1],
    ).to(model.device)
    with torch.no_grad():
        for n in LAYERS:
            out.weights[n].copy_(model.weights[n].repeat(copies, 1, 1))
            out.biases[n].copy_(model.biases[n].repeat(copies, 1))
            out.masks[n] = model.masks[n].repeat(copies, 1, 1)
    return out


def replica_subset(model: BatchedHNN, rows: torch.Tensor) -> BatchedHNN:
    """A model of the replicas ``rows`` (indices) of ``model``: weights, biases and masks."""
    out = BatchedHNN(
        len(rows), model.weights["output"].shape[-1], hidden=model.weights["input"].shape[-1]
    ).to(model.device)
    rows = rows.to(model.device)
    with torch.no_grad():
        for n in LAYERS:
            out.weights[n].copy_(model.weights[n][rows])
            out.biases[n].copy_(model.biases[n][rows])
            out.masks[n] = model.masks[n][rows].clone()
    return out


def assign_replicas(model: BatchedHNN, rows: torch.Tensor, part: BatchedHNN) -> None:
    """Write ``part``'s weights and biases back into replicas ``rows`` of ``model``."""
    rows = rows.to(model.device)
    with torch.no_grad():
        for n in LAYERS:
            model.weights[n][rows] = part.weights[n]
            model.biases[n][rows] = part.biases[n]


def state_arrays(model: BatchedHNN) -> dict[str, np.ndarray]:
    """Weights, biases and masks as numpy arrays (for npz state dicts), on the CPU."""
    out = {}
    for n in LAYERS:
        out[f"weight_{n}"] = model.weights[n].detach().cpu().numpy()
        out[f"bias_{n}"] = model.biases[n].detach().cpu().numpy()
        out[f"mask_{n}"] = model.masks[n].cpu().numpy()
    return out


def from_state_arrays(arrays: dict[str, np.ndarray]) -> BatchedHNN:
    """Inverse of :func:`state_arrays` (on the CPU; ``.to(device)`` moves it)."""
    w0 = arrays["weight_input"]
    model = BatchedHNN(w0.shape[0], arrays["weight_output"].shape[-1], hidden=w0.shape[-1])
    with torch.no_grad():
        for n in LAYERS:
            model.weights[n].copy_(torch.from_numpy(np.asarray(arrays[f"weight_{n}"])))
            model.biases[n].copy_(torch.from_numpy(np.asarray(arrays[f"bias_{n}"])))
            model.masks[n] = torch.from_numpy(np.asarray(arrays[f"mask_{n}"]).astype(bool))
    return model
