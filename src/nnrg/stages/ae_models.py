"""Stage ae_models: study 001 Table I. Shallow coarse-grainers / up-scalers (trained and
hard-coded) and the three deep models: Model-1 (autoencoder), Model-2 (hard-coded decimation
encoder, trained decoder), Model-3 (all four layers transferred from the trained shallow nets).
All linear, bias-free, hinge loss, L1 on the weights; lattices at beta = 0.4352."""

from __future__ import annotations

import numpy as np
import torch

from nnrg import plots_ae, plots_ising
from nnrg.models.autoencoder import AE_SIZES, LinearChain, stack
from nnrg.models.training import History, evaluate, validation_split
from nnrg.physics.rg import decimation_matrices
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
SHALLOW = {  # name: (sizes, input key, target key)
    "cg_1024_512": ((1024, 512), "spins", "decimated_1"),
    "cg_512_256": ((512, 256), "decimated_1", "decimated_2"),
    "up_256_512": ((256, 512), "decimated_2", "decimated_1"),
    "up_512_1024": ((512, 1024), "decimated_1", "spins"),
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


def main() -> None:
    stage = Stage("ae_models")
    p, tp = stage.section, stage.section.training
    torch.manual_seed(tp.seed)  # model initialisation is part of the seeded run
    schema = {
        **lattice_schema(stage.params.ising_critical.L),
        "decimated_1": None,
        "decimated_2": None,
    }
    raw = read_npz(stage.path("data/ising_critical/train.npz"), require=schema)
    test_raw = read_npz(stage.path("data/ising_critical/test.npz"), require=schema)
    keep = subset(len(raw["spins"]), p.n_train, tp.seed)
    data = {k: as_tensor(v[keep]) for k, v in raw.items()}
    test = {k: as_tensor(v) for k, v in test_raw.items()}
    tr, va = validation_split(len(keep), tp.validation_fraction, tp.seed)
    split_tr = {k: v[tr] for k, v in data.items()}
    split_va = {k: v[va] for k, v in data.items()}
    w1, w2 = decimation_matrices(32)

    histories: dict[str, History] = {}
    nets: dict[str, LinearChain] = {}
    for name, (sizes, key_in, key_out) in SHALLOW.items():
        nets[name] = LinearChain(sizes)
        histories[name] = fit(stage, name, nets[name], data[key_in], data[key_out], tp, "hinge")
    for name, w in zip(HARD_CODED, (w1, w2), strict=True):
        nets[name] = LinearChain(w.shape)
        nets[name].set_layer(0, w, trainable=False)
    model1 = LinearChain(AE_SIZES)
    histories["model1"] = fit(stage, "model1", model1, data["spins"], data["spins"], tp, "hinge")
    model2 = LinearChain(AE_SIZES)
    model2.set_layer(0, w1, trainable=False)
    model2.set_layer(1, w2, trainable=False)
    histories["model2"] = fit(stage, "model2", model2, data["spins"], data["spins"], tp, "hinge")
    model3 = stack([nets[n] for n in SHALLOW])
    deep = {"model1": model1, "model2": model2, "model3": model3}

    metrics: dict = {"models": {}, "shallow": {}, "n_train": len(tr), "n_validation": len(va)}
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
    make_figures(stage, test, deep, nets, model1)
    stage.finish(metrics, method=AE_METHOD)


def make_figures(stage: Stage, test: dict, deep: dict, nets: dict, model1: LinearChain) -> None:
    """Reconstructions (fig. 10), weights (fig. 11) and W W^T (fig. 12)."""
    x = test["spins"][:2]
    panels, titles = [], []
    with torch.no_grad():
        for k in range(2):
            panels.append(x[k].reshape(32, 32).numpy())
            titles.append("input")
            for name, model in deep.items():
                panels.append(np.sign(model(x[k : k + 1])).reshape(32, 32).numpy())
                titles.append(f"{name} (sign)")
    fig = plots_ising.lattice_panels(panels, titles, ncols=4)
    stage.add_artifact(
        write_figure(stage.path("reports/figures/ae_reconstructions.png"), fig), "figures"
    )
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
