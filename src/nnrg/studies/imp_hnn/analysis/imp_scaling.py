"""Loss-vs-density read-outs of IMP (study 000): bands, winning tickets, critical density, and
the thesis's log-log regression over the power-law window.

Losses span decades and replicas differ by factors, so curves are averaged in log space
(geometric mean, band = +- one standard error of the mean log). A density is a winning ticket
when that mean loss is within ``factor`` of the dense (iteration-0) loss; the critical density
d_C is the lowest density of the unbroken run of tickets from d = 1 down, below which the error
rises. The exponent is the slope of log e against log d over d_min <= d < d_C, fitted per
replica and averaged with its standard error (the thesis's "negative of the linear regression").
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from nnrg.numerics.stats import mean_of_replicas


@dataclass(frozen=True)
class LossCurve:
    """Geometric-mean loss per density with a multiplicative band (one standard error)."""

    density: np.ndarray
    mean: np.ndarray
    low: np.ndarray
    high: np.ndarray


def loss_curve(density: np.ndarray, loss: np.ndarray) -> LossCurve:
    """Average ``loss`` ``(n_iter, R)`` over replicas in log space; ``density`` ``(n_iter, R)``
    or ``(n_iter,)`` (replicas share the schedule, so its replica mean is used)."""
    dens = np.asarray(density, dtype=np.float64)
    dens = dens.mean(axis=1) if dens.ndim == 2 else dens
    logs = np.log(np.asarray(loss, dtype=np.float64))
    n = logs.shape[1]
    mean = logs.mean(axis=1)
    se = logs.std(axis=1, ddof=1) / np.sqrt(n) if n > 1 else np.zeros_like(mean)
    return LossCurve(dens, np.exp(mean), np.exp(mean - se), np.exp(mean + se))


@dataclass(frozen=True)
class ScalingFit:
    """Winning tickets, critical density and the log-log slope with its standard error."""

    dense_loss: float
    final_loss: float
    ticket_factor: float
    lowest_ticket_density: float
    critical_density: float
    slope: float
    slope_error: float
    n_points: int
    n_replicas: int

    def as_dict(self) -> dict[str, float]:
        """Plain dict for JSON metrics."""
        return asdict(self)


def lowest_ticket_density(curve: LossCurve, factor: float) -> float:
    """Lowest density of the unbroken run, from the dense net down, of losses <= factor x dense."""
    ok = curve.mean <= factor * curve.mean[0]
    broken = np.flatnonzero(~ok)
    last = (broken[0] - 1) if len(broken) else len(ok) - 1
    return float(curve.density[last])


def replica_tickets(density: np.ndarray, loss: np.ndarray, factor: float) -> dict:
    """The ticket boundary read three ways: on each replica's own curve against its own dense
    loss (``per_replica``, and their mean +- s.e.), and on the median over replicas of the
    loss at each density (robust to a replica that stalls)."""
    logs = np.log(np.asarray(loss, dtype=np.float64))
    dens = np.asarray(density, dtype=np.float64)
    dens = dens.mean(axis=1) if dens.ndim == 2 else dens
    per_replica = [
        lowest_ticket_density(
            LossCurve(dens, np.exp(logs[:, r]), np.exp(logs[:, r]), np.exp(logs[:, r])), factor
        )  # fmt: skip
        for r in range(logs.shape[1])
    ]
    median = np.exp(np.median(logs, axis=1))
    return {
        "per_replica": per_replica,
        "replica_mean": mean_of_replicas(np.array(per_replica)).as_dict(),
        "median_curve": lowest_ticket_density(LossCurve(dens, median, median, median), factor),
    }


def loglog_slopes(density: np.ndarray, loss: np.ndarray, d_min: float, d_max: float) -> np.ndarray:
    """Per-replica slope of log loss vs log density over ``d_min <= d < d_max``."""
    dens = np.asarray(density, dtype=np.float64)
    dens = dens.mean(axis=1) if dens.ndim == 2 else dens
    window = (dens >= d_min) & (dens < d_max)
    if window.sum() < 3:
        return np.full(loss.shape[1], np.nan)
    x = np.log(dens[window])
    y = np.log(np.asarray(loss, dtype=np.float64)[window])
    xc = x - x.mean()
    return (xc @ (y - y.mean(axis=0))) / (xc @ xc)


def scaling_fit(
    density: np.ndarray, loss: np.ndarray, factor: float, d_min: float = 0.0
) -> ScalingFit:
    """Tickets, d_C and the power-law slope below d_C for one IMP mode."""
    curve = loss_curve(density, loss)
    d_c = lowest_ticket_density(curve, factor)
    slopes = loglog_slopes(density, loss, d_min, d_c)
    window = (curve.density >= d_min) & (curve.density < d_c)
    est = mean_of_replicas(slopes)
    return ScalingFit(
        float(curve.mean[0]),
        float(curve.mean[-1]),
        factor,
        d_c,
        d_c,
        est.mean,
        est.error,
        int(window.sum()),
        int(loss.shape[1]),
    )


def anchored_ticket_density(
    density: np.ndarray, loss: np.ndarray, dense: float, factor: float
) -> float:
    """Lowest density of the unbroken run of losses within ``factor`` of ``dense``, a dense
    loss measured elsewhere (the curve is anchored at density 1 with it)."""
    curve = loss_curve(density, loss)
    anchored = LossCurve(
        np.r_[1.0, curve.density],
        np.r_[dense, curve.mean],
        np.r_[dense, curve.low],
        np.r_[dense, curve.high],
    )
    return lowest_ticket_density(anchored, factor)


def transfer_comparison(
    density: np.ndarray,
    loss: np.ndarray,
    direct: np.ndarray,
    dense: float,
    factor: float,
    beat_below: float,
    random: np.ndarray | None,
) -> dict:
    """Transferred masks (study 000 sec. 9) against direct IMP on the target and, if given,
    against random masks of equal density. ``loss``, ``direct`` and ``random`` are
    ``(n_densities, R)``, replica j of each starting from the target's initial weights j.

    Ratios are of geometric means (mean log10 over replicas) per density, averaged over
    densities; the ``log10_ratio_*`` estimates average per replica over densities first, so
    their errors are over independent replicas.
    """
    log_ratio = np.log10(loss).mean(axis=1) - np.log10(direct).mean(axis=1)
    below = density < beat_below
    out = {
        "lowest_ticket_density": anchored_ticket_density(density, loss, dense, factor),
        "mean_log10_ratio_to_direct": float(log_ratio.mean()),
        "fraction_below_beating_direct": float((log_ratio[below] < 0).mean())
        if below.any()
        else float("nan"),
        "log10_ratio_to_direct": mean_of_replicas(
            (np.log10(loss) - np.log10(direct)).mean(axis=0)
        ).as_dict(),
        # a distance, not a signed gap: the thesis's "closer proximity of the curves"
        "mean_abs_log10_ratio_to_direct": float(np.abs(log_ratio).mean()),
        "abs_log10_ratio_to_direct": mean_of_replicas(
            np.abs(np.log10(loss) - np.log10(direct)).mean(axis=0)
        ).as_dict(),
    }
    if random is not None:
        out["mean_log10_ratio_to_random"] = float(
            (np.log10(loss).mean(axis=1) - np.log10(random).mean(axis=1)).mean()
        )
        out["log10_ratio_to_random"] = mean_of_replicas(
            (np.log10(loss) - np.log10(random)).mean(axis=0)
        ).as_dict()
    return out


TICKET_FACTORS = (1.0, 2.0, 10.0)  # "comparable to the full model or better" (sec. 3.1): 1x first
WINDOWS = {"below_dc": 0.0, "narrow": 0.5}  # slope over [r d_C, d_C): all below d_C, one halving


def reading_grid(density: np.ndarray, loss: np.ndarray) -> dict[str, dict[str, float]]:
    """The ticket and slope read-outs under every ticket factor and slope window: the thesis
    does not say what "comparable" means nor over which densities it regresses."""
    out = {}
    for factor in TICKET_FACTORS:
        d_c = lowest_ticket_density(loss_curve(density, loss), factor)
        for name, ratio in WINDOWS.items():
            fit = scaling_fit(density, loss, factor, ratio * d_c)
            out[f"factor{factor:g}_{name}"] = {
                "critical_density": fit.critical_density,
                "slope": fit.slope,
                "slope_error": fit.slope_error,
                "n_points": fit.n_points,
            }
    return out
