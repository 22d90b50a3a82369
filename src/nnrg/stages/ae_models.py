"""Stage ae_models: study 001 Table I. Shallow coarse-grainers / up-scalers (trained and
hard-coded) and the three deep models: Model-1 (autoencoder), Model-2 (hard-coded decimation
encoder, trained decoder), Model-3 (all four layers transferred from the trained shallow nets).
All linear, bias-free, hinge loss, L1 on the weights; lattices at beta = 0.4352."""

from __future__ import annotations

import numpy as np
import torch

from nnrg import plots_ae, plots_ising
from nnrg.models.autoencoder import LinearChain, ae_sizes, stack
from nnrg.models.training import History, evaluate, validation_split
from nnrg.physics.rg import decimation_matrices
from nnrg.stages import paths
from nnrg.stages.base import Stage
from nnrg.stages.io import read_npz, write_figure
from nnrg.stages.training_common import (
    AE_METHOD,
    as_tensor,
    fit,
    lattice_schema,
    save_curves,
    save_model,
    subset,
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


def losses(model, data_tr, data_va, data_te, key_in="spins", key_out="spins") -> dict:
    """Hinge losses of ``model`` on the train / validation / test tensors."""
    return {
        split: evaluate(model, d[key_in], d[key_out], "hinge")
        for split, d in (("train", data_tr), ("validation", data_va), ("test", data_te))
    }


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
    model1 = LinearChain(sizes)
    histories["model1"] = fit(stage, "model1", model1, data["spins"], data["spins"], tp, "hinge")
    model2 = LinearChain(sizes)
    model2.set_layer(0, w1, trainable=False)
    model2.set_layer(1, w2, trainable=False)
    histories["model2"] = fit(stage, "model2", model2, data["spins"], data["spins"], tp, "hinge")
    model3 = stack([nets[n] for n in SHALLOW])
    return nets, {"model1": model1, "model2": model2, "model3": model3}, histories


def main() -> None:
    stage = Stage("ae_models")
    torch.manual_seed(stage.section.training.seed)  # model initialisation is seeded
    data, split_tr, split_va, test, L = load_sets(stage)
    nets, deep, histories = train_models(stage, data, L)
    metrics: dict = {"models": {}, "shallow": {}}
    metrics.update(n_train=len(split_tr["spins"]), n_validation=len(split_va["spins"]))
    for name, model in deep.items():
        metrics["models"][name] = losses(model, split_tr, split_va, test)
    io_keys = {**{n: spec[1:] for n, spec in SHALLOW.items()}, **HARD_CODED}
    for name, net in nets.items():
        metrics["shallow"][name] = losses(net, split_tr, split_va, test, *io_keys[name])
    val = [metrics["models"][m]["validation"] for m in ("model1", "model2", "model3")]
    metrics["ordering_holds"] = bool(val[0] < val[1] < val[2])
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
    stage.add_artifact(
        write_figure(stage.path("reports/figures/ae_reconstructions.png"), fig), "figures"
    )
    weight_figures(stage, nets, deep["model1"])


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
    stage.add_artifact(write_figure(stage.path("reports/figures/ae_weights.png"), fig), "figures")
    fig = plots_ae.matrices(
        [
            (rg1 @ rg1.T)[:96, :96],
            (ae1 @ ae1.T)[:96, :96],
            (rg2 @ rg2.T)[:64, :64],
            (ae2 @ ae2.T)[:64, :64],
        ],
        ["W1 W1^T, RG-trained", "W1 W1^T, AE", "W2 W2^T, RG-trained", "W2 W2^T, AE"],
    )
    stage.add_artifact(
        write_figure(stage.path("reports/figures/ae_correlations.png"), fig), "figures"
    )
