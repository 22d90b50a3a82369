"""Figures of study 001: regressor parity, weight matrices, curves and beta-flow trajectories."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from nnrg.core.figures import panel_grid, plt
from nnrg.ising.lattice import BETA_C


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
    fig, axes = panel_grid(len(panels), ncols, 4.0, 3.6)
    for ax, mat, title in zip(axes, panels, titles, strict=False):
        lim = float(np.max(np.abs(mat))) or 1.0
        im = ax.imshow(
            mat, cmap="RdBu_r", vmin=-lim, vmax=lim, interpolation="nearest", aspect="auto"
        )
        ax.set_title(title, fontsize=8)
        fig.colorbar(im, ax=ax, fraction=0.046)
    fig.tight_layout()
    return fig


def curves(
    x: np.ndarray,
    series: Mapping[str, tuple[np.ndarray, np.ndarray | None]],
    xlabel: str,
    ylabel: str,
    identity: bool = False,
    marks: dict[str, float] | None = None,
):
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
        ax.axhline(BETA_C, color="k", ls=":", lw=1)
    ax1.set_ylabel(r"$\beta$")
    fig.tight_layout()
    return fig
