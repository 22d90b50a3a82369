"""Power-law fits recover known exponents."""

import numpy as np
import pytest

from nnrg.numerics.powerlaw import fit_power_law


def test_recovers_exponent_within_its_error():
    rng = np.random.default_rng(0)
    x = np.geomspace(1, 1000, 12)
    y_true = 5.0 * x**-1.0
    err = 0.05 * y_true
    y = y_true + rng.normal(size=len(x)) * err
    fit = fit_power_law(x, y, err)
    assert abs(fit.exponent + 1.0) < 3 * fit.exponent_error
    assert fit.exponent_error < 0.05


def test_zero_or_too_few_points_give_nan():
    assert np.isnan(fit_power_law(np.array([1.0]), np.array([2.0])).exponent)
    assert np.isnan(fit_power_law(np.array([1.0, 2.0]), np.array([0.0, 2.0])).exponent)


@pytest.mark.parametrize("slope", [-3.0, 3.0])
def test_noise_free_slope_is_exact(slope):
    x = np.array([1.0, 2.0, 5.0])
    assert fit_power_law(x, x**slope).exponent == pytest.approx(slope)
