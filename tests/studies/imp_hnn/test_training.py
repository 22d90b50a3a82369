"""Study 000's training recipe: the thesis's loss, keep-best, the time noise, and IMP groups
that stop training at their own last iteration."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from nnrg.studies.imp_hnn import imp as imp_module
from nnrg.studies.imp_hnn.hnn import BatchedHNN, residual_loss
from nnrg.studies.imp_hnn.imp import PruneGroup, imp
from nnrg.studies.imp_hnn.systems import get_system
from nnrg.studies.imp_hnn.training import (
    HnnProblem,
    HnnTraining,
    evaluate_hnn,
    perturbed_times,
    train_hnn,
)

OSC = get_system("oscillator")
PROBLEM = HnnProblem(OSC.field, OSC.energy, torch.tensor([1.3, 1.0]), 4 * np.pi)


def recipe(**kw) -> HnnTraining:
    base = dict(epochs=40, lr=5e-2, lr_final=5e-2, schedule="constant", n_points=20, seed=1)
    return HnnTraining.of(**{**base, **kw})


def test_thesis_loss_by_hand():
    """Eq. 45 with K = 2 points of a 2-component state: residuals (1, 2) and (3, 4) give
    L = ((1 + 4) + (9 + 16)) / 2 = 15 (a mean over components too would give 7.5)."""
    z = torch.zeros(1, 2, 2)
    dz = torch.tensor([[[1.0, 2.0], [3.0, 4.0]]])
    assert residual_loss(lambda s: torch.zeros_like(s), None, z, dz).tolist() == [15.0]


def test_keep_best_returns_the_best_of_the_final_window():
    model = BatchedHNN(3, 2, hidden=8, generator=torch.Generator().manual_seed(0))
    tr = recipe(time_noise="none", keep="best_of_final", keep_fraction=0.5, lr=0.3)
    trace: list[np.ndarray] = []
    kept = train_hnn(model, PROBLEM, tr, trace=trace)
    losses = np.array(trace)  # (epochs, R): loss of the parameters before each step
    window = losses[np.arange(tr.recipe.epochs) > (1 - tr.recipe.keep_fraction) * tr.recipe.epochs]
    np.testing.assert_allclose(kept, window.min(axis=0), rtol=1e-5)
    assert (window.min(axis=0) < losses[-1]).any()  # a lr of 0.3 is noisy: the last is not best


def test_gaussian_time_noise_has_the_configured_scale_and_stays_inside():
    grid = torch.linspace(0.0, 10.0, 2001)
    tr = recipe(n_points=2001, time_noise="gaussian_reflected", time_noise_scale=3.0)
    t = perturbed_times(grid, 10.0, tr, torch.Generator().manual_seed(0))
    dt = 10.0 / 2000
    inner = (grid > 0.5) & (grid < 9.5)  # away from the reflecting ends
    std = float((t - grid)[inner].std() / dt)
    assert std == pytest.approx(3.0, rel=0.06)  # 1800 draws: s.e. of the std ~1.7 %
    assert float(t.min()) >= 0.0 and float(t.max()) <= 10.0
    uniform = perturbed_times(grid, 10.0, recipe(n_points=2001), torch.Generator().manual_seed(0))
    assert float((uniform - grid).abs().max() / dt) <= 0.5 + 1e-4


def test_adam_betas_reach_the_optimizer(monkeypatch):
    seen = {}
    real = torch.optim.Adam

    def spy(params, **kw):
        seen.update(kw)
        return real(params, **kw)

    monkeypatch.setattr(torch.optim, "Adam", spy)
    model = BatchedHNN(1, 2, hidden=4, generator=torch.Generator().manual_seed(0))
    train_hnn(model, PROBLEM, recipe(epochs=1, adam_betas=[0.999, 0.9999]))
    assert seen["betas"] == (0.999, 0.9999)


def test_imp_trains_no_group_past_its_last_iteration(monkeypatch):
    trained = []
    real = imp_module.train_hnn

    def counting(model, problem, tr, **kw):
        trained.append(model.n_replicas * tr.recipe.epochs)  # replica-epochs of this call
        return real(model, problem, tr, **kw)

    monkeypatch.setattr(imp_module, "train_hnn", counting)
    model = BatchedHNN(4, 2, hidden=6, generator=torch.Generator().manual_seed(0))
    groups = [PruneGroup(0, 2, ("input",), fraction=0.1, n_prunings=1),
              PruneGroup(2, 4, ("hidden",), fraction=0.1, n_prunings=3)]  # fmt: skip
    tr = recipe(epochs=3)
    res = imp(model, PROBLEM, tr, groups, 3)
    # iterations 0, 1: all 4 replicas; 2, 3: only the second group's 2
    assert trained == [12, 12, 6, 6]
    assert np.isnan(res.loss[2:, :2]).all() and np.isfinite(res.loss[:, 2:]).all()
    # the still-active group's networks are what training them alone gives
    alone = BatchedHNN(4, 2, hidden=6, generator=torch.Generator().manual_seed(0))
    ref = imp(alone, PROBLEM, tr, [PruneGroup(0, 4, ("hidden",), fraction=0.1)], 3)
    np.testing.assert_allclose(res.loss[:, 2:], ref.loss[:, 2:], rtol=1e-5)
    assert float(evaluate_hnn(model, PROBLEM, torch.linspace(0, 1, 5))[0]) >= 0
