"""Closed-form Gaussian integrals against numerical quadrature."""

import numpy as np
import pytest
from scipy.integrate import dblquad, quad

from nnrg.studies.nn_qft.analysis.gaussian_integrals import exchange_integral, vertex_integral
from nnrg.studies.nn_qft.gaussnet import kernel_w


@pytest.mark.parametrize("s_w", [0.7, 1.0, 3.0])
@pytest.mark.parametrize("points", [[-0.01, 0.002, 0.006, 0.01], [-0.5, 0.1, 0.3, 0.3, 0.8, 1.0]])
def test_vertex_integral_matches_quadrature(points, s_w):
    pts = np.array(points)

    def integrand(x):
        return np.prod(kernel_w(np.concatenate([[x], pts]), s_w)[0, 1:])

    numeric, _ = quad(integrand, -20, 20, points=[pts.mean()], epsabs=0, epsrel=1e-11)
    assert vertex_integral(pts, s_w) == pytest.approx(numeric, rel=1e-8)


def test_exchange_integral_matches_quadrature():
    left, right, s_w = np.array([-0.2, 0.0, 0.1]), np.array([0.05, 0.3, 0.4]), 1.3

    def k(a, b):
        return s_w**2 * np.exp(-(s_w**2) * (a - b) ** 2 / 2)

    def integrand(y, x):
        return np.prod(k(x, left)) * k(x, y) * np.prod(k(y, right))

    numeric, _ = dblquad(integrand, -8, 8, -8, 8, epsabs=0, epsrel=1e-10)
    assert exchange_integral(left, right, s_w) == pytest.approx(numeric, rel=1e-7)
