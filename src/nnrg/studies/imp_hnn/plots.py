"""Study-000 figures: solver vs reference, loss vs density with bands and fits, sigma table."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from nnrg.core.figures import plt
from nnrg.studies.imp_hnn.analysis.imp_scaling import LossCurve, ScalingFit


def solver_vs_reference(
    t: np.ndarray, z_ref: np.ndarray, z_pred: np.ndarray, labels: tuple[str, ...], title: str
):
    """Each state component: reference (black) and every trained replica (thin colour)."""
    dim = len(labels)
    fig, axes = plt.subplots(1, dim, figsize=(3.2 * dim, 2.8), squeeze=False)
    for k, ax in enumerate(axes[0]):
        for r in range(z_pred.shape[0]):
            ax.plot(t, z_pred[r, :, k], lw=0.8, alpha=0.7, color=f"C{r % 10}")
        ax.plot(t, z_ref[:, k], "k--", lw=1, label="reference (DOP853)")
        ax.set_xlabel("t")
        ax.set_title(labels[k], fontsize=9)
    axes[0][0].legend(fontsize=7)
    fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    return fig


def loss_vs_density(
    panels: Mapping[str, Mapping[str, tuple[LossCurve, ScalingFit | None]]],
    xlabel: str,
    title: str,
):
    """One log-log panel per key; in each, curves with bands, d_C marks and fitted slopes."""
    fig, axes = plt.subplots(1, len(panels), figsize=(4.2 * len(panels), 3.6), squeeze=False)
    for ax, (panel, series) in zip(axes[0], panels.items(), strict=True):
        for k, (name, (curve, fit)) in enumerate(series.items()):
            color = f"C{k}"
            ax.plot(curve.density, curve.mean, "-", lw=1, color=color, label=name)
            ax.fill_between(curve.density, curve.low, curve.high, color=color, alpha=0.25)
            if fit is not None and np.isfinite(fit.slope):
                ax.axvline(fit.critical_density, color=color, ls=":", lw=0.8)
                window = curve.density < fit.critical_density
                d = curve.density[window]
                # least-squares intercept of the mean curve for the fitted slope
                log_a = np.mean(np.log(curve.mean[window]) - fit.slope * np.log(d))
                ax.plot(
                    d,
                    np.exp(log_a) * d**fit.slope,
                    "--",
                    lw=0.8,
                    color=color,
                    label=f"slope {fit.slope:.2f} ± {fit.slope_error:.2f}",
                )
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.invert_xaxis()
        ax.set_xlabel(xlabel)
        ax.set_ylabel("residual MSE")
        ax.set_title(panel, fontsize=9)
        ax.legend(fontsize=6)
    fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    return fig


def sigma_table(
    rows: dict[str, dict[str, tuple[np.ndarray, np.ndarray]]], thesis: dict[str, list[float]]
):
    """sigma_1..3 per method (points with error bars) next to the thesis's values, per system."""
    fig, axes = plt.subplots(1, len(rows), figsize=(5 * len(rows), 3.6), squeeze=False)
    x = np.arange(3)
    for ax, (system, methods) in zip(axes[0], rows.items(), strict=True):
        width = 0.8 / (len(methods) + 1)
        for k, (name, (mean, err)) in enumerate(methods.items()):
            ax.errorbar(
                x + k * width, mean, yerr=err, fmt="o", ms=4, capsize=2, color=f"C{k}", label=name
            )
        if system in thesis:
            ax.plot(x + len(methods) * width, thesis[system], "k*", ms=8, label="thesis")
        ax.axhline(0, color="gray", lw=0.6)
        ax.set_xticks(
            x + 0.4 - width / 2, [r"$\sigma_1$ input", r"$\sigma_2$ hidden", r"$\sigma_3$ output"]
        )
        ax.set_title(system, fontsize=9)
        ax.legend(fontsize=6)
    fig.tight_layout()
    return fig


def trajectories(t: np.ndarray, z: np.ndarray, labels: tuple[str, ...], title: str):
    """State components vs time and the (x, p_x) phase portrait of a reference trajectory."""
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.4))
    for k, label in enumerate(labels):
        ax1.plot(t, z[:, k], lw=1, label=label)
    ax1.set_xlabel("t")
    ax1.legend(fontsize=8)
    ax1.set_title(title, fontsize=9)
    half = z.shape[1] // 2
    ax2.plot(z[:, 0], z[:, half], lw=1)
    ax2.set_xlabel(labels[0])
    ax2.set_ylabel(labels[half])
    fig.tight_layout()
    return fig
