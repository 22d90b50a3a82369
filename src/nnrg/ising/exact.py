"""Exact results for finite Ising systems: enumeration, transfer matrix and Kaufman's torus.

Everything here is J = 1, k_B = 1 and exact up to floating-point rounding; the samplers are
tested against these functions.
"""

from __future__ import annotations

import numpy as np


def all_states(n_spins: int) -> np.ndarray:
    """All 2**n_spins states as ``(2**n, n) int8`` in {-1, +1}; state index = bit pattern."""
    if not 1 <= n_spins <= 24:
        raise ValueError(f"n_spins must be in [1, 24], got {n_spins}")
    idx = np.arange(2**n_spins, dtype=np.int64)[:, None]
    bits = (idx >> np.arange(n_spins, dtype=np.int64)) & 1
    return (2 * bits - 1).astype(np.int8)


def chain_energies(states: np.ndarray) -> np.ndarray:
    """Energies H = -sum_i s_i s_{i+1} of periodic chains, ``(M, N)`` -> ``(M,)`` int."""
    s = states.astype(np.int32)
    return -(s * np.roll(s, -1, axis=1)).sum(axis=1)


def boltzmann_weights(energies: np.ndarray, beta: float) -> np.ndarray:
    """Normalised Boltzmann probabilities exp(-beta E) / Z; beta = inf gives the ground states."""
    e = np.asarray(energies, dtype=np.float64)
    w = (e == e.min()).astype(np.float64) if np.isinf(beta) else np.exp(-beta * (e - e.min()))
    return w / w.sum()


def chain_mean_energy(n_spins: int, beta: float) -> float:
    """<H> of a periodic chain from the transfer matrix: Z = (2 cosh b)^N + (2 sinh b)^N."""
    if np.isinf(beta):
        return -float(n_spins)
    t = np.tanh(beta)
    # d ln Z / d beta with Z = (2 cosh beta)^N (1 + tanh(beta)^N)
    dlnz = n_spins * t + n_spins * t ** (n_spins - 1) * (1 - t**2) / (1 + t**n_spins)
    return -float(dlnz)


def lattice_energies(states: np.ndarray, size: int) -> np.ndarray:
    """Energies of flattened periodic ``size x size`` lattices, ``(M, size**2)`` -> ``(M,)`` int."""
    s = states.reshape(-1, size, size).astype(np.int32)
    return -(s * np.roll(s, 1, axis=1) + s * np.roll(s, 1, axis=2)).sum(axis=(1, 2))


def _log_2cosh(x: np.ndarray) -> np.ndarray:
    ax = np.abs(x)
    return ax + np.log1p(np.exp(-2.0 * ax))


def _log_abs_2sinh(x: np.ndarray) -> np.ndarray:
    ax = np.abs(x)
    with np.errstate(divide="ignore"):
        return ax + np.log(-np.expm1(-2.0 * ax))


def kaufman_log_z(size: int, beta: float) -> float:
    """ln Z of the ``size x size`` periodic Ising lattice (Kaufman 1949; Beale 1996, eq. 4-6).

    Z = 1/2 (2 sinh 2K)^(L^2/2) (Z1 + Z2 + Z3 + Z4) with K = beta and
    Z1,2 = prod_{r=0}^{L-1} 2 cosh / sinh (L gamma_{2r+1} / 2),
    Z3,4 = prod_{r=0}^{L-1} 2 cosh / sinh (L gamma_{2r} / 2),
    cosh gamma_k = cosh 2K coth 2K - cos(pi k / L), gamma_0 = 2K + ln tanh K (signed: it changes
    sign at beta_c, so Z4 changes sign there). The four terms are combined with a signed
    log-sum-exp and the k = 0 factor is taken out of the products.
    """
    if size < 2 or beta <= 0:
        raise ValueError(f"need size >= 2 and beta > 0, got size={size}, beta={beta}")
    k2 = 2.0 * beta
    n = size
    ks = np.arange(2 * n)
    arg = np.cosh(k2) / np.tanh(k2) - np.cos(np.pi * ks / n)
    gamma = np.arccosh(np.maximum(arg, 1.0))
    gamma[0] = k2 + np.log(np.tanh(beta))
    odd = gamma[1::2] * n / 2.0
    even_rest = gamma[2::2] * n / 2.0
    g0 = gamma[0] * n / 2.0
    logs = np.array(
        [
            _log_2cosh(odd).sum(),
            _log_abs_2sinh(odd).sum(),
            _log_2cosh(np.array([g0]))[0] + _log_2cosh(even_rest).sum(),
            _log_abs_2sinh(np.array([g0]))[0] + _log_abs_2sinh(even_rest).sum(),
        ]
    )
    signs = np.array([1.0, 1.0, 1.0, np.sign(g0)])
    top = logs[np.isfinite(logs)].max()
    total = float(np.sum(signs * np.exp(logs - top)))
    prefactor = -np.log(2.0) + (n * n / 2.0) * np.log(2.0 * np.sinh(k2))
    return float(prefactor + top + np.log(total))


def _derivatives(f, beta: float, h: float) -> tuple[float, float]:
    """First and second derivative of f at beta by fourth-order central differences."""
    fm2, fm1, f0, fp1, fp2 = (f(beta + k * h) for k in (-2, -1, 0, 1, 2))
    d1 = (fm2 - 8 * fm1 + 8 * fp1 - fp2) / (12 * h)
    d2 = (-fm2 + 16 * fm1 - 30 * f0 + 16 * fp1 - fp2) / (12 * h * h)
    return d1, d2


def kaufman_energy_and_heat(size: int, beta: float) -> tuple[float, float]:
    """Exact energy per spin <E>/N and specific heat per spin C/N = beta^2 Var(E)/N on the torus."""
    d1, d2 = _derivatives(lambda b: kaufman_log_z(size, b), beta, h=1e-3)
    n_sites = size * size
    return -d1 / n_sites, beta * beta * d2 / n_sites


def enumerated_energy_and_heat(size: int, beta: float) -> tuple[float, float]:
    """<E>/N and C/N by brute-force enumeration of all 2**(size**2) states (size <= 4)."""
    e = lattice_energies(all_states(size * size), size).astype(np.float64)
    p = boltzmann_weights(e, beta)
    mean = float(p @ e)
    var = float(p @ (e - mean) ** 2)
    n_sites = size * size
    return mean / n_sites, beta * beta * var / n_sites


def decimation_recursion(beta: float) -> float:
    """One step of the 2D decimation recursion beta' = (3/8) ln cosh(4 beta) (study 001, eq. 5)."""
    return 0.375 * float(np.log(np.cosh(4.0 * beta)))


def specific_heat_peak(size: int, bracket: tuple[float, float] = (0.3, 0.6)) -> float:
    """beta where the exact C/N of the ``size x size`` torus peaks (pseudo-critical point)."""
    from scipy.optimize import minimize_scalar

    res = minimize_scalar(
        lambda b: -kaufman_energy_and_heat(size, b)[1],
        bounds=bracket,
        method="bounded",
        options={"xatol": 1e-7},
    )
    return float(res.x)


def decimation_fixed_point(bracket: tuple[float, float] = (0.3, 1.0)) -> float:
    """Non-trivial fixed point of beta' = (3/8) ln cosh(4 beta), solved to machine precision."""
    from scipy.optimize import brentq

    return float(brentq(lambda b: decimation_recursion(b) - b, *bracket, xtol=1e-15))


def decimation_slope(beta: float) -> float:
    """d beta' / d beta = (3/2) tanh(4 beta): > 1 at the fixed point means the flow repels."""
    return 1.5 * float(np.tanh(4.0 * beta))
