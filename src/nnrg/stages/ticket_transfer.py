"""Stage ticket_transfer: winning-ticket transfer between the two HNNs (study 000, sec. 9).

For every ``every``-th whole-model IMP iteration, each source replica's mask is mapped to the
target's shapes (output layer: duplicated 2 -> 4; truncated / union / intersection 4 -> 2),
applied to the target replica's *own* initial weights (rewinding), and retrained with the
target's IMP recipe. A random mask with the same per-layer counts is the control. All
densities, strategies and replicas train at once as one batched model.
"""

from __future__ import annotations

import numpy as np

from nnrg import plots_hnn
from nnrg.analysis.imp_scaling import LossCurve, loss_curve, lowest_ticket_density
from nnrg.models.hnn import LAYERS, from_state_arrays
from nnrg.numerics.stats import mean_of_replicas
from nnrg.pruning.imp import train_hnn, unpack_masks
from nnrg.pruning.transfer import STRATEGIES, map_output_mask, random_like
from nnrg.stages.base import Stage
from nnrg.stages.hnn_common import METHOD, problem, training
from nnrg.stages.io import read_json, read_npz, write_figure, write_text

DIRECTIONS = (("oscillator", "henon_heiles"), ("henon_heiles", "oscillator"))
SHORT = {"oscillator": "NL", "henon_heiles": "HH"}


def imp_record(stage: Stage, system: str) -> dict[str, np.ndarray]:
    """The imp_global arrays of ``system``: initial weights, IMP masks, densities, losses."""
    names = [
        "imp_density",
        "imp_loss",
        *[
            f"{kind}_{n}"
            for n in LAYERS
            for kind in ("imp_mask", "initial_mask", "initial_weight", "initial_bias")
        ],
    ]
    return read_npz(stage.path(f"models/imp_global/{system}.npz"), require=dict.fromkeys(names))


def mapped_variants(
    source_masks: dict[str, np.ndarray], dim_target: int, controls: bool, rng: np.random.Generator
) -> dict[str, dict[str, np.ndarray]]:
    """Per variant, per layer: masks ``(n_d, R, *target shape)`` mapped from the source."""
    dim_source = source_masks["output"].shape[-1]
    names = ("duplicate",) if dim_target > dim_source else STRATEGIES
    variants = {}
    for name in names:
        strategy = "truncate" if name == "duplicate" else name
        variants[name] = {
            "input": source_masks["input"],
            "hidden": source_masks["hidden"],
            "output": map_output_mask(source_masks["output"], dim_target, strategy),
        }
    if controls:
        first = variants[names[0]]
        variants["random"] = {n: random_like(first[n], rng, batch_dims=2) for n in LAYERS}
    return variants


def transfer(stage: Stage, source: str, target: str) -> tuple[dict, dict, list[str]]:
    """Train every mapped mask on ``target``; curves and metrics for one direction."""
    p, gp = stage.section, stage.params.imp_global
    src, tgt = imp_record(stage, source), imp_record(stage, target)
    n_iter = src["imp_density"].shape[0]
    picked = np.unique(np.r_[np.arange(0, n_iter, p.every), n_iter - 1])
    shapes = {n: src[f"initial_mask_{n}"].shape[1:] for n in LAYERS}
    src_masks = {
        n: m[picked]
        for n, m in unpack_masks({n: src[f"imp_mask_{n}"] for n in LAYERS}, shapes).items()
    }
    dim_target = tgt["initial_weight_output"].shape[-1]
    rng = np.random.default_rng(p.seed)
    variants = mapped_variants(src_masks, dim_target, p.controls, rng)
    n_d, r = len(picked), src_masks["input"].shape[1]
    copies = len(variants) * n_d
    arrays = {}
    for n in LAYERS:
        arrays[f"weight_{n}"] = np.tile(tgt[f"initial_weight_{n}"], (copies, 1, 1))
        arrays[f"bias_{n}"] = np.tile(tgt[f"initial_bias_{n}"], (copies, 1))
        stacked = np.stack([v[n] for v in variants.values()])  # (V, n_d, R, ...)
        arrays[f"mask_{n}"] = stacked.reshape(copies * r, *stacked.shape[3:])
    model = from_state_arrays(arrays)
    prob = problem(stage.params, target)
    tr = training(getattr(gp.training, target), p.seed)
    bar = stage.progress(
        total=tr.epochs, desc=f"{SHORT[source]} -> {SHORT[target]}: {model.n_replicas} nets at once"
    )
    loss = train_hnn(model, prob, tr, progress=lambda _: bar.update())
    bar.close()
    loss = loss.reshape(len(variants), n_d, r)
    direct = tgt["imp_loss"][picked]
    density = src["imp_density"][picked].mean(axis=1)
    dense = float(np.exp(np.log(tgt["imp_loss"][0]).mean()))
    curves = {"direct IMP on target": loss_curve(density, direct)}
    metrics: dict = {
        "densities": int(n_d),
        "target_dense_loss": dense,
        "direct": {"lowest_ticket_density": _tickets(density, direct, dense, p.ticket_factor)},
    }
    for k, name in enumerate(variants):
        lv = loss[k]
        curves[f"transferred ({name})" if name != "random" else "random mask control"] = loss_curve(
            density, lv
        )
        log_ratio = np.log10(lv).mean(axis=1) - np.log10(direct).mean(axis=1)
        below = density < p.beat_below
        entry = {
            "lowest_ticket_density": _tickets(density, lv, dense, p.ticket_factor),
            "mean_log10_ratio_to_direct": float(log_ratio.mean()),
            "fraction_below_beating_direct": float((log_ratio[below] < 0).mean())
            if below.any()
            else float("nan"),
            "kept_density": float(
                sum(variants[name][n].sum() for n in LAYERS)
                / sum(variants[name][n].size for n in LAYERS)
            ),
        }
        # the same ratios per replica (replica j of every curve starts from the target's
        # initial weights j), averaged over densities: mean +- s.e. over replicas
        entry["log10_ratio_to_direct"] = mean_of_replicas(
            (np.log10(lv) - np.log10(direct)).mean(axis=0)
        ).as_dict()
        if name != "random" and "random" in variants:
            entry["mean_log10_ratio_to_random"] = float(
                (np.log10(lv).mean(axis=1) - np.log10(loss[-1]).mean(axis=1)).mean()
            )
            entry["log10_ratio_to_random"] = mean_of_replicas(
                (np.log10(lv) - np.log10(loss[-1])).mean(axis=0)
            ).as_dict()
        metrics[name] = entry
    rows = [
        f"{SHORT[source]}->{SHORT[target]},{label},{d:.6g},{c.mean[i]:.6g},"
        f"{c.low[i]:.6g},{c.high[i]:.6g}"
        for label, c in curves.items()
        for i, d in enumerate(c.density)
    ]
    return curves, metrics, rows


def _tickets(density: np.ndarray, loss: np.ndarray, dense: float, factor: float) -> float:
    """Lowest density of the unbroken run of losses within ``factor`` of the target's dense."""
    curve = loss_curve(density, loss)
    anchored = LossCurve(
        np.r_[1.0, curve.density],
        np.r_[dense, curve.mean],
        np.r_[dense, curve.low],
        np.r_[dense, curve.high],
    )
    return lowest_ticket_density(anchored, factor)


def sigma_prediction(stage: Stage, metrics: dict) -> dict:
    """Did the sigma signs predict transfer? The thesis expects tickets to transfer when the
    two nets share relevant / irrelevant directions; "transfer" here means the mapped masks
    beat random masks of equal per-layer density, in both directions."""
    imp = read_json(stage.path("reports/metrics/imp_global.json"))
    signs = {
        name: [np.sign(imp[name]["imp"]["sigma_fit"][layer]["mean"]) for layer in LAYERS]
        for name in SHORT
    }
    shared = signs["oscillator"] == signs["henon_heiles"]
    beats = all(
        metrics[key][variant]["mean_log10_ratio_to_random"] < 0
        for key, variant in (
            ("oscillator_to_henon_heiles", "duplicate"),
            ("henon_heiles_to_oscillator", "truncate"),
        )
    )
    return {
        "sigma_signs_shared": shared,
        "transfer_beats_random_both": beats,
        "sigma_prediction_holds": shared == beats,
    }


def main() -> None:
    stage = Stage("ticket_transfer", uses=("imp_global", "dynamics"))
    metrics, rows = {}, ["direction,curve,density,loss,loss_low,loss_high"]
    for source, target in DIRECTIONS:
        curves, m, r = transfer(stage, source, target)
        key = f"{source}_to_{target}"
        metrics[key] = m
        rows += r
        fig = plots_hnn.loss_vs_density(
            {
                f"{SHORT[source]} masks -> {SHORT[target]} network": {
                    label: (c, None) for label, c in curves.items()
                }
            },
            "density of the source IMP mask",
            f"ticket transfer {SHORT[source]} -> "
            f"{SHORT[target]} (geometric mean ± s.e. over replicas)",
        )
        stage.add_artifact(
            write_figure(stage.path(f"reports/figures/transfer_{key}.png"), fig), "figures"
        )
    nl_hh = metrics["oscillator_to_henon_heiles"]["duplicate"]["mean_log10_ratio_to_direct"]
    hh_nl = metrics["henon_heiles_to_oscillator"]["truncate"]["mean_log10_ratio_to_direct"]
    metrics["hh_to_nl_minus_nl_to_hh_log10_ratio"] = hh_nl - nl_hh
    errors = [
        metrics[k][v]["log10_ratio_to_direct"]
        for k, v in (
            ("oscillator_to_henon_heiles", "duplicate"),
            ("henon_heiles_to_oscillator", "truncate"),
        )
    ]
    metrics["hh_to_nl_minus_nl_to_hh"] = {  # independent replicas: errors add in quadrature
        "mean": hh_nl - nl_hh,
        "error": float(np.hypot(*[e["error"] for e in errors])),
        "n": min(e["n"] for e in errors),
    }
    if stage.section.controls:
        metrics.update(sigma_prediction(stage, metrics))
    stage.add_artifact(
        write_text(stage.path("reports/plots/ticket_transfer.csv"), "\n".join(rows) + "\n"), "plots"
    )
    stage.finish(metrics, method=METHOD)
