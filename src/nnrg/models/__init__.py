"""nnrg.models package."""
