"""Figures of study 004 (NN-QFT): deviation histograms and scaling plots."""

from __future__ import annotations

import numpy as np

from nnrg.core.figures import plt


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


def scaling_plot(
    x, measured, errors, exact, fit_line, claimed_line, xlabel: str, ylabel: str, title: str
):
    """Log-log plot: measured |y| with errors (open where unresolved), exact curve, fit, claim."""
    x = np.asarray(x, dtype=float)
    measured = np.abs(np.asarray(measured, dtype=float))
    errors = np.asarray(errors, dtype=float)
    fig, ax = plt.subplots(figsize=(5.2, 3.8))
    resolved = measured > 3 * errors
    ax.errorbar(
        x[resolved],
        measured[resolved],
        yerr=errors[resolved],
        fmt="o",
        ms=4,
        label="measured (resolved)",
    )
    if (~resolved).any():
        ax.errorbar(
            x[~resolved],
            measured[~resolved],
            yerr=errors[~resolved],
            fmt="o",
            ms=4,
            mfc="none",
            label="measured (< 3 s.e. from 0)",
        )
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


def flow_plot(s_w, measured, errors, exact, zero_order, integrated, title: str):
    """Fig. 2 with the flow equation solved: |u4| of the flow field vs sW, measured (with
    errors, open where unresolved) and exact, the zero-order solution and the integrated
    truncated flow from the UV point."""
    fig = scaling_plot(
        s_w, measured, errors, exact, None, None, r"$\sigma_W$", "|u4| (flow-field normalisation)",
        title,
    )  # fmt: skip
    ax = fig.axes[0]
    ax.plot(s_w, np.abs(zero_order), "C3:", lw=1.5, label="flow eq., zero order (eq. 13)")
    if integrated is not None:
        ax.plot(s_w, np.abs(integrated), "C2--", lw=1, label="flow eq., integrated from UV")
    ax.legend(fontsize=7)
    return fig
