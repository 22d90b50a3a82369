"""Closed-form Gaussian integrals used by the NN-QFT couplings (study 004, eq. 8)."""

from __future__ import annotations

import numpy as np


def gaussian_integral(quad: np.ndarray, lin: np.ndarray, const: float) -> float:
    """int_{R^d} exp(-v^T A v + b^T v + c) dv = pi^(d/2) / sqrt(det A) * exp(b^T A^-1 b / 4 + c).

    ``quad``: symmetric positive-definite ``(d, d)`` A; ``lin``: ``(d,)`` b; ``const``: c.
    """
    a = np.atleast_2d(np.asarray(quad, dtype=np.float64))
    b = np.atleast_1d(np.asarray(lin, dtype=np.float64))
    d = a.shape[0]
    sol = np.linalg.solve(a, b)
    return float(np.pi ** (d / 2) / np.sqrt(np.linalg.det(a)) * np.exp(b @ sol / 4.0 + const))


def vertex_integral(points: np.ndarray, s_w: float) -> float:
    """I_n = int dx prod_k K_W(x, x_k), K_W(x, y) = sW^2 exp(-sW^2 (x - y)^2 / 2), d_in = 1.

    Closed form: sW^(2n) sqrt(2 pi / (n sW^2)) exp(sW^2 S^2 / (2n) - sW^2 Q / 2), S = sum x_k,
    Q = sum x_k^2.
    """
    x = np.asarray(points, dtype=np.float64)
    n, s2 = len(x), s_w * s_w
    return float(
        s2**n
        * np.sqrt(2 * np.pi / (n * s2))
        * np.exp(s2 * x.sum() ** 2 / (2 * n) - s2 * (x**2).sum() / 2)
    )


def exchange_integral(left: np.ndarray, right: np.ndarray, s_w: float) -> float:
    """int dx dy prod_a K_W(x, l_a) K_W(x, y) prod_b K_W(y, r_b): the tree-level u4^2 diagram."""
    left = np.asarray(left, dtype=np.float64)
    right = np.asarray(right, dtype=np.float64)
    s2 = s_w * s_w
    nl, nr = len(left), len(right)
    quad = 0.5 * s2 * np.array([[nl + 1.0, -1.0], [-1.0, nr + 1.0]])
    lin = s2 * np.array([left.sum(), right.sum()])
    const = -0.5 * s2 * ((left**2).sum() + (right**2).sum())
    return s2 ** (nl + nr + 1) * gaussian_integral(quad, lin, const)
