"""From per-bag Green functions to the paper's observables, measured and exact (study 004).

For each bag: m_n = (G^(n) - G0^(n)) / G0^(n) (G0 by Wick pairings of the exact K), and the
couplings u4, u6 (definitions in ``gaussnet_exact.couplings``). Each observable is summarised
over combinations by its median within a bag, then over bags by the pooled mean with its
standard error and by the median. Heavy tails (sb = 1: E[g^4] = e^4, E[g^8] = e^24) make the
per-bag estimates strongly right-skewed: the median sits below the mean and the standard error
understates the real uncertainty, so every value is shown next to its exact 1/N counterpart.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import Any

import numpy as np

from nnrg.analysis.gaussian_integrals import vertex_integral
from nnrg.analysis.gaussnet_exact import connected_four, connected_six, exchange_sum
from nnrg.analysis.powerlaw import PowerLawFit, fit_power_law
from nnrg.models.gaussnet import kernel
from nnrg.numerics.wick import wick_sum


@dataclass(frozen=True)
class Summary:
    """An observable over bags: pooled mean, its standard error, median, and the exact value.

    ``exact`` is the median over combinations of the exact value; ``exact_abs`` the median of
    its magnitude (the coupling's scale, meaningful also where its sign varies by combination).
    """

    mean: float
    error: float
    median: float
    exact: float
    exact_abs: float
    n_bags: int

    @property
    def resolved(self) -> bool:
        """True if the mean differs from zero by more than three standard errors."""
        return bool(abs(self.mean) > 3 * self.error)

    def as_dict(self) -> dict[str, float]:
        """Plain dict for JSON metrics and tables."""
        return {
            "mean": self.mean,
            "error": self.error,
            "median": self.median,
            "exact": self.exact,
            "exact_abs": self.exact_abs,
            "n_bags": self.n_bags,
            "resolved": self.resolved,
        }


def summarise(per_bag_per_combo: np.ndarray, exact_per_combo: np.ndarray) -> Summary:
    """Median over combinations within each bag, then mean +- SE and median over bags."""
    per_bag = np.median(per_bag_per_combo, axis=1)
    n = len(per_bag)
    err = float(per_bag.std(ddof=1) / np.sqrt(n)) if n > 1 else float("nan")
    return Summary(
        float(per_bag.mean()),
        err,
        float(np.median(per_bag)),
        float(np.median(exact_per_combo)),
        float(np.median(np.abs(exact_per_combo))),
        n,
    )


def four_two_sum(
    g4: np.ndarray, k: np.ndarray, combos4: np.ndarray, combos6: np.ndarray
) -> np.ndarray:
    """sum over the 15 (4 | 2) splits of each six-point combination of g4(four) K(pair).

    ``g4``: a 4-point quantity per combination, ``(..., M4)``; returns ``(..., M6)``. It links
    Delta G^(6) and the connected G_c^(6): Delta G^(6) = G_c^(6) + sum_15 Delta G^(4) K.
    """
    lookup = {tuple(c): j for j, c in enumerate(combos4.tolist())}
    out = np.zeros(g4.shape[:-1] + (len(combos6),))
    for pair in combinations(range(6), 2):
        rest = [j for j in range(6) if j not in pair]
        idx4 = np.array([lookup[tuple(sorted(c[rest]))] for c in combos6])
        out += g4[..., idx4] * k[combos6[:, pair[0]], combos6[:, pair[1]]]
    return out


def analyse(
    green: dict[int, np.ndarray],
    points: np.ndarray,
    combos: dict[int, np.ndarray],
    s_b: float,
    s_w: float,
    width: int,
) -> dict[str, object]:
    """Observables for one (sb, sW, N) from per-bag ``green[n]`` ``(B, M_n)``.

    Definitions: u4 = -Delta G^(4) / I_4 (paper eq. 8), I_n = int dx prod_k K_W(x, x_k);
    u6 = (u4c^2 E_6 - G_c^(6)) / I_6, from the tree-level relation G_c^(6) = -u6 I_6 + u4^2 E_6
    of the action u4/4! int f^4 + u6/6! int f^6 with propagator K_W, where E_6 sums the 10
    exchange diagrams and u4c is one constant u4 (the median over combinations in the bag).
    Returns per-combination arrays (``m2``, ``m4``, ``u4``, ``u6`` and their exact versions)
    and ``Summary`` objects under ``summary``.
    """
    k = kernel(points, s_b, s_w)
    out: dict[str, Any] = {}
    summary: dict[str, Summary] = {}
    g0 = {n: wick_sum(k, combos[n]) for n in green}
    m = {n: (green[n] - g0[n]) / g0[n] for n in green}
    for n in green:
        out[f"m{n}"] = m[n]
    summary["m2"] = summarise(m[2], np.zeros(len(combos[2])))
    if 4 in green:
        d4_exact = np.array([connected_four(points[c], s_b, s_w, width) for c in combos[4]])
        m4_exact = d4_exact / g0[4]
        out["m4_exact"] = m4_exact
        summary["m4"] = summarise(m[4], m4_exact)
        i4 = np.array([vertex_integral(points[c], s_w) for c in combos[4]])
        u4 = -(green[4] - g0[4]) / i4
        u4_exact = -d4_exact / i4
        out["u4"], out["u4_exact"] = u4, u4_exact
        summary["u4"] = summarise(u4, u4_exact)
        with np.errstate(divide="ignore", invalid="ignore"):
            out["u4_relative_spread"] = {
                "measured": float(np.median(np.std(u4, axis=1) / np.abs(np.median(u4, axis=1)))),
                "exact": float(np.abs(np.std(u4_exact) / np.median(u4_exact))),
            }
    if 6 in green and 4 in green:
        disconnected = four_two_sum(green[4] - g0[4], k, combos[4], combos[6])
        gc6 = (green[6] - g0[6]) - disconnected
        gc6_exact = np.array([connected_six(points[c], s_b, s_w, width) for c in combos[6]])
        d6_exact = gc6_exact + four_two_sum(d4_exact, k, combos[4], combos[6])
        summary["m6"] = summarise(m[6], d6_exact / g0[6])
        u4c = np.median(u4, axis=1)
        u4c_exact = float(np.median(u4_exact))
        i6 = np.array([vertex_integral(points[c], s_w) for c in combos[6]])
        e6 = np.array([exchange_sum(points[c], s_w) for c in combos[6]])
        u6 = (u4c[:, None] ** 2 * e6 - gc6) / i6
        u6_exact = (u4c_exact**2 * e6 - gc6_exact) / i6
        out["u6"], out["u6_exact"] = u6, u6_exact
        summary["u6"] = summarise(u6, u6_exact)
    out["summary"] = summary
    return out


D_IN = 1  # the Gauss-net's input dimension
# eq. 13: log u4 = (4 - d_in) log sW + const, log u6 = (6 - 2 d_in) log sW + const
CLAIMED_SLOPES = {"u4": 4 - D_IN, "u6": 6 - 2 * D_IN}


def config_key(s_b: float, width: int) -> str:
    """Metric key for one (sb, N), free of dots.

    >>> config_key(0.5, 10)
    'sb0p5_N10'
    """
    return f"sb{s_b:g}".replace(".", "p") + f"_N{width}"


def slope_fits(s_w: np.ndarray, summaries: list[dict[str, Summary]]) -> dict:
    """Slope of log|u| vs log sW per coupling: measured (over points whose combination-median
    is resolved from zero) and exact (median over combinations of |u_exact|, all points)."""
    out = {}
    for name in ("u4", "u6"):
        rows = [s[name] for s in summaries]
        keep = [k for k, r in enumerate(rows) if r.resolved]
        fit = fit_power_law(
            s_w[keep],
            np.array([rows[k].mean for k in keep]),
            np.array([rows[k].error for k in keep]),
        )
        exact = fit_power_law(s_w, np.array([r.exact_abs for r in rows]))
        out[name] = {
            "measured": fit.as_dict(),
            "exact": exact.as_dict(),
            "n_resolved": len(keep),
            "claimed": CLAIMED_SLOPES[name],
            "sign_measured": float(np.sign(np.median([r.mean for r in rows]))),
            "sign_exact": float(np.sign(np.median([r.exact for r in rows]))),
        }
    return out


def m4_width_fits(widths: list[int], m4: list[Summary]) -> tuple[PowerLawFit, PowerLawFit, list]:
    """Power laws of m4 vs N: measured (widths where m4 is resolved and positive, weighted by
    its errors) and exact (all widths); and the resolved widths' indices."""
    resolved = [k for k, s in enumerate(m4) if s.resolved and s.mean > 0]
    fit = fit_power_law(
        np.array(widths)[resolved],
        np.array([m4[k].mean for k in resolved]),
        np.array([m4[k].error for k in resolved]),
    )
    exact_fit = fit_power_law(np.array(widths), np.array([s.exact for s in m4]))
    return fit, exact_fit, resolved


def width_summary(widths: list[int], results: dict[int, dict[str, Any]]) -> dict:
    """Study 004 sec. 3 read-outs over widths: m4 ~ N^-1 fits, how far m2 is from 0, and u4 and
    u6 per width with their spreads over point combinations."""
    s = {w: results[w]["summary"] for w in widths}
    fit, exact_fit, resolved = m4_width_fits(widths, [s[w]["m4"] for w in widths])
    spread = [results[w]["u4_relative_spread"] for w in widths]
    return {
        "m4_fit": fit.as_dict(),
        "m4_fit_exact": exact_fit.as_dict(),
        "m4_resolved_widths": [widths[k] for k in resolved],
        "m2_max_abs_z": float(max(abs(s[w]["m2"].mean) / s[w]["m2"].error for w in widths)),
        "m2_max_abs_mean": float(max(abs(s[w]["m2"].mean) for w in widths)),
        "u4_median": float(np.median([s[w]["u4"].mean for w in widths])),
        "u4_relative_spread_median": float(np.median([x["measured"] for x in spread])),
        "u4_relative_spread_exact_median": float(np.median([x["exact"] for x in spread])),
        "u6": {f"N{w}": s[w]["u6"].as_dict() for w in widths},
        "u6_exact_median": float(np.median([s[w]["u6"].exact for w in widths])),
        "u6_n_resolved": sum(s[w]["u6"].resolved for w in widths),
    }
