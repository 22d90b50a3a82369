"""Analysis: fits, read-outs, thermometers and scaling (pure numpy). The estimators they use
(``stats``, ``autocorr``, ``wick``) live one level below, in ``nnrg.numerics``."""
