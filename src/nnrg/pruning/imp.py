"""Training batched HNNs and iterative magnitude pruning with rewinding (thesis Algorithm 1).

Each IMP iteration: rewind every surviving weight (and every bias) to its initial value, train,
record the loss and the per-layer |m theta| sums, then prune x% of the remaining weights of the
chosen layers by |theta| (or at random, as a control). Biases are never pruned.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from nnrg.models.hnn import LAYERS, BatchedHNN, residual_loss, solution
from nnrg.pruning.mask import prune_smallest, random_prune


@dataclass(frozen=True)
class HnnTraining:
    """Adam on the Hamilton residual; lr decays from ``lr`` to ``lr_final`` (cosine) or stays."""

    epochs: int
    lr: float
    lr_final: float
    schedule: str  # "cosine" | "constant"
    n_points: int
    jitter: bool
    seed: int


def learning_rate(tr: HnnTraining, epoch: int) -> float:
    """The schedule's learning rate at ``epoch``."""
    if tr.schedule == "constant":
        return tr.lr
    if tr.schedule == "cosine":
        return tr.lr_final + 0.5 * (tr.lr - tr.lr_final) * (1 + math.cos(math.pi * epoch
                                                                          / tr.epochs))
    raise ValueError(f"schedule must be 'cosine' or 'constant', got {tr.schedule!r}")


def train_hnn(model: BatchedHNN, field: Callable, z0: torch.Tensor, t_max: float,
              tr: HnnTraining, progress: Callable[[int], None] | None = None) -> np.ndarray:
    """Train all replicas at once; returns each replica's final residual loss on the grid.

    The loss summed over replicas has, for each replica, exactly that replica's gradient, so
    batching changes no replica's trajectory. Time points are jittered each epoch if asked.
    """
    gen = torch.Generator().manual_seed(tr.seed)
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.Adam(params, lr=tr.lr)
    grid = torch.linspace(0.0, t_max, tr.n_points)
    dt = t_max / max(tr.n_points - 1, 1)
    for epoch in range(tr.epochs):
        for group in opt.param_groups:
            group["lr"] = learning_rate(tr, epoch)
        t = grid
        if tr.jitter:
            t = (grid + (torch.rand(tr.n_points, generator=gen) - 0.5) * dt).clamp(0.0, t_max)
        z, dz = solution(model, t, z0)
        loss = residual_loss(field, t, z, dz).sum()
        opt.zero_grad()
        loss.backward()
        opt.step()
        if progress is not None:
            progress(epoch)
    return evaluate_hnn(model, field, z0, grid)


def evaluate_hnn(model: BatchedHNN, field: Callable, z0: torch.Tensor, t: torch.Tensor
                 ) -> np.ndarray:
    """Residual loss per replica on times ``t`` (forward mode needs no autograd here)."""
    with torch.no_grad():
        z, dz = solution(model, t, z0)
        return residual_loss(field, t, z, dz).numpy()


@dataclass
class ImpResult:
    """Per iteration: densities, losses ``(n_iter, R)``, layer magnitudes ``(n_iter, R, 3)``,
    and packed masks (one uint8 array per layer, ``(n_iter, R, bytes)``)."""

    density: np.ndarray
    loss: np.ndarray
    layer_magnitude: np.ndarray
    masks: dict[str, np.ndarray]


def layer_magnitudes(model: BatchedHNN) -> np.ndarray:
    """sum |m theta| per layer and replica, ``(R, 3)`` in LAYERS order."""
    with torch.no_grad():
        return torch.stack([model.masked(n).abs().sum(dim=(1, 2)) for n in LAYERS],
                           dim=1).numpy()


def imp(model: BatchedHNN, field: Callable, z0: torch.Tensor, t_max: float, tr: HnnTraining,
        prune_layers: tuple[str, ...], fraction: float, n_iterations: int,
        method: str = "magnitude", progress: Callable[[int], None] | None = None) -> ImpResult:
    """Run IMP on all replicas of ``model``; see the module docstring."""
    init_w = {n: w.detach().clone() for n, w in model.weights.items()}
    init_b = {n: b.detach().clone() for n, b in model.biases.items()}
    gen = torch.Generator().manual_seed(tr.seed + 1)
    losses, mags, dens = [], [], []
    packed = {n: [] for n in LAYERS}
    total = sum(m[0].numel() for m in model.masks.values())
    for it in range(n_iterations + 1):
        with torch.no_grad():
            for n in LAYERS:
                model.weights[n].copy_(init_w[n])
                model.biases[n].copy_(init_b[n])
        losses.append(train_hnn(model, field, z0, t_max, tr))
        mags.append(layer_magnitudes(model))
        kept = sum(m.reshape(m.shape[0], -1).sum(dim=1) for m in model.masks.values())
        dens.append((kept.double() / total).numpy())
        for n in LAYERS:
            packed[n].append(np.packbits(model.masks[n].reshape(model.n_replicas, -1).numpy(),
                                         axis=1))
        if it < n_iterations:
            current = [model.masks[n] for n in prune_layers]
            if method == "magnitude":
                new = prune_smallest([model.weights[n] for n in prune_layers], current, fraction)
            elif method == "random":
                new = random_prune(current, fraction, gen)
            else:
                raise ValueError(f"method must be 'magnitude' or 'random', got {method!r}")
            for n, m in zip(prune_layers, new, strict=True):
                model.masks[n] = m
        if progress is not None:
            progress(it)
    return ImpResult(np.array(dens), np.array(losses), np.array(mags),
                     {n: np.stack(v) for n, v in packed.items()})
