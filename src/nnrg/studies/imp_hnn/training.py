"""Training batched HNNs on the Hamilton residual (thesis sec. 8; Mattheakis et al.'s recipe).

The training loop of study 000: an initial-value problem (:class:`HnnProblem`), the recipe
(:class:`HnnTraining`: a params section's :class:`~nnrg.studies.imp_hnn.params.HnnTrainingParams`
with the run's seed), the loop (:func:`train_hnn`) and its read-out (:func:`evaluate_hnn`).
IMP (``imp``) calls it between prunings; pruning never trains.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from nnrg.core.devices import uniform
from nnrg.studies.imp_hnn.hnn import (
    BatchedHNN,
    Tensors,
    from_state_arrays,
    network,
    residual_loss,
    solution,
    state_arrays,
    with_initial_condition,
)
from nnrg.studies.imp_hnn.params import HnnTrainingParams


@dataclass(frozen=True)
class HnnProblem:
    """An initial-value problem for the HNN: vector field, energy, z0 and the span [0, t_max]."""

    field: Callable
    energy: Callable
    z0: torch.Tensor
    t_max: float


@dataclass(frozen=True)
class HnnTraining:
    """One training run's recipe: the params section's ``recipe`` (Adam on the Hamilton
    residual, the lr schedule, the time noise, the network kept, the optional energy penalty;
    see :class:`~nnrg.studies.imp_hnn.params.HnnTrainingParams`), the run's ``seed`` and
    whether the epoch runs compiled (``pipeline.compile``)."""

    recipe: HnnTrainingParams
    seed: int
    compiled: bool = False  # torch.compile'd loss and fused Adam (see train_hnn)

    @classmethod
    def of(cls, seed: int, compiled: bool = False, **recipe: Any) -> HnnTraining:
        """A run from recipe fields given by name (the others take the section's defaults).

        >>> HnnTraining.of(seed=3, epochs=10).recipe.epochs
        10
        """
        return cls(HnnTrainingParams(**recipe), seed, compiled)


def learning_rate(tr: HnnTraining, epoch: int) -> float:
    """The schedule's learning rate at ``epoch``."""
    if tr.recipe.schedule == "constant":
        return tr.recipe.lr
    if tr.recipe.schedule == "cosine":
        return tr.recipe.lr_final + 0.5 * (tr.recipe.lr - tr.recipe.lr_final) * (
            1 + math.cos(math.pi * epoch / tr.recipe.epochs)
        )
    raise ValueError(f"schedule must be 'cosine' or 'constant', got {tr.recipe.schedule!r}")


def perturbed_times(
    grid: torch.Tensor, t_max: float, tr: HnnTraining, gen: torch.Generator
) -> torch.Tensor:
    """This epoch's evaluation times: the grid, moved by ``tr.recipe.time_noise`` with
    ``tr.recipe.time_noise_scale`` grid spacings.

    ``uniform_clamped``: uniform in +- scale spacings, clamped to [0, t_max].
    ``gaussian_reflected``: Gaussian with standard deviation scale spacings, reflected at 0 and
    t_max (Mattheakis et al.'s ``perturbPoints``; their code also moves the third point to
    t = 1, which is not copied).
    """
    dt = t_max / max(tr.recipe.n_points - 1, 1)
    if tr.recipe.time_noise == "none":
        return grid
    if tr.recipe.time_noise == "uniform_clamped":
        u = uniform((tr.recipe.n_points,), gen, grid) - 0.5
        return (grid + u * (2 * tr.recipe.time_noise_scale * dt)).clamp(0.0, t_max)
    if tr.recipe.time_noise == "gaussian_reflected":
        noise = torch.randn(tr.recipe.n_points, generator=gen, device=gen.device).to(grid.device)
        t = grid + noise * (tr.recipe.time_noise_scale * dt)
        t = torch.where(t < 0, -t, t)
        return torch.where(t > t_max, 2 * t_max - t, t).clamp(0.0, t_max)
    raise ValueError(f"time_noise must be one of none, uniform_clamped, gaussian_reflected, "
                     f"got {tr.recipe.time_noise!r}")  # fmt: skip


class BestOfWindow:
    """Per replica, the parameters with the lowest training loss seen in the final
    ``fraction`` of epochs (epoch > (1 - fraction) * epochs, as Mattheakis et al.'s code), kept
    as they were when that loss was evaluated, i.e. before the optimizer step."""

    def __init__(self, model: BatchedHNN, epochs: int, fraction: float) -> None:
        self.model, self.start = model, (1.0 - fraction) * epochs
        self.best = torch.full(
            (model.n_replicas,), math.inf, dtype=torch.float64, device=model.device
        )
        self.weights = {n: w.detach().clone() for n, w in model.weights.items()}
        self.biases = {n: b.detach().clone() for n, b in model.biases.items()}

    def offer(self, epoch: int, loss: torch.Tensor) -> None:
        """Record the current parameters of every replica whose ``loss`` ``(R,)`` improved."""
        if epoch <= self.start:
            return
        better = loss.detach().double() < self.best
        if bool(better.any()):
            self.best = torch.where(better, loss.detach().double(), self.best)
            for n in self.weights:
                self.weights[n][better] = self.model.weights[n].detach()[better]
                self.biases[n][better] = self.model.biases[n].detach()[better]

    def restore(self) -> None:
        """Load the kept parameters into the model (replicas never offered keep their last)."""
        seen = torch.isfinite(self.best)
        with torch.no_grad():
            for n in self.weights:
                self.model.weights[n][seen] = self.weights[n][seen]
                self.model.biases[n][seen] = self.biases[n][seen]


def loss_of_parts(
    weights: Tensors,
    masks: Tensors,
    biases: Tensors,
    t: torch.Tensor,
    problem: HnnProblem,
    energy_weight: float,
) -> torch.Tensor:
    """Residual loss per replica ``(R,)`` of the masked network given by its tensors (the
    function that is compiled), plus the weighted energy penalty if asked."""
    z, dz = with_initial_condition(*network(weights, masks, biases, t), t, problem.z0)
    loss = residual_loss(problem.field, t, z, dz)
    if energy_weight > 0:
        drift = problem.energy(z) - problem.energy(problem.z0)
        loss = loss + energy_weight * (drift**2).mean(dim=1)
    return loss


_COMPILED: dict[str, Callable] = {}


def compiled_loss() -> Callable:
    """:func:`loss_of_parts` under ``torch.compile`` (static shapes: one compilation per
    replica count and grid; built on first use)."""
    if "loss" not in _COMPILED:
        _COMPILED["loss"] = torch.compile(loss_of_parts, dynamic=False)
    return _COMPILED["loss"]


def train_hnn(
    model: BatchedHNN,
    problem: HnnProblem,
    tr: HnnTraining,
    progress: Callable[[int], None] | None = None,
    trace: list[np.ndarray] | None = None,
) -> np.ndarray:
    """Train all replicas at once; returns each kept network's residual loss on the grid.

    The loss summed over replicas has, for each replica, exactly that replica's gradient, so
    batching changes no replica's trajectory. Time points are perturbed each epoch
    (:func:`perturbed_times`); the kept network is the last or the best of the final window
    (:class:`BestOfWindow`). ``trace`` (if given) receives each epoch's training loss ``(R,)``.
    """
    gen = torch.Generator().manual_seed(tr.seed)
    params = [p for p in model.parameters() if p.requires_grad]
    betas = (float(tr.recipe.adam_betas[0]), float(tr.recipe.adam_betas[1]))
    # compiled: the loss under torch.compile and Adam's fused kernel (numbers differ from the
    # eager path in the last digits; the committed result sets are eager)
    opt = torch.optim.Adam(
        params, lr=tr.recipe.lr, betas=betas, fused=True if tr.compiled else None
    )
    loss_fn = compiled_loss() if tr.compiled else loss_of_parts
    grid = torch.linspace(0.0, problem.t_max, tr.recipe.n_points, device=model.device)
    keeper = (
        BestOfWindow(model, tr.recipe.epochs, tr.recipe.keep_fraction)
        if tr.recipe.keep == "best_of_final"
        else None
    )
    for epoch in range(tr.recipe.epochs):
        for group in opt.param_groups:
            group["lr"] = learning_rate(tr, epoch)
        t = perturbed_times(grid, problem.t_max, tr, gen)
        per_replica = loss_fn(*model.parts(), t, problem, tr.recipe.energy_weight)
        if keeper is not None:
            keeper.offer(epoch, per_replica)
        if trace is not None:
            trace.append(per_replica.detach().cpu().numpy().copy())
        opt.zero_grad()
        per_replica.sum().backward()
        opt.step()
        if progress is not None:
            progress(epoch)
    if keeper is not None:
        keeper.restore()
    return evaluate_hnn(model, problem, grid)


def evaluate_hnn(model: BatchedHNN, problem: HnnProblem, t: torch.Tensor) -> np.ndarray:
    """Residual loss per replica on times ``t`` (forward mode needs no autograd here)."""
    with torch.no_grad():
        z, dz = solution(model, t, problem.z0)
        return residual_loss(problem.field, t, z, dz).cpu().numpy()


def train_part(arrays: dict[str, np.ndarray], problem: HnnProblem, tr: HnnTraining) -> np.ndarray:
    """:func:`train_hnn` of a model built from state ``arrays`` (a unit of
    :func:`train_split`): the kept networks' losses."""
    return train_hnn(from_state_arrays(arrays).to(problem.z0.device), problem, tr)


def train_split(
    model: BatchedHNN,
    problem: HnnProblem,
    tr: HnnTraining,
    n_units: int,
    run: Callable[[Callable, list[tuple]], list],
) -> np.ndarray:
    """:func:`train_hnn`'s losses, the replicas split into ``n_units`` consecutive blocks that
    ``run`` computes (as in :func:`imp_binned`; the time points are drawn alike in every block,
    so the losses are the whole batch's, byte for byte). The model itself is not trained."""
    arrays = state_arrays(model)
    blocks = np.array_split(np.arange(model.n_replicas), max(1, min(n_units, model.n_replicas)))
    units = [({k: v[b] for k, v in arrays.items()}, problem, tr) for b in blocks]
    return np.concatenate(run(train_part, units))
