"""Wick sums and point combinations for n-point Green functions.

A Green function G^(n)(x_1..x_n) of a symmetric ensemble depends only on the multiset of its
points, so "all inequivalent combinations" of P points are the multisets of size n:
C(P + n - 1, n) of them (21, 126, 462 for n = 2, 4, 6 over six points).
"""

from __future__ import annotations

from itertools import combinations_with_replacement

import numpy as np


def point_combinations(n_points: int, order: int) -> np.ndarray:
    """All multisets of ``order`` indices from ``range(n_points)``, ``(M, order) int64``, sorted.

    >>> point_combinations(6, 4).shape
    (126, 4)
    """
    return np.array(list(combinations_with_replacement(range(n_points), order)), dtype=np.int64)


def pairings(items: tuple[int, ...]) -> list[list[tuple[int, int]]]:
    """All perfect matchings of an even-length tuple ((n-1)!! of them).

    >>> len(pairings((0, 1, 2, 3, 4, 5)))
    15
    """
    if not items:
        return [[]]
    first, rest = items[0], items[1:]
    out = []
    for k, partner in enumerate(rest):
        remaining = rest[:k] + rest[k + 1 :]
        for sub in pairings(remaining):
            out.append([(first, partner), *sub])
    return out


def wick_sum(kernel: np.ndarray, combos: np.ndarray) -> np.ndarray:
    """Gaussian n-point functions G0 = sum over pairings of prod K(x_a, x_b), per combination.

    ``kernel``: ``(P, P)`` covariance of the field at the P points; ``combos``: ``(M, n)``
    point indices (n even). Returns ``(M,)``.
    """
    order = combos.shape[1]
    if order % 2:
        return np.zeros(len(combos))
    total = np.zeros(len(combos))
    for matching in pairings(tuple(range(order))):
        term = np.ones(len(combos))
        for a, b in matching:
            term *= kernel[combos[:, a], combos[:, b]]
        total += term
    return total
