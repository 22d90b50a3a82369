"""This study's stages, one module each (``STAGE`` declares it, ``main()`` runs it), in
pipeline order."""

ORDER = (
    "ising_critical",
    "ising_wide",
    "ising_entropy",
    "beta_regressor",
    "ae_models",
    "ae_wide",
    "ae_entropy",
    "beta_flow",
)
