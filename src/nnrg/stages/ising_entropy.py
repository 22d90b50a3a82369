"""Stage ising_entropy: study 001's beta grid for the local-entropy study (paper: 20 x 1000)."""

from __future__ import annotations

import numpy as np

from nnrg.stages import paths
from nnrg.stages.base import Stage
from nnrg.stages.io import write_dataset
from nnrg.stages.ising_common import diagnostics_table, report_ensembles, sample_checked


def main() -> None:
    stage = Stage("ising_entropy", uses=("sampler",))
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
