"""Study 004's flow equation: normalisation, regulator limits, closed-form solutions."""

import math

import numpy as np
import pytest
from scipy.integrate import quad

from nnrg.numerics.powerlaw import fit_power_law
from nnrg.studies.nn_qft.analysis.flow_field import (
    alpha_through,
    flow_comparison,
    flow_field_coupling,
    flow_scale,
    integrate_flow,
    litim_regulator,
    loop_integral,
    normalisation_check,
    slope_shift,
    z0_inverse,
    zero_order_couplings,
)
from nnrg.studies.nn_qft.gaussnet import kernel_w


@pytest.mark.parametrize("s_w", [1.0, 3.0, 10.0])
def test_z0_turns_the_kernel_into_the_flow_propagator(s_w):
    # eq. 9's convention: K_W(p) = (1 / 2 pi) int dx e^{-ipx} K_W(x), d = 1
    lam = float(flow_scale(s_w))
    for p in (0.0, 0.3 * s_w, 1.1 * s_w):
        k_p = quad(lambda x, p=p: math.cos(p * x) * kernel_w(np.array([0.0, x]), s_w)[0, 1],
                   -np.inf, np.inf)[0] / (2 * math.pi)  # fmt: skip
        flow = math.exp(-(p**2) / lam**2) / lam**2  # 1 / (Lambda^2 e^{p^2 / Lambda^2})
        assert k_p == pytest.approx(flow / z0_inverse(s_w) ** -1, rel=1e-8)


def test_flow_field_slopes_are_eq8_slopes_plus_the_z0_powers():
    s_w = np.array([1.0, 2.0, 5.0, 20.0])
    for name, raw_slope in (("u4", -3.0), ("u6", -1.0)):
        raw = 0.7 * s_w**raw_slope
        fit = fit_power_law(s_w, np.abs(flow_field_coupling(name, raw, s_w)))
        assert fit.exponent == pytest.approx(raw_slope + slope_shift(name), abs=1e-12)
    assert (slope_shift("u4"), slope_shift("u6")) == (6.0, 9.0)


def test_litim_regulator_limits():
    p2 = np.array([0.5, 4.0])
    assert np.all(litim_regulator(p2, 1e-6, 0.5) == 0.0)  # Lambda -> 0: Gamma_Lambda -> Gamma
    assert litim_regulator(0.0, 1e-6, 0.5) == pytest.approx(0.0, abs=1e-12)
    big = 1e6  # Lambda -> infinity: r ~ alpha Lambda^2 freezes every mode
    assert litim_regulator(p2, big, 0.5) / big**2 == pytest.approx(0.5)


def test_loop_integral_matches_quadrature():
    lam, alpha = 2.3, 0.4
    for n in (2, 3, 4):
        num = quad(lambda q, n=n: 2 * alpha * lam**2 * (math.exp(-q * q / lam**2) / lam**2) ** n,
                   -lam, lam)[0] / (2 * math.pi)  # fmt: skip
        assert loop_integral(n, lam, alpha) == pytest.approx(num, rel=1e-10)


def test_zero_order_solution_has_the_claimed_slopes_and_sign():
    s_w = np.array([1.0, 2.0, 4.0, 8.0])
    u4, u6 = zero_order_couplings(flow_scale(s_w), 0.5)
    assert fit_power_law(s_w, np.abs(u4)).exponent == pytest.approx(3.0, abs=1e-10)
    assert fit_power_law(s_w, np.abs(u6)).exponent == pytest.approx(4.0, abs=1e-10)
    assert np.all(u4 < 0)  # alpha in (0, 1): Gamma^(2)(0) = (1 - alpha) Lambda^2 > 0
    assert alpha_through(u4[2], float(flow_scale(4.0))) == pytest.approx(0.5)


def test_gaussian_theory_stays_gaussian():
    sol = integrate_flow(np.array([30.0, 10.0, 1.0]), 0.0, 0.0, 0.5)
    assert np.all(sol.u4 == 0) and np.all(sol.u6 == 0) and sol.diverged_at is None


def test_far_uv_flow_leaves_the_action_unchanged():
    # Gamma_{Lambda -> infinity} = S: the loops die off as Lambda^(d - 2) = 1 / Lambda
    sol = integrate_flow(np.array([1e9, 1e8]), -2.0, 3.0, 0.5)
    assert sol.u4[-1] == pytest.approx(-2.0, rel=1e-6)
    assert sol.u6[-1] == pytest.approx(3.0, rel=1e-6)


def test_zero_order_keeps_u4_equation_stationary_and_comparison_finds_it():
    s_w = np.array([1.0, 2.0, 5.0, 10.0, 20.0])
    u4, u6 = zero_order_couplings(flow_scale(s_w), 0.3)
    out = flow_comparison(s_w, u4, u6)
    assert out["alpha"] == pytest.approx(0.3)
    assert out["zero_order_log10_rms"] == pytest.approx(0.0, abs=1e-12)
    far = flow_comparison(s_w, u4 * s_w**2, u6)  # a slope of 5 is off the zero-order line
    assert far["zero_order_log10_rms"] > 0.5


def test_eq9_normalisation_read_off_the_transformed_kernel_matches_the_closed_form():
    check = normalisation_check([1.0, 2.0, 5.0])
    assert check["lambda_sq_numeric"] == pytest.approx(2.0, rel=1e-7)  # Lambda^2 = 2 sW^2
    assert check["z0_inverse_numeric"] == pytest.approx((2 / np.pi) ** 0.5, rel=1e-7)
    assert check["z0_inverse_exponent_numeric"] == pytest.approx(3.0, abs=1e-7)
    assert check["max_relative_difference_z0"] < 1e-7
