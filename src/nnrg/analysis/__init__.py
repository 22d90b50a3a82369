"""Analysis: estimators, fits and statistics (pure numpy)."""
