"""Stage nnqft_sigma: couplings u4, u6 vs sW and their log-log slopes (study 004, eq. 13, fig. 2).

Claimed: log u4 = (4 - d_in) log sW + const and log u6 = (6 - 2 d_in) log sW + const, d_in = 1.
"""

from __future__ import annotations

import numpy as np

from nnrg import plots_nnqft
from nnrg.analysis.nnqft import CLAIMED_SLOPES, analyse, config_key, slope_fits
from nnrg.numerics.wick import point_combinations
from nnrg.stages.base import Stage
from nnrg.stages.io import replace_dir, write_csv, write_figure, write_npz
from nnrg.stages.nnqft_common import sample_bags

ORDERS = (2, 4, 6)
COLUMNS = (
    ("s_b", "g"), ("N", ""), ("s_w", "g"), ("u4_mean", ".6g"), ("u4_error", ".3g"),
    ("u4_exact", ".6g"), ("u4_resolved", ""), ("u6_mean", ".6g"), ("u6_error", ".3g"),
    ("u6_exact", ".6g"), ("u6_resolved", ""),
)  # fmt: skip


def sweep_s_w(stage: Stage, s_b: float, width: int, cseed, arrays: dict, rows: list) -> list:
    """Summaries at every sW of one (sb, N); Green functions go to ``arrays``, table rows to
    ``rows``."""
    p, key = stage.section, config_key(s_b, width)
    points, s_w = np.array(p.points), np.array(p.s_w_values)
    combos = {n: point_combinations(len(points), n) for n in ORDERS}
    summaries = []
    for sw, wseed in zip(s_w, cseed.spawn(len(s_w)), strict=True):
        label = f"{key} sW={sw:g}"
        green = sample_bags(
            stage, points, width, s_b, sw, p.n_bags, p.n_nets, [wseed], combos, label
        )
        for n in (4, 6):
            arrays[f"{key}_sw{sw:g}_g{n}".replace(".", "p")] = green[n]
        s = analyse(green, points, combos, s_b, sw, width)["summary"]
        summaries.append(s)
        u4, u6 = s["u4"], s["u6"]
        rows.append((s_b, width, sw, u4.mean, u4.error, u4.exact, u4.resolved, u6.mean,
                     u6.error, u6.exact, u6.resolved))  # fmt: skip
    return summaries


def coupling_figures(key: str, s_w: np.ndarray, summaries: list, fits: dict) -> dict:
    """|u4|, |u6| vs sW: measured with its fit, exact, and the claimed slope through the first
    point (an anchor, not a solution of the flow equation)."""
    figures = {}
    for name in ("u4", "u6"):
        meas = np.array([s[name].mean for s in summaries])
        errs = np.array([s[name].error for s in summaries])
        exact = np.array([s[name].exact_abs for s in summaries])
        fm = fits[name]["measured"]
        fit_line = (
            fm["amplitude"] * s_w ** fm["exponent"] if fits[name]["n_resolved"] >= 2 else None
        )
        anchor = abs(exact[0]) if exact[0] != 0 else abs(meas[0])
        claimed = anchor * (s_w / s_w[0]) ** CLAIMED_SLOPES[name]
        title = (
            f"{name} vs sW ({key}): measured slope {fm['exponent']:.2f} ± "
            f"{fm['exponent_error']:.2f}\nexact {fits[name]['exact']['exponent']:.2f}, "
            f"claimed {CLAIMED_SLOPES[name]}"
        )
        figures[f"{name}_{key}.png"] = plots_nnqft.scaling_plot(
            s_w, meas, errs, exact, fit_line, claimed, r"$\sigma_W$", f"|{name}|", title
        )
    return figures


def main() -> None:
    stage = Stage("nnqft_sigma")
    p = stage.section
    s_w = np.array(p.s_w_values)
    widths = [int(n) for n in p.widths]
    configs = [(sb, n) for sb in p.s_b_values for n in widths]
    arrays, metrics, rows, figures = {}, {"fits": {}, "points": {}}, [], {}
    seeds = np.random.SeedSequence(p.seed).spawn(len(configs))
    for (s_b, width), cseed in zip(configs, seeds, strict=True):
        key = config_key(s_b, width)
        summaries = sweep_s_w(stage, s_b, width, cseed, arrays, rows)
        metrics["fits"][key] = fits = slope_fits(s_w, summaries)
        metrics["points"][key] = {
            f"sw{sw:g}".replace(".", "p"): {"u4": s["u4"].as_dict(), "u6": s["u6"].as_dict()}
            for sw, s in zip(s_w, summaries, strict=True)
        }
        figures.update(coupling_figures(key, s_w, summaries, fits))
    write_npz(stage.path("data/nnqft_sigma/green.npz"), **arrays)
    path = stage.path("reports/tables/nnqft_sigma.csv")
    stage.add_artifact(write_csv(path, [c for c, _ in COLUMNS], rows, dict(COLUMNS)), "tables")

    def build(tmp):
        for name, fig in figures.items():
            write_figure(tmp / name, fig)

    stage.add_artifact(replace_dir(stage.path("reports/figures/nnqft_sigma"), build), "figures")
    metrics["config"] = {"n_bags": p.n_bags, "n_nets": p.n_nets, "widths": widths}
    stage.finish(metrics)
