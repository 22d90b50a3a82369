"""Figures of Ising data (studies 001 and 002): lattices, sampler diagnostics, energy histograms."""

from __future__ import annotations

import numpy as np

from nnrg.core.figures import panel_grid, plt


def lattice_panels(panels: list[np.ndarray], titles: list[str], ncols: int = 4):
    """Grid of spin lattices (black = -1, white = +1) with titles."""
    fig, axes = panel_grid(len(panels), ncols, 2.4, 2.4)
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


def energy_histograms(
    temperatures, observed: list[np.ndarray], expected: list[np.ndarray], levels: np.ndarray
):
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
