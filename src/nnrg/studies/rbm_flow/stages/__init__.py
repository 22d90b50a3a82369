"""This study's stages, one module each (``STAGE`` declares it, ``main()`` runs it), in
pipeline order."""

ORDER = (
    "ising_temperatures",
    "ising_chain",
    "rbm_classifiers",
    "rbm_ising",
    "rbm_mnist",
)
