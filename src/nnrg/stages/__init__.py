"""DVC stages: one thin module per stage (read params, call library code, write outs, log).

``STAGES`` is the registry of stage names, in pipeline order: a stage's name is its module
(``nnrg.stages.<name>``), its params section, its ``dvc.yaml`` stage and its CLI command.
"""

STAGES = (
    "ising_critical",
    "ising_wide",
    "ising_entropy",
    "ising_temperatures",
    "ising_chain",
    "dynamics",
    "hnn_dense",
    "imp_layers",
    "imp_global",
    "ticket_transfer",
    "nnqft_width",
    "nnqft_sigma",
    "beta_regressor",
    "ae_models",
    "ae_wide",
    "ae_entropy",
    "beta_flow",
    "rbm_classifiers",
    "rbm_ising",
    "rbm_mnist",
    "report",
)
