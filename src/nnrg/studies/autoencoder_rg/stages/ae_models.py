"""Stage ae_models: study 001 Table I. Shallow coarse-grainers / up-scalers (trained and
hard-coded) and the three deep models: Model-1 (autoencoder), Model-2 (hard-coded decimation
encoder, trained decoder), Model-3 (all four layers transferred from the trained shallow nets).
All linear, bias-free, hinge loss, L1 on the weights; lattices at beta = 0.4352."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import torch

from nnrg.core.declare import StageSpec
from nnrg.core.io import read_npz, write_figure
from nnrg.core.stage import Stage
from nnrg.ising import plots as plots_ising
from nnrg.ising.decimation import decimation_matrices
from nnrg.studies.autoencoder_rg import paths
from nnrg.studies.autoencoder_rg import plots as plots_ae
from nnrg.studies.autoencoder_rg.analysis.weights import kept_sites, structure
from nnrg.studies.autoencoder_rg.autoencoder import LinearChain, ae_sizes, stack
from nnrg.studies.autoencoder_rg.params import AeModelsParams, IsingCriticalParams
from nnrg.studies.autoencoder_rg.stages.common import AE_METHOD, as_tensor, lattice_schema, subset
from nnrg.training.loop import History, evaluate, keras_loss, validation_split
from nnrg.training.params import TrainingParams
from nnrg.training.runs import fit, save_curves, save_model, validation_loss_plot

FIGURE_AE_RECONSTRUCTIONS = "reports/figures/ae_reconstructions.png"
FIGURE_AE_WEIGHTS = "reports/figures/ae_weights.png"
FIGURE_AE_CORRELATIONS = "reports/figures/ae_correlations.png"
CURVES_AE_MODELS_LOSS = "reports/plots/ae_models_loss.csv"


STAGE = StageSpec(
    "ae_models",
    AeModelsParams,
    reads={"ising_critical": IsingCriticalParams},
    tracks=("pipeline.device",),
    deps=(paths.ISING_CRITICAL,),
    outs=(
        "models/ae_models",
        "reports/figures/ae_models_training.png",
        FIGURE_AE_RECONSTRUCTIONS,
        FIGURE_AE_WEIGHTS,
        FIGURE_AE_CORRELATIONS,
        "reports/figures/ae_weights_full.png",
        "reports/figures/ae_correlations_full.png",
        CURVES_AE_MODELS_LOSS,
    ),
    headline=(
        "models.model1.validation",
        "model2_over_model1",
        "ordering_holds",
    ),
    smoke={"training": {"epochs": 1}},
    plots={
        "training_validation_loss": validation_loss_plot(CURVES_AE_MODELS_LOSS),
    },
)


OUT = "models/ae_models"
# Table I's shallow nets, named after the paper's rows (L = 32); layer k of the deep chain
# (sizes from ``ae_sizes``) with its input and target lattices
SHALLOW = {
    "cg_1024_512": (0, "spins", "decimated_1"),
    "cg_512_256": (1, "decimated_1", "decimated_2"),
    "up_256_512": (2, "decimated_2", "decimated_1"),
    "up_512_1024": (3, "decimated_1", "spins"),
}
HARD_CODED = {
    "hcg_1024_512": ("spins", "decimated_1"),
    "hcg_512_256": ("decimated_1", "decimated_2"),
}


def losses(model, data_tr, data_va, data_te, l1: float, key_in="spins", key_out="spins") -> dict:
    """Hinge losses of ``model`` on the train / validation / test tensors: the data loss, and
    in Keras's units (``<split>_with_l1``: plus l1 sum |W| over every weight matrix)."""
    out = {}
    for split, d in (("train", data_tr), ("validation", data_va), ("test", data_te)):
        out[split] = evaluate(model, d[key_in], d[key_out], "hinge")
        out[f"{split}_with_l1"] = keras_loss(model, out[split], l1)
    return out


def load_sets(stage: Stage) -> tuple[dict, dict, dict, dict, int]:
    """(train subset, its train split, its validation split, test) tensors, and L."""
    p, tp, L = stage.section, stage.section.training, stage.params.ising_critical.L
    schema = {**lattice_schema(L), "decimated_1": None, "decimated_2": None}
    raw = read_npz(stage.path(f"{paths.ISING_CRITICAL}/train.npz"), require=schema)
    test_raw = read_npz(stage.path(f"{paths.ISING_CRITICAL}/test.npz"), require=schema)
    keep = subset(len(raw["spins"]), p.n_train, tp.seed)
    data = {k: as_tensor(v[keep]) for k, v in raw.items()}
    test = {k: as_tensor(v) for k, v in test_raw.items()}
    tr, va = validation_split(len(keep), tp.validation_fraction, tp.seed)
    return data, {k: v[tr] for k, v in data.items()}, {k: v[va] for k, v in data.items()}, test, L


def train_deep(stage: Stage, data: dict, L: int, tp: TrainingParams, tag: str = "") -> tuple:
    """Model-1 (autoencoder) and Model-2 (hard-coded decimation encoder, trained decoder),
    trained with ``tp``; their histories."""
    sizes, (w1, w2) = ae_sizes(L * L), decimation_matrices(L)
    model1 = LinearChain(sizes)
    h1 = fit(stage, f"model1{tag}", model1, data["spins"], data["spins"], tp, "hinge")
    model2 = LinearChain(sizes)
    model2.set_layer(0, w1, trainable=False)
    model2.set_layer(1, w2, trainable=False)
    h2 = fit(stage, f"model2{tag}", model2, data["spins"], data["spins"], tp, "hinge")
    return {"model1": model1, "model2": model2}, {"model1": h1, "model2": h2}


def l1_sweep(stage: Stage, data: dict, splits: tuple[dict, dict, dict], L: int) -> dict:
    """Models 1 and 2 retrained at each ``l1_sweep`` strength: their losses with and without
    the penalty, and whether Model-1 < Model-2 holds (Model-3 needs no training at all: its
    layers are the shallow nets')."""
    out = {}
    for l1 in stage.section.l1_sweep:
        tp = dataclasses.replace(stage.section.training, l1=float(l1))
        deep, _ = train_deep(stage, data, L, tp, tag=f" l1={l1:g}")
        row: dict[str, Any] = {name: losses(m, *splits, float(l1)) for name, m in deep.items()}
        row["model1_below_model2"] = bool(row["model1"]["validation"] < row["model2"]["validation"])
        out[f"l1_{l1:g}".replace(".", "p").replace("-", "m")] = row
    return out


def train_models(stage: Stage, data: dict, L: int) -> tuple[dict, dict, dict]:
    """Shallow nets (trained and hard-coded), Models 1-3, and the training histories."""
    tp, sizes = stage.section.training, ae_sizes(L * L)
    w1, w2 = decimation_matrices(L)
    histories: dict[str, History] = {}
    nets: dict[str, LinearChain] = {}
    for name, (k, key_in, key_out) in SHALLOW.items():
        nets[name] = LinearChain(sizes[k : k + 2])
        histories[name] = fit(stage, name, nets[name], data[key_in], data[key_out], tp, "hinge")
    for name, w in zip(HARD_CODED, (w1, w2), strict=True):
        nets[name] = LinearChain(w.shape)
        nets[name].set_layer(0, w, trainable=False)
    deep, deep_histories = train_deep(stage, data, L, tp)
    histories.update(deep_histories)
    deep["model3"] = stack([nets[n] for n in SHALLOW])
    return nets, deep, histories


def main() -> None:
    stage = Stage(STAGE)
    torch.manual_seed(stage.section.training.seed)  # model initialisation is seeded
    data, split_tr, split_va, test, L = load_sets(stage)
    nets, deep, histories = train_models(stage, data, L)
    l1, splits = stage.section.training.l1, (split_tr, split_va, test)
    metrics: dict = {"models": {}, "shallow": {}, "l1": l1}
    metrics.update(n_train=len(split_tr["spins"]), n_validation=len(split_va["spins"]))
    for name, model in deep.items():
        metrics["models"][name] = losses(model, *splits, l1)
    io_keys = {**{n: spec[1:] for n, spec in SHALLOW.items()}, **HARD_CODED}
    for name, net in nets.items():
        metrics["shallow"][name] = losses(net, *splits, l1, *io_keys[name])
    metrics["epochs_run"] = {name: len(h.train) for name, h in histories.items()}
    metrics["l1_sweep"] = l1_sweep(stage, data, splits, L)
    metrics["weights"] = weight_structure(nets, deep["model1"], L)
    val = [metrics["models"][m]["validation"] for m in ("model1", "model2", "model3")]
    metrics["ordering_holds"] = bool(val[0] < val[1] < val[2])
    keras = [metrics["models"][m]["validation_with_l1"] for m in ("model1", "model2")]
    metrics["model2_over_model1"] = keras[1] / keras[0]
    for name, model in {**nets, **deep}.items():
        save_model(stage, f"{OUT}/{name}.npz", model)
    save_curves(stage, "ae_models", histories)
    make_figures(stage, test, deep, nets, L)
    stage.finish(metrics, method=AE_METHOD)


def make_figures(stage: Stage, test: dict, deep: dict, nets: dict, L: int) -> None:
    """Reconstructions (fig. 10), then the weight figures."""
    x = test["spins"][:2]
    panels, titles = [], []
    with torch.no_grad():
        for k in range(2):
            panels.append(x[k].reshape(L, L).numpy())
            titles.append("input")
            for name, model in deep.items():
                panels.append(np.sign(model(x[k : k + 1])).reshape(L, L).numpy())
                titles.append(f"{name} (sign)")
    fig = plots_ising.lattice_panels(panels, titles, ncols=4)
    stage.add_artifact(write_figure(stage.path(FIGURE_AE_RECONSTRUCTIONS), fig), "figures")
    weight_figures(stage, nets, deep["model1"])


def weight_structure(nets: dict, model1: LinearChain, L: int) -> dict:
    """Sec. III B in numbers (``analysis.weights``): sparsity, locality and W W^T bands of the
    first two encoder layers, RG-trained (CG shallow nets), Model-1 (AE) and hard-coded."""
    hard1, hard2 = nets["hcg_1024_512"].weight(0), nets["hcg_512_256"].weight(0)
    kept1, kept2 = kept_sites(hard1), kept_sites(hard2)
    layers = {
        "rg_trained": (nets["cg_1024_512"].weight(0), nets["cg_512_256"].weight(0)),
        "ae": (model1.weight(0), model1.weight(1)),
        "hard_coded": (hard1, hard2),
    }
    out = {
        name: {"w1": structure(w1, kept1, L, L), "w2": structure(w2, kept2, L, L // 2)}
        for name, (w1, w2) in layers.items()
    }
    out["rg_minus_ae"] = {
        layer: {
            "top5_mass": out["rg_trained"][layer]["top5_mass"] - out["ae"][layer]["top5_mass"],
            **{f"band_{k}": out["rg_trained"][layer]["band_ratios"][k]
               - out["ae"][layer]["band_ratios"][k] for k in ("k16", "k32")},
        }
        for layer in ("w1", "w2")
    }  # fmt: skip
    return out


def weight_figures(stage: Stage, nets: dict, model1: LinearChain) -> None:
    """Weights (fig. 11) and W W^T (fig. 12), zoomed, RG-trained next to Model-1."""
    rg1, ae1 = nets["cg_1024_512"].weight(0), model1.weight(0)
    rg2, ae2 = nets["cg_512_256"].weight(0), model1.weight(1)
    fig = plots_ae.matrices(
        [rg1[:96, :48], ae1[:96, :48], rg2[:64, :32], ae2[:64, :32]],
        [
            "W1 trained on RG (CG-1024-512), zoom",
            "W1 of Model-1 (AE), zoom",
            "W2 trained on RG (CG-512-256), zoom",
            "W2 of Model-1 (AE), zoom",
        ],
    )
    stage.add_artifact(write_figure(stage.path(FIGURE_AE_WEIGHTS), fig), "figures")
    fig = plots_ae.matrices(
        [
            (rg1 @ rg1.T)[:96, :96],
            (ae1 @ ae1.T)[:96, :96],
            (rg2 @ rg2.T)[:64, :64],
            (ae2 @ ae2.T)[:64, :64],
        ],
        ["W1 W1^T, RG-trained", "W1 W1^T, AE", "W2 W2^T, RG-trained", "W2 W2^T, AE"],
    )
    stage.add_artifact(write_figure(stage.path(FIGURE_AE_CORRELATIONS), fig), "figures")
    full = {  # figs. B.1-B.4: the whole matrices, RG-trained next to Model-1
        "ae_weights_full.png": ([rg1, ae1, rg2, ae2], ["W1, RG-trained", "W1, AE (Model-1)",
                                                        "W2, RG-trained", "W2, AE (Model-1)"]),
        "ae_correlations_full.png": ([rg1 @ rg1.T, ae1 @ ae1.T, rg2 @ rg2.T, ae2 @ ae2.T],
                                     ["W1 W1^T, RG-trained", "W1 W1^T, AE", "W2 W2^T, RG-trained",
                                      "W2 W2^T, AE"]),
    }  # fmt: skip
    for name, (mats, titles) in full.items():
        path = stage.path(f"reports/figures/{name}")
        stage.add_artifact(write_figure(path, plots_ae.matrices(mats, titles)), "figures")
