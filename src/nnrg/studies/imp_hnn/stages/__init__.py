"""This study's stages, one module each (``STAGE`` declares it, ``main()`` runs it), in
pipeline order."""

ORDER = (
    "dynamics",
    "hnn_dense",
    "imp_layers",
    "imp_global",
    "imp_analysis",
    "ticket_transfer",
)
