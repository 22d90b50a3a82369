"""Pruning: masks, iterative magnitude pruning and the layer exponents sigma (study 000)."""
