"""Study 001 training: Ising-symmetry augmentation, the symmetrised regressor, and the beta-flow
line crossing with its bootstrap interval (the training loop itself: tests/training/)."""

import numpy as np
import pytest
import torch

from nnrg.ising.lattice import energy_per_spin
from nnrg.studies.autoencoder_rg.analysis.flow import (
    bootstrap_line_crossing,
    line_crossing,
    paired_crossing_difference,
)
from nnrg.studies.autoencoder_rg.augment import IsingSymmetries, square_symmetries
from nnrg.studies.autoencoder_rg.autoencoder import BetaRegressor, SpinFlipSymmetrised


def spins(n, size, seed=0):
    rng = np.random.default_rng(seed)
    return torch.as_tensor(rng.choice([-1.0, 1.0], size=(n, size * size)), dtype=torch.float32)


def test_augmentation_preserves_the_exact_energy_of_every_lattice():
    size = 8
    x = spins(200, size)
    y = IsingSymmetries(size)(x, torch.Generator().manual_seed(3))
    e_in = energy_per_spin(x.numpy().reshape(-1, size, size))
    e_out = energy_per_spin(y.numpy().reshape(-1, size, size))
    assert np.array_equal(e_in, e_out)
    assert (y != x).any(dim=1).float().mean() > 0.95  # the identity is 1 of 1024 elements
    assert torch.equal(y.abs(), torch.ones_like(y))


def test_square_symmetries_are_the_eight_distinct_elements_of_d4():
    perms = square_symmetries(4)
    assert len({tuple(p.tolist()) for p in perms}) == 8
    assert all(sorted(p.tolist()) == list(range(16)) for p in perms)


def test_symmetrised_regressor_is_exactly_spin_flip_invariant():
    torch.manual_seed(0)
    model = SpinFlipSymmetrised(BetaRegressor(64, 16))
    x = spins(50, 8)
    with torch.no_grad():
        assert torch.equal(model(x), model(-x))
        assert not torch.equal(model.model(x), model.model(-x))  # the raw net is not


def test_line_crossing_finds_a_known_crossing_and_none_for_a_parallel_line():
    beta = np.linspace(0.1, 0.6, 11)
    c = line_crossing(beta, 0.5 * beta + 0.2)  # meets beta' = beta at 0.4, slope 0.5
    assert c.beta == pytest.approx(0.4) and c.slope == pytest.approx(0.5) and c.attractive
    assert line_crossing(beta, beta + 0.1) is None


def test_bootstrap_interval_covers_the_true_crossing():
    rng = np.random.default_rng(4)
    betas = np.linspace(0.1, 0.6, 26)
    covered = 0
    for _ in range(40):
        per = [0.5 * b + 0.2 + 0.05 * rng.standard_normal(100) for b in betas]
        out = bootstrap_line_crossing(betas, per, (0.1, 0.6), n_boot=400, level=0.9)
        covered += out["beta_interval"][0] <= 0.4 <= out["beta_interval"][1]
    assert covered >= 32  # nominal 90 % of 40 = 36


def test_bootstrap_of_a_parallel_line_reports_no_crossing():
    betas = np.linspace(0.1, 0.6, 6)
    per = [np.full(20, b + 0.1) for b in betas]
    out = bootstrap_line_crossing(betas, per, (0.1, 0.6), n_boot=50)
    assert out["beta"] is None and out["n_no_crossing"] == 50 and "beta_interval" not in out


def test_paired_difference_of_identical_read_outs_is_exactly_zero():
    rng = np.random.default_rng(5)
    betas = np.linspace(0.1, 0.6, 11)
    per = [0.5 * b + 0.2 + 0.05 * rng.standard_normal(50) for b in betas]
    d = paired_crossing_difference(betas, per, per, (0.1, 0.6), n_boot=100)
    assert d["mean"] == 0.0 and d["error"] == 0.0
