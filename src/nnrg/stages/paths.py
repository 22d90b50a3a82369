"""Where stage outs live, relative to the result set's root (the directory holding its
``dvc.yaml`` and ``params.yaml``; see :func:`nnrg.stages.io.repo_root`).

Each path that one stage writes and another reads is stated here once, so no stage imports
another for a path; ``WRITTEN_BY`` names the stage whose ``dvc.yaml`` outs hold it, which
``tests/test_deps.py`` checks.
"""

from __future__ import annotations

DYNAMICS = "data/dynamics"
ISING_CRITICAL = "data/ising_critical"
ISING_WIDE = "data/ising_wide"
ISING_ENTROPY = "data/ising_entropy"
ISING_TEMPERATURES = "data/ising_temperatures"
ISING_CHAIN = "data/ising_chain"
MNIST = "data/mnist"
IMP_GLOBAL = "models/imp_global"
CLASSIFIERS = "models/classifiers"
AE_WIDE_MODEL = "models/ae_wide.npz"
BETA_REGRESSOR_MODEL = "models/beta_regressor.npz"

RECORDS = "reports/records"  # <stage>.json: a stage's full record (Stage.finish)
METRICS = "reports/metrics"  # <stage>.json: its headline scalars (nnrg.headline)

WRITTEN_BY = {
    DYNAMICS: "dynamics",
    ISING_CRITICAL: "ising_critical",
    ISING_WIDE: "ising_wide",
    ISING_ENTROPY: "ising_entropy",
    ISING_TEMPERATURES: "ising_temperatures",
    ISING_CHAIN: "ising_chain",
    MNIST: "rbm_classifiers",
    IMP_GLOBAL: "imp_global",
    CLASSIFIERS: "rbm_classifiers",
    AE_WIDE_MODEL: "ae_wide",
    BETA_REGRESSOR_MODEL: "beta_regressor",
}
