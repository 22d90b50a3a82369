"""One package per study. A study package holds everything that serves only that study (params,
models, analysis, plots, stages, claims); no study imports another
(tests/core/test_architecture.py). The list of studies is ``nnrg.studies.registry``, which no
stage imports."""
