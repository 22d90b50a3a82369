"""The Gauss-net ensemble: kernel, exact 1/N cumulants, determinism, moment sums."""

import numba
import numpy as np
import pytest

from nnrg.numerics.wick import point_combinations, wick_sum
from nnrg.studies.nn_qft.analysis.gaussnet_exact import connected_four, connected_six, delta_g6
from nnrg.studies.nn_qft.gaussnet import bag_green_functions, ensemble_outputs, kernel, moment_sums

POINTS = np.array([-0.01, -0.006, -0.002, 0.002, 0.006, 0.01])


def outputs(points, width, s_b, s_w, n, seed=0):
    states = np.random.SeedSequence(seed).generate_state(n, np.uint64)
    return ensemble_outputs(points, width, s_b, s_w, states)


@pytest.mark.parametrize("s_b, s_w", [(1.0, 1.0), (0.0, 1.5)])
def test_two_point_function_is_the_kernel(s_b, s_w):
    points = np.array([-0.3, 0.0, 0.4])
    f = outputs(points, 5, s_b, s_w, 200_000)
    for a in range(3):
        for b in range(3):
            prod = f[:, a] * f[:, b]
            z = (prod.mean() - kernel(points, s_b, s_w)[a, b]) / (prod.std() / np.sqrt(len(f)))
            assert abs(z) < 4.5


def test_activation_cannot_overflow_for_large_inputs():
    f = outputs(np.array([-50.0, 50.0]), 3, 1.0, 5.0, 100)
    assert np.all(np.isfinite(f))


def test_measured_four_point_deviation_matches_exact_one_over_n():
    # sb = 0.5 keeps the tails mild (E[g^8] = e^6), so the sample resolves the 1/N cumulant
    combos = {4: point_combinations(6, 4)}
    points = np.array([-0.6, -0.2, 0.1, 0.3, 0.5, 0.9])
    width, s_b, s_w = 4, 0.5, 1.0
    g0 = wick_sum(kernel(points, s_b, s_w), combos[4])
    bags = np.stack(
        [
            bag_green_functions(points, width, s_b, s_w, 20000, combos, np.random.SeedSequence(k))[
                4
            ]
            for k in range(20)
        ]
    )
    delta = bags - g0
    exact = np.array([connected_four(points[c], s_b, s_w, width) for c in combos[4]])
    z = (delta.mean(axis=0) - exact) / (delta.std(axis=0, ddof=1) / np.sqrt(20))
    assert np.median(np.abs(z)) < 1.5
    assert np.abs(z).max() < 5


def test_exact_cumulants_scale_as_inverse_powers_of_width():
    x4, x6 = POINTS[:4], POINTS
    assert connected_four(x4, 1, 1, 10) * 10 == pytest.approx(connected_four(x4, 1, 1, 20) * 20)
    assert connected_six(x6, 1, 1, 10) * 100 == pytest.approx(connected_six(x6, 1, 1, 20) * 400)
    # Delta G6 = kappa6 + sum kappa4 K: the kappa4 K part is exactly 1/N
    d = [(delta_g6(x6, 1, 1, n) - connected_six(x6, 1, 1, n)) * n for n in (10, 1000)]
    assert d[1] == pytest.approx(d[0], rel=1e-10)


def test_moment_sums_match_direct_products():
    f = np.random.default_rng(3).normal(size=(40, 6))
    combos = point_combinations(6, 6)
    direct = np.array([np.prod(f[:, c], axis=1).sum() for c in combos])
    np.testing.assert_allclose(moment_sums(f, combos), direct, rtol=1e-12)


def test_outputs_are_deterministic_and_thread_count_independent():
    first = outputs(POINTS, 7, 1.0, 1.0, 500, seed=5)
    previous = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        single = outputs(POINTS, 7, 1.0, 1.0, 500, seed=5)
    finally:
        numba.set_num_threads(previous)
    np.testing.assert_array_equal(first, single)


def test_four_two_sum_rebuilds_exact_delta_g6():
    from nnrg.studies.nn_qft.analysis.couplings import four_two_sum

    combos4, combos6 = point_combinations(6, 4), point_combinations(6, 6)[::37]
    k = kernel(POINTS, 1.0, 1.0)
    k4 = np.array([connected_four(POINTS[c], 1, 1, 7) for c in combos4])
    rebuilt = np.array([connected_six(POINTS[c], 1, 1, 7) for c in combos6]) + four_two_sum(
        k4, k, combos4, combos6
    )
    direct = np.array([delta_g6(POINTS[c], 1, 1, 7) for c in combos6])
    np.testing.assert_allclose(rebuilt, direct, rtol=1e-10)


@pytest.mark.parametrize("s_b, s_w, width", [(1.0, 1.0, 10), (0.0, 20.0, 7), (1.0, 3.0, 1)])
def test_geometric_kernel_gives_the_direct_kernels_numbers_to_rounding(s_b, s_w, width):
    states = np.random.SeedSequence(11).generate_state(3000, np.uint64)
    direct = ensemble_outputs(POINTS, width, s_b, s_w, states.copy(), geometric=False)
    fast = ensemble_outputs(POINTS, width, s_b, s_w, states.copy(), geometric=True)
    assert np.abs(fast - direct).max() <= 1e-13 * np.abs(direct).max()
    assert not np.array_equal(fast, direct)  # two different code paths ran


def test_geometric_kernel_is_chosen_only_for_equally_spaced_points():
    states = np.random.SeedSequence(3).generate_state(10, np.uint64)
    with pytest.raises(ValueError, match="equally spaced"):
        ensemble_outputs(np.array([0.0, 0.1, 0.5]), 3, 1.0, 1.0, states, geometric=True)
