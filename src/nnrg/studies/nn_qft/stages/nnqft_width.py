"""Stage nnqft_width: Gauss-net Green functions vs width N (study 004, sec. 3, fig. 1)."""

from __future__ import annotations

import numpy as np

from nnrg.core.declare import StageSpec
from nnrg.core.io import write_csv, write_figure, write_npz
from nnrg.core.stage import Stage
from nnrg.numerics.wick import point_combinations
from nnrg.studies.nn_qft import plots as plots_nnqft
from nnrg.studies.nn_qft.analysis.couplings import analyse, m4_width_fits, width_summary
from nnrg.studies.nn_qft.params import NnqftWidthParams
from nnrg.studies.nn_qft.stages.common import sample_bags

TABLE_NNQFT_WIDTH = "reports/tables/nnqft_width.csv"
FIGURE_NNQFT_M_HISTOGRAMS = "reports/figures/nnqft_m_histograms.png"
FIGURE_NNQFT_M4_VS_WIDTH = "reports/figures/nnqft_m4_vs_width.png"


STAGE = StageSpec(
    "nnqft_width",
    NnqftWidthParams,
    outs=(
        "data/nnqft_width/green.npz",
        TABLE_NNQFT_WIDTH,
        FIGURE_NNQFT_M_HISTOGRAMS,
        FIGURE_NNQFT_M4_VS_WIDTH,
    ),
    headline=(
        "m2_max_abs_z",
        "m4_fit.exponent",
        "m4_fit.exponent_error",
        "u4_median",
    ),
    smoke={"widths": [2, 10], "n_bags": 3, "n_nets": 500},
)


ORDERS = (2, 4, 6)
COLUMNS = (
    ("N", ""), ("m2_mean", ".6g"), ("m2_error", ".3g"), ("m4_mean", ".6g"), ("m4_error", ".3g"),
    ("m4_median", ".6g"), ("m4_exact", ".6g"), ("m4_resolved", ""), ("m6_mean", ".6g"),
    ("m6_error", ".3g"), ("m6_exact", ".6g"), ("u4_mean", ".6g"), ("u4_error", ".3g"),
    ("u4_exact", ".6g"), ("N_u4_mean", ".6g"), ("N_u4_error", ".3g"), ("N_u4_exact", ".6g"),
    ("u6_mean", ".6g"), ("u6_error", ".3g"), ("u6_exact", ".6g"), ("u6_reliable", ""),
)  # fmt: skip


def sample_widths(stage: Stage, points: np.ndarray, widths: list[int], combos: dict):
    """Green functions and their analysis at every width (``n_seeds`` x ``n_bags`` bags)."""
    p = stage.section
    seeds = np.random.SeedSequence(p.seed).spawn(p.n_seeds)
    per_width_seeds = list(zip(*[s.spawn(len(widths)) for s in seeds], strict=True))
    arrays, results = {}, {}
    for width, wseeds in zip(widths, per_width_seeds, strict=True):
        green = sample_bags(
            stage, points, width, p.s_b, p.s_w, p.n_bags, p.n_nets, wseeds, combos, f"N={width}"
        )
        for n, g in green.items():
            arrays[f"g{n}_N{width}"] = g
        results[width] = analyse(green, points, combos, p.s_b, p.s_w, width)
    return arrays, results


def table_row(width: int, s: dict) -> tuple:
    """One row of the per-width table (``COLUMNS``)."""
    m2, m4, m6, u4, u6 = s["m2"], s["m4"], s["m6"], s["u4"], s["u6"]
    return (width, m2.mean, m2.error, m4.mean, m4.error, m4.median, m4.exact, m4.resolved,
            m6.mean, m6.error, m6.exact, u4.mean, u4.error, u4.exact, width * u4.mean,
            width * u4.error, width * u4.exact, u6.mean, u6.error, u6.exact,
            u6.reliable)  # fmt: skip


def make_figures(stage: Stage, widths: list[int], results: dict) -> None:
    """Deviation histograms and m4 vs N with the measured power law (fig. 1)."""
    p = stage.section
    fig = plots_nnqft.deviation_histograms(
        widths, [results[w]["m2"] for w in widths], [results[w]["m4"] for w in widths]
    )
    path = stage.path(FIGURE_NNQFT_M_HISTOGRAMS)
    stage.add_artifact(write_figure(path, fig), "figures")
    m4 = [results[w]["summary"]["m4"] for w in widths]
    fit, _, _ = m4_width_fits(widths, m4)
    x = np.array(widths, dtype=float)
    fit_line = fit.amplitude * x**fit.exponent if fit.n_points >= 2 else None
    title = (f"m4 vs N (sb={p.s_b:g}, sW={p.s_w:g}); "
             f"fit exponent {fit.exponent:.2f} ± {fit.exponent_error:.2f}")  # fmt: skip
    fig = plots_nnqft.scaling_plot(
        x, [s.mean for s in m4], [s.error for s in m4], [s.exact for s in m4], fit_line, None,
        "width N", "median $m_4$", title,
    )  # fmt: skip
    path = stage.path(FIGURE_NNQFT_M4_VS_WIDTH)
    stage.add_artifact(write_figure(path, fig), "figures")


def main() -> None:
    stage = Stage(STAGE)
    p = stage.section
    points = np.array(p.points)
    widths = [int(n) for n in p.widths]
    combos = {n: point_combinations(len(points), n) for n in ORDERS}
    arrays, results = sample_widths(stage, points, widths, combos)
    write_npz(stage.path("data/nnqft_width/green.npz"), **arrays)
    rows = [table_row(w, r["summary"]) for w, r in results.items()]
    table = write_csv(stage.path(TABLE_NNQFT_WIDTH), [c for c, _ in COLUMNS], rows, dict(COLUMNS))
    stage.add_artifact(table, "tables")
    metrics: dict = {"per_width": {}}
    for width, r in results.items():
        metrics["per_width"][f"N{width}"] = {k: v.as_dict() for k, v in r["summary"].items()}
    metrics.update(width_summary(widths, results))
    metrics["config"] = {
        "s_b": p.s_b, "s_w": p.s_w, "n_bags": p.n_bags * p.n_seeds, "n_nets": p.n_nets,
    }  # fmt: skip
    make_figures(stage, widths, results)
    stage.finish(metrics)
