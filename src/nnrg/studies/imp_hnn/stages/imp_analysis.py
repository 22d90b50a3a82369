"""Stage imp_analysis: the read-outs of whole-model IMP (stage imp_global's archives): loss vs
density with its tickets and power-law slope (figs. 4-5), per replica and on the geometric
mean; the layer exponents sigma by every estimator, with the Jensen test of the thesis's
literal one, the telescoping bound and eq. 35's identity; and the controls' sign pattern.
Reads the archives only, so a change here never retrains.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from nnrg.core.declare import Plot, StageSpec
from nnrg.core.io import write_csv, write_figure
from nnrg.core.stage import Stage
from nnrg.numerics.stats import Estimate, difference, mean_of_replicas
from nnrg.studies.imp_hnn import paths
from nnrg.studies.imp_hnn import plots as plots_hnn
from nnrg.studies.imp_hnn.analysis.imp_scaling import (
    LossCurve,
    loss_curve,
    reading_grid,
    replica_tickets,
    scaling_fit,
)
from nnrg.studies.imp_hnn.analysis.sigma import (
    alive_shares,
    identity_residual,
    sigma_metrics,
    sign_verdict,
    step_sigma_rows,
    windowed_sigmas,
)
from nnrg.studies.imp_hnn.archive import ImpArchive
from nnrg.studies.imp_hnn.hnn import LAYERS
from nnrg.studies.imp_hnn.imp import ImpResult
from nnrg.studies.imp_hnn.params import ImpAnalysisParams, ImpGlobalParams
from nnrg.studies.imp_hnn.systems import SYSTEMS

FIGURE_IMP_SIGMA = "reports/figures/imp_sigma.png"
TABLE_IMP_SIGMA = "reports/tables/imp_sigma.csv"
CURVES_IMP_GLOBAL = "reports/plots/imp_global.csv"
CURVES_IMP_SIGMA_STEPS = "reports/plots/imp_sigma_steps.csv"


IMP_LOSS_VS_DENSITY_PLOT = Plot(
    "nnrg_loss_vs_density",
    "Study 000: loss vs density under whole-model IMP and its controls (default profile)",
    "density",
    {CURVES_IMP_GLOBAL: "loss"},
    "density (fraction of weights kept)",
    "loss (geometric mean over replicas, band ± s.e.)",
)

IMP_SIGMA_VS_ITERATION_PLOT = Plot(
    "nnrg_sigma_steps",
    "Study 000: per-step layer exponent sigma_i = log_c(M_i(n+1)/M_i(n)) vs IMP step "
    "(default profile)",
    "step",
    {CURVES_IMP_SIGMA_STEPS: "sigma"},
    "IMP step n",
    "sigma_i at step n (mean ± s.e. over replicas)",
)


STAGE = StageSpec(
    "imp_analysis",
    ImpAnalysisParams,
    uses={"imp_global": ImpGlobalParams},
    deps=(paths.IMP_GLOBAL,),
    outs=(
        "reports/figures/imp_global_oscillator.png",
        "reports/figures/imp_global_henon_heiles.png",
        FIGURE_IMP_SIGMA,
        TABLE_IMP_SIGMA,
        CURVES_IMP_GLOBAL,
        CURVES_IMP_SIGMA_STEPS,
    ),
    headline=(
        "oscillator.imp.scaling.slope",
        "oscillator.imp.scaling.critical_density",
        "henon_heiles.imp.scaling.slope",
        "henon_heiles.imp.scaling.critical_density",
    ),
    plots={
        "imp_loss_vs_density": IMP_LOSS_VS_DENSITY_PLOT,
        "imp_loss_vs_density_paper_budget": IMP_LOSS_VS_DENSITY_PLOT.in_result_set(
            "paper_budget",
            "Study 000: loss vs density, paper-budget result set (thesis recipe, 20 % per step)",
        ),
        "imp_sigma_vs_iteration": IMP_SIGMA_VS_ITERATION_PLOT,
        "imp_sigma_vs_iteration_paper_budget": IMP_SIGMA_VS_ITERATION_PLOT.in_result_set(
            "paper_budget",
            "Study 000: per-step layer exponent vs IMP step, paper-budget result set",
        ),
    },
)

CONTROLS = ("random", "layer_normalised", "no_retraining")
CURVE_COLUMNS = ["system", "method", "iteration", "density", "loss", "loss_low", "loss_high"]
CURVE_FORMATS = dict.fromkeys(CURVE_COLUMNS[3:], ".6g")
STEP_COLUMNS = ["system", "method", "layer", "step", "sigma", "sigma_error"]
STEP_FORMATS = {"sigma": ".6g", "sigma_error": ".3g"}
SIGMA_COLUMNS = ["system", "method", "estimator", "layer", "sigma", "sigma_error", "thesis"]
ESTIMATORS = ("literal", "ratio", "fit")


def method_metrics(
    res: ImpResult, method: str, stage: Stage, system: str
) -> tuple[dict, LossCurve, list]:
    """sigma estimates, and (for the retrained methods) the scaling fit, the per-replica
    losses and tickets and the final density; with the loss curve and the per-step sigma rows
    (:func:`step_sigma_rows`)."""
    p, fraction = stage.section, stage.params.imp_global.fraction
    entry = sigma_metrics(res.layer_magnitude, fraction, LAYERS)
    shares = alive_shares(res.layer_magnitude)
    steps = step_sigma_rows(shares, fraction, LAYERS)
    entry["sigma_windows"] = windowed_sigmas(shares, fraction, LAYERS)
    thesis = getattr(p.thesis_sigma, system)
    entry["identity"] = {
        "thesis": identity_summary(identity_residual(shares, thesis, p.thesis_fraction)),
        **{f"ours_{est}": identity_summary(identity_residual(
            shares, [entry[f"sigma_{est}"][layer]["mean"] for layer in LAYERS], fraction))
           for est in ESTIMATORS},
    }  # fmt: skip
    curve = loss_curve(res.density, res.loss)
    if method != "no_retraining":
        entry["scaling"] = scaling_fit(res.density, res.loss, p.ticket_factor).as_dict()
        entry["readings"] = reading_grid(res.density, res.loss)
        entry["tickets"] = replica_tickets(res.density, res.loss, p.ticket_factor)
        entry["dense_loss_log10"] = mean_of_replicas(np.log10(res.loss[0])).as_dict()
        entry["per_replica"] = {
            "density": np.asarray(res.density).mean(axis=1).tolist(),
            "log10_loss": np.log10(res.loss).tolist(),
        }
        entry["final_density"] = float(curve.density[-1])
    return entry, curve, steps


def identity_summary(residual: np.ndarray) -> dict:
    """Eq. 35 residual ``(R, n)``: its mean over steps (mean +- s.e. over replicas) and the
    largest |residual| anywhere."""
    return {**mean_of_replicas(residual.mean(axis=1)).as_dict(),
            "max_abs": float(np.abs(residual).max())}  # fmt: skip


def system_figure(stage: Stage, name: str, results: dict[str, ImpResult]) -> None:
    """Loss vs density of every retrained method, with IMP's scaling fit (figs. 4-5)."""
    p, gp = stage.section, stage.params.imp_global
    panel = {
        method: (
            loss_curve(res.density, res.loss),
            scaling_fit(res.density, res.loss, p.ticket_factor) if method == "imp" else None,
        )
        for method, res in results.items()
        if method != "no_retraining"
    }
    title = (f"{name}: whole-model pruning at {gp.fraction:g} per step "
             f"({gp.n_replicas} replicas, geometric mean ± s.e.)")  # fmt: skip
    fig = plots_hnn.loss_vs_density({name: panel}, "density (fraction of weights kept)", title)
    path = stage.path(f"reports/figures/imp_global_{name}.png")
    stage.add_artifact(write_figure(path, fig), "figures")


def sigma_figure(stage: Stage, metrics: dict, methods: dict[str, list[str]]) -> None:
    """The sigma table as a figure: every method's literal estimate next to the thesis's."""

    def column(name: str, method: str, key: str) -> np.ndarray:
        return np.array([metrics[name][method]["sigma_literal"][layer][key] for layer in LAYERS])

    rows = {name: {m: (column(name, m, "mean"), column(name, m, "error")) for m in methods[name]}
            for name in SYSTEMS}  # fmt: skip
    thesis = {name: getattr(stage.section.thesis_sigma, name) for name in SYSTEMS}
    fig = plots_hnn.sigma_table(rows, thesis)
    stage.add_artifact(write_figure(stage.path(FIGURE_IMP_SIGMA), fig), "figures")


def run_system(stage: Stage, name: str, curves: list, table: list, steps: list) -> tuple:
    """One system's archive read out: every method's metrics and its figure; rows go to the
    three tables."""
    methods = ("imp", *CONTROLS) if stage.params.imp_global.controls else ("imp",)
    archive = ImpArchive.load(stage.path(f"{paths.IMP_GLOBAL}/{name}.npz"), methods)
    results = archive.results
    thesis = getattr(stage.section.thesis_sigma, name)
    metrics: dict[str, Any] = {}
    for method, res in results.items():
        metrics[method], curve, step_rows = method_metrics(res, method, stage, name)
        steps += [(name, method, *row) for row in step_rows]
        curves += [(name, method, i, *v) for i, v in enumerate(
            zip(curve.density, curve.mean, curve.low, curve.high, strict=True))]  # fmt: skip
        for est in ESTIMATORS:
            for i, layer in enumerate(LAYERS):
                e = metrics[method][f"sigma_{est}"][layer]
                table.append((name, method, est, layer, e["mean"], e["error"], thesis[i]))
    system_figure(stage, name, results)
    metrics["n_parameters"] = n_parameters(archive.initial)  # sec. 9.1: "fewer than 3000"
    return metrics, list(results)


def iterations_to_density(fraction: float, density: float) -> int:
    """The fewest pruning steps at rate ``fraction`` that bring the density to ``density`` or
    below: (1 - x)^n <= d (the geometric schedule of ``masks.scheduled_keep``)."""
    return math.ceil(math.log(density) / math.log(1.0 - fraction) - 1e-9)


def n_parameters(initial: dict[str, np.ndarray]) -> int:
    """Weights and biases of one network (replica 0 of the archive's initial state)."""
    return int(sum(initial[f"{kind}_{n}"][0].size for n in LAYERS for kind in ("weight", "bias")))


def across_systems(metrics: dict) -> dict:
    """Oscillator minus Henon-Heiles under IMP, with errors in quadrature (independent
    replicas): every sigma estimator per layer (sec. 9: sigma_1 and sigma_2 'exhibit
    concordance up to one significant figure', sigma_3 differs) and the power-law slope
    (sec. 8.3: HH's 'much steeper')."""

    def est(system: str, name: str, layer: str) -> Estimate:
        return Estimate(**metrics[system]["imp"][f"sigma_{name}"][layer])

    out: dict[str, Any] = {
        f"sigma_{name}": {
            layer: difference(est("oscillator", name, layer), est("henon_heiles", name, layer))
            for layer in LAYERS
        }
        for name in ESTIMATORS
    }
    slopes = [metrics[s]["imp"]["scaling"] for s in ("oscillator", "henon_heiles")]
    out["slope"] = difference(*(Estimate(f["slope"], f["slope_error"], f["n_replicas"])
                                for f in slopes))  # fmt: skip
    return out


def main() -> None:
    stage = Stage(STAGE)
    controls = stage.params.imp_global.controls
    metrics: dict[str, Any] = {}
    methods: dict[str, list[str]] = {}
    curves: list[tuple] = []
    table: list[tuple] = []
    steps: list[tuple] = []
    for name in SYSTEMS:
        m, methods[name] = run_system(stage, name, curves, table, steps)
        metrics[name] = {**m, **sign_verdict(m, LAYERS)} if controls else m
    sigma_figure(stage, metrics, methods)
    path = stage.path(CURVES_IMP_GLOBAL)
    stage.add_artifact(write_csv(path, CURVE_COLUMNS, curves, CURVE_FORMATS), "plots")
    path = stage.path(CURVES_IMP_SIGMA_STEPS)
    stage.add_artifact(write_csv(path, STEP_COLUMNS, steps, STEP_FORMATS), "plots")
    path = stage.path(TABLE_IMP_SIGMA)
    formats = {"sigma": ".4g", "sigma_error": ".2g"}
    stage.add_artifact(write_csv(path, SIGMA_COLUMNS, table, formats), "tables")
    for est in ESTIMATORS:  # the literal estimator's is the thesis's reading (no suffix)
        key = "sign_pattern_both_systems" + ("" if est == "literal" else f"_{est}")
        metrics[key] = all(metrics[name]["imp"][f"thesis_sign_pattern_{est}"] for name in SYSTEMS)
    if controls:
        metrics["pattern_produced_by_training_both_systems"] = all(
            metrics[name]["pattern_produced_by_training"] for name in SYSTEMS
        )
    metrics["across_systems"] = across_systems(metrics)
    gp = stage.params.imp_global
    metrics.update(fraction=gp.fraction, iterations=gp.iterations, n_replicas=gp.n_replicas)
    # sec. 8.2's "230, 41 and 22 pruning iterations ... to prune the layers by 90%": at this
    # run's rate and at the thesis's whole-model rate
    metrics["iterations_to_density_0p1"] = iterations_to_density(gp.fraction, 0.1)
    metrics["thesis_iterations_to_density_0p1"] = iterations_to_density(
        stage.section.thesis_fraction, 0.1
    )
    stage.finish(metrics)
