"""Stage ising_entropy: study 001's beta grid for the local-entropy study (paper: 20 x 1000)."""

from __future__ import annotations

import numpy as np

from nnrg.core.declare import StageSpec
from nnrg.core.io import write_dataset
from nnrg.core.stage import Stage
from nnrg.ising.data_stage import diagnostics_table, report_ensembles, sample_checked, tau_plot
from nnrg.ising.params import SamplerParams
from nnrg.studies.autoencoder_rg import paths
from nnrg.studies.autoencoder_rg.params import IsingEntropyParams

CURVES_ISING_ENTROPY_TAU = "reports/plots/ising_entropy_tau.csv"


STAGE = StageSpec(
    "ising_entropy",
    IsingEntropyParams,
    uses={"sampler": SamplerParams},
    tracks=("sampler",),
    outs=(
        paths.ISING_ENTROPY,
        "reports/figures/ising_entropy_sampler.png",
        CURVES_ISING_ENTROPY_TAU,
    ),
    headline=(
        "exact_check.max_abs_z_energy",
        "exact_check.passed",
        "tau_int_max",
    ),
    plots={
        "ising_tau": tau_plot(CURVES_ISING_ENTROPY_TAU),
    },
)


def main() -> None:
    stage = Stage(STAGE)
    p = stage.section
    betas = np.linspace(p.beta_min, p.beta_max, p.n_betas)
    counts = np.full(p.n_betas, p.samples_per_beta)
    spins, beta, diags = sample_checked(
        stage, p.L, betas, counts, p.n_chains, np.random.SeedSequence(p.seed), f"{p.n_betas} betas"
    )

    meta = {"L": p.L, "betas": betas, "n": len(spins), "sampler": diagnostics_table(diags)}
    write_dataset(
        stage.path(paths.ISING_ENTROPY), {"lattices": {"spins": spins, "beta": beta}}, meta
    )
    stage.add_artifact(stage.path(f"{paths.ISING_ENTROPY}/meta.json"), "data")
    metrics = report_ensembles(stage, p.L, diags, "ising_entropy")
    metrics["n"] = len(spins)
    stage.finish(metrics)
