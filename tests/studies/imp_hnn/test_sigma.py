"""sigma estimators recover known exponents; equal, same-size layers give sigma ~ 0."""

import numpy as np
import pytest
import torch

from nnrg.studies.imp_hnn.analysis.sigma import (
    jensen_test,
    layer_sigmas,
    magnitude_shares,
    ratio_upper_bounds,
    sigma_from_fit,
    sigma_from_ratios,
    sigma_literal,
    sigma_metrics,
)
from nnrg.studies.imp_hnn.imp import pruning_score
from nnrg.studies.imp_hnn.masks import keep_largest, scheduled_keep


def synthetic_shares(sigmas, fraction, n_iter, noise, seed):
    c = 1 / (1 - fraction)
    n = np.arange(n_iter)[:, None]
    rng = np.random.default_rng(seed)
    raw = c ** (np.array(sigmas)[None, :] * n) * np.exp(noise * rng.normal(size=(n_iter, 3)))
    return raw  # M_i(n) up to a common normalisation, which cancels in ratios of one layer


@pytest.mark.parametrize("fraction", [0.01, 0.1])
def test_estimators_recover_known_sigma(fraction):
    shares = np.stack([synthetic_shares([2.5, -0.2, 5.0], fraction, 40, 0.0, s) for s in range(3)])
    np.testing.assert_allclose(sigma_from_ratios(shares, fraction)[0], [2.5, -0.2, 5.0])
    np.testing.assert_allclose(sigma_from_fit(shares, fraction)[0], [2.5, -0.2, 5.0])


def test_noisy_estimates_agree_within_errors():
    shares = np.stack([synthetic_shares([1.0, -1.0, 0.5], 0.05, 40, 0.01, s) for s in range(8)])
    est = layer_sigmas(shares, 0.05)
    for r, f, true in zip(est["ratio"], est["fit"], [1.0, -1.0, 0.5], strict=True):
        assert abs(r.mean - true) < 4 * r.error + 0.05
        assert abs(f.mean - true) < 4 * f.error + 0.05


@pytest.mark.parametrize("method", ["magnitude", "random"])
def test_equal_layers_give_zero_sigma_under_global_pruning(method):
    gen = torch.Generator().manual_seed(0)
    weights = [torch.randn(16, 30, 30, generator=gen) for _ in range(3)]
    masks = [torch.ones_like(w, dtype=torch.bool) for w in weights]
    mags = []
    score = pruning_score(method)
    for step in range(25):
        mags.append(
            torch.stack(
                [(w * m).abs().sum(dim=(1, 2)) for w, m in zip(weights, masks, strict=True)], dim=1
            ).numpy()
        )
        target = torch.tensor(scheduled_keep(3 * 30 * 30, 0.05, step + 1))
        masks = keep_largest(score(weights, weights, gen), masks, target)
    shares = magnitude_shares(np.stack(mags, axis=1))
    for est in layer_sigmas(shares, 0.05)["fit"]:
        assert abs(est.mean) < max(4 * est.error, 0.02)


def test_step_sigma_rows_average_to_the_ratio_estimator():
    """The plotted per-step exponents (sigma against the IMP iteration) are what the ratio
    estimator averages: their mean over steps is sigma_ratio, per layer."""
    from nnrg.studies.imp_hnn.analysis.sigma import sigma_from_ratios, step_sigma_rows

    rng = np.random.default_rng(3)
    shares = rng.dirichlet([2.0, 3.0, 4.0], size=(5, 7))  # (R, n_iter, L)
    rows = step_sigma_rows(shares, 0.2, ("input", "hidden", "output"))
    assert len(rows) == 3 * 6 and rows[0][:2] == ("input", 0)
    ratio = sigma_from_ratios(shares, 0.2).mean(axis=0)
    for k, layer in enumerate(("input", "hidden", "output")):
        means = [mean for name, _, mean, _ in rows if name == layer]
        assert np.isclose(np.mean(means), ratio[k], rtol=1e-12)
    first = np.log(shares[:, 1, 0] / shares[:, 0, 0]) / np.log(1 / 0.8)
    assert np.isclose(rows[0][2], first.mean())
    assert np.isclose(rows[0][3], first.std(ddof=1) / 5**0.5)


def test_literal_estimator_equals_the_others_without_noise_and_exceeds_them_with_it():
    exact = np.stack([synthetic_shares([2.5, -0.2, 5.0], 0.01, 30, 0.0, 0)])
    np.testing.assert_allclose(sigma_literal(exact, 0.01)[0], [2.5, -0.2, 5.0])
    noisy = np.stack([synthetic_shares([2.5, -0.2, 5.0], 0.01, 30, 0.05, s) for s in range(4)])
    assert (sigma_literal(noisy, 0.01) > sigma_from_ratios(noisy, 0.01)).all()  # Jensen


def test_jensen_prediction_matches_log_normal_steps():
    """For log-normal lambda (i.i.d. Gaussian steps in ln M), log_c(mean lambda) exceeds
    mean(log_c lambda) by s^2 / (2 ln c); a test that would fail for no inflation at all."""
    rng = np.random.default_rng(1)
    fraction, s, n = 0.01, 0.05, 4000
    steps = rng.normal(0.0, s, size=(6, n, 3))
    shares = np.exp(np.concatenate([np.zeros((6, 1, 3)), np.cumsum(steps, axis=1)], axis=1))
    out = jensen_test(shares, fraction, ("input", "hidden", "output"))
    predicted = s**2 / (2 * np.log(1 / (1 - fraction)))  # 0.124
    for layer in ("input", "hidden", "output"):
        assert out["spread"][layer]["mean"] == pytest.approx(s, rel=0.03)
        assert out["predicted_inflation"][layer]["mean"] == pytest.approx(predicted, rel=0.06)
        assert out["measured_inflation"][layer]["mean"] == pytest.approx(predicted, rel=0.1)


def test_ratio_bound_is_per_replica_and_holds_for_each_replica():
    """The bound on the replica-mean ratio estimate is the mean of each replica's own bound
    -log M_i(0) / (N log c), not the tightest replica's (the earlier defect: 1.374 where the
    smallest-share bound is 1.953)."""
    rng = np.random.default_rng(3)
    mags = rng.uniform(0.05, 1.0, size=(11, 4, 3))  # (n_iter, R, L)
    mags[0, :, 0] = [0.1, 0.3, 0.5, 0.9]  # replicas start with different input shares
    out = sigma_metrics(mags, 0.2, ("input", "hidden", "output"))
    shares = np.transpose(magnitude_shares(mags), (1, 0, 2))
    bounds = ratio_upper_bounds(shares, 0.2)
    assert (sigma_from_ratios(shares, 0.2) <= bounds + 1e-12).all()
    assert out["sigma_ratio_upper_bound"]["input"] == pytest.approx(bounds[:, 0].mean())
    assert out["sigma_ratio_upper_bound"]["input"] > bounds[:, 0].min()
