"""tau_int estimator on series with known autocorrelation."""

import numpy as np
import pytest

from nnrg.numerics.autocorr import ar1_integrated_time, integrated_time
from nnrg.numerics.stats import binned_estimate, mean_of_replicas


def ar1(phi: float, n: int, chains: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = np.zeros((chains, n))
    noise = rng.normal(size=(chains, n))
    x[:, 0] = noise[:, 0] / np.sqrt(1 - phi**2)
    for t in range(1, n):
        x[:, t] = phi * x[:, t - 1] + noise[:, t]
    return x


@pytest.mark.parametrize("phi", [0.0, 0.5, 0.9])
def test_integrated_time_recovers_ar1_value(phi):
    tau = integrated_time(ar1(phi, 20000, 8, seed=int(phi * 10)))
    assert tau == pytest.approx(ar1_integrated_time(phi), rel=0.1)


def test_integrated_time_of_constant_series_is_one():
    assert integrated_time(np.ones((3, 100))) == 1.0


def test_binned_error_accounts_for_correlation():
    x = ar1(0.9, 200000, 1, seed=3)[0]
    naive = mean_of_replicas(x).error
    binned = binned_estimate(x, n_bins=50).error
    # error inflation ~ sqrt(tau_int) = sqrt(19)
    assert binned / naive == pytest.approx(np.sqrt(19.0), rel=0.35)
