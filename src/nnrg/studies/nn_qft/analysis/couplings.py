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
from scipy import stats

from nnrg.numerics.powerlaw import PowerLawFit, fit_power_law
from nnrg.numerics.wick import wick_sum
from nnrg.studies.nn_qft.analysis.flow_field import flow_field_coupling, slope_shift
from nnrg.studies.nn_qft.analysis.gaussian_integrals import vertex_integral
from nnrg.studies.nn_qft.analysis.gaussnet_exact import connected_four, connected_six, exchange_sum
from nnrg.studies.nn_qft.gaussnet import kernel


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
    bootstrap: tuple[float, float] | None = None

    @property
    def resolved(self) -> bool:
        """True if the mean differs from zero by more than three standard errors."""
        return bool(abs(self.mean) > 3 * self.error)

    @property
    def reliable(self) -> bool | None:
        """For sixth-order quantities (``bootstrap`` set): False on the signs of a heavy tail
        that the standard error does not see: the mean over bags more than 2 s.e. from their
        median, or a lopsided bootstrap interval of the mean (one side more than twice the
        other); None where no bootstrap was made."""
        if self.bootstrap is None:
            return None
        low, high = self.mean - self.bootstrap[0], self.bootstrap[1] - self.mean
        symmetric = min(low, high) > 0 and max(low, high) <= 2 * min(low, high)
        return bool(symmetric and abs(self.mean - self.median) <= 2 * self.error)

    def as_dict(self) -> dict[str, Any]:
        """Plain dict for JSON metrics and tables."""
        out: dict[str, Any] = {
            "mean": self.mean,
            "error": self.error,
            "median": self.median,
            "exact": self.exact,
            "exact_abs": self.exact_abs,
            "n_bags": self.n_bags,
            "resolved": self.resolved,
        }
        if self.bootstrap is not None:
            out["bootstrap_low"], out["bootstrap_high"] = self.bootstrap
            out["reliable"] = self.reliable
        return out


BOOTSTRAP_RESAMPLES = 2000
BOOTSTRAP_SEED = 6004  # fixed: the bootstrap interval is part of a metric, so it must not vary


def bootstrap_interval(per_bag: np.ndarray) -> tuple[float, float]:
    """16th and 84th percentiles of the mean over bags resampled with replacement."""
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    n = len(per_bag)
    means = per_bag[rng.integers(0, n, size=(BOOTSTRAP_RESAMPLES, n))].mean(axis=1)
    low, high = np.percentile(means, [15.865, 84.135])
    return float(low), float(high)


def summarise(
    per_bag_per_combo: np.ndarray,
    exact_per_combo: np.ndarray,
    error: float | None = None,
    bootstrap: bool = False,
) -> Summary:
    """Median over combinations within each bag, then mean +- SE and median over bags.

    ``error``: a standard error computed elsewhere (the jackknife of an estimator whose per-bag
    values are not independent); ``bootstrap``: add the bootstrap interval of the mean (used
    for the sixth-order quantities, whose heavy tails the standard error understates).
    """
    per_bag = np.median(per_bag_per_combo, axis=1)
    n = len(per_bag)
    se = float(per_bag.std(ddof=1) / np.sqrt(n)) if n > 1 else float("nan")
    return Summary(
        float(per_bag.mean()),
        se if error is None else float(error),
        float(np.median(per_bag)),
        float(np.median(exact_per_combo)),
        float(np.median(np.abs(exact_per_combo))),
        n,
        bootstrap_interval(per_bag) if bootstrap and n > 1 else None,
    )


def leave_one_out_means(x: np.ndarray) -> np.ndarray:
    """Per bag b, the mean of ``x`` over the other bags (axis 0).

    >>> leave_one_out_means(np.array([1.0, 2.0, 6.0])).tolist()
    [4.0, 3.5, 1.5]
    """
    n = len(x)
    return (x.sum(axis=0) - x) / (n - 1)


def u6_per_bag(u4c: np.ndarray, gc6: np.ndarray, e6: np.ndarray, i6: np.ndarray) -> np.ndarray:
    """u6 = (u4^2 E_6 - G_c^(6)) / I_6 per bag, with u4^2 estimated without bias: bag b's u4
    times the mean u4 of the *other* bags (independent), so the mean over bags of the product
    is an unbiased estimate of (E u4)^2; squaring one bag's noisy u4 adds its variance."""
    square = u4c * leave_one_out_means(u4c)
    return (square[:, None] * e6 - gc6) / i6


def u6_jackknife_error(u4c: np.ndarray, gc6: np.ndarray, e6: np.ndarray, i6: np.ndarray) -> float:
    """Delete-one-bag jackknife standard error of the u6 estimate (mean over bags of the
    per-bag median over combinations of ``u6_per_bag``): its per-bag values share the other
    bags' u4, so their plain standard error would understate the spread."""
    n = len(u4c)
    if n < 3:
        return float("nan")
    keep = ~np.eye(n, dtype=bool)
    est = np.array([np.median(u6_per_bag(u4c[k], gc6[k], e6, i6), axis=1).mean() for k in keep])
    return float(np.sqrt((n - 1) / n * ((est - est.mean()) ** 2).sum()))


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


ROUND_OFF = 1e-9  # |u4 exact| below this share of the median magnitude is an exact zero


def sign_fractions(per_bag: np.ndarray, exact: np.ndarray) -> dict[str, float]:
    """How a coupling's sign is spread over the point combinations: the exact fractions of
    positive, negative and zero combinations, and the measured fractions whose bag mean is
    positive, resolved positive and resolved negative (|mean| > 3 s.e.).

    An exact value within ``ROUND_OFF`` of the median magnitude counts as zero: at sb = 0 the
    combinations (a, a, a, -a) vanish exactly and float64 gives them a random sign of size
    1e-16 relative, which would otherwise drift the counts with sW.
    """
    mean = per_bag.mean(axis=0)
    se = per_bag.std(axis=0, ddof=1) / np.sqrt(len(per_bag))
    scale = float(np.median(np.abs(exact))) if np.any(exact) else 0.0
    zero = np.abs(exact) <= ROUND_OFF * scale
    return {
        "exact_positive": float(np.mean((exact > 0) & ~zero)),
        "exact_negative": float(np.mean((exact < 0) & ~zero)),
        "exact_zero": float(np.mean(zero)),
        "exact_positive_count": int(np.sum((exact > 0) & ~zero)),
        "exact_negative_count": int(np.sum((exact < 0) & ~zero)),
        "exact_zero_count": int(np.sum(zero)),
        "round_off_threshold": ROUND_OFF,
        "measured_positive": float(np.mean(mean > 0)),
        "measured_resolved_positive": float(np.mean(mean > 3 * se)),
        "measured_resolved_negative": float(np.mean(mean < -3 * se)),
    }


def held_out(combos: np.ndarray, n_points: int) -> np.ndarray:
    """Combinations that use the last point: held out of the S_int fit, used to test it."""
    return np.any(combos == n_points - 1, axis=1)


def sint_prediction(
    delta: np.ndarray, i4: np.ndarray, exact: np.ndarray, test: np.ndarray
) -> dict[str, float]:
    """ "S_int reproduces the expectation values ... up to the error bars" (sec. 2), on point
    sets not used in the fit.

    u4 is fitted on the other combinations (per bag, the median over them of -Delta G^(4) /
    I_4; pooled over bags) and Delta G^(4) = -u4 I_4 is predicted at the held-out ones. Main
    line, the paper's words: z = (bag mean of measured - prediction) / the measurement's own
    standard error. Paired (a sharper instrument): per bag, measured minus that bag's
    prediction, so the noise common to all combinations cancels; it resolves how far the exact
    u4 itself is from constant. The exact route does the same with the exact Delta G^(4)
    (relative error of the constant-u4 ansatz, free of sampling noise).
    """
    n = len(delta)
    u4_fit = np.median(-delta[:, ~test] / i4[~test], axis=1)
    measured = delta[:, test]
    se = measured.std(axis=0, ddof=1) / np.sqrt(n)
    z = (measured.mean(axis=0) + u4_fit.mean() * i4[test]) / se
    diff = measured + u4_fit[:, None] * i4[test]
    paired = diff.mean(axis=0) / (diff.std(axis=0, ddof=1) / np.sqrt(n))
    u4_exact = np.median(-exact[~test] / i4[~test])
    rel = np.abs(exact[test] + u4_exact * i4[test]) / np.abs(exact[test])
    return {
        "n_fit": int((~test).sum()),
        "n_test": int(test.sum()),
        "median_abs_z": float(np.median(np.abs(z))),
        "max_abs_z": float(np.abs(z).max()),
        "paired_max_abs_z": float(np.abs(paired).max()),
        "exact_max_relative_error": float(rel.max()),
    }


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
    exchange diagrams and u4c is one constant u4 (the median over combinations in the bag);
    u4c^2 is estimated without bias (``u6_per_bag``), the same-bag square is kept as
    ``u6_same_bag``. Returns per-combination arrays (``m2``, ``m4``, ``u4``, ``u6`` and their
    exact versions), ``Summary`` objects under ``summary``, sign fractions of u4 and the S_int
    held-out test.
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
        out["u4_sign"] = sign_fractions(u4, u4_exact)
        test = held_out(combos[4], len(points))
        out["sint_g4"] = sint_prediction(green[4] - g0[4], i4, d4_exact, test)
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
        summary["m6"] = summarise(m[6], d6_exact / g0[6], bootstrap=True)
        summary["gc6"] = summarise(gc6, gc6_exact, bootstrap=True)
        u4c = np.median(u4, axis=1)
        u4c_exact = float(np.median(u4_exact))
        i6 = np.array([vertex_integral(points[c], s_w) for c in combos[6]])
        e6 = np.array([exchange_sum(points[c], s_w) for c in combos[6]])
        u6 = u6_per_bag(u4c, gc6, e6, i6)
        u6_exact = (u4c_exact**2 * e6 - gc6_exact) / i6
        out["u6"], out["u6_exact"] = u6, u6_exact
        error = u6_jackknife_error(u4c, gc6, e6, i6)
        summary["u6"] = summarise(u6, u6_exact, error=error, bootstrap=True)
        same_bag = (u4c[:, None] ** 2 * e6 - gc6) / i6
        summary["u6_same_bag"] = summarise(same_bag, u6_exact, bootstrap=True)
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
    is resolved from zero) and exact (median over combinations of |u_exact|, all points), in
    eq. 8's normalisation (``measured``, ``exact``) and in the flow equation's (``flow_field``:
    the same values times Z0^-2 or Z0^-3, ``nnrg.studies.nn_qft.analysis.flow_field``)."""
    out = {}
    for name in ("u4", "u6"):
        rows = [s[name] for s in summaries]
        keep = [k for k, r in enumerate(rows) if r.resolved]
        scale = flow_field_coupling(name, np.ones(len(s_w)), s_w)
        mean = np.array([r.mean for r in rows])
        error = np.array([r.error for r in rows])
        exact_abs = np.array([r.exact_abs for r in rows])
        fit = fit_power_law(s_w[keep], mean[keep], error[keep])
        exact = fit_power_law(s_w, exact_abs)
        out[name] = {
            "measured": fit.as_dict(),
            "exact": exact.as_dict(),
            "flow_field": {
                "measured": fit_power_law(
                    s_w[keep], (mean * scale)[keep], (error * scale)[keep]
                ).as_dict(),
                "exact": fit_power_law(s_w, exact_abs * scale).as_dict(),
                "slope_shift": slope_shift(name),
            },
            "noise": noise_scaling(name, s_w, rows),
            "dimensionless": dimensionless(name, s_w, exact),
            "n_resolved": len(keep),
            "claimed": CLAIMED_SLOPES[name],
            "sign_measured": float(np.sign(np.median([r.mean for r in rows]))),
            "sign_exact": float(np.sign(np.median([r.exact for r in rows]))),
        }
    return out


def dimensionless(name: str, s_w: np.ndarray, exact: PowerLawFit) -> dict[str, float]:
    """The exact coupling made dimensionless in the flow's units (g4 = u4 Z0^-2 Lambda^(d-4),
    g6 = u6 Z0^-3 Lambda^(2d-6)): its log-log slope in sW (eq. 13 says 0) and how much it
    changes from the smallest to the largest sW of the grid. Sec. 4's "in the large cut-off
    regime fluctuations are essentially frozen" needs it to shrink towards large sW (tree
    level); a constant g means the coupling is as strong in the UV as in the IR."""
    exponent = exact.exponent + slope_shift(name) - CLAIMED_SLOPES[name]
    return {
        "exponent": float(exponent),
        "exponent_error": float(exact.exponent_error),
        "ratio_largest_to_smallest": float((s_w.max() / s_w.min()) ** exponent),
    }


def noise_scaling(name: str, s_w: np.ndarray, rows: list[Summary]) -> dict[str, Any]:
    """How the standard error of a coupling scales with sW: a power law fitted to the s.e.
    itself, in eq. 8's normalisation and in the flow field's. A standard error estimated from
    n bags carries a relative error of about 1 / sqrt(2 (n - 1)), the fit's weight.

    Where the mean is not resolved from zero (sb = 0), a log-log plot of the measured coupling
    follows this noise: sampling noise scales as K_W^2 (fourth order) or K_W^3 (sixth), which
    in the flow normalisation is eq. 13's slope by dimensional analysis. This is the tested
    alternative explanation of a fig. 2 made from measurements at sb = 0.
    """
    error = np.array([r.error for r in rows])
    n = np.array([r.n_bags for r in rows], dtype=np.float64)
    error_of_error = error / np.sqrt(2.0 * np.maximum(n - 1.0, 1.0))
    scale = flow_field_coupling(name, np.ones(len(s_w)), s_w)
    return {
        "raw": fit_power_law(s_w, error, error_of_error).as_dict(),
        "flow_field": fit_power_law(s_w, error * scale, error_of_error * scale).as_dict(),
        "claimed_flow_field": CLAIMED_SLOPES[name],
    }


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


def scaled(summary: Summary, factor: float) -> dict[str, float]:
    """A summary's mean, error and exact value times ``factor`` (N u4, N^2 u6)."""
    return {"mean": summary.mean * factor, "error": summary.error * factor,
            "exact": summary.exact * factor}  # fmt: skip


def large_width_limit(widths: list[int], values: list[dict[str, float]], from_width: int):
    """Error-weighted mean of a scaled coupling over widths >= ``from_width`` (its large-N
    limit), with its error, the chi^2 per degree of freedom of a constant, and the exact value
    at the largest width (exactly constant in N for N u4 and N^2 u6 of the single-layer net)."""
    rows = [v for w, v in zip(widths, values, strict=True) if w >= from_width]
    if not rows:
        return {"mean": None, "error": None, "chi2_dof": None, "n_widths": 0, "exact": None}
    mean = np.array([r["mean"] for r in rows])
    weight = 1.0 / np.array([r["error"] for r in rows]) ** 2
    centre = float((weight * mean).sum() / weight.sum())
    chi2 = float((weight * (mean - centre) ** 2).sum() / max(len(rows) - 1, 1))
    return {"mean": centre, "error": float(weight.sum() ** -0.5), "chi2_dof": chi2,
            "n_widths": len(rows), "exact": rows[-1]["exact"]}  # fmt: skip


def width_fit(widths: list[int], rows: list[Summary], from_width: int = 0) -> dict[str, Any]:
    """Power law of |value| vs N over widths >= ``from_width``: measured (over widths resolved
    from zero whose error is not flagged unreliable) and exact (all those widths)."""
    use = [k for k, w in enumerate(widths) if w >= from_width]
    widths, rows = [widths[k] for k in use], [rows[k] for k in use]
    keep = [k for k, s in enumerate(rows) if s.resolved and s.reliable is not False]
    x = np.array(widths, dtype=float)
    mean = np.array([abs(rows[k].mean) for k in keep])
    measured = fit_power_law(x[keep], mean, np.array([rows[k].error for k in keep]))
    exact = fit_power_law(x, np.array([abs(s.exact) for s in rows]))
    return {"measured": measured.as_dict(), "exact": exact.as_dict(),
            "resolved_widths": [widths[k] for k in keep]}  # fmt: skip


LARGE_WIDTH = 50  # widths from which N u4 and N^2 u6 are averaged into their large-N limit


def exact_check(widths: list[int], rows: list[Summary]) -> dict[str, Any]:
    """Measured against exact at every width: z = (mean - exact) / s.e. per width, chi^2 over
    all of them with its degrees of freedom (one per width: nothing is fitted) and the p-value.
    Heavy tails bias small bags low and make the s.e. understate the spread, which shows here
    as a chi^2 above its dof at the smallest widths."""
    z = np.array([(r.mean - r.exact) / r.error for r in rows])
    chi2 = float(np.sum(z**2))
    return {
        "z": {f"N{w}": float(v) for w, v in zip(widths, z, strict=True)},
        "max_abs_z": float(np.max(np.abs(z))),
        "chi2": chi2,
        "dof": len(rows),
        "p_value": float(stats.chi2.sf(chi2, len(rows))),
    }


def width_summary(widths: list[int], results: dict[int, dict[str, Any]]) -> dict:
    """Study 004 sec. 3 read-outs over widths: m4 ~ N^-1 fits, how far m2 is from 0, u4 and
    u6 per width with their spreads over point combinations, N u4(N) and N^2 u6(N) with their
    large-N limits, m6 ~ N^-1 and G_c^(6) ~ N^-2 fits, and the S_int held-out test."""
    s = {w: results[w]["summary"] for w in widths}
    fit, exact_fit, resolved = m4_width_fits(widths, [s[w]["m4"] for w in widths])
    spread = [results[w]["u4_relative_spread"] for w in widths]
    n_u4 = [scaled(s[w]["u4"], w) for w in widths]
    n2_u6 = [scaled(s[w]["u6"], w * w) for w in widths]
    return {
        "m4_fit": fit.as_dict(),
        "m4_fit_exact": exact_fit.as_dict(),
        "m4_exact_check": exact_check(widths, [s[w]["m4"] for w in widths]),
        "m4_resolved_widths": [widths[k] for k in resolved],
        "m6_fit": width_fit(widths, [s[w]["m6"] for w in widths]),
        "m6_fit_large_N": width_fit(widths, [s[w]["m6"] for w in widths], LARGE_WIDTH),
        "gc6_fit": width_fit(widths, [s[w]["gc6"] for w in widths]),
        "m2_max_abs_z": float(max(abs(s[w]["m2"].mean) / s[w]["m2"].error for w in widths)),
        "m2_max_abs_mean": float(max(abs(s[w]["m2"].mean) for w in widths)),
        "u4_median": float(np.median([s[w]["u4"].mean for w in widths])),
        "u4_relative_spread_median": float(np.median([x["measured"] for x in spread])),
        "u4_relative_spread_exact_median": float(np.median([x["exact"] for x in spread])),
        "u6": {f"N{w}": s[w]["u6"].as_dict() for w in widths},
        "u6_exact_median": float(np.median([s[w]["u6"].exact for w in widths])),
        "u6_to_u4_exact": {
            f"N{w}": float(abs(s[w]["u6"].exact) / abs(s[w]["u4"].exact)) for w in widths
        },
        "u6_n_resolved": sum(s[w]["u6"].resolved for w in widths),
        "N_u4": {f"N{w}": v for w, v in zip(widths, n_u4, strict=True)},
        "N2_u6": {f"N{w}": v for w, v in zip(widths, n2_u6, strict=True)},
        "N_u4_large_N": large_width_limit(widths, n_u4, LARGE_WIDTH),
        "N2_u6_large_N": large_width_limit(widths, n2_u6, LARGE_WIDTH),
        "u4_sign": {f"N{w}": results[w]["u4_sign"] for w in widths},
        "sint_g4": {f"N{w}": results[w]["sint_g4"] for w in widths},
    }
