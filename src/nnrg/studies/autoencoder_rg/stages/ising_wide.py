"""Stage ising_wide: study 001's lattices over beta in [beta_min, beta_max) (paper: 50,000)."""

from __future__ import annotations

import numpy as np

from nnrg.core.declare import StageSpec
from nnrg.core.io import write_dataset
from nnrg.core.stage import Stage
from nnrg.ising.data_stage import diagnostics_table, report_ensembles, sample_checked, tau_plot
from nnrg.ising.datasets import split_counts, train_test_indices
from nnrg.ising.params import SamplerParams
from nnrg.studies.autoencoder_rg import paths
from nnrg.studies.autoencoder_rg.params import IsingWideParams

CURVES_ISING_WIDE_TAU = "reports/plots/ising_wide_tau.csv"


STAGE = StageSpec(
    "ising_wide",
    IsingWideParams,
    uses={"sampler": SamplerParams},
    tracks=("sampler",),
    outs=(
        paths.ISING_WIDE,
        "reports/figures/ising_wide_sampler.png",
        CURVES_ISING_WIDE_TAU,
    ),
    headline=(
        "exact_check.max_abs_z_energy",
        "exact_check.passed",
        "tau_int_max",
    ),
    plots={
        "ising_tau": tau_plot(CURVES_ISING_WIDE_TAU),
    },
)


def main() -> None:
    stage = Stage(STAGE)
    p = stage.section
    betas = np.linspace(p.beta_min, p.beta_max, p.n_betas, endpoint=False)
    sample_seed, split_seed = np.random.SeedSequence(p.seed).spawn(2)
    spins, beta, diags = sample_checked(
        stage,
        p.L,
        betas,
        split_counts(p.n_samples, p.n_betas),
        p.n_chains,
        sample_seed,
        f"{p.n_betas} betas",
    )
    train, test = train_test_indices(len(spins), p.test_fraction, np.random.default_rng(split_seed))

    files = {n: {"spins": spins[i], "beta": beta[i]} for n, i in (("train", train), ("test", test))}
    meta = {"L": p.L, "betas": betas, "n_train": len(train), "n_test": len(test)}
    write_dataset(
        stage.path(paths.ISING_WIDE), files, {**meta, "sampler": diagnostics_table(diags)}
    )
    stage.add_artifact(stage.path(f"{paths.ISING_WIDE}/meta.json"), "data")
    metrics = report_ensembles(stage, p.L, diags, "ising_wide")
    metrics.update({"n_train": len(train), "n_test": len(test)})
    stage.finish(metrics)
