"""Stage ticket_transfer: winning-ticket transfer between the two HNNs (study 000, sec. 9).

For every ``every``-th whole-model IMP iteration, each source replica's mask is mapped to the
target's shapes (output layer: duplicated 2 -> 4; truncated / union / intersection 4 -> 2),
applied to the target replica's *own* initial weights (rewinding), and retrained with the
target's IMP recipe. A random mask with the same per-layer counts is the control. All
densities, strategies and replicas train at once as one batched model.
"""

from __future__ import annotations

import numpy as np

from nnrg.core.declare import Plot, StageSpec, record_path
from nnrg.core.io import read_json, write_csv, write_figure
from nnrg.core.stage import Stage
from nnrg.numerics.stats import Estimate, difference
from nnrg.studies.imp_hnn import paths
from nnrg.studies.imp_hnn import plots as plots_hnn
from nnrg.studies.imp_hnn.analysis.imp_scaling import (
    anchored_ticket_density,
    loss_curve,
    transfer_comparison,
)
from nnrg.studies.imp_hnn.analysis.transfer_readouts import figure_readouts
from nnrg.studies.imp_hnn.archive import ImpArchive
from nnrg.studies.imp_hnn.hnn import LAYERS, BatchedHNN, from_state_arrays
from nnrg.studies.imp_hnn.params import DynamicsParams, ImpGlobalParams, TicketTransferParams
from nnrg.studies.imp_hnn.stages.common import METHOD, problem, training
from nnrg.studies.imp_hnn.training import train_hnn, train_split
from nnrg.studies.imp_hnn.transfer import STRATEGIES, map_output_mask, random_like

CURVES_TICKET_TRANSFER = "reports/plots/ticket_transfer.csv"


TICKET_TRANSFER_VS_DENSITY_PLOT = Plot(
    "nnrg_transfer_vs_density",
    "Study 000: ticket transfer between the oscillator and Henon-Heiles (default profile)",
    "density",
    {CURVES_TICKET_TRANSFER: "loss"},
    "density (fraction of weights kept)",
    "target loss (geometric mean, band ± s.e.)",
)


STAGE = StageSpec(
    "ticket_transfer",
    TicketTransferParams,
    uses={"imp_global": ImpGlobalParams, "dynamics": DynamicsParams},
    tracks=(
        "imp_global.training",
        "dynamics",
        "pipeline.device",
    ),
    deps=(
        paths.IMP_GLOBAL,
        record_path("imp_analysis"),
    ),
    outs=(
        "reports/figures/transfer_oscillator_to_henon_heiles.png",
        "reports/figures/transfer_henon_heiles_to_oscillator.png",
        CURVES_TICKET_TRANSFER,
    ),
    headline=(
        "hh_to_nl_minus_nl_to_hh.mean",
        "hh_to_nl_minus_nl_to_hh.error",
        "transfer_beats_random_both",
    ),
    plots={
        "ticket_transfer_vs_density": TICKET_TRANSFER_VS_DENSITY_PLOT,
        "ticket_transfer_vs_density_paper_budget": TICKET_TRANSFER_VS_DENSITY_PLOT.in_result_set(
            "paper_budget", "Study 000: ticket transfer, paper-budget result set"
        ),
    },
)


DIRECTIONS = (("oscillator", "henon_heiles"), ("henon_heiles", "oscillator"))
SHORT = {"oscillator": "NL", "henon_heiles": "HH"}
# each direction's main mapping: outputs duplicated 2 -> 4, truncated 4 -> 2
MAIN_VARIANTS = (
    ("oscillator_to_henon_heiles", "duplicate"),
    ("henon_heiles_to_oscillator", "truncate"),
)


def imp_archive(stage: Stage, system: str) -> ImpArchive:
    """The imp_global run of ``system``: initial network and the IMP result."""
    return ImpArchive.load(stage.path(f"{paths.IMP_GLOBAL}/{system}.npz"))


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


def transfer_model(tgt: ImpArchive, variants: dict, n_d: int, r: int) -> BatchedHNN:
    """One batched model: every variant's masks at every density on the target's own initial
    weights (replica j of each copy rewinds to the target's replica j)."""
    copies = len(variants) * n_d
    arrays = {}
    for n in LAYERS:
        arrays[f"weight_{n}"] = np.tile(tgt.initial[f"weight_{n}"], (copies, 1, 1))
        arrays[f"bias_{n}"] = np.tile(tgt.initial[f"bias_{n}"], (copies, 1))
        stacked = np.stack([v[n] for v in variants.values()])  # (V, n_d, R, ...)
        arrays[f"mask_{n}"] = stacked.reshape(copies * r, *stacked.shape[3:])
    return from_state_arrays(arrays)


def source_masks(stage: Stage, src: ImpArchive, tgt: ImpArchive) -> tuple[np.ndarray, dict]:
    """The IMP iterations used (every ``every``-th, the last, and those in ``also``) and the
    mapped masks."""
    p = stage.section
    n_iter = src.results["imp"].density.shape[0]
    also = [int(i) for i in p.also if 0 <= int(i) < n_iter]
    picked = np.unique(np.r_[np.arange(0, n_iter, p.every), n_iter - 1, also]).astype(int)
    masks = src.masks("imp").at(picked)
    dim_target = tgt.shapes["output"][-1]
    rng = np.random.default_rng(p.seed)
    return picked, mapped_variants(masks, dim_target, p.controls, rng)


def transfer(stage: Stage, source: str, target: str) -> tuple[dict, dict, list]:
    """Train every mapped mask on ``target``; curves, metrics and CSV rows for one direction."""
    p, gp = stage.section, stage.params.imp_global
    src, tgt = imp_archive(stage, source), imp_archive(stage, target)
    picked, variants = source_masks(stage, src, tgt)
    n_d, r = len(picked), variants[next(iter(variants))]["input"].shape[1]
    model = transfer_model(tgt, variants, n_d, r)
    tr = training(stage, getattr(gp.training, target), p.seed)
    prob = problem(stage.params.dynamics, target, stage.device)
    model = model.to(stage.device)
    if stage.fans_out:  # blocks of replicas as units, the same losses
        n_units = stage.unit_count(model.n_replicas)
        desc = f"{SHORT[source]} -> {SHORT[target]}: {model.n_replicas} nets in {n_units} units"
        loss = train_split(model, prob, tr, n_units,
                           lambda fn, units: stage.run_units(fn, units, desc))  # fmt: skip
    else:
        desc = f"{SHORT[source]} -> {SHORT[target]}: {model.n_replicas} nets at once"
        bar = stage.progress(total=tr.recipe.epochs, desc=desc)
        loss = train_hnn(model, prob, tr, progress=lambda _: bar.update())
        bar.close()
    loss = loss.reshape(len(variants), n_d, r)
    direct = tgt.results["imp"].loss[picked]
    density = src.results["imp"].density[picked].mean(axis=1)
    dense = float(np.exp(np.log(tgt.results["imp"].loss[0]).mean()))
    curves = {"direct IMP on target": loss_curve(density, direct)}
    ticket = anchored_ticket_density(density, direct, dense, p.ticket_factor)
    metrics: dict = {"densities": int(n_d), "target_dense_loss": dense}
    metrics["direct"] = {"lowest_ticket_density": ticket}
    random = loss[-1] if "random" in variants else None
    for k, name in enumerate(variants):
        label = f"transferred ({name})" if name != "random" else "random mask control"
        curves[label] = loss_curve(density, loss[k])
        metrics[name] = transfer_comparison(
            density,
            loss[k],
            direct,
            dense,
            p.ticket_factor,
            p.beat_below,
            random if name != "random" else None,
        )
        metrics[name]["figure"] = figure_readouts(density, loss[k], direct, dense)
        kept = sum(variants[name][n].sum() for n in LAYERS)
        metrics[name]["kept_density"] = float(kept / sum(variants[name][n].size for n in LAYERS))
    direction = f"{SHORT[source]}->{SHORT[target]}"
    rows = [(direction, label, d, c.mean[i], c.low[i], c.high[i])
            for label, c in curves.items() for i, d in enumerate(c.density)]  # fmt: skip
    return curves, metrics, rows


def sigma_prediction(stage: Stage, metrics: dict) -> dict:
    """Did the sigma signs (sec. 5.2's literal estimator) predict transfer? The thesis expects
    tickets to transfer when the two nets share relevant / irrelevant directions; "transfer"
    here means the mapped masks beat random masks of equal per-layer density, in both
    directions."""
    imp = read_json(stage.path(record_path("imp_analysis")))
    signs = {
        name: [np.sign(imp[name]["imp"]["sigma_literal"][layer]["mean"]) for layer in LAYERS]
        for name in SHORT
    }
    shared = signs["oscillator"] == signs["henon_heiles"]
    beats = all(metrics[k][v]["mean_log10_ratio_to_random"] < 0 for k, v in MAIN_VARIANTS)
    return {
        "sigma_signs_shared": shared,
        "transfer_beats_random_both": beats,
        "sigma_prediction_holds": shared == beats,
    }


def asymmetry(metrics: dict) -> dict:
    """HH -> NL minus NL -> HH in mean log10 loss ratio to direct IMP (independent replicas:
    errors add in quadrature)."""
    errors = [metrics[k][v]["log10_ratio_to_direct"] for k, v in MAIN_VARIANTS]
    nl_hh = metrics["oscillator_to_henon_heiles"]["duplicate"]["mean_log10_ratio_to_direct"]
    hh_nl = metrics["henon_heiles_to_oscillator"]["truncate"]["mean_log10_ratio_to_direct"]
    return {
        "hh_to_nl_minus_nl_to_hh_log10_ratio": hh_nl - nl_hh,
        "hh_to_nl_minus_nl_to_hh": {
            "mean": hh_nl - nl_hh,
            "error": float(np.hypot(*[e["error"] for e in errors])),
            "n": min(e["n"] for e in errors),
        },
    }


def distance_asymmetry(metrics: dict) -> dict:
    """HH -> NL minus NL -> HH in mean |log10 ratio| to direct IMP: the thesis's "closer
    proximity of the performance curves" read as a distance (independent replicas)."""
    nl_hh, hh_nl = (Estimate(**metrics[k][v]["abs_log10_ratio_to_direct"])
                    for k, v in MAIN_VARIANTS)  # fmt: skip
    return difference(hh_nl, nl_hh)


def main() -> None:
    stage = Stage(STAGE)
    metrics, rows = {}, []
    for source, target in DIRECTIONS:
        curves, metrics[f"{source}_to_{target}"], r = transfer(stage, source, target)
        rows += r
        panel = {label: (c, None) for label, c in curves.items()}
        title = (f"ticket transfer {SHORT[source]} -> {SHORT[target]} (geometric mean ± s.e. "
                 f"over replicas)")  # fmt: skip
        fig = plots_hnn.loss_vs_density(
            {f"{SHORT[source]} masks -> {SHORT[target]} network": panel},
            "density of the source IMP mask",
            title,
        )
        path = stage.path(f"reports/figures/transfer_{source}_to_{target}.png")
        stage.add_artifact(write_figure(path, fig), "figures")
    metrics.update(asymmetry(metrics))
    metrics["hh_to_nl_minus_nl_to_hh_distance"] = distance_asymmetry(metrics)
    if stage.section.controls:
        metrics.update(sigma_prediction(stage, metrics))
    columns = ["direction", "curve", "density", "loss", "loss_low", "loss_high"]
    table = write_csv(stage.path(CURVES_TICKET_TRANSFER), columns, rows,
                      dict.fromkeys(columns[2:], ".6g"))  # fmt: skip
    stage.add_artifact(table, "plots")
    stage.finish(metrics, method=METHOD)
