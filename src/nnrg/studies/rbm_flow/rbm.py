"""Restricted Boltzmann machines with +-1 units (Ising; tanh means, study 002 eqs. 4.1.1-4.1.2)
or {0, 1} units (MNIST; sigmoid means), trained by contrastive divergence.

Energy E(v, h) = -v.W.h - b_v.v - b_h.h. For +-1 units P(h_a = +1 | v) = sigmoid(2 z_a) with
mean tanh(z_a); for {0, 1} units P(h_a = 1 | v) = sigmoid(z_a). CD-k runs k Gibbs steps from
the data; ``cd_mode="sampled"`` samples units at every step (the textbook estimator), while
``"mean_field"`` propagates means (a deterministic, biased variant), so the two can be compared.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from nnrg.core.devices import seeded_generator, uniform
from nnrg.studies.rbm_flow.params import RbmTrainingParams

UNITS = ("spin", "binary")
CD_MODES = ("sampled", "mean_field")
FLOW_MODES = ("sampled", "mean_field")


class RBM:
    """An RBM with ``n_visible`` x ``n_hidden`` weights and unit type ``units``."""

    def __init__(
        self,
        n_visible: int,
        n_hidden: int,
        units: str = "spin",
        generator: torch.Generator | None = None,
        scale: float = 0.01,
        device: torch.device | str = "cpu",
    ) -> None:
        if units not in UNITS:
            raise ValueError(f"units must be one of {UNITS}, got {units!r}")
        self.units = units
        # drawn on the CPU (the same initial weights on every device), then moved
        w = torch.randn(n_visible, n_hidden, generator=generator, dtype=torch.float64) * scale
        self.w = w.to(device)
        self.b_v = torch.zeros(n_visible, dtype=torch.float64, device=device)
        self.b_h = torch.zeros(n_hidden, dtype=torch.float64, device=device)

    @property
    def device(self) -> torch.device:
        """Where the parameters live."""
        return self.w.device

    def _mean(self, z: torch.Tensor) -> torch.Tensor:
        return torch.tanh(z) if self.units == "spin" else torch.sigmoid(z)

    def hidden_mean(self, v: torch.Tensor) -> torch.Tensor:
        """<h | v>, ``(n, n_hidden)``."""
        return self._mean(v @ self.w + self.b_h)

    def visible_mean(self, h: torch.Tensor) -> torch.Tensor:
        """<v | h>, ``(n, n_visible)``."""
        return self._mean(h @ self.w.T + self.b_v)

    def sample(self, mean: torch.Tensor, generator: torch.Generator | None) -> torch.Tensor:
        """Units drawn with the given means (+-1 or {0, 1})."""
        u = uniform(mean.shape, generator, mean)
        if self.units == "spin":
            return torch.where(u < (1 + mean) / 2, 1.0, -1.0).to(mean.dtype)
        return (u < mean).to(mean.dtype)

    def step(self, v: torch.Tensor, mode: str, generator: torch.Generator | None) -> torch.Tensor:
        """One v -> h -> v' step: sampled units, or means propagated (mean-field)."""
        if mode == "mean_field":
            return self.visible_mean(self.hidden_mean(v))
        if mode != "sampled":
            raise ValueError(f"mode must be one of {FLOW_MODES}, got {mode!r}")
        h = self.sample(self.hidden_mean(v), generator)
        return self.sample(self.visible_mean(h), generator)

    def cd_gradient(
        self, v_data: torch.Tensor, k: int, mode: str, generator: torch.Generator
    ) -> tuple[torch.Tensor, ...]:
        """CD-k estimate of d log-likelihood / d(W, b_v, b_h), averaged over the batch."""
        if mode not in CD_MODES:
            raise ValueError(f"cd_mode must be one of {CD_MODES}, got {mode!r}")
        h0 = self.hidden_mean(v_data)
        v = v_data
        for _ in range(k):
            h = h0 if v is v_data else self.hidden_mean(v)
            if mode == "sampled":
                v = self.sample(self.visible_mean(self.sample(h, generator)), generator)
            else:
                v = self.visible_mean(h)
        hk = self.hidden_mean(v)
        n = len(v_data)
        return ((v_data.T @ h0 - v.T @ hk) / n, (v_data - v).mean(0), (h0 - hk).mean(0))

    def reconstruction_error(self, v: torch.Tensor) -> float:
        """The thesis's test energy: mean over samples of sum_i (v_i - <v_i'>)^2 / 2, with
        v' the mean-field reconstruction."""
        recon = self.visible_mean(self.hidden_mean(v))
        return float(((v - recon) ** 2).sum(dim=1).mean() / 2)

    def state(self) -> dict[str, np.ndarray]:
        """Parameters as numpy arrays (npz state dict), on the CPU."""
        return {k: getattr(self, k).cpu().numpy() for k in ("w", "b_v", "b_h")}

    @classmethod
    def from_state(
        cls, state: dict[str, np.ndarray], units: str, device: torch.device | str = "cpu"
    ) -> RBM:
        """Inverse of :meth:`state`, on ``device``."""
        n_visible, n_hidden = state["w"].shape
        rbm = cls(n_visible, n_hidden, units=units, device=device)
        for k in ("w", "b_v", "b_h"):
            setattr(rbm, k, torch.as_tensor(state[k], dtype=torch.float64).clone().to(device))
        return rbm


@dataclass(frozen=True)
class RbmTraining:
    """One CD run: the params ``recipe`` (mini-batch CD-k with plain gradient ascent, the
    thesis's choice, and early stopping on the held-out reconstruction error, checked every
    epoch; :class:`~nnrg.studies.rbm_flow.params.RbmTrainingParams`, its epochs as run) and
    the run's ``seed``."""

    recipe: RbmTrainingParams
    seed: int

    @classmethod
    def of(cls, seed: int, **recipe: Any) -> RbmTraining:
        """A run from recipe fields given by name (the others take the section's defaults).

        >>> RbmTraining.of(seed=0, epochs=5).recipe.epochs
        5
        """
        return cls(RbmTrainingParams(**recipe), seed)


@dataclass
class RbmHistory:
    """Held-out reconstruction error per epoch and the epoch whose parameters were kept."""

    test_error: list[float] = field(default_factory=list)
    best_epoch: int = -1


def train_rbm(
    rbm: RBM,
    data: torch.Tensor,
    test: torch.Tensor,
    tr: RbmTraining,
    progress: Callable[[int, float], None] | None = None,
) -> RbmHistory:
    """Train in place, on the RBM's device; keeps the parameters with the lowest held-out
    reconstruction error. The random stream is a generator on that device (on the CPU the
    stream of ``Generator().manual_seed``; a GPU's differs)."""
    gen = seeded_generator(tr.seed, rbm.device)
    data, test = data.to(rbm.device), test.to(rbm.device)
    history = RbmHistory()
    best = (float("inf"), rbm.state())
    for epoch in range(tr.recipe.epochs):
        order = torch.randperm(len(data), generator=gen, device=gen.device)
        for start in range(0, len(order), tr.recipe.batch_size):
            batch = data[order[start : start + tr.recipe.batch_size]]
            dw, dbv, dbh = rbm.cd_gradient(batch, tr.recipe.k, tr.recipe.cd_mode, gen)
            rbm.w += tr.recipe.lr * dw
            rbm.b_v += tr.recipe.lr * dbv
            rbm.b_h += tr.recipe.lr * dbh
        err = rbm.reconstruction_error(test)
        history.test_error.append(err)
        if err < best[0]:
            best = (err, {k: v.copy() for k, v in rbm.state().items()})
            history.best_epoch = epoch
        if progress is not None:
            progress(epoch, err)
    restored = RBM.from_state(best[1], rbm.units, rbm.device)
    rbm.w, rbm.b_v, rbm.b_h = restored.w, restored.b_v, restored.b_h
    return history


def rbm_flow(rbm: RBM, v0: torch.Tensor, steps: int, mode: str, seed: int) -> list[torch.Tensor]:
    """The RBM flow v^0 -> v^1 -> ... -> v^steps (eq. 4.1.4): states after every step, on the
    RBM's device (random stream as in :func:`train_rbm`)."""
    gen = seeded_generator(seed, rbm.device)
    states = [v0.to(rbm.device)]
    for _ in range(steps):
        states.append(rbm.step(states[-1], mode, gen))
    return states
