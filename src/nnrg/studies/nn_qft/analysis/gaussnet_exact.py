"""Exact finite-width Green functions of the one-hidden-layer Gauss-net (study 004).

With f = b1 + sum_i h_i, h_i = W1_i g_i iid and zero-mean, the cumulants of f are
kappa_2 = K and kappa_2n = N kappa_2n(h) for n >= 2 (b1 is Gaussian). Each neuron's moments are
Gaussian integrals, E[prod_k g(x_k)] = exp(sW^2 S^2 / 2 + n^2 sb^2 / 2 - n sb^2 - sW^2 Q)
(S = sum x_k, Q = sum x_k^2), and E[W1^2m] = (2m - 1)!! (sW^2 / N)^m. Hence, exactly,
  Delta G^(4) = kappa_4                           = O(1/N),
  Delta G^(6) = kappa_6 + sum_15 kappa_4 K        = O(1/N) + O(1/N^2),
and the couplings follow from their definitions
(``nnrg.studies.nn_qft.analysis.couplings.analyse``).
"""

from __future__ import annotations

from itertools import combinations

import numpy as np

from nnrg.numerics.wick import pairings
from nnrg.studies.nn_qft.analysis.gaussian_integrals import exchange_integral
from nnrg.studies.nn_qft.gaussnet import kernel


def hidden_moment(x: np.ndarray, s_b: float, s_w: float) -> float:
    """E[prod_k g(x_k)] for one hidden neuron (d_in = 1)."""
    x = np.asarray(x, dtype=np.float64)
    n = len(x)
    return float(
        np.exp(s_w**2 * x.sum() ** 2 / 2 + n * n * s_b**2 / 2 - n * s_b**2 - s_w**2 * (x**2).sum())
    )


def neuron_moment(x: np.ndarray, s_b: float, s_w: float, width: int) -> float:
    """E[prod_k h(x_k)] with h = W1 g: zero for odd n, (n-1)!! (sW^2/N)^(n/2) E[prod g] else."""
    n = len(x)
    if n % 2:
        return 0.0
    double_factorial = float(np.prod(np.arange(n - 1, 0, -2))) if n > 1 else 1.0
    return double_factorial * (s_w**2 / width) ** (n // 2) * hidden_moment(x, s_b, s_w)


def connected_four(x: np.ndarray, s_b: float, s_w: float, width: int) -> float:
    """kappa_4 of f at four points: N [m4(h) - sum_3 m2(h) m2(h)] (= Delta G^(4), exactly)."""
    m2 = {}

    def pair(a, b):
        key = (a, b)
        if key not in m2:
            m2[key] = neuron_moment(np.array([x[a], x[b]]), s_b, s_w, width)
        return m2[key]

    disconnected = sum(pair(*p) * pair(*q) for p, q in pairings((0, 1, 2, 3)))
    return width * (neuron_moment(np.asarray(x), s_b, s_w, width) - disconnected)


def connected_six(x: np.ndarray, s_b: float, s_w: float, width: int) -> float:
    """kappa_6 of f at six points: N [m6 - sum_15 m4 m2 + 2 sum_15 m2 m2 m2] (odd moments 0)."""
    x = np.asarray(x, dtype=np.float64)
    idx = tuple(range(6))

    def m(sub):
        return neuron_moment(x[list(sub)], s_b, s_w, width)

    four_two = sum(m([k for k in idx if k not in pr]) * m(pr) for pr in combinations(idx, 2))
    three_pairs = sum(m(a) * m(b) * m(c) for a, b, c in pairings(idx))
    return width * (m(idx) - four_two + 2.0 * three_pairs)


def delta_g6(x: np.ndarray, s_b: float, s_w: float, width: int) -> float:
    """Exact Delta G^(6) = kappa_6 + sum over the 15 ways (4 | 2) of kappa_4 K."""
    x = np.asarray(x, dtype=np.float64)
    k = kernel(x, s_b, s_w)
    idx = tuple(range(6))
    total = connected_six(x, s_b, s_w, width)
    for pr in combinations(idx, 2):
        rest = [j for j in idx if j not in pr]
        total += connected_four(x[rest], s_b, s_w, width) * k[pr[0], pr[1]]
    return total


def exchange_sum(x: np.ndarray, s_w: float) -> float:
    """sum over the 10 splits of six points into (3 | 3) of the tree-level exchange integral."""
    x = np.asarray(x, dtype=np.float64)
    total = 0.0
    for left in combinations(range(1, 6), 2):
        a = [0, *left]
        b = [j for j in range(6) if j not in a]
        total += exchange_integral(x[a], x[b], s_w)
    return total
