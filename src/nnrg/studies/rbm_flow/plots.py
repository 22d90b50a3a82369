"""Study-002 figures: classifier probability curves, RBM temperature flows, endpoint tables."""

from __future__ import annotations

import numpy as np

from nnrg.core.figures import plt


def probability_curves(
    class_values: np.ndarray,
    curves: np.ndarray,
    labels: np.ndarray,
    xlabel: str,
    title: str,
    shown: int = 9,
):
    """Averaged softmax p(class) for ~``shown`` of the rows (one colour per true class)."""
    fig, ax = plt.subplots(figsize=(6.4, 3.8))
    rows = np.unique(np.linspace(0, len(curves) - 1, min(shown, len(curves))).astype(int))
    colors = plt.cm.coolwarm(np.linspace(0, 1, len(rows)))
    for color, k in zip(colors, rows, strict=True):
        ax.plot(class_values, curves[k], "o-", ms=2.5, lw=1, color=color, label=f"{labels[k]:g}")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("mean softmax probability")
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=6, ncol=3, title="true", title_fontsize=6)
    fig.tight_layout()
    return fig


def temperature_flows(
    panels: dict[str, dict[str, np.ndarray]],
    steps: np.ndarray,
    marks: dict[str, float],
    ylabel: str = "T read-out",
):
    """One panel per key; each row of the panel's ``classifier`` / ``energy`` arrays
    ``(n_start, n_steps)`` is one starting temperature's flow (solid / dashed)."""
    fig, axes = plt.subplots(1, len(panels), figsize=(3.6 * len(panels), 3.2), squeeze=False)
    for ax, (title, series) in zip(axes[0], panels.items(), strict=True):
        n = len(series["classifier"])
        colors = plt.cm.coolwarm(np.linspace(0, 1, n))
        for k in range(n):
            ax.plot(steps, series["classifier"][k], "-", lw=0.9, color=colors[k])
            if "energy" in series:
                ax.plot(steps, series["energy"][k], "--", lw=0.7, color=colors[k])
        for name, value in marks.items():
            ax.axhline(value, color="k", ls=":", lw=0.8, label=f"{name} = {value:.3f}")
        ax.set_title(title, fontsize=8)
        ax.set_xlabel("RBM flow step")
        ax.set_ylabel(ylabel)
        ax.set_xscale("symlog", linthresh=1)
        ax.set_xlim(0, steps[-1])
    axes[0][0].legend(fontsize=6)
    fig.text(0.01, 0.01, "solid: classifier (expected T); dashed: energy thermometer", fontsize=6)
    fig.tight_layout()
    return fig


def endpoint_distributions(
    class_values: np.ndarray,
    panels: dict[str, np.ndarray],
    xlabel: str,
    start_labels: np.ndarray,
    ncols: int | None = None,
):
    """Per panel, the read-out distribution of every starting set at the end of the flow
    (``ncols`` panels a row: e.g. one per seed)."""
    ncols = ncols or len(panels)
    nrows = -(-len(panels) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.2 * ncols, 2.6 * nrows), squeeze=False)
    for ax in axes.flat[len(panels) :]:
        ax.set_visible(False)
    for ax, (title, dists) in zip(axes.flat, panels.items(), strict=False):
        colors = plt.cm.coolwarm(np.linspace(0, 1, len(dists)))
        for k, d in enumerate(dists):
            ax.plot(class_values, d, "-", lw=0.9, color=colors[k], label=f"{start_labels[k]:g}")
        ax.set_title(title, fontsize=8)
        ax.set_xlabel(xlabel)
    axes[0][0].set_ylabel("read-out probability at the end of the flow")
    axes[0][-1].legend(fontsize=5, ncol=2, title="start", title_fontsize=5)
    fig.tight_layout()
    return fig


def calibration(temps, reads: dict, system: str):
    """Each read-out applied to thermal sets: read T against true T, with the identity."""
    fig, ax = plt.subplots(figsize=(4.6, 3.6))
    t = np.asarray(temps, dtype=float)
    ax.plot(t, t, "k:", lw=1, label="identity")
    for k, (name, read) in enumerate(reads.items()):
        ax.plot(t, read, marker="o", ms=3, lw=1, color=f"C{k}", label=name)
    ax.set_xlabel("true T of the thermal set")
    ax.set_ylabel("read T")
    ax.set_title(f"{system}: read-outs on thermal held-out sets", fontsize=9)
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig
