"""Stage nnqft_width: Gauss-net Green functions vs width N (study 004, sec. 3, fig. 1)."""

from __future__ import annotations

import numpy as np

from nnrg import plots_nnqft
from nnrg.analysis.nnqft import analyse
from nnrg.analysis.powerlaw import fit_power_law
from nnrg.models.gaussnet import bag_green_functions
from nnrg.numerics.wick import point_combinations
from nnrg.stages.base import Stage
from nnrg.stages.io import write_figure, write_npz, write_text

ORDERS = (2, 4, 6)


def sample_bags(stage: Stage, points, width, s_b, s_w, n_bags, n_nets, seeds, combos, label):
    """Per-bag G^(n) ``{n: (n_seeds * n_bags, M_n)}`` for one configuration."""
    bags = []
    for seed in seeds:
        for child in stage.progress(seed.spawn(n_bags), desc=label):
            bags.append(bag_green_functions(points, width, s_b, s_w, n_nets, combos, child))
    return {n: np.stack([b[n] for b in bags]) for n in combos}


def main() -> None:
    stage = Stage("nnqft_width")
    p = stage.section
    points = np.array(p.points)
    widths = [int(n) for n in p.widths]
    combos = {n: point_combinations(len(points), n) for n in ORDERS}
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
    write_npz(stage.path("data/nnqft_width/green.npz"), **arrays)

    rows = [
        "N,m2_mean,m2_error,m4_mean,m4_error,m4_median,m4_exact,m4_resolved,"
        "m6_mean,m6_error,m6_exact,u4_mean,u4_error,u4_exact"
    ]
    metrics: dict = {"per_width": {}}
    for width, r in results.items():
        s = r["summary"]
        rows.append(
            f"{width},{s['m2'].mean:.6g},{s['m2'].error:.3g},{s['m4'].mean:.6g},"
            f"{s['m4'].error:.3g},{s['m4'].median:.6g},{s['m4'].exact:.6g},"
            f"{s['m4'].resolved},{s['m6'].mean:.6g},{s['m6'].error:.3g},"
            f"{s['m6'].exact:.6g},{s['u4'].mean:.6g},{s['u4'].error:.3g},"
            f"{s['u4'].exact:.6g}"
        )
        metrics["per_width"][f"N{width}"] = {k: v.as_dict() for k, v in s.items()}
    stage.add_artifact(
        write_text(stage.path("reports/tables/nnqft_width.csv"), "\n".join(rows) + "\n"), "tables"
    )

    m4 = [results[w]["summary"]["m4"] for w in widths]
    resolved = [k for k, s in enumerate(m4) if s.resolved and s.mean > 0]
    fit = fit_power_law(
        np.array(widths)[resolved],
        np.array([m4[k].mean for k in resolved]),
        np.array([m4[k].error for k in resolved]),
    )
    exact_fit = fit_power_law(np.array(widths), np.array([s.exact for s in m4]))
    m2_z = [
        abs(results[w]["summary"]["m2"].mean) / results[w]["summary"]["m2"].error for w in widths
    ]
    spread = [results[w]["u4_relative_spread"]["measured"] for w in widths]
    metrics.update(
        {
            "m4_fit": fit.as_dict(),
            "m4_fit_exact": exact_fit.as_dict(),
            "m4_resolved_widths": [widths[k] for k in resolved],
            "m2_max_abs_z": float(max(m2_z)),
            "m2_max_abs_mean": float(max(abs(results[w]["summary"]["m2"].mean) for w in widths)),
            "u4_median": float(np.median([results[w]["summary"]["u4"].mean for w in widths])),
            "u4_relative_spread_median": float(np.median(spread)),
            "u4_relative_spread_exact_median": float(
                np.median([results[w]["u4_relative_spread"]["exact"] for w in widths])
            ),
            "u6": {f"N{w}": results[w]["summary"]["u6"].as_dict() for w in widths},
            "u6_exact_median": float(
                np.median([results[w]["summary"]["u6"].exact for w in widths])
            ),
            "u6_n_resolved": sum(results[w]["summary"]["u6"].resolved for w in widths),
            "config": {
                "s_b": p.s_b,
                "s_w": p.s_w,
                "n_bags": p.n_bags * p.n_seeds,
                "n_nets": p.n_nets,
            },
        }
    )
    fig = plots_nnqft.deviation_histograms(
        widths, [results[w]["m2"] for w in widths], [results[w]["m4"] for w in widths]
    )
    stage.add_artifact(
        write_figure(stage.path("reports/figures/nnqft_m_histograms.png"), fig), "figures"
    )
    x = np.array(widths, dtype=float)
    fit_line = fit.amplitude * x**fit.exponent if fit.n_points >= 2 else None
    fig = plots_nnqft.scaling_plot(
        x,
        [s.mean for s in m4],
        [s.error for s in m4],
        [s.exact for s in m4],
        fit_line,
        None,
        "width N",
        "median $m_4$",
        f"m4 vs N (sb={p.s_b:g}, sW={p.s_w:g}); "
        f"fit exponent {fit.exponent:.2f} ± {fit.exponent_error:.2f}",
    )
    stage.add_artifact(
        write_figure(stage.path("reports/figures/nnqft_m4_vs_width.png"), fig), "figures"
    )
    stage.finish(metrics)
