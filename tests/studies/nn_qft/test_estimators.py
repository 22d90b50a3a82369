"""Study 004 estimators: the unbiased u4^2 in u6, its jackknife, sign fractions, S_int test."""

import numpy as np
import pytest

from nnrg.numerics.wick import point_combinations
from nnrg.studies.nn_qft.analysis.couplings import (
    CLAIMED_SLOPES,
    Summary,
    exact_check,
    held_out,
    m4_width_fits,
    sign_fractions,
    sint_prediction,
    slope_fits,
    summarise,
    u6_jackknife_error,
    u6_per_bag,
)


def test_leave_one_out_square_is_unbiased_where_the_same_bag_square_is_not():
    rng = np.random.default_rng(0)
    true_u4, noise, n_bags, n_rep = -2.0, 1.5, 10, 4000
    e6, i6, gc6 = np.array([1.0]), np.array([1.0]), np.zeros((n_bags, 1))
    loo, same = [], []
    for _ in range(n_rep):
        u4c = true_u4 + noise * rng.standard_normal(n_bags)
        loo.append(u6_per_bag(u4c, gc6, e6, i6).mean())
        same.append((u4c**2).mean())
    se = np.std(loo) / np.sqrt(n_rep)
    assert abs(np.mean(loo) - true_u4**2) < 4 * se  # unbiased
    assert np.mean(same) - true_u4**2 == pytest.approx(noise**2, rel=0.1)  # biased by the variance


def test_jackknife_error_matches_the_spread_over_repetitions():
    rng = np.random.default_rng(1)
    e6, i6 = np.array([0.5, 2.0]), np.array([1.0, 1.5])
    estimates, errors = [], []
    for _ in range(600):
        u4c = -1.0 + 0.3 * rng.standard_normal(20)
        gc6 = 0.2 + 0.4 * rng.standard_normal((20, 2))
        estimates.append(np.median(u6_per_bag(u4c, gc6, e6, i6), axis=1).mean())
        errors.append(u6_jackknife_error(u4c, gc6, e6, i6))
    assert np.mean(errors) == pytest.approx(np.std(estimates), rel=0.15)


def test_sign_fractions_count_combinations():
    per_bag = np.array([[1.0, -1.0, 0.01], [1.2, -0.8, -0.02], [0.9, -1.1, 0.03]])
    f = sign_fractions(per_bag, np.array([1.0, -1.0, 1.0]))
    assert f["exact_positive"] == pytest.approx(2 / 3)
    assert f["measured_resolved_positive"] == pytest.approx(1 / 3)
    assert f["measured_resolved_negative"] == pytest.approx(1 / 3)


def test_exact_zeros_below_round_off_are_counted_as_zero_not_as_a_sign():
    # (a, a, a, -a)-like combinations: exactly zero, computed as +-1e-21 by float64
    exact = np.array([1.0e-5, -2.0e-5, 1.0e-21, -1.0e-21, 3.0e-5])
    f = sign_fractions(np.ones((3, 5)), exact)
    assert (f["exact_positive_count"], f["exact_negative_count"], f["exact_zero_count"]) == (
        2,
        1,
        2,
    )
    assert f["exact_zero"] == pytest.approx(0.4)


def test_sint_prediction_holds_for_a_constant_coupling_and_fails_for_a_varying_one():
    combos = point_combinations(6, 4)
    test = held_out(combos, 6)
    assert 0 < test.sum() < len(combos)
    rng = np.random.default_rng(2)
    i4 = 1.0 + 0.1 * combos.sum(axis=1)
    exact = 3.0 * i4  # Delta G4 = -u4 I4 with u4 = -3 everywhere
    bags = exact + 0.05 * rng.standard_normal((30, len(combos)))
    good = sint_prediction(bags, i4, exact, test)
    assert good["max_abs_z"] < 4.5 and good["exact_max_relative_error"] < 1e-12
    varying = exact * (1 + 0.2 * (combos == 5).sum(axis=1))  # u4 grows where the last point enters
    bad = sint_prediction(
        varying + 0.05 * rng.standard_normal((30, len(combos))), i4, varying, test
    )
    assert bad["max_abs_z"] > 10 and bad["exact_max_relative_error"] > 0.1


def test_bootstrap_flags_a_heavy_tail():
    rng = np.random.default_rng(3)
    symmetric = summarise(rng.standard_normal((40, 1)), np.zeros(1), bootstrap=True)
    heavy = summarise(rng.lognormal(0, 2.5, (40, 1)), np.zeros(1), bootstrap=True)
    assert symmetric.reliable is True
    assert heavy.reliable is False
    assert summarise(rng.standard_normal((40, 1)), np.zeros(1)).reliable is None


def _summary(mean, error, exact):
    return Summary(mean, error, mean, exact, abs(exact), 20)


def test_slope_fits_recover_a_power_law_and_skip_unresolved_points():
    s_w = np.array([1.0, 2.0, 4.0, 8.0])
    rows = [{"u4": _summary(3 * s**3, 0.01 * s**3, 3 * s**3),
             "u6": _summary(0.0, 1.0, 2 * s**4)} for s in s_w]  # fmt: skip
    fits = slope_fits(s_w, rows)
    assert fits["u4"]["measured"]["exponent"] == pytest.approx(3.0)
    assert fits["u4"]["n_resolved"] == 4 and fits["u4"]["claimed"] == CLAIMED_SLOPES["u4"]
    assert fits["u6"]["n_resolved"] == 0  # nothing resolved from zero: no measured fit
    assert fits["u6"]["exact"]["exponent"] == pytest.approx(4.0)
    # the noise of u6 is flat (s.e. 1 at every sW), that of u4 grows as sW^3
    assert fits["u6"]["noise"]["raw"]["exponent"] == pytest.approx(0.0, abs=1e-9)
    assert fits["u4"]["noise"]["raw"]["exponent"] == pytest.approx(3.0)
    shift = fits["u4"]["flow_field"]["slope_shift"]
    assert fits["u4"]["noise"]["flow_field"]["exponent"] == pytest.approx(3.0 + shift)
    # dimensionless g4: raw slope 3 + shift 6 - eq. 13's 3 = 6, over a factor 8 in sW
    g4 = fits["u4"]["dimensionless"]
    assert g4["exponent"] == pytest.approx(3.0 + shift - 3.0)
    assert g4["ratio_largest_to_smallest"] == pytest.approx(8.0 ** g4["exponent"])


def test_m4_width_fit_uses_resolved_positive_widths_only():
    widths = [2, 4, 8, 16]
    m4 = [_summary(1 / w, 0.001 / w, 1 / w) for w in widths[:3]] + [_summary(-0.1, 1.0, 1 / 16)]
    fit, exact, resolved = m4_width_fits(widths, m4)
    assert resolved == [0, 1, 2]
    assert fit.exponent == pytest.approx(-1.0) and exact.exponent == pytest.approx(-1.0)


def test_exact_check_sums_chi_square_over_every_width():
    rows = [_summary(1.0, 0.5, 2.0), _summary(3.0, 1.0, 3.0), _summary(0.0, 1.0, 1.0)]
    check = exact_check([2, 5, 10], rows)
    assert check["z"] == {"N2": -2.0, "N5": 0.0, "N10": -1.0}
    assert check["chi2"] == pytest.approx(5.0) and check["dof"] == 3
    assert check["p_value"] == pytest.approx(0.1718, abs=1e-4)
