"""numerics: estimates with error bars (``stats``), integrated autocorrelation times
(``autocorr``), Wick / pairing sums (``wick``), power-law fits (``powerlaw``) and per-chain random
streams for numba kernels (``rng``). They import no other nnrg package."""
