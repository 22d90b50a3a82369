"""Stage imp_global: whole-model IMP (one global |theta| threshold) for both systems, the layer
exponents sigma, and the controls that test the RG reading (study 000 figs. 4-5, sigma table).

Methods, all on the same R initial networks per system:
  imp               IMP as in the thesis (train, prune smallest |theta|, rewind, retrain);
  random            remove weights uniformly at random at the same rate, retrain;
  layer_normalised  rank |theta| / (std of the layer's initial weights), retrain;
  no_retraining     rank the *initial* |theta| and never train: initialisation scale alone.
The first three run batched in one model; the last needs no training.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nnrg.core.declare import Plot, StageSpec
from nnrg.core.io import replace_dir, write_csv, write_figure
from nnrg.core.stage import Stage
from nnrg.numerics.stats import mean_of_replicas
from nnrg.studies.imp_hnn import paths
from nnrg.studies.imp_hnn import plots as plots_hnn
from nnrg.studies.imp_hnn.analysis.imp_scaling import (
    LossCurve,
    loss_curve,
    reading_grid,
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
from nnrg.studies.imp_hnn.hnn import LAYERS, state_arrays, tiled
from nnrg.studies.imp_hnn.imp import ImpResult, PruneGroup
from nnrg.studies.imp_hnn.params import DynamicsParams, ImpGlobalParams
from nnrg.studies.imp_hnn.stages.common import (
    METHOD,
    new_model,
    problem,
    run_imp,
    training,
)
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
    "imp_global",
    ImpGlobalParams,
    uses={"dynamics": DynamicsParams},
    tracks=(
        "dynamics",
        "pipeline.device",
    ),
    outs=(
        paths.IMP_GLOBAL,
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
    smoke={
        "iterations": 3,
        "training": {"oscillator": {"epochs": 5}, "henon_heiles": {"epochs": 5}},
    },
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


TRAINED = ("imp", "random", "layer_normalised")
# Table 2 (sec. 9): sigma_1, sigma_2, sigma_3 per system, as quoted
THESIS_SIGMA = {"oscillator": [2.4778, -0.1710, 5.2449], "henon_heiles": [2.6447, -0.1205, 4.4276]}


CURVE_COLUMNS = ["system", "method", "iteration", "density", "loss", "loss_low", "loss_high"]
CURVE_FORMATS = dict.fromkeys(CURVE_COLUMNS[3:], ".6g")
STEP_COLUMNS = ["system", "method", "layer", "step", "sigma", "sigma_error"]
STEP_FORMATS = {"sigma": ".6g", "sigma_error": ".3g"}
SIGMA_COLUMNS = ["system", "method", "estimator", "layer", "sigma", "sigma_error", "thesis"]


def train_methods(stage: Stage, name: str, k_system: int) -> tuple[dict[str, ImpResult], dict]:
    """IMP and its controls on the same R initial networks of one system, and those weights."""
    p = stage.section
    prob = problem(stage.params.dynamics, name, stage.device)
    seed = p.seed + 100 * k_system
    base = new_model(p.n_replicas, prob, p.hidden, seed)
    r = p.n_replicas
    methods = TRAINED if p.controls else TRAINED[:1]
    groups = [
        PruneGroup(k * r, (k + 1) * r, LAYERS, "magnitude" if m == "imp" else m, p.fraction)
        for k, m in enumerate(methods)
    ]
    tr = training(stage, getattr(p.training, name), seed)
    label = f"{name} whole-model IMP" + (" + controls" if p.controls else "")
    batched = run_imp(stage, tiled(base, len(methods)), prob, tr, groups, p.iterations, label)
    results = {m: batched.replicas(k * r, (k + 1) * r) for k, m in enumerate(methods)}
    if p.controls:
        group = [PruneGroup(0, r, LAYERS, fraction=p.fraction)]
        label = f"{name} no-retraining control"
        no_retraining = run_imp(stage, tiled(base, 1), prob, tr, group, p.iterations, label,
                                retrain=False)  # fmt: skip
        results["no_retraining"] = no_retraining
    return results, state_arrays(base)


def method_metrics(res: ImpResult, method: str, p, system: str) -> tuple[dict, LossCurve, list]:
    """sigma estimates, and (for the retrained methods) the scaling fit and final density;
    with the loss curve and the per-step sigma rows (:func:`step_sigma_rows`)."""
    entry = sigma_metrics(res.layer_magnitude, p.fraction, LAYERS)
    shares = alive_shares(res.layer_magnitude)
    steps = step_sigma_rows(shares, p.fraction, LAYERS)
    entry["sigma_windows"] = windowed_sigmas(shares, p.fraction, LAYERS)
    ours = [entry["sigma_fit"][layer]["mean"] for layer in LAYERS]
    entry["identity"] = {
        name: identity_summary(identity_residual(shares, sigma, p.fraction))
        for name, sigma in (("thesis", THESIS_SIGMA[system]), ("ours_fit", ours))
    }
    curve = loss_curve(res.density, res.loss)
    if method != "no_retraining":
        entry["scaling"] = scaling_fit(res.density, res.loss, p.ticket_factor).as_dict()
        entry["readings"] = reading_grid(res.density, res.loss)
        entry["final_density"] = float(curve.density[-1])
    return entry, curve, steps


def identity_summary(residual: np.ndarray) -> dict:
    """Eq. 35 residual ``(R, n)``: its mean over steps (mean +- s.e. over replicas) and the
    largest |residual| anywhere."""
    return {**mean_of_replicas(residual.mean(axis=1)).as_dict(),
            "max_abs": float(np.abs(residual).max())}  # fmt: skip


def system_figure(stage: Stage, name: str, results: dict[str, ImpResult]) -> None:
    """Loss vs density of every retrained method, with IMP's scaling fit (figs. 4-5)."""
    p = stage.section
    panel = {
        method: (
            loss_curve(res.density, res.loss),
            scaling_fit(res.density, res.loss, p.ticket_factor) if method == "imp" else None,
        )
        for method, res in results.items()
        if method != "no_retraining"
    }
    title = (f"{name}: whole-model pruning at {p.fraction:g} per step "
             f"({p.n_replicas} replicas, geometric mean ± s.e.)")  # fmt: skip
    fig = plots_hnn.loss_vs_density({name: panel}, "density (fraction of weights kept)", title)
    path = stage.path(f"reports/figures/imp_global_{name}.png")
    stage.add_artifact(write_figure(path, fig), "figures")


def sigma_figure(stage: Stage, metrics: dict, methods: dict[str, list[str]]) -> None:
    """The sigma table as a figure: every method's fit estimate next to the thesis's."""

    def column(name: str, method: str, key: str) -> np.ndarray:
        return np.array([metrics[name][method]["sigma_fit"][layer][key] for layer in LAYERS])

    rows = {name: {m: (column(name, m, "mean"), column(name, m, "error")) for m in methods[name]}
            for name in SYSTEMS}  # fmt: skip
    fig = plots_hnn.sigma_table(rows, THESIS_SIGMA)
    stage.add_artifact(write_figure(stage.path(FIGURE_IMP_SIGMA), fig), "figures")


def save_masks(stage: Stage, all_results: dict) -> None:
    """Every method's densities, losses, magnitudes and masks, and the initial weights."""

    def build(tmp):
        for name, (results, initial) in all_results.items():
            ImpArchive(initial, results).save(tmp / f"{name}.npz")

    replace_dir(stage.path(paths.IMP_GLOBAL), build)
    stage.add_artifact(stage.path(paths.IMP_GLOBAL), "masks")


def run_system(
    stage: Stage, name: str, k: int, curves: list, table: list, steps: list
) -> tuple[dict, tuple]:
    """One system: train every method, its metrics, its figure; rows go to the three tables."""
    results, initial = train_methods(stage, name, k)
    metrics = {}
    for method, res in results.items():
        metrics[method], curve, step_rows = method_metrics(res, method, stage.section, name)
        steps += [(name, method, *row) for row in step_rows]
        curves += [(name, method, i, *v) for i, v in enumerate(
            zip(curve.density, curve.mean, curve.low, curve.high, strict=True))]  # fmt: skip
        for est in ("ratio", "fit"):
            for i, layer in enumerate(LAYERS):
                e = metrics[method][f"sigma_{est}"][layer]
                table.append((name, method, est, layer, e["mean"], e["error"],
                              THESIS_SIGMA[name][i]))  # fmt: skip
    system_figure(stage, name, results)
    return metrics, (results, initial)


def main() -> None:
    stage = Stage(STAGE)
    p = stage.section
    metrics: dict[str, Any]
    curves: list[tuple]
    table: list[tuple]
    steps: list[tuple]
    all_results, metrics, curves, table, steps = {}, {}, [], [], []
    for k, name in enumerate(SYSTEMS):
        m, all_results[name] = run_system(stage, name, k, curves, table, steps)
        metrics[name] = {**m, **sign_verdict(m, LAYERS)} if p.controls else m
    sigma_figure(stage, metrics, {name: list(all_results[name][0]) for name in SYSTEMS})
    save_masks(stage, all_results)
    path = stage.path(CURVES_IMP_GLOBAL)
    stage.add_artifact(write_csv(path, CURVE_COLUMNS, curves, CURVE_FORMATS), "plots")
    path = stage.path(CURVES_IMP_SIGMA_STEPS)
    stage.add_artifact(write_csv(path, STEP_COLUMNS, steps, STEP_FORMATS), "plots")
    path = stage.path(TABLE_IMP_SIGMA)
    formats = {"sigma": ".4g", "sigma_error": ".2g"}
    stage.add_artifact(write_csv(path, SIGMA_COLUMNS, table, formats), "tables")
    metrics["sign_pattern_both_systems"] = all(
        metrics[name]["imp"]["thesis_sign_pattern_ratio"] for name in SYSTEMS
    )
    if p.controls:
        metrics["pattern_produced_by_training_both_systems"] = all(
            metrics[name]["pattern_produced_by_training"] for name in SYSTEMS
        )
    metrics.update(fraction=p.fraction, iterations=p.iterations, n_replicas=p.n_replicas)
    stage.finish(metrics, method=METHOD)
