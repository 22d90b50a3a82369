"""Stage ae_entropy: local entropy of input lattices, AE-WR outputs and decimated lattices
(study 001, figs. 13-14). AE-WR outputs are binarised by their sign; decimated lattices are the
16 x 16 result of two decimation steps."""

from __future__ import annotations

import numpy as np

from nnrg import plots_ae, plots_ising
from nnrg.analysis.entropy import local_entropy
from nnrg.models.autoencoder import AE_SIZES, LinearChain
from nnrg.numerics.stats import mean_of_replicas
from nnrg.physics.rg import decimate_checkerboard, decimate_rows
from nnrg.stages.ae_wide import MODEL
from nnrg.stages.base import Stage
from nnrg.stages.io import read_npz, write_figure, write_text
from nnrg.stages.training_common import lattice_schema, load_model, predict

KINDS = ("input", "ae", "decimated")


def main() -> None:
    stage = Stage("ae_entropy", uses=("ae_wide",))
    p = stage.section
    data = read_npz(
        stage.path("data/ising_entropy/lattices.npz"),
        require=lattice_schema(stage.params.ising_entropy.L, "beta"),
    )
    ae = load_model(stage, MODEL, LinearChain(AE_SIZES))
    betas = np.unique(data["beta"])
    table = {k: [] for k in KINDS}
    examples = []
    for beta in betas:
        x = data["spins"][data["beta"] == beta][: p.n_per_beta]
        out = np.sign(predict(ae, x)).reshape(x.shape)
        dec = decimate_rows(decimate_checkerboard(x))
        for kind, lattices in zip(KINDS, (x, out, dec), strict=True):
            table[kind].append(mean_of_replicas(local_entropy(lattices)))
        examples.append((beta, x[0], out[0], dec[0]))

    lines = ["beta,input,input_error,ae,ae_error,decimated,decimated_error"]
    for k, beta in enumerate(betas):
        lines.append(
            f"{beta:.6g},"
            + ",".join(f"{table[kind][k].mean:.6g},{table[kind][k].error:.3g}" for kind in KINDS)
        )
    stage.add_artifact(
        write_text(stage.path("reports/plots/ae_entropy.csv"), "\n".join(lines) + "\n"), "plots"
    )
    fig = plots_ae.curves(
        betas,
        {
            f"{kind} lattices": (
                np.array([e.mean for e in table[kind]]),
                np.array([e.error for e in table[kind]]),
            )
            for kind in KINDS
        },
        r"$\beta$",
        "mean local entropy [bits/site]",
    )
    stage.add_artifact(write_figure(stage.path("reports/figures/ae_entropy.png"), fig), "figures")
    shown = [examples[0], examples[len(examples) // 2], examples[-1]]
    fig = plots_ising.lattice_panels(
        [im for ex in shown for im in ex[1:]],
        [
            f"{t} (beta={ex[0]:.3f})"
            for ex in shown
            for t in ("input", "AE-WR (sign)", "decimated x2")
        ],
        ncols=3,
    )
    stage.add_artifact(
        write_figure(stage.path("reports/figures/ae_entropy_examples.png"), fig), "figures"
    )

    def gap(a: str, b: str, k: int) -> dict[str, float]:
        ea, eb = table[a][k], table[b][k]
        return {
            "value": ea.mean - eb.mean,
            "error": float(np.hypot(ea.error, eb.error)),
            "n": min(ea.n, eb.n),
        }

    stage.finish(
        {
            "betas": betas,
            "entropy": {kind: [e.as_dict() for e in table[kind]] for kind in KINDS},
            "input_minus_ae_low_beta": gap("input", "ae", 0),
            "input_minus_ae_high_beta": gap("input", "ae", len(betas) - 1),
            "decimated_minus_ae_high_beta": gap("decimated", "ae", len(betas) - 1),
            "low_beta": float(betas[0]),
            "high_beta": float(betas[-1]),
        }
    )
