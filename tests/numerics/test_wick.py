"""Wick sums against brute-force Gaussian sampling; combination counts."""

import numpy as np
import pytest

from nnrg.numerics.wick import pairings, point_combinations, wick_sum
from nnrg.studies.nn_qft.gaussnet import kernel


@pytest.mark.parametrize("order, count", [(2, 21), (4, 126), (6, 462)])
def test_inequivalent_combinations_of_six_points(order, count):
    combos = point_combinations(6, order)
    assert len(combos) == count
    assert len({tuple(c) for c in combos}) == count


def test_number_of_pairings_is_double_factorial():
    assert [len(pairings(tuple(range(n)))) for n in (2, 4, 6, 8)] == [1, 3, 15, 105]


@pytest.mark.parametrize("order", [4, 6])
def test_wick_sum_matches_gaussian_sampling(order):
    points = np.array([-0.3, 0.0, 0.2, 0.5])
    k = kernel(points, 0.5, 1.0)
    rng = np.random.default_rng(0)
    f = rng.multivariate_normal(np.zeros(4), k, size=400_000)
    combos = point_combinations(4, order)[::7]
    products = np.prod(f[:, combos], axis=2)
    mean = products.mean(axis=0)
    err = products.std(axis=0) / np.sqrt(len(f))
    z = (mean - wick_sum(k, combos)) / err
    assert np.abs(z).max() < 4.5
