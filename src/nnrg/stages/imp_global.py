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

import numpy as np

from nnrg import plots_hnn
from nnrg.analysis.imp_scaling import loss_curve, scaling_fit
from nnrg.analysis.sigma import layer_sigmas, magnitude_shares
from nnrg.models.hnn import LAYERS, state_arrays, tiled
from nnrg.pruning.imp import ImpResult, PruneGroup
from nnrg.stages.base import Stage
from nnrg.stages.hnn_common import METHOD, SYSTEMS, new_model, problem, run_imp, training
from nnrg.stages.io import replace_dir, write_figure, write_npz, write_text

OUT = "models/imp_global"
TRAINED = ("imp", "random", "layer_normalised")
THESIS_SIGMA = {"oscillator": [2.48, -0.17, 5.24], "henon_heiles": [2.64, -0.12, 4.43]}


def thesis_sign_pattern(sigma: dict[str, dict]) -> bool:
    """sigma_1 > 0, sigma_2 < 0, sigma_3 > 0 (relevant, irrelevant, relevant)."""
    return sigma["input"]["mean"] > 0 > sigma["hidden"]["mean"] and sigma["output"]["mean"] > 0


def sigma_metrics(magnitudes: np.ndarray, fraction: float) -> dict:
    """Both sigma estimators per layer from summed |m theta| ``(n_iter, R, 3)``.

    Iterations after a layer has lost every weight (share 0) are left out of the estimate.
    """
    shares = np.transpose(magnitude_shares(magnitudes), (1, 0, 2))
    alive = np.flatnonzero(~(shares > 0).all(axis=(0, 2)))
    n_used = alive[0] if len(alive) else shares.shape[1]
    est = layer_sigmas(shares[:, :n_used], fraction)
    out = {
        f"sigma_{name}": {layer: e.as_dict() for layer, e in zip(LAYERS, values, strict=True)}
        for name, values in est.items()
    }
    out["iterations_used"] = int(n_used)
    # The ratio estimator telescopes: mean_n log(M(n+1)/M(n)) = log(M(N)/M(0)) / N, and
    # M(N) <= 1, so sigma_ratio <= -log M(0) / (N log c) whatever the training does.
    if n_used > 1:
        bound = -np.log(shares[:, 0]).max(axis=0) / ((n_used - 1) * np.log(1 / (1 - fraction)))
        out["sigma_ratio_upper_bound"] = dict(zip(LAYERS, bound.tolist(), strict=True))
    for name in ("ratio", "fit"):
        out[f"thesis_sign_pattern_{name}"] = thesis_sign_pattern(out[f"sigma_{name}"])
    return out


def split(result: ImpResult, k: int, r: int) -> ImpResult:
    """The replicas of method ``k`` (rows k*r .. (k+1)*r) of a batched result."""
    rows = slice(k * r, (k + 1) * r)
    return ImpResult(
        result.density[:, rows],
        result.loss[:, rows],
        result.layer_density[:, rows],
        result.layer_magnitude[:, rows],
        {n: bits[:, rows] for n, bits in result.masks.items()},
    )


def run_system(stage: Stage, name: str, k_system: int) -> tuple[dict, dict, list[str]]:
    """All methods for one system: results, metrics and CSV rows."""
    p = stage.section
    prob = problem(stage.params, name)
    seed = p.seed + 100 * k_system
    base = new_model(p.n_replicas, prob, p.hidden, seed)
    r = p.n_replicas
    methods = TRAINED if p.controls else TRAINED[:1]
    groups = [
        PruneGroup(k * r, (k + 1) * r, LAYERS, "magnitude" if m == "imp" else m, p.fraction)
        for k, m in enumerate(methods)
    ]
    tr = training(getattr(p.training, name), seed)
    label = f"{name} whole-model IMP" + (" + controls" if p.controls else "")
    batched = run_imp(stage, tiled(base, len(methods)), prob, tr, groups, p.iterations, label)
    results = {m: split(batched, k, r) for k, m in enumerate(methods)}
    if p.controls:
        results["no_retraining"] = run_imp(
            stage,
            tiled(base, 1),
            prob,
            tr,
            [PruneGroup(0, r, LAYERS, fraction=p.fraction)],
            p.iterations,
            f"{name} no-retraining control",
            retrain=False,
        )
    metrics: dict = {"initial_weights": state_arrays(base)}
    rows = []
    for method, res in results.items():
        entry = sigma_metrics(res.layer_magnitude, p.fraction)
        curve = loss_curve(res.density, res.loss)
        if method != "no_retraining":
            entry["scaling"] = scaling_fit(res.density, res.loss, p.ticket_factor).as_dict()
            entry["final_density"] = float(curve.density[-1])
        rows += [
            f"{name},{method},{i},{d:.6g},{m:.6g},{lo:.6g},{hi:.6g}"
            for i, (d, m, lo, hi) in enumerate(
                zip(curve.density, curve.mean, curve.low, curve.high, strict=True)
            )
        ]
        metrics[method] = entry
    return results, metrics, rows


def sign_verdict(system_metrics: dict) -> dict:
    """Is the thesis's sign pattern produced by training, i.e. present under IMP and absent
    under every control? Judged with the fit estimator (robust to noisy steps)."""
    imp_pattern = system_metrics["imp"]["thesis_sign_pattern_fit"]
    controls = {
        m: system_metrics[m]["thesis_sign_pattern_fit"]
        for m in ("random", "layer_normalised", "no_retraining")
        if m in system_metrics
    }
    signs = {
        m: [np.sign(system_metrics[m]["sigma_fit"][layer]["mean"]) for layer in LAYERS]
        for m in ("imp", "no_retraining")
        if m in system_metrics
    }
    from_init = (
        sum(a == b for a, b in zip(signs["imp"], signs["no_retraining"], strict=True))
        if len(signs) == 2
        else -1
    )
    return {
        "imp_has_pattern": imp_pattern,
        "controls_with_pattern": sum(controls.values()),
        "pattern_produced_by_training": bool(
            imp_pattern and controls and not any(controls.values())
        ),
        "imp_signs_matched_without_training": int(from_init),
    }


def main() -> None:
    stage = Stage("imp_global", uses=("dynamics",))
    p = stage.section
    all_results, metrics = {}, {}
    rows = ["system,method,iteration,density,loss,loss_low,loss_high"]
    table = ["system,method,estimator,layer,sigma,sigma_error,thesis"]
    for k, name in enumerate(SYSTEMS):
        results, m, r = run_system(stage, name, k)
        initial = m.pop("initial_weights")
        all_results[name] = (results, initial)
        metrics[name] = {**m, **sign_verdict(m)} if p.controls else m
        rows += r
        for method in results:
            for est in ("ratio", "fit"):
                for i, layer in enumerate(LAYERS):
                    e = m[method][f"sigma_{est}"][layer]
                    table.append(
                        f"{name},{method},{est},{layer},{e['mean']:.4g},"
                        f"{e['error']:.2g},{THESIS_SIGMA[name][i]}"
                    )
        panels = {
            name: {
                method: (
                    loss_curve(res.density, res.loss),
                    scaling_fit(res.density, res.loss, p.ticket_factor)
                    if method == "imp"
                    else None,
                )
                for method, res in results.items()
                if method != "no_retraining"
            }
        }
        fig = plots_hnn.loss_vs_density(
            panels,
            "density (fraction of weights kept)",
            f"{name}: whole-model pruning at {p.fraction:g} per step "
            f"({p.n_replicas} replicas, geometric mean ± s.e.)",
        )
        stage.add_artifact(
            write_figure(stage.path(f"reports/figures/imp_global_{name}.png"), fig), "figures"
        )
    sigma_rows = {
        name: {
            method: (
                np.array([metrics[name][method]["sigma_fit"][layer]["mean"] for layer in LAYERS]),
                np.array([metrics[name][method]["sigma_fit"][layer]["error"] for layer in LAYERS]),
            )
            for method in all_results[name][0]
        }
        for name in SYSTEMS
    }
    stage.add_artifact(
        write_figure(
            stage.path("reports/figures/imp_sigma.png"),
            plots_hnn.sigma_table(sigma_rows, THESIS_SIGMA),
        ),
        "figures",
    )

    def build(tmp):
        for name, (results, initial) in all_results.items():
            arrays = {f"initial_{k}": v for k, v in initial.items()}
            for method, res in results.items():
                arrays.update(
                    {
                        f"{method}_density": res.density,
                        f"{method}_loss": res.loss,
                        f"{method}_layer_magnitude": res.layer_magnitude,
                        **{f"{method}_mask_{n}": b for n, b in res.masks.items()},
                    }
                )
            write_npz(tmp / f"{name}.npz", **arrays)

    replace_dir(stage.path(OUT), build)
    stage.add_artifact(stage.path(OUT), "masks")
    stage.add_artifact(
        write_text(stage.path("reports/plots/imp_global.csv"), "\n".join(rows) + "\n"), "plots"
    )
    stage.add_artifact(
        write_text(stage.path("reports/tables/imp_sigma.csv"), "\n".join(table) + "\n"), "tables"
    )
    metrics["sign_pattern_both_systems"] = all(
        metrics[name]["imp"]["thesis_sign_pattern_ratio"] for name in SYSTEMS
    )
    if p.controls:
        metrics["pattern_produced_by_training_both_systems"] = all(
            metrics[name]["pattern_produced_by_training"] for name in SYSTEMS
        )
    metrics["fraction"] = p.fraction
    metrics["iterations"] = p.iterations
    metrics["n_replicas"] = p.n_replicas
    stage.finish(metrics, method=METHOD)
