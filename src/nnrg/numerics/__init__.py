"""Numerical building blocks below every other package: estimates with error bars (``stats``),
integrated autocorrelation times (``autocorr``) and Wick / pairing sums (``wick``). They import
nothing from ``physics``, ``models`` or ``analysis``, so those packages form no cycle."""
