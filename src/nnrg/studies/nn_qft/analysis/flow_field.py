"""The field of study 004's flow equation: its normalisation and its truncated Wetterich flow.

**Normalisation (eqs. 8-9).** Eq. 8 defines u4 for the network output f, whose propagator is
K_W. The flow equation (eqs. 10-12) is written for a field whose propagator plus regulator is
fixed: "their sum is constrained to be Lambda^2 exp(p1^2 / Lambda^2)". Step by step:

1. Eq. 9: K_W(p) = (sW^2)^(1 - d/2) (d / 2 pi)^(d/2) exp(-d p^2 / (2 sW^2)).
2. Matching exp(-d p^2 / (2 sW^2)) with exp(-p^2 / Lambda^2) gives Lambda^2 = 2 sW^2 / d.
3. Then K_W(p) = Z0^-1 / (Lambda^2 exp(p^2 / Lambda^2)) ~ Z0^-1 / (Lambda^2 + p^2) (eq. 9),
   with Z0^-1 = Lambda^2 K_W(0) = (2 sW^2 / d) (sW^2)^(1 - d/2) (d / 2 pi)^(d/2);
   at d = 1, Z0^-1 = sW^3 sqrt(2 / pi).
4. The field with the constrained propagator is phi = Z0^(1/2) f. In S = 1/2 f K_W^-1 f +
   u4/4! int f^4 + u6/6! int f^6 this reads 1/2 phi (Z0 K_W)^-1 phi + (u4 Z0^-2)/4! int phi^4 +
   (u6 Z0^-3)/6! int phi^6: the flow equation's couplings are u4 Z0^-2 and u6 Z0^-3.
5. Hence their log-log slopes in sW are eq. 8's plus 2 (4 - d) and 3 (4 - d): +6 and +9 at d = 1.

**The truncated flow (eqs. 10-12).** With Litim's regulator r = alpha (Lambda^2 - p^2)
theta(Lambda^2 - p^2), the propagator G = 1 / (Gamma^(2) + r) = exp(-p^2 / Lambda^2) / Lambda^2 and
the loop integrals J_n = int d^dq / (2 pi)^d Lambda dr/dLambda G^n. Truncation (the paper's
n0 = 3, zero order in the loop momentum): vertices constant, Gamma^(8) = 0. Differentiating the
Wetterich equation at phi = 0 gives (t = ln Lambda)

    d Gamma^(2)(0) / dt = -1/2 u4 J_2                       (eq. 10 at p = 0)
    d u4 / dt          = 3 u4^2 J_3 - 1/2 u6 J_2
    d u6 / dt          = 15 u4 u6 J_3 - 45 u4^3 J_4.

*Zero-order solution* (the paper's route to eq. 13): Gamma^(2)(0) = Lambda^2 - r(0) =
(1 - alpha) Lambda^2 is fixed by the constraint, so the first line determines u4 =
-4 (1 - alpha) Lambda^2 / J_2, i.e. u4 ~ Lambda^(4 - d) (J_2 ~ Lambda^(d - 2)), and the second then
determines u6 = 2 (3 u4^2 J_3 - (4 - d) u4) / J_2 ~ Lambda^(6 - 2d): eq. 13 and its u6 analogue.
alpha is free, so only the slopes are predicted. *Integrated flow*: the last two lines integrated
from a UV scale with given couplings, in dimensionless couplings g4 = u4 Lambda^(d - 4),
g6 = u6 Lambda^(2d - 6). The zero-order solution makes d g4/dt vanish; d g6/dt vanishes there
only with the dropped Gamma^(8), so the integrated flow leaves it at the rate of that residual.
Near g = 0 the flow keeps the dimensionful couplings constant (tree level: Gamma = S).
Limits of this truncation: no momentum dependence of the vertices, no anomalous dimension,
Gamma^(8) dropped, d = 1 only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.integrate import solve_ivp
from scipy.special import erf

D_IN = 1  # the Gauss-net's input dimension (study 004 sets d_in = d_out = 1)


def flow_scale(s_w, d_in: int = D_IN):
    """Lambda = sW sqrt(2 / d_in), the flow scale matched to K_W in eq. 9 (step 2)."""
    return np.asarray(s_w, dtype=np.float64) * math.sqrt(2.0 / d_in)


def z0_inverse(s_w, d_in: int = D_IN):
    """Z0^-1 = Lambda^2 K_W(p = 0) in eq. 9's convention (step 3).

    >>> float(z0_inverse(1.0)) == math.sqrt(2 / math.pi)
    True
    """
    s2 = np.asarray(s_w, dtype=np.float64) ** 2
    return (2.0 * s2 / d_in) * s2 ** (1 - d_in / 2) * (d_in / (2 * math.pi)) ** (d_in / 2)


def kernel_momentum(s_w: float, p: float) -> float:
    """K_W(p) of eq. 4's data-space kernel K_W(x) = sW^2 exp(-sW^2 x^2 / 2) (d_in = 1), by
    numerical Fourier transform in eq. 9's convention (dx / 2 pi): independent of steps 1-3."""
    from scipy.integrate import quad

    def integrand(x: float) -> float:
        return s_w**2 * math.exp(-(s_w**2) * x * x / 2) * math.cos(p * x) / (2 * math.pi)

    half_width = 40.0 / s_w  # the kernel is below e^-800 beyond
    return 2.0 * quad(integrand, 0.0, half_width, epsabs=0.0, epsrel=1e-13, limit=200)[0]


def normalisation_check(s_w_values) -> dict[str, float]:
    """Eq. 9's Lambda^2 and Z0^-1 read off the numerically transformed kernel: K_W(0) / K_W(p)
    = 1 + p^2 / Lambda^2 + O(p^4) at small p, Z0^-1 = Lambda^2 K_W(0); compared with steps 2-3
    (``flow_scale``, ``z0_inverse``) over the sW grid. Lambda^2 is read as the limit of
    p^2 / (K_W(0) / K_W(p) - 1) by Richardson extrapolation over p = 1e-2 sW and 2e-2 sW."""
    numeric_z0, numeric_l2 = [], []
    for s_w in np.asarray(s_w_values, dtype=np.float64):
        k0 = kernel_momentum(s_w, 0.0)
        reads = []
        for p in (0.02 * s_w, 0.01 * s_w):
            reads.append(p * p / (k0 / kernel_momentum(s_w, p) - 1.0))
        lambda_sq = (4.0 * reads[1] - reads[0]) / 3.0  # the O(p^2) term cancels
        numeric_l2.append(lambda_sq)
        numeric_z0.append(lambda_sq * k0)
    s_w = np.asarray(s_w_values, dtype=np.float64)
    formula_z0 = z0_inverse(s_w)
    formula_l2 = flow_scale(s_w) ** 2
    log_fit = np.polyfit(np.log(s_w), np.log(numeric_z0), 1)
    at_one = int(np.argmin(np.abs(s_w - 1.0)))
    return {
        "s_w": float(s_w[at_one]),
        "z0_inverse_numeric": float(numeric_z0[at_one]),
        "lambda_sq_numeric": float(numeric_l2[at_one]),
        "z0_inverse_exponent_numeric": float(log_fit[0]),
        "max_relative_difference_z0": float(np.max(np.abs(np.array(numeric_z0) / formula_z0 - 1))),
        "max_relative_difference_lambda_sq": float(
            np.max(np.abs(np.array(numeric_l2) / formula_l2 - 1))
        ),
    }


# powers of Z0^-1 that turn eq. 8's couplings into the flow field's (step 4)
Z0_POWER = {"u4": 2, "u6": 3}


def flow_field_coupling(name: str, value, s_w, d_in: int = D_IN):
    """Eq. 8's coupling ``name`` ("u4" or "u6") in the flow equation's normalisation."""
    return np.asarray(value, dtype=np.float64) * z0_inverse(s_w, d_in) ** Z0_POWER[name]


def slope_shift(name: str, d_in: int = D_IN) -> float:
    """How much the normalisation adds to a log-log slope in sW (step 5): 6 (u4), 9 (u6)."""
    return float(Z0_POWER[name] * (4 - d_in))


def litim_regulator(p2, lam: float, alpha: float):
    """r_Lambda(p^2) = alpha (Lambda^2 - p^2) theta(Lambda^2 - p^2) (eq. 12)."""
    p2 = np.asarray(p2, dtype=np.float64)
    return alpha * np.where(p2 < lam**2, lam**2 - p2, 0.0)


def loop_integral(n: int, lam: float, alpha: float) -> float:
    """J_n = int dq / 2 pi Lambda dr/dLambda G^n with Lambda dr/dLambda = 2 alpha Lambda^2 theta and
    G = exp(-q^2 / Lambda^2) / Lambda^2 (d = 1): alpha Lambda^(3 - 2n) erf(sqrt n) / sqrt(pi n)."""
    return float(alpha * lam ** (3 - 2 * n) * erf(math.sqrt(n)) / math.sqrt(math.pi * n))


def zero_order_couplings(lam, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """u4(Lambda), u6(Lambda) of the zero-order solution (module docstring), d = 1."""
    lam = np.atleast_1d(np.asarray(lam, dtype=np.float64))
    j2 = np.array([loop_integral(2, x, alpha) for x in lam])
    j3 = np.array([loop_integral(3, x, alpha) for x in lam])
    u4 = -4.0 * (1.0 - alpha) * lam**2 / j2
    u6 = 2.0 * (3.0 * u4**2 * j3 - (4 - D_IN) * u4) / j2
    return u4, u6


def alpha_through(u4: float, lam: float) -> float:
    """The regulator strength alpha whose zero-order u4 passes through ``u4`` at ``lam``.

    u4 = -4 (1 - alpha) Lambda^2 / J_2 = -(1 - alpha) / alpha c Lambda^3, c = 4 sqrt(2 pi) /
    erf(sqrt 2), so alpha = c Lambda^3 / (c Lambda^3 - u4).
    """
    c = 4.0 * math.sqrt(2.0 * math.pi) / erf(math.sqrt(2.0))
    return float(c * lam**3 / (c * lam**3 - u4))


@dataclass(frozen=True)
class FlowSolution:
    """u4, u6 along decreasing Lambda from the UV; ``diverged_at`` the scale where a
    dimensionless coupling exceeded ``blow_up`` (None if the flow reached the IR end)."""

    lam: np.ndarray
    u4: np.ndarray
    u6: np.ndarray
    diverged_at: float | None


def integrate_flow(
    lam: np.ndarray, u4_uv: float, u6_uv: float, alpha: float, blow_up: float = 1e8
) -> FlowSolution:
    """Integrate d u4/dt, d u6/dt (module docstring) from ``lam[0]`` (the UV, largest) down to
    ``lam[-1]``, in dimensionless couplings g4 = u4 Lambda^-3, g6 = u6 Lambda^-4 (d = 1); values
    at every ``lam``; NaN below a divergence."""
    lam = np.asarray(lam, dtype=np.float64)
    if np.any(np.diff(lam) >= 0):
        raise ValueError("integrate_flow: lam must decrease from the UV scale")
    j = {n: loop_integral(n, 1.0, alpha) for n in (2, 3, 4)}  # J_n at Lambda = 1

    def rhs(_t, g):
        g4, g6 = g
        return [
            -3.0 * g4 + 3.0 * g4**2 * j[3] - 0.5 * g6 * j[2],
            -4.0 * g6 + 15.0 * g4 * g6 * j[3] - 45.0 * g4**3 * j[4],
        ]

    def escape(_t, g):
        return blow_up - max(abs(g[0]), abs(g[1]))

    escape.terminal = True  # type: ignore[attr-defined]
    t = np.log(lam)
    g0 = [u4_uv / lam[0] ** 3, u6_uv / lam[0] ** 4]
    sol = solve_ivp(rhs, (t[0], t[-1]), g0, t_eval=t, events=escape, rtol=1e-10, atol=1e-300,
                    method="LSODA")  # fmt: skip
    g = np.full((2, len(t)), np.nan)
    g[:, : sol.y.shape[1]] = sol.y
    diverged = float(np.exp(sol.t_events[0][0])) if len(sol.t_events[0]) else None
    return FlowSolution(lam, g[0] * lam**3, g[1] * lam**4, diverged)


def log10_deviation(curve: np.ndarray, target: np.ndarray) -> float | None:
    """Root-mean-square of log10(|curve| / |target|) over points where both are finite and
    nonzero (None if there are none)."""
    c, t = np.abs(np.asarray(curve, float)), np.abs(np.asarray(target, float))
    ok = np.isfinite(c) & np.isfinite(t) & (c > 0) & (t > 0)
    if not ok.any():
        return None
    return float(np.sqrt(np.mean(np.log10(c[ok] / t[ok]) ** 2)))


def flow_comparison(s_w: np.ndarray, u4: np.ndarray, u6: np.ndarray) -> dict | None:
    """The flow equation solved against the flow-field couplings ``u4``, ``u6`` at each sW.

    From the UV (the largest sW, where Gamma = S with the given couplings): alpha is chosen so
    that the zero-order solution passes through u4 there (alpha is the regulator's one free
    number; only a value in (0, 1) keeps Gamma^(2) = (1 - alpha) Lambda^2 positive), and the
    truncated flow is integrated down from (u4, u6) at that scale. Returns both curves at
    every sW with their log10 RMS deviation from ``u4`` (none for a flow that diverged before
    the IR end: its scale is ``diverged_at_s_w``); None if u4 vanishes in the UV.
    """
    order = np.argsort(s_w)[::-1]
    s_w, u4, u6 = (np.asarray(a, dtype=np.float64)[order] for a in (s_w, u4, u6))
    lam = flow_scale(s_w)
    if u4[0] == 0 or not np.isfinite(u4[0]):
        return None
    alpha = alpha_through(u4[0], lam[0])
    zero4, _ = zero_order_couplings(lam, alpha)
    flow = integrate_flow(lam, u4[0], u6[0], alpha)
    back = np.argsort(order)  # results in the caller's order of sW
    return {
        "alpha": alpha,
        "alpha_in_unit_interval": bool(0 < alpha < 1),
        "zero_order_u4": zero4[back].tolist(),
        "integrated_u4": flow.u4[back].tolist(),
        "diverged_at_s_w": None if flow.diverged_at is None else flow.diverged_at / math.sqrt(2),
        "zero_order_log10_rms": log10_deviation(zero4, u4),
        "integrated_log10_rms": None if flow.diverged_at else log10_deviation(flow.u4, u4),
        "integrated_n_finite": int(np.isfinite(flow.u4).sum()),
        "integrated_sign_agrees": bool(np.all(np.sign(flow.u4[np.isfinite(flow.u4)]) ==
                                              np.sign(u4[np.isfinite(flow.u4)]))),
    }  # fmt: skip
