"""Stage ae_entropy: local entropy of input lattices, AE-WR outputs and decimated lattices
(study 001, figs. 13-14). AE-WR outputs are binarised by their sign; decimated lattices are the
16 x 16 result of two decimation steps."""

from __future__ import annotations

import numpy as np

from nnrg.core.declare import Plot, StageSpec
from nnrg.core.io import read_npz, write_csv, write_figure
from nnrg.core.stage import Stage
from nnrg.ising import plots as plots_ising
from nnrg.ising.decimation import decimate_checkerboard, decimate_rows
from nnrg.numerics.stats import Estimate, difference, mean_of_replicas
from nnrg.studies.autoencoder_rg import paths
from nnrg.studies.autoencoder_rg import plots as plots_ae
from nnrg.studies.autoencoder_rg.analysis.entropy import local_entropy
from nnrg.studies.autoencoder_rg.autoencoder import LinearChain, ae_sizes
from nnrg.studies.autoencoder_rg.params import AeEntropyParams, AeWideParams, IsingEntropyParams
from nnrg.studies.autoencoder_rg.stages.common import lattice_schema, predict
from nnrg.training.runs import load_model

FIGURE_AE_ENTROPY = "reports/figures/ae_entropy.png"
FIGURE_AE_ENTROPY_EXAMPLES = "reports/figures/ae_entropy_examples.png"
CURVES_AE_ENTROPY = "reports/plots/ae_entropy.csv"


STAGE = StageSpec(
    "ae_entropy",
    AeEntropyParams,
    uses={"ae_wide": AeWideParams},
    reads={"ising_entropy": IsingEntropyParams},
    deps=(
        paths.ISING_ENTROPY,
        paths.AE_WIDE_MODEL,
    ),
    outs=(
        FIGURE_AE_ENTROPY,
        FIGURE_AE_ENTROPY_EXAMPLES,
        CURVES_AE_ENTROPY,
    ),
    headline=(
        "input_minus_ae_high_beta.value",
        "input_minus_ae_low_beta.value",
    ),
    plots={
        "ae_local_entropy": Plot(
            "nnrg_lines",
            "Study 001: local entropy of input, autoencoder and decimated lattices",
            "beta",
            {CURVES_AE_ENTROPY: ["input", "ae", "decimated"]},
            "beta",
            "local entropy per site",
        ),
    },
)


KINDS = ("input", "ae", "decimated")


def entropies(stage: Stage) -> tuple[np.ndarray, dict[str, list[Estimate]], list]:
    """Per beta: mean local entropy of inputs, sign(AE-WR(x)) and twice-decimated lattices,
    and one example lattice of each."""
    L = stage.params.ising_entropy.L
    data = read_npz(
        stage.path(f"{paths.ISING_ENTROPY}/lattices.npz"), require=lattice_schema(L, "beta")
    )
    ae = load_model(stage, paths.AE_WIDE_MODEL, LinearChain(ae_sizes(L * L)))
    betas = np.unique(data["beta"])
    table: dict[str, list[Estimate]] = {k: [] for k in KINDS}
    examples = []
    for beta in betas:
        x = data["spins"][data["beta"] == beta][: stage.section.n_per_beta]
        out = np.sign(predict(ae, x)).reshape(x.shape)
        dec = decimate_rows(decimate_checkerboard(x))
        for kind, lattices in zip(KINDS, (x, out, dec), strict=True):
            table[kind].append(mean_of_replicas(local_entropy(lattices)))
        examples.append((beta, x[0], out[0], dec[0]))
    return betas, table, examples


def write_outputs(stage: Stage, betas: np.ndarray, table: dict, examples: list) -> None:
    """The entropy table for ``dvc plots``, the curves (fig. 13) and examples (fig. 14)."""
    columns = ["beta"] + [f"{kind}{tail}" for kind in KINDS for tail in ("", "_error")]
    rows = [
        (b, *(v for kind in KINDS for v in (table[kind][k].mean, table[kind][k].error)))
        for k, b in enumerate(betas)
    ]
    formats = {c: ".3g" if c.endswith("_error") else ".6g" for c in columns}
    stage.add_artifact(write_csv(stage.path(CURVES_AE_ENTROPY), columns, rows, formats), "plots")
    curves = {
        f"{kind} lattices": (np.array([e.mean for e in est]), np.array([e.error for e in est]))
        for kind, est in table.items()
    }
    fig = plots_ae.curves(betas, curves, r"$\beta$", "mean local entropy [bits/site]")
    stage.add_artifact(write_figure(stage.path(FIGURE_AE_ENTROPY), fig), "figures")
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
    path = stage.path(FIGURE_AE_ENTROPY_EXAMPLES)
    stage.add_artifact(write_figure(path, fig), "figures")


def main() -> None:
    stage = Stage(STAGE)
    betas, table, examples = entropies(stage)
    write_outputs(stage, betas, table, examples)
    last = len(betas) - 1
    stage.finish(
        {
            "betas": betas,
            "entropy": {kind: [e.as_dict() for e in table[kind]] for kind in KINDS},
            "input_minus_ae_low_beta": difference(table["input"][0], table["ae"][0]),
            "input_minus_ae_high_beta": difference(table["input"][last], table["ae"][last]),
            "decimated_minus_ae_high_beta": difference(table["decimated"][last], table["ae"][last]),
            "low_beta": float(betas[0]),
            "high_beta": float(betas[-1]),
        }
    )
