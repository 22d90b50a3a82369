"""This study's stages, one module each (``STAGE`` declares it, ``main()`` runs it), in
pipeline order."""

ORDER = (
    "nnqft_width",
    "nnqft_sigma",
)
