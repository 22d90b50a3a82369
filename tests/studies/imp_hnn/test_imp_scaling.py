"""IMP loss-curve read-outs recover a planted critical density and power-law slope."""

import numpy as np
import pytest

from nnrg.studies.imp_hnn.analysis.imp_scaling import loss_curve, lowest_ticket_density, scaling_fit


def planted(slope: float, d_c: float, n_rep: int, noise: float, seed: int = 0):
    density = 0.99 ** np.arange(231)
    base = np.where(density >= d_c, 1e-5, 1e-5 * (density / d_c) ** slope)
    rng = np.random.default_rng(seed)
    loss = base[:, None] * np.exp(noise * rng.normal(size=(231, n_rep)))
    return density, loss


def test_planted_power_law_is_recovered():
    density, loss = planted(-7.0, 0.8, 6, 0.05)
    fit = scaling_fit(density, loss, factor=2.0)
    assert 0.6 < fit.critical_density <= 0.85
    assert fit.slope == pytest.approx(-7.0, abs=max(4 * fit.slope_error, 0.3))
    assert fit.n_points > 100 and fit.n_replicas == 6


def test_ticket_run_stops_at_the_first_failure():
    curve = loss_curve(np.array([1.0, 0.9, 0.8, 0.7]), np.array([[1.0], [1.5], [3.0], [1.0]]))
    assert lowest_ticket_density(curve, 2.0) == 0.9  # 0.7 recovers but the run is broken


def test_band_is_geometric_and_contains_the_mean():
    curve = loss_curve(np.ones(2), np.array([[1e-6, 1e-4], [1e-3, 1e-3]]))
    assert curve.mean[0] == pytest.approx(1e-5)
    assert curve.low[0] < curve.mean[0] < curve.high[0]
    assert curve.low[1] == curve.high[1] == pytest.approx(1e-3)
