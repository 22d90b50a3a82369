"""Study 002: flow convergence, fixed-point grouping, the thesis's noise and mixture sets."""

import numpy as np
import pytest

from nnrg.ising.datasets import mixtures, noisy
from nnrg.ising.decimation import chain_decimation, chain_decimation_flow
from nnrg.studies.rbm_flow.analysis.flow import (
    convergence_step,
    fixed_point_groups,
    magnetisation_modes,
)


def test_a_chain_started_in_its_stationary_distribution_stops_at_once():
    rng = np.random.default_rng(0)
    stationary = np.array([0.1, 0.2, 0.3, 0.4])
    # every step: the empirical distribution of 20,000 fresh draws from the stationary law
    steps = np.stack([
        np.stack([np.bincount(rng.choice(4, 20000, p=stationary), minlength=4) / 20000
                  for _ in range(3)])
        for _ in range(30)
    ])  # fmt: skip
    assert convergence_step(steps, tol=0.03) == 19  # the earliest step the criterion can see


def test_a_drifting_flow_hits_the_cap():
    d = np.linspace(0, 1, 40)[:, None, None] * np.array([1.0, -1.0])[None, None, :]
    d = 0.5 + 0.5 * d  # moves by 0.025 L1 per step, forever: 0.25 between two windows
    assert convergence_step(np.broadcast_to(d, (40, 2, 2)), tol=0.1) is None


def test_grouping_puts_samples_of_one_distribution_together_and_different_ones_apart():
    rng = np.random.default_rng(1)
    a, b = np.array([0.7, 0.2, 0.1]), np.array([0.1, 0.2, 0.7])
    finals = np.stack([rng.dirichlet(2000 * a), rng.dirichlet(2000 * a), rng.dirichlet(2000 * b)])
    assert fixed_point_groups(finals, 0.3) == [[0, 1], [2]]
    # broad near-identical distributions with different argmax stay one fixed point
    flat = np.array([[0.34, 0.33, 0.33], [0.33, 0.34, 0.33]])
    assert fixed_point_groups(flat, 0.3) == [[0, 1]]


def test_noise_follows_eq_4_4_2_with_eta_plus_minus_one():
    rng = np.random.default_rng(2)
    x = rng.random((600, 5))
    levels = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5]
    out = noisy(x, levels, np.random.default_rng(3))
    assert out.shape == x.shape  # 1/6 of the digits per level: 450 per alpha per 2700
    perm = np.random.default_rng(3).permutation(600)
    parts = np.array_split(perm, 6)
    for a, idx in zip(levels, parts, strict=True):
        block = out[sum(len(p) for p in parts[: levels.index(a)]) :][: len(idx)]
        eta = (block - (1 - a) * x[idx]) / a if a else np.ones_like(block)
        if a:
            assert np.allclose(np.abs(eta), 1.0) and set(np.unique(np.round(eta))) == {-1.0, 1.0}
        else:
            assert np.array_equal(block, x[idx])


def test_mixtures_count_and_formula():
    rng = np.random.default_rng(4)
    a, b = np.zeros((30, 3)), np.ones((40, 3))
    out = mixtures(a, b, 7, rng)
    assert out.shape == (63, 3)  # 9 alphas x 7
    assert np.allclose(np.unique(out[:, 0]), np.round(np.arange(1, 10) / 10, 1))


def test_chain_decimation_flows_to_zero_coupling():
    assert chain_decimation(0.0) == 0.0
    flow = chain_decimation_flow(np.array([0.5, 2.0, 4.0]), 25)
    assert np.all(np.diff(flow, axis=0) < 0) or np.all(flow[-1] < 1e-100)
    assert flow[-1].max() < 1e-100
    assert chain_decimation(1.0) == pytest.approx(np.arctanh(np.tanh(1.0) ** 2))


def test_magnetisation_modes_fractions():
    states = [np.array([[1.0] * 4, [1.0] * 4, [-1.0] * 4, [1.0, -1.0, 1.0, -1.0]] * 5)]
    modes = magnetisation_modes(states)
    assert modes == {"minus": 0.25, "zero": 0.25, "plus": 0.5, "n_modes": 3}
