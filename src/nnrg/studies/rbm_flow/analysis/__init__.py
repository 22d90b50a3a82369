"""Analysis of this study: fits, read-outs and estimators (pure numpy)."""
