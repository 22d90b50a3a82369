"""Replica estimates: the mean with s / sqrt(n), and the robust median for stalled replicas."""

import numpy as np
import pytest

from nnrg.numerics.stats import mean_of_replicas, median_of_replicas, outliers


def test_one_stalled_replica_dominates_the_mean_but_not_the_median():
    values = np.array([-6.8, -7.3, -3.0, -7.1])
    mean, median = mean_of_replicas(values), median_of_replicas(values)
    assert mean.error > 0.9 and median.error < 0.4
    assert median.mean == pytest.approx(-6.95)
    assert outliers(values) == 1


def test_median_error_matches_the_normal_theory_for_large_samples():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, 101))
    medians = np.median(x, axis=1)
    errors = [median_of_replicas(row).error for row in x]
    assert np.mean(errors) == pytest.approx(medians.std(ddof=1), rel=0.15)


def test_outliers_are_rare_in_normal_data():
    # P(|z| > 3.5) = 4.7e-4 for normal data: about 5 in 10,000
    assert outliers(np.random.default_rng(1).normal(size=10_000)) < 20
