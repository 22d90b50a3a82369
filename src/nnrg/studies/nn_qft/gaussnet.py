"""The Gauss-net ensemble of study 004: one hidden layer, d_in = d_out = 1, width N.

    f(x) = sum_i W1_i g(W0_i x + b0_i) + b1,  g(z) = exp(z) / sqrt(exp(2 (sb^2 + sW^2 x^2)))
    W0 ~ N(0, sW^2), W1 ~ N(0, sW^2 / N), b0, b1 ~ N(0, sb^2)

so that E[f(x) f(y)] = K(x, y) = sb^2 + sW^2 exp(-sW^2 (x - y)^2 / 2) for every N.
The activation is evaluated as one exponent, exp(W0 x + b0 - sb^2 - sW^2 x^2), so it cannot
overflow where the normalisation would. Nets are drawn and evaluated inside one numba kernel:
each net has its own SplitMix64 stream (normals by Marsaglia's polar method), so no parameter
arrays are stored, memory is O(nets x points), and results do not depend on the thread count.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from contextlib import nullcontext

import numpy as np
from numba import njit, prange
from threadpoolctl import threadpool_limits

from nnrg.numerics.rng import next_uniform
from nnrg.numerics.wick import point_combinations


@njit(inline="always", cache=True)
def _normal_pair(rng: np.ndarray) -> tuple[float, float]:
    """Two independent standard normals (Marsaglia polar method) from stream ``rng[0]``."""
    while True:
        u = 2.0 * next_uniform(rng, 0) - 1.0
        v = 2.0 * next_uniform(rng, 0) - 1.0
        s = u * u + v * v
        if 0.0 < s < 1.0:
            break
    factor = math.sqrt(-2.0 * math.log(s) / s)
    return u * factor, v * factor


@njit(inline="always", cache=True)
def _add_neuron(
    acc: np.ndarray,
    w1: float,
    w0: float,
    b0: float,
    points: np.ndarray,
    shift: np.ndarray,
    eshift: np.ndarray,
    step: float,
    geometric: bool,
) -> None:
    """acc[k] += w1 g(w0 x_k + b0) at every point.

    Geometric path (equally spaced points, x_k = x_0 + k step): exp(w0 x_k + b0 + shift_k) =
    exp(w0 x_0 + b0) exp(w0 step)^k exp(shift_k), i.e. two exp calls per neuron instead of P,
    with exp(shift_k) computed once per kernel call. It is taken only while every factor stays
    far from overflow (|exponent| < 600); otherwise the direct path evaluates each point's
    exponent in one piece, which cannot overflow where the normalisation would.
    """
    n = points.shape[0]
    if geometric and abs(w0 * points[0] + b0) < 600.0 and abs(w0 * step) * n < 600.0:
        a = w1 * math.exp(w0 * points[0] + b0)
        r = math.exp(w0 * step)
        for k in range(n):
            acc[k] += a * eshift[k]
            a *= r
    else:
        for k in range(n):
            acc[k] += w1 * math.exp(w0 * points[k] + b0 + shift[k])


@njit(parallel=True, cache=True)
def _ensemble_kernel(
    points: np.ndarray,
    width: int,
    s_b: float,
    s_w: float,
    states: np.ndarray,
    step: float,
    geometric: bool,
) -> np.ndarray:
    n_nets = states.shape[0]
    n_pts = points.shape[0]
    out = np.zeros((n_nets, n_pts))
    shift = np.empty(n_pts)
    for k in range(n_pts):
        shift[k] = -s_b * s_b - s_w * s_w * points[k] * points[k]
    eshift = np.exp(shift)
    w1_scale = s_w / math.sqrt(width)
    for a in prange(n_nets):
        rng = states[a : a + 1].copy()
        acc = np.zeros(n_pts)
        for i in range(0, width, 2):
            w0a, b0a = _normal_pair(rng)
            w0b, b0b = _normal_pair(rng)
            w1a, w1b = _normal_pair(rng)
            _add_neuron(acc, w1a * w1_scale, w0a * s_w, b0a * s_b, points, shift, eshift,
                        step, geometric)  # fmt: skip
            if i + 1 < width:
                _add_neuron(acc, w1b * w1_scale, w0b * s_w, b0b * s_b, points, shift, eshift,
                            step, geometric)  # fmt: skip
        b1, _ = _normal_pair(rng)
        for k in range(n_pts):
            out[a, k] = acc[k] + s_b * b1
    return out


def equal_step(points: np.ndarray) -> float | None:
    """The common spacing of ``points`` if they are equally spaced and increasing (to 1e-9
    relative), else None.

    >>> equal_step(np.array([-0.01, -0.006, -0.002, 0.002, 0.006, 0.01]))
    0.004
    >>> equal_step(np.array([0.0, 1.0, 3.0])) is None
    True
    """
    x = np.asarray(points, dtype=np.float64)
    if len(x) < 2:
        return None
    step = (x[-1] - x[0]) / (len(x) - 1)
    if step <= 0 or not np.allclose(np.diff(x), step, rtol=1e-9, atol=0.0):
        return None
    return float(round(step, 15))


def ensemble_outputs(
    points: np.ndarray,
    width: int,
    s_b: float,
    s_w: float,
    states: np.ndarray,
    geometric: bool | None = None,
) -> np.ndarray:
    """Outputs ``(n_nets, P)`` of ``len(states)`` independent nets at the ``P`` points.

    ``geometric``: use the two-exp-per-neuron path (None: whenever the points are equally
    spaced). Both paths draw the same parameters in the same order, so they agree to rounding.
    """
    x = np.ascontiguousarray(points, dtype=np.float64)
    step = equal_step(x)
    use = step is not None if geometric is None else bool(geometric)
    if use and step is None:
        raise ValueError("ensemble_outputs: geometric=True needs equally spaced points")
    return _ensemble_kernel(x, int(width), float(s_b), float(s_w), states, step or 0.0, use)


def moment_sums(outputs: np.ndarray, combos: np.ndarray) -> np.ndarray:
    """sum over nets of prod_j f(x_{combo_j}) for every sorted multiset row of ``combos``.

    An even-order moment is an entry of the Gram matrix of half-order monomials: with
    D[a, h] = prod_{j in h} f_a(x_j) over all half-order multisets h, the sum over nets of a
    combination (l, r) split into sorted halves is (D^T D)[l, r], one BLAS product per chunk.
    """
    order = combos.shape[1]
    if order % 2:
        raise ValueError(f"moment_sums needs even orders, got {order}")
    half = order // 2
    halves = point_combinations(outputs.shape[1], half)
    index = {tuple(h): k for k, h in enumerate(halves.tolist())}
    monomials = np.prod(outputs[:, halves], axis=2)
    gram = monomials.T @ monomials
    left = np.array([index[tuple(c[:half])] for c in combos.tolist()])
    right = np.array([index[tuple(c[half:])] for c in combos.tolist()])
    return gram[left, right]


def bag_green_functions(
    points: np.ndarray,
    width: int,
    s_b: float,
    s_w: float,
    n_nets: int,
    combos: dict[int, np.ndarray],
    seed: np.random.SeedSequence,
    chunk: int = 20000,
    geometric: bool | None = None,
    blas_threads: int | None = 1,
) -> dict[int, np.ndarray]:
    """Empirical G^(n) (eq. 5) of one bag of ``n_nets`` nets for each order n in ``combos``
    (``geometric``: the kernel path, see ``ensemble_outputs``). The moment products are small
    (at most 56 x 56 from 20,000 rows) and follow numba's parallel region, where a
    multi-threaded BLAS can stall: they run on ``blas_threads`` BLAS threads (None: the BLAS
    default), set once per bag because entering the limit costs about a millisecond."""
    sums = {n: np.zeros(len(c)) for n, c in combos.items()}
    states = seed.generate_state(n_nets, np.uint64)
    limit = nullcontext() if blas_threads is None else threadpool_limits(blas_threads, "blas")
    with limit:
        for start in range(0, n_nets, chunk):
            batch = states[start : start + chunk].copy()
            out = ensemble_outputs(points, width, s_b, s_w, batch, geometric)
            for n, c in combos.items():
                sums[n] += moment_sums(out, c)
    return {n: s / n_nets for n, s in sums.items()}


def bags_green_functions(
    points: np.ndarray,
    width: int,
    s_b: float,
    s_w: float,
    n_bags: int,
    n_nets: int,
    seeds: list[np.random.SeedSequence],
    combos: dict[int, np.ndarray],
    progress: Callable[[], None] | None = None,
) -> dict[int, np.ndarray]:
    """Per-bag G^(n) ``{n: (len(seeds) * n_bags, M_n)}`` of one configuration (sb, sW, N):
    ``n_bags`` bags spawned from each seed, ``progress()`` called after each bag."""
    bags = []
    for seed in seeds:
        for child in seed.spawn(n_bags):
            bags.append(bag_green_functions(points, width, s_b, s_w, n_nets, combos, child))
            if progress is not None:
                progress()
    return {n: np.stack([b[n] for b in bags]) for n in combos}


def kernel(points: np.ndarray, s_b: float, s_w: float) -> np.ndarray:
    """The exact two-point function K(x, y) = sb^2 + sW^2 exp(-sW^2 (x - y)^2 / 2), ``(P, P)``."""
    x = np.asarray(points, dtype=np.float64)
    return s_b**2 + kernel_w(x, s_w)


def kernel_w(points: np.ndarray, s_w: float) -> np.ndarray:
    """K_W(x, y) = sW^2 exp(-sW^2 (x - y)^2 / 2), the weight part of the kernel, ``(P, P)``."""
    x = np.asarray(points, dtype=np.float64)
    return s_w**2 * np.exp(-(s_w**2) * (x[:, None] - x[None, :]) ** 2 / 2.0)
