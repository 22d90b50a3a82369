"""Figures as matplotlib objects (the stages save them); deterministic, no timestamps."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def _panel_grid(n_panels: int, ncols: int, width: float, height: float):
    """A figure with enough axes for ``n_panels`` in ``ncols`` columns, all axes hidden."""
    nrows = int(np.ceil(n_panels / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(width * ncols, height * nrows),
                             squeeze=False)
    for ax in axes.ravel():
        ax.axis("off")
    return fig, axes.ravel()


def lattice_panels(panels: list[np.ndarray], titles: list[str], ncols: int = 4):
    """Grid of spin lattices (black = -1, white = +1) with titles."""
    fig, axes = _panel_grid(len(panels), ncols, 2.4, 2.4)
    for ax, img, title in zip(axes, panels, titles, strict=False):
        ax.imshow(img, cmap="gray", vmin=-1, vmax=1, interpolation="nearest")
        ax.set_title(title, fontsize=8)
    fig.tight_layout()
    return fig


def sampler_diagnostics(betas, tau, algorithms, energy, energy_err, energy_exact, beta_c: float):
    """Two panels: tau_int vs beta by algorithm, and sampled vs exact energy per spin."""
    betas = np.asarray(betas)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.4))
    for algo, marker in (("metropolis", "o"), ("wolff", "s")):
        sel = np.asarray(algorithms) == algo
        if sel.any():
            ax1.plot(betas[sel], np.asarray(tau)[sel], marker, ms=4, label=algo)
    ax1.axvline(beta_c, color="k", lw=0.8, ls=":", label=r"$\beta_c$")
    ax1.set_xlabel(r"$\beta$")
    ax1.set_ylabel(r"$\tau_{int}(|m|)$ [steps]")
    ax1.set_yscale("log")
    ax1.legend(fontsize=8)
    ax2.errorbar(betas, energy, yerr=energy_err, fmt="o", ms=3, label="sampled")
    ax2.plot(betas, energy_exact, "-", lw=1, label="exact (Kaufman)")
    ax2.set_xlabel(r"$\beta$")
    ax2.set_ylabel(r"$\langle E\rangle / N$")
    ax2.legend(fontsize=8)
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


def energy_histograms(temperatures, observed: list[np.ndarray], expected: list[np.ndarray],
                      levels: np.ndarray):
    """Observed vs exact energy histograms of the 1D chain, one panel per listed temperature."""
    n = len(temperatures)
    fig, axes = plt.subplots(1, n, figsize=(2.6 * n, 2.6), squeeze=False)
    for ax, t, obs, exp in zip(axes[0], temperatures, observed, expected, strict=True):
        ax.bar(levels, obs / obs.sum(), width=1.6, alpha=0.6, label="sampled")
        ax.plot(levels, exp, "k.", label="exact")
        ax.set_title(f"T = {t:g}", fontsize=8)
        ax.set_xlabel("E")
    axes[0][0].legend(fontsize=7)
    fig.tight_layout()
    return fig


def deviation_histograms(widths: list[int], m2: list[np.ndarray], m4: list[np.ndarray]):
    """Paper fig. 1: histograms of m2 and m4 (all combinations and bags) for each width N."""
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.6))
    colors = plt.cm.viridis(np.linspace(0, 1, len(widths)))
    positive = np.concatenate([b.ravel()[b.ravel() > 0] for b in m4])
    edges = np.geomspace(np.percentile(positive, 0.5), np.percentile(positive, 99.5), 50)
    for n, a, b, c in zip(widths, m2, m4, colors, strict=True):
        ax1.hist(a.ravel(), bins=40, histtype="step", color=c, label=f"N={n}")
        ax2.hist(b.ravel(), bins=edges, histtype="step", color=c)
    ax1.set_xlabel("$m_2$ (all combinations and bags)")
    ax2.set_xscale("log")
    ax2.set_xlabel("$m_4$ (all combinations and bags; m4 <= 0 not shown)")
    ax1.legend(fontsize=6, ncol=2)
    fig.tight_layout()
    return fig


def scaling_plot(x, measured, errors, exact, fit_line, claimed_line, xlabel: str, ylabel: str,
                 title: str):
    """Log-log plot: measured |y| with errors (open where unresolved), exact curve, fit, claim."""
    x = np.asarray(x, dtype=float)
    measured = np.abs(np.asarray(measured, dtype=float))
    errors = np.asarray(errors, dtype=float)
    fig, ax = plt.subplots(figsize=(5.2, 3.8))
    resolved = measured > 3 * errors
    ax.errorbar(x[resolved], measured[resolved], yerr=errors[resolved], fmt="o", ms=4,
                label="measured (resolved)")
    if (~resolved).any():
        ax.errorbar(x[~resolved], measured[~resolved], yerr=errors[~resolved], fmt="o", ms=4,
                    mfc="none", label="measured (< 3 s.e. from 0)")
    ax.plot(x, np.abs(exact), "k-", lw=1, label="exact (closed form)")
    if fit_line is not None:
        ax.plot(x, fit_line, "C2--", lw=1, label="fit to resolved points")
    if claimed_line is not None:
        ax.plot(x, claimed_line, "C3:", lw=1.5, label="claimed slope")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def training_curves(curves: dict[str, tuple[list[float], list[float]]]):
    """Train (solid) and validation (dashed) loss per epoch for each named model."""
    fig, ax = plt.subplots(figsize=(6, 3.8))
    for k, (name, (train, val)) in enumerate(curves.items()):
        epochs = np.arange(1, len(train) + 1)
        ax.plot(epochs, train, "-", color=f"C{k}", label=f"{name} train")
        ax.plot(epochs, val, "--", color=f"C{k}", label=f"{name} validation")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    ax.set_yscale("log")
    ax.legend(fontsize=6, ncol=2)
    fig.tight_layout()
    return fig


def parity(true: np.ndarray, predicted: np.ndarray, title: str):
    """Predicted vs true values with the identity line (study 001 fig. 15)."""
    fig, ax = plt.subplots(figsize=(4.2, 4))
    ax.plot(true, predicted, ".", ms=2, alpha=0.4)
    lo, hi = float(np.min(true)), float(np.max(true))
    ax.plot([lo, hi], [lo, hi], "k-", lw=1)
    ax.set_xlabel(r"true $\beta$")
    ax.set_ylabel(r"predicted $\beta$")
    ax.set_title(title, fontsize=9)
    fig.tight_layout()
    return fig


def matrices(panels: list[np.ndarray], titles: list[str], ncols: int = 2):
    """Heat maps of weight or correlation matrices (study 001 figs. 11-12)."""
    fig, axes = _panel_grid(len(panels), ncols, 4.0, 3.6)
    for ax, mat, title in zip(axes, panels, titles, strict=False):
        lim = float(np.max(np.abs(mat))) or 1.0
        im = ax.imshow(mat, cmap="RdBu_r", vmin=-lim, vmax=lim, interpolation="nearest",
                       aspect="auto")
        ax.set_title(title, fontsize=8)
        fig.colorbar(im, ax=ax, fraction=0.046)
    fig.tight_layout()
    return fig


def curves(x: np.ndarray, series: dict[str, tuple[np.ndarray, np.ndarray | None]], xlabel: str,
           ylabel: str, identity: bool = False, marks: dict[str, float] | None = None):
    """Several y(x) series with optional error bars, identity line and vertical marks."""
    fig, ax = plt.subplots(figsize=(6, 4.2))
    for k, (name, (y, err)) in enumerate(series.items()):
        ax.errorbar(x, y, yerr=err, fmt="o-", ms=3, lw=1, color=f"C{k}", label=name)
    if identity:
        ax.plot([x.min(), x.max()], [x.min(), x.max()], "k-", lw=0.8, label=r"$\beta'=\beta$")
    for k, (name, value) in enumerate((marks or {}).items()):
        ax.axvline(value, color=f"C{k + 5}", ls=":", lw=1, label=f"{name} = {value:.4f}")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=6)
    fig.tight_layout()
    return fig


def flow_trajectories(betas: np.ndarray, regressor: np.ndarray, energy: np.ndarray):
    """beta read by the regressor and by the energy thermometer along x -> sign(AE(x))."""
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.6), sharey=True)
    colors = plt.cm.coolwarm(np.linspace(0, 1, len(betas)))
    steps = np.arange(regressor.shape[1])
    for k in range(len(betas)):
        ax1.plot(steps, regressor[k], color=colors[k], lw=0.8)
        ax2.plot(steps, energy[k], color=colors[k], lw=0.8)
    ax1.set_title("regressor read-out", fontsize=9)
    ax2.set_title("energy thermometer read-out", fontsize=9)
    for ax in (ax1, ax2):
        ax.set_xlabel("iterations of x -> sign(AE(x))")
        ax.axhline(0.4406868, color="k", ls=":", lw=1)
    ax1.set_ylabel(r"$\beta$")
    fig.tight_layout()
    return fig
