"""Stage imp_layers: IMP of one layer at a time at several rates (study 000, figs. 1-3).

The same R initial networks are tiled once per (rate, layer) pair and all pairs are pruned in
one batched model, each down to ~10% density of its layer (a pair whose schedule is shorter
stops pruning and is read up to its own last iteration); every mask of every iteration is
kept. Loss is read against the pruned layer's own density.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nnrg.core.declare import Plot, StageSpec
from nnrg.core.io import write_csv, write_dir_npz, write_figure
from nnrg.core.stage import Stage
from nnrg.numerics.stats import Estimate, difference
from nnrg.studies.imp_hnn import plots as plots_hnn
from nnrg.studies.imp_hnn.analysis.imp_scaling import loss_curve, scaling_fit
from nnrg.studies.imp_hnn.analysis.layer_readouts import line_rms, log10_ratio_at
from nnrg.studies.imp_hnn.hnn import LAYERS, state_arrays, tiled
from nnrg.studies.imp_hnn.imp import ImpResult, PruneGroup
from nnrg.studies.imp_hnn.params import DynamicsParams, ImpLayersParams
from nnrg.studies.imp_hnn.stages.common import (
    METHOD,
    clear_checkpoints,
    new_model,
    problem,
    run_imp,
    training,
)

FIGURES_IMP_LAYERS = "reports/figures/imp_layers"
CURVES_IMP_LAYERS = "reports/plots/imp_layers.csv"


STAGE = StageSpec(
    "imp_layers",
    ImpLayersParams,
    uses={"dynamics": DynamicsParams},
    tracks=(
        "dynamics",
        "pipeline.device",
    ),
    outs=(
        "models/imp_layers",
        FIGURES_IMP_LAYERS,
        CURVES_IMP_LAYERS,
    ),
    headline=(
        "dense_loss",
        "finest.input_minus_output.value",
        "finest.input_minus_output.error",
    ),
    smoke={"iterations": [2, 1], "training": {"epochs": 5}},
    plots={
        "imp_layers_loss_vs_density": Plot(
            "nnrg_layers_vs_density",
            "Study 000: loss vs density, pruning one layer at a time (oscillator)",
            "density",
            {CURVES_IMP_LAYERS: "loss"},
            "density of the pruned layer",
            "loss (geometric mean over replicas, band ± s.e.)",
        ),
    },
)


OUT = "models/imp_layers"
CURVE_COLUMNS = ["fraction", "layer", "iteration", "density", "loss", "loss_low", "loss_high"]


def rate_metrics(stage: Stage, result: ImpResult, pairs: list, fraction: float, n_iter: int,
                 rows: list, masks: dict) -> dict:  # fmt: skip
    """One rate: per pruned layer, the loss curve against that layer's density and its scaling
    fit; curve rows go to ``rows``, every mask of every iteration to ``masks``; one figure."""
    p, r = stage.section, stage.section.n_replicas
    tag = rate_tag(fraction)
    panels, fits = {}, {}
    for name in LAYERS:
        k = pairs.index((fraction, n_iter, name))
        res = result.replicas(k * r, (k + 1) * r, n_iter)
        density = res.layer_density[..., LAYERS.index(name)]
        curve = loss_curve(density, res.loss)
        fit = scaling_fit(density, res.loss, p.ticket_factor)
        fits[name] = {
            **fit.as_dict(),
            "critical_exponent": -fit.slope,
            "final_layer_density": float(curve.density[-1]),
            "log10_ratio_at_0p7": log10_ratio_at(density, res.loss, 0.7),
            "line_rms": line_rms(density, res.loss, 0.0, fit.critical_density),
        }
        panels[f"{name} layer only"] = {f"IMP {tag}": (curve, fit)}
        rows += [(fraction, name, i, *v) for i, v in enumerate(
            zip(curve.density, curve.mean, curve.low, curve.high, strict=True))]  # fmt: skip
        masks[f"{tag}_{name}"] = {
            "density": res.density,
            "loss": res.loss,
            "layer_density": res.layer_density,
            "layer_magnitude": res.layer_magnitude,
            **{f"mask_{n}": bits for n, bits in res.masks.items()},
        }
    title = (f"{p.system}: IMP at {tag} of one layer at a time ({r} replicas, geometric mean "
             f"± s.e.)")  # fmt: skip
    fig = plots_hnn.loss_vs_density(panels, "density of the pruned layer", title)
    write_figure(stage.path(f"reports/figures/imp_layers/{tag}.png"), fig)
    return {"fraction": fraction, "iterations": n_iter, "layers": fits, **layer_order(fits)}


def layer_order(fits: dict) -> dict:
    """Table 1's order of the exponents (input > output > hidden) as differences with their
    errors, and whether the output curve follows its line most closely (fig. 1 text)."""
    est = {n: Estimate(fits[n]["critical_exponent"], fits[n]["slope_error"], fits[n]["n_replicas"])
           for n in LAYERS}  # fmt: skip
    rms = {n: fits[n]["line_rms"] for n in LAYERS}
    return {
        "input_minus_output": difference(est["input"], est["output"]),
        "output_minus_hidden": difference(est["output"], est["hidden"]),
        "output_most_stable": bool(rms["output"] < min(rms["input"], rms["hidden"])),
    }


def rate_tag(fraction: float) -> str:
    """Metric key of a pruning rate.

    >>> rate_tag(0.05)
    '5pct'
    """
    return f"{round(fraction * 100, 6):g}pct"


def main() -> None:
    stage = Stage(STAGE)
    p = stage.section
    prob = problem(stage.params.dynamics, p.system, stage.device)
    base = new_model(p.n_replicas, prob, p.hidden, p.seed)
    r = p.n_replicas
    schedule = [(fraction, int(n)) for fraction, n in zip(p.fractions, p.iterations, strict=True)]
    # every (rate, layer) pair is one replica group of a single batched model
    pairs = [(fraction, n, name) for fraction, n in schedule for name in LAYERS]
    groups = [
        PruneGroup(k * r, (k + 1) * r, (name,), "magnitude", fraction, n)
        for k, (fraction, n, name) in enumerate(pairs)
    ]
    label = f"{p.system} per-layer IMP, {len(pairs)} modes batched"
    n_max = max(n for _, n in schedule)
    tr = training(stage, p.training, p.seed)
    result = run_imp(stage, tiled(base, len(pairs)), prob, tr, groups, n_max, label,
                     unit=p.system)  # fmt: skip
    metrics: dict[str, Any]
    rows: list[tuple]
    masks: dict[str, dict[str, np.ndarray]]
    metrics, rows, masks = {}, [], {}
    for fraction, n_iter in schedule:
        metrics[rate_tag(fraction)] = rate_metrics(stage, result, pairs, fraction, n_iter, rows,
                                                   masks)  # fmt: skip
    files = {"initial": state_arrays(base), **masks}
    write_dir_npz(stage.path(OUT), files)
    stage.add_artifact(stage.path(OUT), "masks")
    clear_checkpoints(stage)
    stage.add_artifact(stage.path(FIGURES_IMP_LAYERS), "figures/imp_layers")
    path = stage.path(CURVES_IMP_LAYERS)
    formats = dict.fromkeys(CURVE_COLUMNS[3:], ".6g")
    stage.add_artifact(write_csv(path, CURVE_COLUMNS, rows, formats), "plots")
    metrics["finest"] = metrics[rate_tag(min(p.fractions))]
    metrics.update(system=p.system, n_replicas=r)
    metrics["dense_loss"] = float(np.exp(np.log(result.loss[0]).mean()))
    stage.finish(metrics, method=METHOD)
