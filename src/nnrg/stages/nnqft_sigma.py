"""Stage nnqft_sigma: couplings u4, u6 vs sW and their log-log slopes (study 004, eq. 13, fig. 2).

Claimed: log u4 = (4 - d_in) log sW + const and log u6 = (6 - 2 d_in) log sW + const, d_in = 1.
"""

from __future__ import annotations

import numpy as np

from nnrg import plots_nnqft
from nnrg.analysis.nnqft import analyse
from nnrg.analysis.powerlaw import fit_power_law
from nnrg.numerics.wick import point_combinations
from nnrg.stages.base import Stage
from nnrg.stages.io import replace_dir, write_figure, write_npz, write_text
from nnrg.stages.nnqft_width import sample_bags

ORDERS = (2, 4, 6)
D_IN = 1
CLAIMED = {"u4": 4 - D_IN, "u6": 6 - 2 * D_IN}


def config_key(s_b: float, width: int) -> str:
    """Metric key for one (sb, N), free of dots: sb=0.5, N=10 -> 'sb0p5_N10'."""
    return f"sb{s_b:g}".replace(".", "p") + f"_N{width}"


def slope_fits(s_w: np.ndarray, summaries: list) -> dict:
    """Slope of log|u| vs log sW per coupling: measured (over points whose combination-median
    is resolved from zero) and exact (median over combinations of |u_exact|, all points)."""
    out = {}
    for name in ("u4", "u6"):
        rows = [s[name] for s in summaries]
        keep = [k for k, r in enumerate(rows) if r.resolved]
        fit = fit_power_law(
            s_w[keep],
            np.array([rows[k].mean for k in keep]),
            np.array([rows[k].error for k in keep]),
        )
        exact = fit_power_law(s_w, np.array([r.exact_abs for r in rows]))
        out[name] = {
            "measured": fit.as_dict(),
            "exact": exact.as_dict(),
            "n_resolved": len(keep),
            "claimed": CLAIMED[name],
            "sign_measured": float(np.sign(np.median([r.mean for r in rows]))),
            "sign_exact": float(np.sign(np.median([r.exact for r in rows]))),
        }
    return out


def main() -> None:
    stage = Stage("nnqft_sigma")
    p = stage.section
    points = np.array(p.points)
    s_w = np.array(p.s_w_values)
    widths = [int(n) for n in p.widths]
    combos = {n: point_combinations(len(points), n) for n in ORDERS}
    seed = np.random.SeedSequence(p.seed)
    configs = [(sb, n) for sb in p.s_b_values for n in widths]
    arrays, metrics, rows, figures = {}, {"fits": {}, "points": {}}, [], {}
    rows.append(
        "s_b,N,s_w,u4_mean,u4_error,u4_exact,u4_resolved,u6_mean,u6_error,u6_exact,u6_resolved"
    )
    for (s_b, width), cseed in zip(configs, seed.spawn(len(configs)), strict=True):
        key = config_key(s_b, width)
        summaries = []
        for sw, wseed in zip(s_w, cseed.spawn(len(s_w)), strict=True):
            green = sample_bags(
                stage,
                points,
                width,
                s_b,
                sw,
                p.n_bags,
                p.n_nets,
                [wseed],
                combos,
                f"{key} sW={sw:g}",
            )
            for n in (4, 6):
                arrays[f"{key}_sw{sw:g}_g{n}".replace(".", "p")] = green[n]
            s = analyse(green, points, combos, s_b, sw, width)["summary"]
            summaries.append(s)
            rows.append(
                f"{s_b:g},{width},{sw:g},{s['u4'].mean:.6g},{s['u4'].error:.3g},"
                f"{s['u4'].exact:.6g},{s['u4'].resolved},{s['u6'].mean:.6g},"
                f"{s['u6'].error:.3g},{s['u6'].exact:.6g},{s['u6'].resolved}"
            )
        fits = slope_fits(s_w, summaries)
        metrics["fits"][key] = fits
        metrics["points"][key] = {
            f"sw{sw:g}".replace(".", "p"): {"u4": s["u4"].as_dict(), "u6": s["u6"].as_dict()}
            for sw, s in zip(s_w, summaries, strict=True)
        }
        for name in ("u4", "u6"):
            meas = np.array([s[name].mean for s in summaries])
            errs = np.array([s[name].error for s in summaries])
            exact = np.array([s[name].exact_abs for s in summaries])
            fm = fits[name]["measured"]
            fit_line = (
                fm["amplitude"] * s_w ** fm["exponent"] if fits[name]["n_resolved"] >= 2 else None
            )
            anchor = abs(exact[0]) if exact[0] != 0 else abs(meas[0])
            claimed = anchor * (s_w / s_w[0]) ** CLAIMED[name]
            figures[f"{name}_{key}.png"] = plots_nnqft.scaling_plot(
                s_w,
                meas,
                errs,
                exact,
                fit_line,
                claimed,
                r"$\sigma_W$",
                f"|{name}|",
                f"{name} vs sW ({key}): measured slope {fm['exponent']:.2f} ± "
                f"{fm['exponent_error']:.2f}\nexact {fits[name]['exact']['exponent']:.2f}, "
                f"claimed {CLAIMED[name]}",
            )
    write_npz(stage.path("data/nnqft_sigma/green.npz"), **arrays)
    stage.add_artifact(
        write_text(stage.path("reports/tables/nnqft_sigma.csv"), "\n".join(rows) + "\n"), "tables"
    )

    def build(tmp):
        for name, fig in figures.items():
            write_figure(tmp / name, fig)

    stage.add_artifact(replace_dir(stage.path("reports/figures/nnqft_sigma"), build), "figures")
    metrics["config"] = {"n_bags": p.n_bags, "n_nets": p.n_nets, "widths": widths}
    stage.finish(metrics)
