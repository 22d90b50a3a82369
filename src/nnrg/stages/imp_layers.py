"""Stage imp_layers: IMP of one layer at a time at several rates (study 000, figs. 1-3).

The same R initial networks are tiled once per (rate, layer) pair and all pairs are pruned in
one batched model, each down to ~10% density of its layer (a pair whose schedule is shorter
stops pruning and is read up to its own last iteration); every mask of every iteration is
kept. Loss is read against the pruned layer's own density.
"""

from __future__ import annotations

import numpy as np

from nnrg import plots_hnn
from nnrg.analysis.imp_scaling import loss_curve, scaling_fit
from nnrg.models.hnn import LAYERS, state_arrays, tiled
from nnrg.pruning.imp import PruneGroup
from nnrg.stages.base import Stage
from nnrg.stages.hnn_common import METHOD, new_model, problem, run_imp, training
from nnrg.stages.io import replace_dir, write_figure, write_npz, write_text

OUT = "models/imp_layers"


def main() -> None:
    stage = Stage("imp_layers", uses=("dynamics",))
    p = stage.section
    prob = problem(stage.params, p.system)
    base = new_model(p.n_replicas, prob, p.hidden, p.seed)
    r = p.n_replicas
    schedule = [(fraction, int(n)) for fraction, n in zip(p.fractions, p.iterations, strict=True)]
    # every (rate, layer) pair is one replica group of a single batched model
    pairs = [(fraction, n, name) for fraction, n in schedule for name in LAYERS]
    groups = [
        PruneGroup(k * r, (k + 1) * r, (name,), "magnitude", fraction, n)
        for k, (fraction, n, name) in enumerate(pairs)
    ]
    n_max = max(n for _, n in schedule)
    result = run_imp(
        stage,
        tiled(base, len(pairs)),
        prob,
        training(p.training, p.seed),
        groups,
        n_max,
        f"{p.system} per-layer IMP, {len(pairs)} modes batched",
    )
    metrics, rows = {}, ["fraction,layer,iteration,density,loss,loss_low,loss_high"]
    masks: dict[str, dict[str, np.ndarray]] = {}
    for fraction, n_iter in schedule:
        tag = f"{round(fraction * 100, 6):g}pct"
        panels, fits = {}, {}
        for name in LAYERS:
            k = pairs.index((fraction, n_iter, name))
            rows_k, its = slice(k * r, (k + 1) * r), slice(0, n_iter + 1)
            layer = LAYERS.index(name)
            density = result.layer_density[its, rows_k, layer]
            loss = result.loss[its, rows_k]
            curve = loss_curve(density, loss)
            fit = scaling_fit(density, loss, p.ticket_factor)
            fits[name] = {
                **fit.as_dict(),
                "critical_exponent": -fit.slope,
                "final_layer_density": float(curve.density[-1]),
            }
            panels[f"{name} layer only"] = {f"IMP {tag}": (curve, fit)}
            rows += [
                f"{fraction},{name},{i},{d:.6g},{m:.6g},{lo:.6g},{hi:.6g}"
                for i, (d, m, lo, hi) in enumerate(
                    zip(curve.density, curve.mean, curve.low, curve.high, strict=True)
                )
            ]
            masks[f"{tag}_{name}"] = {
                "density": result.density[its, rows_k],
                "loss": loss,
                "layer_density": result.layer_density[its, rows_k],
                "layer_magnitude": result.layer_magnitude[its, rows_k],
                **{f"mask_{n}": bits[its, rows_k] for n, bits in result.masks.items()},
            }
        metrics[tag] = {"fraction": fraction, "iterations": n_iter, "layers": fits}
        fig = plots_hnn.loss_vs_density(
            panels,
            "density of the pruned layer",
            f"{p.system}: IMP at {tag} of one layer at a time ({r} replicas, geometric mean "
            f"± s.e.)",
        )
        write_figure(stage.path(f"reports/figures/imp_layers/{tag}.png"), fig)

    def build(tmp):
        write_npz(tmp / "initial.npz", **state_arrays(base))
        for key, arrays in masks.items():
            write_npz(tmp / f"{key}.npz", **arrays)

    replace_dir(stage.path(OUT), build)
    stage.add_artifact(stage.path(OUT), "masks")
    stage.add_artifact(stage.path("reports/figures/imp_layers"), "figures/imp_layers")
    stage.add_artifact(
        write_text(stage.path("reports/plots/imp_layers.csv"), "\n".join(rows) + "\n"), "plots"
    )
    finest = min(p.fractions)
    metrics["finest"] = metrics[f"{round(finest * 100, 6):g}pct"]
    metrics["system"] = p.system
    metrics["n_replicas"] = r
    metrics["dense_loss"] = float(np.exp(np.log(result.loss[0]).mean()))
    stage.finish(metrics, method=METHOD)
